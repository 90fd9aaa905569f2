"""`python -m bench.host` (`make bench-host`): Intake as a host of many
organisations, beside a one-organisation instance of the same size.

The host: `intake demo-data --orgs N --cases M` (BENCH_HOST_ORGS, default 8000;
BENCH_HOST_CASES, default 1000000). Measured there: the directory search (GET / with
typical queries, asked in turn), the host statistics (GET /stats at the host's root) and
every per-organisation target of `make bench` under /o/<slug>/ of the organisation holding
the most cases. The directory and the host statistics are also measured with every
answer computed (not judged: the cost of a question no worker keeps). Then a
one-organisation instance holding as many cases as that organisation runs the same
targets at its root; the table puts the two side by side.

Judged at 16 connections: the directory search and the host statistics p50 < 50 ms, and
every per-organisation figure (req/s and p50) within 1.5× of the one-organisation one.
Settings as `make bench` (BENCH_DURATION, BENCH_CONNECTIONS, default "16" here);
BENCH_HOST_OUTPUT (default docs/benchmarks-host.md).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from bench import report, web
from bench.drive import Endpoint, Result
from bench.instances import Instance
from bench.report import (
    HEALTH,
    LANDING,
    QUEUE,
    STATS,
    STATS_LAST,
    TARGET_CONNECTIONS,
    TRACK,
    SizeRun,
    _ms,
    _ratio,
    _table,
)
from bench.run import Bench, Settings, _interrupt, _line, _numbers, _say, preflight
from bench.servers import ROOT, DurablePostgres, Gunicorn

DIRECTORY = "GET /?q= (directory search)"
HOST_STATS = "GET /stats (host)"
# The same pages, every answer computed: each path carries a part the page ignores, and
# there are more paths than a worker keeps answers (intake.host.page_cache).
DIRECTORY_COMPUTED = "GET /?q= (directory search, every answer computed)"
HOST_STATS_COMPUTED = "GET /stats (host, every answer computed)"
VARIANTS = 200
HOST_P50_MS = 50.0
WITHIN = 1.5
# What people type into the directory: provinces (official and short), type words and
# abbreviations, common parts of place names, English.
QUERIES = (
    "เชียงใหม่",
    "ขอนแก่น",
    "อบต. หนอง",
    "เทศบาลตำบล",
    "บ้านใหม่",
    "นครราชสีมา",
    "โคราช",
    "อบจ.",
    "เมือง",
    "ทุ่ง",
    "เทศบาลนคร",
    "สุราษฎร์",
    "Nong",
    "Chiang Rai",
    "Ban Mai",
    "อบต. ท่า อุบล",
)
BIGGEST = re.compile(r"the biggest share: (\S+) \((\d+) cases\)")
PER_ORGANISATION = (HEALTH, LANDING, TRACK, STATS, STATS_LAST, QUEUE)


@dataclass
class HostRun:
    organisations: int
    cases: int
    slug: str = ""
    biggest: int = 0
    load_seconds: float = 0.0
    load_output: str = ""
    database_size: str = ""
    results: dict[tuple[str, int], Result] = field(default_factory=dict)
    host_stats_missing: str = ""  # why the host statistics were not measured
    organisation: SizeRun | None = None  # its pages under /o/<slug>/
    single: SizeRun | None = None  # the one-organisation instance of its size


def directory_endpoint() -> Endpoint:
    paths = tuple(f"/?q={quote(query)}" for query in QUERIES)
    return Endpoint(DIRECTORY, paths[0], paths=paths)


def computed_endpoints() -> list[Endpoint]:
    """The directory and the host statistics with no answer kept: the cost of a question
    a worker has not been asked within INTAKE_STATS_CACHE_SECONDS."""
    searches = tuple(f"/?q={quote(query)}&v={n}" for n in range(VARIANTS) for query in QUERIES)
    stats = tuple(f"/stats?v={n}" for n in range(VARIANTS * len(QUERIES)))
    return [
        Endpoint(DIRECTORY_COMPUTED, searches[0], paths=searches),
        Endpoint(HOST_STATS_COMPUTED, stats[0], paths=stats),
    ]


def host_stats_missing(port: int) -> str:
    """'' when the host's /stats answers 200; otherwise what it answered."""
    response = web.Browser(port).request("GET", "/stats")
    if response.status == 200:
        return ""
    where = response.headers.get("location", "")
    return f"GET /stats at the host's root answered {response.status} {where}".strip()


def judge(run: HostRun) -> list[str]:
    c = TARGET_CONNECTIONS
    lines = []
    for label in (DIRECTORY, HOST_STATS):
        result = run.results.get((label, c))
        if result is None:
            why = run.host_stats_missing if label == HOST_STATS else "not measured"
            lines.append(f"- {label} p50 < {HOST_P50_MS:.0f} ms at {c}: **not met** ({why})")
            continue
        ok = result.p50_ms < HOST_P50_MS and not result.errors
        verdict = "met" if ok else "**not met**"
        lines.append(
            f"- {label} p50 < {HOST_P50_MS:.0f} ms at {c}: {verdict} "
            f"(p50 {_ms(result.p50_ms)} ms, {result.rps:,.0f} req/s, {result.errors} errors)"
        )
    if run.organisation is None or run.single is None:
        return [*lines, "- per-organisation figures: not measured"]
    for label in PER_ORGANISATION:
        a, b = run.single.results.get((label, c)), run.organisation.results.get((label, c))
        if a is None or b is None:
            lines.append(f"- {label}: not measured")
            continue
        if not (a.requests and b.requests):
            lines.append(f"- {label}: no answer within the run at {c} connections")
            continue
        slower = max(a.rps / b.rps, b.p50_ms / a.p50_ms)
        verdict = "met" if slower <= WITHIN and not b.errors else "**not met**"
        lines.append(f"- {label} within {WITHIN}× at {c}: {verdict} ({slower:.2f}×)")
    return lines


def side_by_side(run: HostRun, connections: list[int]) -> list[str]:
    """The same targets on the host's biggest organisation and on one organisation alone."""
    if run.organisation is None or run.single is None:
        return ["Per-organisation pages not measured."]
    rows = []
    for label in PER_ORGANISATION:
        for c in connections:
            a, b = run.single.results.get((label, c)), run.organisation.results.get((label, c))
            if a is None or b is None:
                continue
            rows.append(
                [
                    label,
                    str(c),
                    f"{a.rps:,.0f} / {b.rps:,.0f}",
                    _ratio(a.rps, b.rps),
                    f"{_ms(a.p50_ms)} / {_ms(b.p50_ms)}",
                    _ratio(b.p50_ms, a.p50_ms),
                    f"{_ms(a.p99_ms)} / {_ms(b.p99_ms)}",
                ]
            )
    header = [
        "endpoint",
        "conns",
        "req/s alone / on the host",
        "slowdown (req/s)",
        "p50 ms alone / on the host",
        "p50 ratio",
        "p99 ms alone / on the host",
    ]
    return _table(header, rows)


def host_table(run: HostRun, connections: list[int]) -> list[str]:
    rows = []
    for label in (DIRECTORY, HOST_STATS, DIRECTORY_COMPUTED, HOST_STATS_COMPUTED):
        for c in connections:
            result = run.results.get((label, c))
            if result is not None:
                rows.append(
                    [
                        label,
                        str(c),
                        f"{result.rps:,.0f}",
                        _ms(result.p50_ms),
                        _ms(result.p99_ms),
                        str(result.errors),
                    ]
                )
    return _table(["endpoint", "conns", "req/s", "p50 ms", "p99 ms", "errors"], rows)


class HostBench(Bench):
    def host(self, postgres: DurablePostgres, organisations: int, cases: int) -> HostRun:
        run = HostRun(organisations, cases)
        _say(f"\n== host: {organisations:,} organisations, {cases:,} cases")
        instance = Instance(
            "postgresql",
            cases,
            self.work / "host",
            self.work / "host.log",
            postgres=postgres,
            organisations=organisations,
        )
        app: Gunicorn | None = None
        try:
            instance.init()
            instance.load_demo_data(_say)
            run.load_seconds, run.load_output = instance.load_seconds, instance.load_output
            run.database_size = instance.database_size()
            found = BIGGEST.search(run.load_output)
            if found is None:
                raise RuntimeError("demo-data --orgs named no biggest organisation")
            run.slug, run.biggest = found.group(1), int(found.group(2))
            _say(
                f"  loaded in {run.load_seconds:,.1f} s; database {run.database_size}; "
                f"measured organisation {run.slug} ({run.biggest:,} cases)"
            )
            instance.organisation = run.slug
            uri = instance.create_staff()
            app = Gunicorn(
                "intake-host", "wsgi:app", instance.env, self.work / "gunicorn-host.log", ROOT
            )
            self.stack.callback(app.stop)
            app.start("/healthz")
            self._host_targets(run, app, postgres)
            run.organisation = SizeRun("postgresql", run.biggest)
            self.measure(run.organisation, instance, app, uri, prefix=f"/o/{run.slug}")
        finally:
            if app is not None:
                app.stop()
            with contextlib.suppress(Exception):
                instance.drop()
        return run

    def _host_targets(self, run: HostRun, app: Gunicorn, postgres: DurablePostgres) -> None:
        seconds = self.settings.duration
        endpoints = [directory_endpoint()]
        run.host_stats_missing = host_stats_missing(app.port)
        if run.host_stats_missing:
            _say(f"    {HOST_STATS}: not measured: {run.host_stats_missing}")
        else:
            endpoints.append(Endpoint(HOST_STATS, "/stats"))
        computed = computed_endpoints()
        endpoints += computed if not run.host_stats_missing else computed[:1]
        for endpoint in endpoints:
            self.wrk(app, endpoint, TARGET_CONNECTIONS, min(2, seconds))  # warm-up
            for c in self.settings.connections:
                result = self.wrk(app, endpoint, c, seconds, postgres)
                run.results[(endpoint.label, c)] = result
                _say(_line(result, None))


def document(settings: Settings, run: HostRun, facts: dict[str, str], elapsed: float) -> str:
    lines = [
        "# Benchmarks: a host of many organisations",
        "",
        f"Written by `python -m bench.host` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; the run "
        f"took {elapsed / 60:.1f} minutes. Settings as in docs/benchmarks.md.",
        "",
        *_table(["", ""], [[key, value] for key, value in facts.items()]),
        "",
        f"Host: {run.organisations:,} organisations, {run.cases:,} cases, loaded in "
        f"{run.load_seconds:,.1f} s; database {run.database_size}. Measured organisation: "
        f"`{run.slug}` ({run.biggest:,} cases); the one-organisation instance holds as many.",
        "",
        "## Targets",
        "",
        *judge(run),
        "",
        "## Host pages",
        "",
        "Production keeps these pages, as answered, for `INTAKE_STATS_CACHE_SECONDS` (60 s) "
        "per worker, per language, address and query (`intake.host.page_cache`); the judged "
        'rows ask the typical questions in turn, as visitors do. The rows marked "every '
        'answer computed" ask a question the worker has not kept each time (the same pages '
        "with a part they ignore added, more of them than a worker keeps): what a question "
        "nobody asked within the minute costs.",
        "",
        *host_table(run, settings.connections),
        "",
        "## One organisation alone | the same organisation on the host",
        "",
        *side_by_side(run, settings.connections),
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    organisations = _numbers("BENCH_HOST_ORGS", "8000")[0]
    cases = _numbers("BENCH_HOST_CASES", "1000000")[0]
    connections = sorted(set(_numbers("BENCH_CONNECTIONS", str(TARGET_CONNECTIONS))))
    output = Path(
        os.environ.get("BENCH_HOST_OUTPUT", "").strip() or ROOT / "docs" / "benchmarks-host.md"
    )
    settings = Settings([cases], [], _numbers("BENCH_DURATION", "10")[0], connections, output)
    bin_dir = preflight()
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    clock = time.monotonic()
    facts = report.machine()
    work = Path(tempfile.mkdtemp(prefix="intake-bench-host-"))
    stack = contextlib.ExitStack()
    try:
        postgres = DurablePostgres(bin_dir)
        stack.callback(postgres.stop)
        postgres.start()
        hello_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        hello = Gunicorn(
            "hello", "hello:app", hello_env, work / "gunicorn-hello.log", ROOT / "bench"
        )
        stack.callback(hello.stop)
        hello.start("/")
        bench = HostBench(settings, work, hello, stack)
        run = bench.host(postgres, organisations, cases)
        run.single = bench.size("postgresql", run.biggest, postgres)
        text = document(settings, run, facts, time.monotonic() - clock)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        _say("\n" + text + f"\n\n== written to {output}")
        return 0
    except KeyboardInterrupt:
        _say("\n== interrupted: stopping servers, removing temp dirs")
        return 130
    except Exception as error:
        _say(f"\n== host benchmark failed: {error}")
        for log in sorted(work.glob("*.log")):
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:]
            _say(f"--- {log.name} (last lines)\n" + "\n".join(tail))
        raise
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            stack.close()
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
