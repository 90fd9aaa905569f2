"""The benchmark's figures as Markdown tables, the targets of issue 20, and the machine."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from importlib import metadata

from bench.drive import Result

HELLO = "bare Flask hello"
TRACK = "POST /track"
TIPS = "POST /tips/new"
STATS = "GET /stats.json"
STATS_LAST = "GET /stats.json?fy=last"  # the last whole fiscal year: the most tallies
QUEUE = "GET /staff/cases"
LANDING = "GET /"
COMPLAINT_FORM = "GET /complaints/new"
TIP_FORM = "GET /tips/new"
PAGES = (LANDING, COMPLAINT_FORM, TIP_FORM)  # the public pages every visitor opens first
SIGN_IN = "staff sign-in (password and TOTP)"
HEALTH = "GET /healthz"  # one SELECT 1: the floor of any request that uses the database
TARGET_CONNECTIONS = 16  # the concurrency the targets are judged at
# bench/floor.py: bare Flask doing the least each kind of request does with the database.
FLOOR_SELECT = "floor: SELECT 1"
FLOOR_READ = "floor: 1 row read, short page"
FLOOR_ROWS = "floor: 50 rows read, table"
FLOOR_WRITE = "floor: 1 row committed"
FLOORS = (FLOOR_SELECT, FLOOR_READ, FLOOR_ROWS, FLOOR_WRITE)


@dataclass(frozen=True)
class TipCheck:
    connections: int
    answered: int  # 303 answers wrk counted
    committed: int  # new tips in the database
    seconds: float

    @property
    def lost(self) -> int:
        return max(0, self.answered - self.committed)

    @property
    def per_second(self) -> float:
        """Answered and committed within the run (in-flight extras are not credited)."""
        return min(self.answered, self.committed) / self.seconds if self.seconds else 0.0


@dataclass
class SizeRun:
    engine: str
    cases: int
    load_seconds: float = 0.0
    load_line: str = ""
    database_size: str = ""
    results: dict[tuple[str, int], Result] = field(default_factory=dict)
    hello: dict[int, Result] = field(default_factory=dict)
    tips: list[TipCheck] = field(default_factory=list)
    duplicate_references: int = 0
    duplicate_digests: int = 0
    memory_mb: dict[int, float] = field(default_factory=dict)
    ready_memory_mb: dict[int, float] = field(default_factory=dict)
    pss_mb: dict[int, float] = field(default_factory=dict)
    peak_after: dict[str, float] = field(default_factory=dict)  # highest VmHWM so far
    hello_memory_mb: dict[int, float] = field(default_factory=dict)
    floor_memory_mb: dict[int, float] = field(default_factory=dict)
    restarted_workers: int = 0
    # The machine's load average (1, 5, 15 min) just before and just after the runs: a
    # run disturbed by other work shows here.
    load_before: str = ""
    load_after: str = ""

    @property
    def title(self) -> str:
        return f"{'PostgreSQL' if self.engine == 'postgresql' else 'SQLite'}, {self.cases:,} cases"


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "–"


def _cpu(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def _errors(result: Result) -> str:
    if not result.errors:
        return "0"
    detail = []
    if result.unexpected:
        detail.append(f"{result.unexpected} × HTTP {result.first_unexpected}…")
    if result.socket_errors:
        detail.append(f"{result.socket_errors} socket")
    return ", ".join(detail)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def endpoint_table(run: SizeRun, labels: list[str], connections: list[int]) -> list[str]:
    rows = []
    for label in [HELLO, *labels]:
        for c in connections:
            result = run.hello.get(c) if label == HELLO else run.results.get((label, c))
            hello = run.hello.get(c)
            if result is None:
                continue
            rows.append(
                [
                    label,
                    str(c),
                    f"{result.rps:,.0f}",
                    _ratio(result.rps, hello.rps) if hello else "–",
                    _ms(result.p50_ms),
                    _ms(result.p99_ms),
                    _errors(result),
                    _cpu(result.app_cpu_ms),
                    _cpu(result.db_cpu_ms),
                ]
            )
    header = [
        "endpoint",
        "conns",
        "req/s",
        "× hello req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "app CPU ms/req",
        "PostgreSQL CPU ms/req",
    ]
    return _table(header, rows)


def cpu_table(run: SizeRun, labels: list[str], cores: int) -> list[str]:
    """Where the time goes at the targets' concurrency: the CPU each answered request
    cost, and the rate those costs alone would allow on this machine's cores."""
    rows = []
    c = TARGET_CONNECTIONS
    for label in [HELLO, *labels]:
        result = run.hello.get(c) if label == HELLO else run.results.get((label, c))
        if result is None or result.app_cpu_ms is None:
            continue
        cost = result.app_cpu_ms + (result.db_cpu_ms or 0.0)
        rows.append(
            [
                label,
                f"{result.rps:,.0f}",
                _cpu(result.app_cpu_ms),
                " + ".join(f"{ms:,.1f}" for ms in result.worker_cpu_ms) or "–",
                _cpu(result.db_cpu_ms),
                f"{cores * 1000 / cost:,.0f}" if cost else "–",
                f"{result.rps * cost / 1000:.2f} of {cores}",
            ]
        )
    header = [
        "endpoint",
        "req/s",
        "app CPU ms/req",
        "of which each worker",
        "PostgreSQL CPU ms/req",
        "req/s if CPU were all it took",
        "cores busy",
    ]
    return _table(header, rows)


def tips_table(run: SizeRun) -> list[str]:
    rows = [
        [
            str(t.connections),
            str(t.answered),
            str(t.committed),
            str(t.lost),
            f"{t.per_second:,.0f}",
        ]
        for t in run.tips
    ]
    header = ["conns", "303 answers (wrk)", "tips committed", "lost", "committed tips/s"]
    lines = _table(header, rows)
    lines.append("")
    lines.append(
        f"Duplicate references in the database: {run.duplicate_references}; duplicate "
        f"tracking digests: {run.duplicate_digests}. (Tips committed may exceed the answers "
        "wrk counted by up to the number of connections: requests in flight when wrk stops.)"
    )
    return lines


def _mb(values: dict[int, float]) -> str:
    return ", ".join(f"{mb:,.0f}" for mb in values.values()) or "–"


def memory_line(run: SizeRun) -> str:
    line = (
        f"Peak memory per worker (VmHWM, MB): Intake {_mb(run.memory_mb)}; bare Flask "
        f"{_mb(run.hello_memory_mb)}; the floors' bare Flask with SQLAlchemy and psycopg "
        f"{_mb(run.floor_memory_mb)}. Intake's workers: resident {_mb(run.ready_memory_mb)} "
        f"MB once ready, before the runs; proportional share (Pss) {_mb(run.pss_mb)} MB "
        "after them."
    )
    if run.peak_after:
        steps = ", ".join(f"{label} {mb:,.0f}" for label, mb in run.peak_after.items())
        line += f" Highest worker peak after each endpoint's runs (MB): {steps}."
    if run.restarted_workers:
        line += f" {run.restarted_workers} worker(s) were restarted during the run."
    return line


def scaling_table(small: SizeRun, large: SizeRun, connections: list[int]) -> list[str]:
    rows = []
    for label in (STATS, STATS_LAST, QUEUE, TRACK, *PAGES, HEALTH):
        for c in connections:
            a, b = small.results.get((label, c)), large.results.get((label, c))
            if a is None or b is None:
                continue
            rows.append(
                [
                    label,
                    str(c),
                    f"{a.rps:,.0f} → {b.rps:,.0f}",
                    _ratio(a.rps, b.rps),
                    f"{_ms(a.p50_ms)} → {_ms(b.p50_ms)}",
                    _ratio(b.p50_ms, a.p50_ms),
                    f"{_ms(a.p99_ms)} → {_ms(b.p99_ms)}",
                ]
            )
    header = [
        "endpoint",
        "conns",
        f"req/s {small.cases:,} → {large.cases:,}",
        "slowdown (req/s)",
        "p50 ms",
        "p50 ratio",
        "p99 ms",
    ]
    return _table(header, rows)


def _verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


# Issue 20's targets: shares of bare Flask's req/s measured in the same run (they hold
# across machines better than times), committed tips, the queue at a million, memory.
HEALTH_SHARE = 0.6
PAGE_SHARE = 0.35
TRACK_SHARE = 0.3
TRACK_P99_MS = 60
TIPS_PER_SECOND = 300
TIPS_CONNECTIONS = 64
QUEUE_P50_MS = 50
STATS_P50_MS = 50
PEAK_MB = 120


def _floor_share(run: SizeRun, floor: str) -> str:
    """The floor's own share of bare Flask's req/s, and what it cost."""
    c = TARGET_CONNECTIONS
    result, hello = run.results.get((floor, c)), run.hello.get(c)
    if not (result and hello and hello.rps):
        return "–"
    return (
        f"{floor}: {result.rps / hello.rps:.2f}× (app CPU {_cpu(result.app_cpu_ms)}, "
        f"PostgreSQL {_cpu(result.db_cpu_ms)} ms/req)"
    )


def _share_row(run: SizeRun, label: str, share: float, floor: str) -> list[str] | None:
    c = TARGET_CONNECTIONS
    result, hello = run.results.get((label, c)), run.hello.get(c)
    if not (result and hello and hello.rps):
        return None
    measured = result.rps / hello.rps
    return [
        f"{label} ≥ {share:.2f}× bare Flask req/s at {c} conns ({run.cases:,} cases)",
        f"{measured:.2f}× ({result.rps:,.0f} vs {hello.rps:,.0f}; app CPU "
        f"{_cpu(result.app_cpu_ms)} vs {_cpu(hello.app_cpu_ms)} ms/req)",
        _floor_share(run, floor),
        _verdict(measured >= share and not result.errors),
    ]


def _tips_row(run: SizeRun) -> list[str] | None:
    at = [t for t in run.tips if t.connections == TIPS_CONNECTIONS] or run.tips
    if not at:
        return None
    best = max(at, key=lambda t: t.per_second)
    lost = sum(t.lost for t in run.tips)
    ok = best.per_second >= TIPS_PER_SECOND and lost == 0 and not run.duplicate_references
    floor = run.results.get((FLOOR_WRITE, best.connections))
    return [
        f"POST /tips/new ≥ {TIPS_PER_SECOND} committed tips/s at {best.connections} conns, "
        f"none lost, references unique ({run.cases:,} cases)",
        f"{best.per_second:,.0f}/s; lost {lost}; duplicate references {run.duplicate_references}",
        f"{FLOOR_WRITE}: {floor.rps:,.0f}/s (app CPU {_cpu(floor.app_cpu_ms)}, PostgreSQL "
        f"{_cpu(floor.db_cpu_ms)} ms/req)"
        if floor
        else "–",
        _verdict(ok),
    ]


def _floor_latency(run: SizeRun, floor: str | None, which: str) -> str:
    result = run.results.get((floor, TARGET_CONNECTIONS)) if floor else None
    if result is None:
        return "–"
    value = result.p50_ms if which == "p50" else result.p99_ms
    return f"{floor}: {which} {_ms(value)} ms (app CPU {_cpu(result.app_cpu_ms)} ms/req)"


def _p50_row(run: SizeRun, label: str, limit: float, floor: str | None) -> list[str] | None:
    result = run.results.get((label, TARGET_CONNECTIONS))
    if not result:
        return None
    ok = result.p50_ms < limit and not result.errors
    return [
        f"{label} p50 < {limit:.0f} ms with {run.cases:,} cases ({TARGET_CONNECTIONS} conns)",
        f"{_ms(result.p50_ms)} ms",
        _floor_latency(run, floor, "p50"),
        _verdict(ok) if run.cases >= 1_000_000 else f"{_verdict(ok)} (not at 1,000,000 cases)",
    ]


def targets(runs: list[SizeRun]) -> list[str]:
    """Issue 20's targets, judged on PostgreSQL at 16 connections (filing at 64)."""
    pg = sorted((r for r in runs if r.engine == "postgresql"), key=lambda r: r.cases)
    if not pg:
        return ["No PostgreSQL run: targets not judged."]
    large = pg[-1]
    c = TARGET_CONNECTIONS
    rows: list[list[str] | None] = []
    for run in pg:
        rows.append(_share_row(run, HEALTH, HEALTH_SHARE, FLOOR_SELECT))
        rows += [_share_row(run, label, PAGE_SHARE, FLOOR_READ) for label in PAGES]
        rows.append(_share_row(run, TRACK, TRACK_SHARE, FLOOR_READ))
        track = run.results.get((TRACK, c))
        if track:
            rows.append(
                [
                    f"{TRACK} p99 < {TRACK_P99_MS} ms at {c} conns ({run.cases:,} cases)",
                    f"{_ms(track.p99_ms)} ms",
                    _floor_latency(run, FLOOR_READ, "p99"),
                    _verdict(track.p99_ms < TRACK_P99_MS and not track.errors),
                ]
            )
        rows.append(_tips_row(run))
    rows.append(_p50_row(large, QUEUE, QUEUE_P50_MS, FLOOR_ROWS))
    # Earlier targets that still hold: the statistics at a million cases.
    rows += [_p50_row(large, label, STATS_P50_MS, None) for label in (STATS, STATS_LAST)]
    peak = max((mb for r in runs for mb in r.memory_mb.values()), default=0.0)
    floor_peak = max((mb for r in runs for mb in r.floor_memory_mb.values()), default=0.0)
    rows.append(
        [
            f"Worker memory < {PEAK_MB} MB (peak VmHWM, all runs)",
            f"{peak:,.1f} MB",
            f"floors' workers: {floor_peak:,.1f} MB" if floor_peak else "–",
            _verdict(peak < PEAK_MB),
        ]
    )
    header = ["target (issue 20)", "measured", "the same kind of request, bare (same run)"]
    return _table([*header, "verdict"], [r for r in rows if r])


def load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu
            )
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(next(ln for ln in f if ln.startswith("MemTotal")).split()[1])
            ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    load = load_average()

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "kernel": f"{platform.system()} {platform.release()}",
        "OS": platform.freedesktop_os_release().get("PRETTY_NAME", "?")
        if hasattr(platform, "freedesktop_os_release")
        else "?",
        "Python": platform.python_version(),
        "gunicorn / Flask / SQLAlchemy / psycopg": " / ".join(
            version(p) for p in ("gunicorn", "flask", "sqlalchemy", "psycopg")
        ),
        "load average at start (1, 5, 15 min)": load,
    }
