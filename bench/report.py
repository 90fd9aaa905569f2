"""The benchmark's figures as Markdown tables, the targets of issue 8, and the machine."""

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
HEALTH = "GET /healthz"  # one SELECT 1: the floor of any request that uses the database
TARGET_CONNECTIONS = 16  # the concurrency the targets are judged at


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
    restarted_workers: int = 0

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
                _cpu(result.db_cpu_ms),
                f"{cores * 1000 / cost:,.0f}" if cost else "–",
                f"{result.rps * cost / 1000:.2f} of {cores}",
            ]
        )
    header = [
        "endpoint",
        "req/s",
        "app CPU ms/req",
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
        f"{_mb(run.hello_memory_mb)}. Intake's workers: resident {_mb(run.ready_memory_mb)} "
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
    for label in (STATS, STATS_LAST, QUEUE, TRACK, LANDING, HEALTH):
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


def targets(runs: list[SizeRun]) -> list[str]:
    """Issue 8's targets, judged on PostgreSQL at 16 connections."""
    pg = sorted((r for r in runs if r.engine == "postgresql"), key=lambda r: r.cases)
    if not pg:
        return ["No PostgreSQL run: targets not judged."]
    small, large = pg[0], pg[-1]
    c = TARGET_CONNECTIONS
    rows: list[list[str]] = []

    for run in pg:
        track, hello = run.results.get((TRACK, c)), run.hello.get(c)
        if track and hello:
            share = track.rps / hello.rps if hello.rps else 0.0
            rows.append(
                [
                    f"POST /track ≥ 50% of bare Flask req/s at {c} conns ({run.cases:,} cases)",
                    f"{share:.0%} ({track.rps:,.0f} vs {hello.rps:,.0f})",
                    _verdict(share >= 0.5 and not track.errors),
                ]
            )
            rows.append(
                [
                    f"POST /track p99 < 20 ms at {c} conns ({run.cases:,} cases)",
                    f"{_ms(track.p99_ms)} ms",
                    _verdict(track.p99_ms < 20 and not track.errors),
                ]
            )
        if run.tips:
            best = max(run.tips, key=lambda t: t.per_second)
            lost = sum(t.lost for t in run.tips)
            rows.append(
                [
                    f"POST /tips/new ≥ 300 committed tips/s, none lost, references unique "
                    f"({run.cases:,} cases)",
                    f"best {best.per_second:,.0f}/s at {best.connections} conns; lost {lost}; "
                    f"duplicate references {run.duplicate_references}",
                    _verdict(best.per_second >= 300 and lost == 0 and not run.duplicate_references),
                ]
            )

    for label in (STATS, STATS_LAST, QUEUE):
        result = large.results.get((label, c))
        if result:
            rows.append(
                [
                    f"{label} p50 < 50 ms with {large.cases:,} cases ({c} conns)",
                    f"{_ms(result.p50_ms)} ms",
                    _verdict(result.p50_ms < 50 and not result.errors)
                    if large.cases >= 1_000_000
                    else f"{_verdict(result.p50_ms < 50)} (at {large.cases:,}, not 1,000,000)",
                ]
            )
        a, b = small.results.get((label, c)), large.results.get((label, c))
        if a and b and small is not large:
            ratio = b.p50_ms / a.p50_ms if a.p50_ms else 0.0
            slowdown = a.rps / b.rps if b.rps else 0.0
            rows.append(
                [
                    f"{label}: {large.cases:,}-case figures within 1.5× of {small.cases:,} "
                    f"({c} conns)",
                    f"p50 × {ratio:.2f}, req/s ÷ {slowdown:.2f}",
                    _verdict(ratio <= 1.5 and slowdown <= 1.5),
                ]
            )
        elif small is large:
            rows.append([f"{label}: 1M figures within 1.5× of 10k", "one size only", "–"])

    peak = max((mb for r in runs for mb in r.memory_mb.values()), default=0.0)
    rows.append(
        ["Worker memory < 150 MB (peak VmHWM, all runs)", f"{peak:,.1f} MB", _verdict(peak < 150)]
    )
    return _table(["target (issue 8)", "measured", "verdict"], rows)


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
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())

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
