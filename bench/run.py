"""`make bench` (issues 8 and 20): Intake under gunicorn against PostgreSQL (and SQLite), beside a
bare Flask "hello" app under the same gunicorn settings, driven by wrk; the tables go to
stdout and to docs/benchmarks.md.

Settings from the environment: BENCH_SIZES (cases per PostgreSQL instance, default
"10000 1000000"), BENCH_DURATION (seconds per wrk run, default 10), BENCH_SQLITE_SIZES
(default: the smallest size; "none" skips SQLite), BENCH_CONNECTIONS (default "1 16 64"),
BENCH_OUTPUT (default docs/benchmarks.md).

Everything runs in temp dirs (a PostgreSQL cluster, instance folders, logs) that are
removed at the end, also on failure, Ctrl-C or SIGTERM; every process started here is
stopped by its own id or process group.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import drive, floor, report, web
from bench.drive import Endpoint
from bench.instances import STAFF_USER, Instance
from bench.report import (
    COMPLAINT_FORM,
    FLOOR_READ,
    FLOOR_ROWS,
    FLOOR_SELECT,
    FLOOR_WRITE,
    FLOORS,
    HEALTH,
    HELLO,
    LANDING,
    QUEUE,
    SIGN_IN,
    STATS,
    STATS_LAST,
    TIP_FORM,
    TIPS,
    TRACK,
    SizeRun,
    TipCheck,
)
from bench.servers import POSTGRES_SETTINGS, ROOT, DurablePostgres, Gunicorn, apt_install, pg_bin

WARM_UP_SECONDS = 2


def last_fiscal_year() -> int:
    """The last whole Thai fiscal year (BE; October starts the next), in Bangkok."""
    today = (datetime.now(UTC) + timedelta(hours=7)).date()
    return today.year + 543 + (1 if today.month >= 10 else 0) - 1


WARM_UP_CONNECTIONS = 16


@dataclass(frozen=True)
class Settings:
    sizes: list[int]
    sqlite_sizes: list[int]
    duration: int
    connections: list[int]
    output: Path

    @property
    def command(self) -> str:
        sizes = " ".join(map(str, self.sizes))
        parts = [f'BENCH_SIZES="{sizes}"', f"BENCH_DURATION={self.duration}"]
        if os.environ.get("BENCH_SQLITE_SIZES", "").strip():
            parts.append(f'BENCH_SQLITE_SIZES="{os.environ["BENCH_SQLITE_SIZES"].strip()}"')
        if os.environ.get("BENCH_CONNECTIONS", "").strip():
            parts.append(f'BENCH_CONNECTIONS="{" ".join(map(str, self.connections))}"')
        if os.environ.get("MAKELEVEL"):
            return "make bench " + " ".join(parts)
        return " ".join(parts) + " .venv/bin/python -m bench.run"


def _numbers(name: str, default: str) -> list[int]:
    raw = os.environ.get(name, "").strip() or default
    try:
        values = [int(word.replace("_", "")) for word in raw.replace(",", " ").split()]
    except ValueError:
        sys.exit(f"{name} must be whole numbers separated by spaces, not {raw!r}")
    if not values or min(values) < 1:
        sys.exit(f"{name} must be whole numbers of at least 1, not {raw!r}")
    return values


def settings_from_env() -> Settings:
    sizes = sorted(set(_numbers("BENCH_SIZES", "10000 1000000")))
    raw_sqlite = os.environ.get("BENCH_SQLITE_SIZES", "").strip().lower()
    if raw_sqlite in ("none", "no", "0", "off"):
        sqlite_sizes = []
    else:
        sqlite_sizes = sorted(set(_numbers("BENCH_SQLITE_SIZES", str(sizes[0]))))
    duration = _numbers("BENCH_DURATION", "10")[0]
    output = Path(os.environ.get("BENCH_OUTPUT", "").strip() or ROOT / "docs" / "benchmarks.md")
    connections = sorted(set(_numbers("BENCH_CONNECTIONS", "1 16 64")))
    return Settings(sizes, sqlite_sizes, duration, connections, output)


# ---------------------------------------------------------------------- preflight


def preflight() -> Path:
    if not shutil.which("wrk"):
        apt_install("wrk")
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    bin_dir = pg_bin()
    if bin_dir is None:
        apt_install("postgresql")
        bin_dir = pg_bin()
    if bin_dir is None:
        sys.exit("PostgreSQL server binaries not found (Debian: apt-get install postgresql)")
    return bin_dir


# ---------------------------------------------------------------------- one size


def _say(text: str) -> None:
    print(text, flush=True)


def _line(result: drive.Result, hello: drive.Result | None) -> str:
    ratio = f" ({result.rps / hello.rps:.2f}× hello)" if hello and hello.rps else ""
    errors = f"  errors {result.errors}" if result.errors else ""
    return (
        f"    {result.label:<24} c={result.connections:<3} {result.rps:>8,.0f} req/s{ratio:<15} "
        f"p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms{errors}"
    )


class Bench:
    def __init__(
        self,
        settings: Settings,
        work: Path,
        hello: Gunicorn,
        stack: contextlib.ExitStack,
        floor: Gunicorn | None = None,
    ) -> None:
        self.settings = settings
        self.work = work
        self.hello = hello
        self.floor = floor  # bench/floor.py, on the PostgreSQL cluster the sizes use
        self.stack = stack  # main's cleanup: stops servers even if a finally is cut short

    def wrk(
        self,
        server: Gunicorn,
        endpoint: Endpoint,
        connections: int,
        seconds: int,
        postgres: DurablePostgres | None = None,
    ) -> drive.Result:
        """One wrk run, then a wait until the server has finished what wrk left in flight.
        The CPU the workers (and PostgreSQL) used during the run, per answered request,
        goes into the result: it says what limits a figure."""
        log = self.work / "wrk.log"
        workers_before = server.cpu_ticks_by_worker()
        db_before = postgres.cpu_ticks() if postgres else 0
        result = drive.run(endpoint, server.port, connections, seconds, self.work, log)
        if result.requests:
            per_request = 10.0 / result.requests  # clock ticks are 10 ms
            used = [
                ticks - workers_before.get(pid, 0)
                for pid, ticks in server.cpu_ticks_by_worker().items()
            ]
            result = dataclasses.replace(
                result,
                app_cpu_ms=sum(used) * per_request,
                db_cpu_ms=(postgres.cpu_ticks() - db_before) * per_request if postgres else None,
                worker_cpu_ms=tuple(sorted((t * per_request for t in used), reverse=True)),
            )
        if not server.wait_idle():
            _say(f"    (the {server.name} workers were still busy 60 s after wrk stopped)")
        return result

    def size(self, engine: str, cases: int, postgres: DurablePostgres | None) -> SizeRun:
        run = SizeRun(engine, cases)
        _say(f"\n== {run.title}")
        instance = Instance(
            engine,
            cases,
            self.work / f"{engine}-{cases}",
            self.work / f"{engine}-{cases}.log",
            postgres=postgres,
        )
        app: Gunicorn | None = None
        try:
            instance.init()
            _say(f"  demo-data --cases {cases} …")
            instance.load_demo_data(_say)
            run.load_seconds, run.load_line = instance.load_seconds, instance.load_line
            run.database_size = instance.database_size()
            _say(
                f"  loaded in {run.load_seconds:,.1f} s "
                f"({cases / run.load_seconds:,.0f} cases/s, command included); "
                f"database {run.database_size}"
            )
            provisioning_uri = instance.create_staff()
            app = Gunicorn(
                f"intake-{engine}-{cases}",
                "wsgi:app",
                instance.env,
                self.work / f"gunicorn-{engine}-{cases}.log",
                ROOT,
            )
            self.stack.callback(app.stop)
            app.start("/healthz")
            run.load_before = report.load_average()
            self.measure(run, instance, app, provisioning_uri)
            run.load_after = report.load_average()
            run.duplicate_references = instance.duplicate_references()
            run.duplicate_digests = instance.duplicate_digests()
            run.memory_mb = app.memory_mb()
            run.pss_mb = app.memory_mb("Pss")
            run.ready_memory_mb = app.ready_rss_mb
            run.hello_memory_mb = self.hello.memory_mb()
            if self.floor is not None and engine == "postgresql":
                run.floor_memory_mb = self.floor.memory_mb()
            run.restarted_workers = app.restarted_workers()
            _say("  " + report.memory_line(run))
        finally:
            if app is not None:
                app.stop()
            with contextlib.suppress(Exception):
                instance.drop()
        return run

    def measure(
        self, run: SizeRun, instance: Instance, app: Gunicorn, uri: str, prefix: str = ""
    ) -> None:
        """The one-organisation targets; with ``prefix`` (``/o/<slug>``) an organisation's
        pages on a host, where the hello runs are left out (the host's run has its own)."""
        port, seconds = app.port, self.settings.duration
        postgres = instance.postgres
        for c in self.settings.connections if not prefix else ():
            run.hello[c] = self.wrk(self.hello, Endpoint(HELLO, "/"), c, seconds)
            _say(_line(run.hello[c], None))
        if not prefix and postgres is not None:
            self.measure_floors(run, postgres)

        def track() -> Endpoint:
            _reference, code = web.file_complaint(port, prefix)
            prepared = web.prepare_track(port, code, prefix)
            return Endpoint(
                TRACK,
                f"{prefix}/track",
                "POST",
                prepared.body,
                prepared.content_type,
                prepared.cookie,
            )

        def tips() -> Endpoint:
            prepared = web.prepare_tip(port, prefix)
            return Endpoint(
                TIPS,
                f"{prefix}/tips/new",
                "POST",
                prepared.body,
                prepared.content_type,
                prepared.cookie,
                303,
            )

        def queue() -> Endpoint:  # signed in just before, well inside the idle limit
            prepared = web.staff_sign_in(port, STAFF_USER, instance.staff_password, uri, prefix)
            return Endpoint(QUEUE, f"{prefix}/staff/cases", cookie=prepared.cookie)

        # Filing runs last: the tips it adds would otherwise inflate the other figures.
        plan: list[Callable[[], Endpoint]] = [
            lambda: Endpoint(HEALTH, f"{prefix}/healthz"),
            lambda: Endpoint(LANDING, f"{prefix}/"),
            lambda: Endpoint(COMPLAINT_FORM, f"{prefix}/complaints/new"),
            lambda: Endpoint(TIP_FORM, f"{prefix}/tips/new"),
            track,
            lambda: Endpoint(STATS, f"{prefix}/stats.json"),
            lambda: Endpoint(STATS_LAST, f"{prefix}/stats.json?fy={last_fiscal_year()}"),
            queue,
            tips,
        ]
        for prepare in plan:
            endpoint = prepare()
            if endpoint.label == QUEUE:
                # Signing in derives keys from the password (scrypt): its own peak, apart
                # from what the queue's runs add after it.
                run.peak_after[SIGN_IN] = max(app.memory_mb().values(), default=0.0)
            self.wrk(app, endpoint, WARM_UP_CONNECTIONS, min(WARM_UP_SECONDS, seconds))
            for c in self.settings.connections:
                before = instance.settle() if endpoint.label == TIPS else 0
                result = self.wrk(app, endpoint, c, seconds, postgres)
                run.results[(endpoint.label, c)] = result
                _say(_line(result, run.hello.get(c)))
                if endpoint.label == TIPS:
                    check = TipCheck(c, result.expected, instance.settle() - before, result.seconds)
                    run.tips.append(check)
                    _say(
                        f"      tips: {check.answered} answered 303, {check.committed} "
                        f"committed ({check.per_second:,.0f}/s), lost {check.lost}"
                    )
            run.peak_after[endpoint.label] = max(app.memory_mb().values(), default=0.0)

    def measure_floors(self, run: SizeRun, postgres: DurablePostgres) -> None:
        """bench/floor.py at the concurrency its targets are judged at: the reading floors
        at 16 connections, the committing one at the filing target's 64."""
        if self.floor is None:
            return
        body = "subject=floor&details=" + "x" * 200
        form = "application/x-www-form-urlencoded"
        plan = [
            (Endpoint(FLOOR_SELECT, "/select-1"), report.TARGET_CONNECTIONS),
            (Endpoint(FLOOR_READ, "/read"), report.TARGET_CONNECTIONS),
            (Endpoint(FLOOR_ROWS, "/rows"), report.TARGET_CONNECTIONS),
            (
                Endpoint(FLOOR_WRITE, "/write", "POST", body, form, expect=303),
                report.TIPS_CONNECTIONS,
            ),
        ]
        seconds = self.settings.duration
        for endpoint, c in plan:
            self.wrk(self.floor, endpoint, WARM_UP_CONNECTIONS, min(WARM_UP_SECONDS, seconds))
            result = self.wrk(self.floor, endpoint, c, seconds, postgres)
            run.results[(endpoint.label, c)] = result
            _say(_line(result, run.hello.get(c)))


# ---------------------------------------------------------------------- the document


def document(
    settings: Settings,
    runs: list[SizeRun],
    facts: dict[str, str],
    started: datetime,
    elapsed: float,
) -> str:
    connections = ", ".join(map(str, settings.connections))
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` (bench/run.py) on {started:%Y-%m-%d %H:%M} UTC; the run took "
        f"{elapsed / 60:.1f} minutes. Re-run it rather than edit this file. What is measured and "
        'how: README, section "Benchmark".',
        "",
        "Command:",
        "",
        f"    {settings.command}",
        "",
        "## Machine",
        "",
        *report._table(["", ""], [[key, value] for key, value in facts.items()]),
        "",
        "The load generator (wrk) runs on the same machine as the servers and the database, so",
        "they share its cores. Figures on a machine that is busy with other work are lower",
        "and noisier: see the load average above.",
        "",
        "## Settings",
        "",
        "- Servers: the project's `gunicorn.conf.py` as is (2 workers × 4 threads, gthread, "
        "access log on), bind overridden to a free loopback port; the same file serves "
        "the bare Flask hello app (`bench/hello.py`), measured in the same run just before "
        "Intake at each size.",
        "- Intake: `INTAKE_ENV=production`, a generated `SECRET_KEY`, `RATELIMIT_ENABLED=false` "
        "(rate limits off, which the design allows for benchmarks only), a fresh instance and "
        "database per size: `intake init`, `intake demo-data --cases N --seed "
        "20260401 --allow-production` (then, on PostgreSQL, `VACUUM (ANALYZE)` as autovacuum "
        "would soon do after a bulk load), a legal officer from `intake create-user`.",
        "- PostgreSQL: a throwaway cluster on a unix socket with **normal durability** "
        "(fsync, synchronous_commit and full_page_writes on), "
        + ", ".join(f"{k}={v}" for k, v in POSTGRES_SETTINGS.items())
        + ".",
        "- SQLite: the app's own settings (WAL, synchronous=NORMAL, BEGIN IMMEDIATE).",
        f"- wrk: {settings.duration} s per run, connections {connections} "
        f"(1 thread for 1 connection, otherwise 2), `--latency`, timeout {drive.TIMEOUT}, a "
        f"{WARM_UP_SECONDS} s warm-up at {WARM_UP_CONNECTIONS} connections per endpoint "
        "(not counted). Requests are prepared through the real pages: a session cookie and "
        "CSRF token from the form, an anonymous tip with subject, details and category "
        "(honeypot empty), a tracking code from a complaint filed through the form, a staff "
        "session signed in with password and TOTP. The filing forms are posted as "
        "multipart/form-data with an empty attachments part, as browsers send them. After "
        "each run the next waits until the workers are idle (nothing left in flight). "
        "Filing runs last, so the tips it adds do not change the other figures.",
        f"- `{STATS}` asks for the current fiscal year (the default); `{STATS_LAST}` for "
        f"the last whole one (`?fy={last_fiscal_year()}`), where demo-data puts most cases. "
        "Production keeps computed statistics for `INTAKE_STATS_CACHE_SECONDS` (60 s) per "
        "worker, so these runs mostly measure answers from memory, as visitors get them.",
        f"- `{HEALTH}` runs one `SELECT 1`: the least any request that uses the database "
        "costs (session, connection, transaction), the floor under every other figure.",
        "- The floors (`bench/floor.py`): bare Flask under the same gunicorn settings, on the "
        "same PostgreSQL cluster, using SQLAlchemy and psycopg as Intake does, doing only the "
        "least each kind of request must do with the database: "
        f"`{FLOOR_SELECT}` (outside a transaction, as `/healthz`), `{FLOOR_READ}` (one row in "
        "a transaction and a page from a compiled template: the least a page that reads the "
        f"database costs), `{FLOOR_ROWS}` (as a queue page shows its rows), `{FLOOR_WRITE}` "
        "(one row inserted and committed durably, then 303, as a filing answers). Measured "
        f"at {report.TARGET_CONNECTIONS} connections (the committing one at "
        f"{report.TIPS_CONNECTIONS}) just after bare Flask hello at each PostgreSQL size. "
        "What a floor reaches is the most its kind of request could reach on this machine "
        "with these libraries: a target above its floor cannot be met by any change to "
        "Intake's own code.",
        "- Errors: answers with another status than the correct one (200; 303 for a filing) "
        "plus socket errors and timeouts. A redirect to the sign-in page counts as an error.",
        f"- Targets are judged on PostgreSQL at {report.TARGET_CONNECTIONS} connections "
        f"(committed tips at {report.TIPS_CONNECTIONS}); a share is req/s over bare Flask's "
        "req/s at the same connections in the same run.",
        "",
        "## Targets (issue 20)",
        "",
        *report.targets(runs),
        "",
    ]
    pg = sorted((r for r in runs if r.engine == "postgresql"), key=lambda r: r.cases)
    if len(pg) >= 2:
        lines += [
            f"## Scaling: {pg[0].cases:,} → {pg[-1].cases:,} cases (PostgreSQL)",
            "",
            *report.scaling_table(pg[0], pg[-1], settings.connections),
            "",
        ]
    labels = [
        *FLOORS,
        HEALTH,
        LANDING,
        COMPLAINT_FORM,
        TIP_FORM,
        TRACK,
        TIPS,
        STATS,
        STATS_LAST,
        QUEUE,
    ]
    for run in runs:
        lines += [
            f"## {run.title}",
            "",
            f"Demo data: {run.load_seconds:,.1f} s for {run.cases:,} cases "
            f"({run.cases / run.load_seconds:,.0f} cases/s including the command's start); "
            f"demo-data said: “{run.load_line}”. Database size after the run: "
            f"{run.database_size}. Load average (1, 5, 15 min) just before the runs: "
            f"{run.load_before}; just after: {run.load_after}.",
            "",
            *report.endpoint_table(run, labels, settings.connections),
            "",
            f"CPU per answered request at {report.TARGET_CONNECTIONS} connections "
            "(the Intake workers' and PostgreSQL's user + system time during the run, "
            "divided by the answers; wrk's own share is small):",
            "",
            *report.cpu_table(run, labels, os.cpu_count() or 1),
            "",
            "Filing (`POST /tips/new`), checked in the database after each run:",
            "",
            *report.tips_table(run),
            "",
            report.memory_line(run),
            "",
        ]
    return "\n".join(lines)


# ---------------------------------------------------------------------- main


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    # A host of many organisations has its own entry point: `python -m bench.host`.
    settings = settings_from_env()
    bin_dir = preflight()
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    started, clock = datetime.now(UTC), time.monotonic()
    facts = report.machine()
    work = Path(tempfile.mkdtemp(prefix="intake-bench-"))
    stack = contextlib.ExitStack()
    _say(f"== intake benchmark: {settings.command}")
    _say(
        f"   sizes {settings.sizes} on PostgreSQL, {settings.sqlite_sizes or 'none'} on SQLite, "
        f"{settings.duration} s per run, connections {settings.connections}"
    )
    try:
        postgres = DurablePostgres(bin_dir)
        stack.callback(postgres.stop)
        postgres.start()
        facts["PostgreSQL"] = postgres.version() + " (durable: fsync on)"
        facts["wrk"] = drive.wrk_version()
        hello_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        hello = Gunicorn(
            "hello", "hello:app", hello_env, work / "gunicorn-hello.log", ROOT / "bench"
        )
        stack.callback(hello.stop)
        hello.start("/")
        floor_url = postgres.create_database("floor")
        floor.prepare(floor_url)
        floor_app = Gunicorn(
            "floor",
            "floor:app",
            {**hello_env, "FLOOR_DATABASE_URL": floor_url},
            work / "gunicorn-floor.log",
            ROOT / "bench",
        )
        stack.callback(floor_app.stop)
        floor_app.start("/select-1")
        bench = Bench(settings, work, hello, stack, floor_app)
        runs = [bench.size("postgresql", n, postgres) for n in settings.sizes]
        runs += [bench.size("sqlite", n, None) for n in settings.sqlite_sizes]
        text = document(settings, runs, facts, started, time.monotonic() - clock)
        settings.output.parent.mkdir(parents=True, exist_ok=True)
        settings.output.write_text(text + "\n", encoding="utf-8")
        _say("\n" + text)
        _say(f"\n== written to {settings.output}")
        return 0
    except KeyboardInterrupt:
        _say("\n== interrupted: stopping servers, removing temp dirs")
        return 130
    except Exception as error:
        _say(f"\n== benchmark failed: {error}")
        for log in sorted(work.glob("*.log")):
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
            _say(f"--- {log.name} (last lines)\n" + "\n".join(tail))
        raise
    finally:
        # Cleanup is bounded by timeouts; a second Ctrl-C must not leave servers behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            stack.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
