"""Run the test suite in tiers (the runner behind ``make test``).

    python tests/tiers.py [extra pytest args, e.g. -x -k name]

Tiers, each a separate ``python -m pytest`` run with env ``INTAKE_TEST_TIER`` set:

1. ``sqlite``      ``-m "not browser and not production"`` (measures coverage)
2. ``postgresql``  ``-m "not browser and not production"``  -- needs initdb/pg_ctl (see
                                            tests/support/pgserver.py)
3. ``browser``     ``-m browser``        -- needs Chromium (/usr/bin/chromium or env
                                            INTAKE_CHROMIUM) and an importable playwright
4. ``production``  ``-m production``     -- the wheel built and installed outside the tree,
                                            behind nginx; needs nginx, redis-server, openssl
                                            and initdb/pg_ctl

Environment:

``INTAKE_REQUIRE_ALL_TIERS=1`` (CI)
    every tier must run and pass; a tier that cannot run, a tier that collects no tests
    and any skipped test are failures. Exception: a test skipped with a reason containing
    "tier only" (e.g. ``reason="postgresql tier only"``) is allowed, provided the same test
    ran in some other tier. ``INTAKE_TIERS`` is ignored.
``INTAKE_TIERS=sqlite,postgresql``
    run only these tiers (developer convenience).
``INTAKE_COVERAGE=0``
    do not measure coverage.

Coverage of ``intake/`` is measured in the sqlite tier (the cheapest that runs the most
code), when no extra pytest arguments select a part of the suite: its total is printed, and
under ``[tool.coverage.report] fail_under`` in pyproject.toml the tier fails.

Results are read from a ``--junitxml`` report of each run. The last line printed is
``all tiers: N passed, N failed, N skipped`` (test counts summed over the tiers that ran;
failed includes errors). Exit status 0 only if every tier that ran passed, at least one
tier ran and, under INTAKE_REQUIRE_ALL_TIERS=1, every tier ran.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own pytest report
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_CHROMIUM = "/usr/bin/chromium"
FIND_PG_BIN = "from tests.support.pgserver import find_pg_bin; print(find_pg_bin() or '')"
TIER_ONLY_RE = re.compile(r"\btier only\b", re.IGNORECASE)
EXIT_NO_TESTS = 5
PYTEST_EXIT_NAMES = {
    2: "interrupted",
    3: "internal error",
    4: "usage error",
}


@dataclass
class Tier:
    name: str
    marker: str
    ran: bool = False
    status: str = "pending"  # passed | FAILED | skipped
    reason: str = ""
    tests: int = 0
    failures: int = 0
    errors: int = 0
    skipped: int = 0  # real skips (xfails are counted separately)
    xfailed: int = 0
    seconds: float = 0.0
    measures_coverage: bool = False
    coverage: float | None = None  # percent of intake/'s lines run, when measured
    skipped_tests: list[tuple[str, str]] = field(default_factory=list)  # (test id, reason)
    executed: set[str] = field(default_factory=set)  # test ids that ran (not skipped)
    broken: list[str] = field(default_factory=list)  # "test id: failure/error: message"

    @property
    def passed(self) -> int:
        return max(0, self.tests - self.failures - self.errors - self.skipped - self.xfailed)

    def fail(self, reason: str) -> None:
        self.status = "FAILED"
        self.reason = f"{self.reason}; {reason}" if self.reason else reason


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _find_pg_bin() -> Path | None:
    # Run as a script, this file has tests/ on its path, not the project root.
    found = subprocess.run(  # noqa: S603
        [sys.executable, "-c", FIND_PG_BIN], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    return Path(found) if found else None


def _coverage_floor() -> float:
    with (ROOT / "pyproject.toml").open("rb") as file:
        settings = tomllib.load(file)
    return float(settings["tool"]["coverage"]["report"]["fail_under"])


def _coverage_total(data_file: Path) -> float | None:
    report = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "coverage", "report", f"--data-file={data_file}", "--format=total"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    try:
        return float(report.stdout.strip())
    except ValueError:
        print(report.stdout + report.stderr, flush=True)
        return None


def _chromium_path() -> str:
    return os.environ.get("INTAKE_CHROMIUM") or DEFAULT_CHROMIUM


# The production tier's own pieces (Debian packages nginx-light, redis-server, openssl).
PRODUCTION_BINARIES = ("nginx", "redis-server", "openssl")


def _unavailable_reason(name: str, env: dict[str, str]) -> str | None:
    """Why tier ``name`` cannot run here (None if it can); fills env hints for the run."""
    if name == "production":
        missing = [
            binary
            for binary in PRODUCTION_BINARIES
            if not (shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/sbin"))
        ]
        if missing:
            return f"not installed: {', '.join(missing)}"
    if name in ("postgresql", "production"):
        bin_dir = _find_pg_bin()
        if bin_dir is None:
            return "no PostgreSQL server binaries (initdb/pg_ctl) found"
        env.setdefault("PG_BIN", str(bin_dir))
    elif name == "browser":
        chromium = _chromium_path()
        if not Path(chromium).is_file():
            return f"no Chromium at {chromium}"
        try:
            import playwright  # noqa: F401
        except ImportError:
            return "playwright is not importable"
        env.setdefault("INTAKE_CHROMIUM", chromium)
    return None


def _parse_junit(path: Path, tier: Tier) -> bool:
    """Fill tier counts from a pytest junit XML report; False if missing or unreadable."""
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - our own report
    except (OSError, ET.ParseError):
        return False
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        for attr in ("tests", "failures", "errors", "skipped"):
            setattr(tier, attr, getattr(tier, attr) + int(suite.get(attr, "0") or 0))
        for case in suite.iter("testcase"):
            test_id = "::".join(p for p in (case.get("classname"), case.get("name")) if p)
            for outcome in ("failure", "error"):
                found = case.find(outcome)
                if found is not None:
                    message = (found.get("message") or found.text or "").strip()
                    first = message.splitlines()[0][:160] if message else "(no message)"
                    tier.broken.append(f"{test_id}: {outcome}: {first}")
            skipped = case.find("skipped")
            if skipped is not None and skipped.get("type") == "pytest.xfail":
                tier.xfailed += 1
                tier.skipped -= 1
                tier.executed.add(test_id)
            elif skipped is not None:
                # a collection-level skip has message "collection skipped", reason in the text
                message = skipped.get("message") or ""
                if not message or message == "collection skipped":
                    message = (skipped.text or "").strip() or message or "(no reason)"
                tier.skipped_tests.append((test_id, message))
            else:
                tier.executed.add(test_id)
    return True


def _banner(text: str, char: str = "=") -> None:
    print(char * 78)
    print(f"{char * 2} {text}")
    print(char * 78, flush=True)


def _run_tier(tier: Tier, index: int, total: int, env: dict[str, str], extra: list[str]) -> bool:
    """Run one tier's pytest; returns False if interrupted (Ctrl-C)."""
    with tempfile.TemporaryDirectory(prefix=f"intake-tier-{tier.name}-") as tmp:
        junit = Path(tmp) / "junit.xml"
        coverage_data = Path(tmp) / "coverage"
        measure = tier.measures_coverage and not extra and os.environ.get("INTAKE_COVERAGE") != "0"
        runner = ["-m", "coverage", "run", f"--data-file={coverage_data}"] if measure else []
        cmd = [sys.executable, *runner, "-m", "pytest", "-m", tier.marker, f"--junitxml={junit}"]
        cmd += extra
        print()
        setting = f"INTAKE_TEST_TIER={tier.name}, -m {tier.marker!r}"
        _banner(f"tier {index}/{total}: {tier.name}   ({setting})")
        print("$ " + shlex.join(cmd), flush=True)
        tier.ran = True
        start = time.monotonic()
        interrupted = False
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603
        try:
            rc = proc.wait()
        except KeyboardInterrupt:
            interrupted = True
            try:
                rc = proc.wait(timeout=30)
            except (KeyboardInterrupt, subprocess.TimeoutExpired):
                proc.kill()
                rc = proc.wait()
        tier.seconds = time.monotonic() - start
        sys.stdout.flush()
        have_report = _parse_junit(junit, tier)
        if measure and not interrupted:
            tier.coverage = _coverage_total(coverage_data)

    if interrupted:
        tier.fail("interrupted")
    elif rc == EXIT_NO_TESTS:
        if _truthy(os.environ.get("INTAKE_REQUIRE_ALL_TIERS")):
            tier.fail("no tests collected")
        else:
            tier.status, tier.reason = "skipped", "no tests collected"
    elif rc in PYTEST_EXIT_NAMES:
        tier.fail(f"pytest exit {rc} ({PYTEST_EXIT_NAMES[rc]})")
    elif not have_report:
        tier.fail(f"pytest exit {rc}, no junit report")
    elif rc != 0 or tier.failures or tier.errors:
        tier.fail(f"{tier.failures} failed, {tier.errors} errors (pytest exit {rc})")
    else:
        tier.status = "passed"
    if measure and not interrupted:
        _check_coverage(tier)
    print(f"-- tier {tier.name}: {_describe(tier)} in {tier.seconds:.1f}s", flush=True)
    return not interrupted


def _check_coverage(tier: Tier) -> None:
    floor = _coverage_floor()
    if tier.coverage is None:
        tier.fail("coverage was not measured")
        return
    print(f"-- coverage of intake/ in tier {tier.name}: {tier.coverage:.2f}% (floor {floor:g}%)")
    if tier.coverage < floor:
        tier.fail(f"coverage {tier.coverage:.2f}% is under the floor of {floor:g}%")


def _describe(tier: Tier) -> str:
    if not tier.ran or tier.status == "skipped":
        result = f"skipped ({tier.reason})"
    else:
        result = tier.status + (f" ({tier.reason})" if tier.reason else "")
    if tier.ran:
        xfail = f", {tier.xfailed} xfailed" if tier.xfailed else ""
        result += (
            f" -- {tier.tests} tests: {tier.passed} passed, {tier.failures} failed, "
            f"{tier.errors} errors, {tier.skipped} skipped{xfail}"
        )
    return result


def _ran_somewhere(test_id: str, executed: set[str]) -> bool:
    if test_id in executed:
        return True
    if "::" not in test_id:  # a whole module skipped at collection, e.g. "tests.test_pg"
        return any(e.startswith((test_id + "::", test_id + ".")) for e in executed)
    return False


def _enforce_no_skips(tiers: list[Tier]) -> None:
    """INTAKE_REQUIRE_ALL_TIERS: skipped tests fail their tier (tier-only skips excepted)."""
    executed_anywhere = set().union(*(t.executed for t in tiers))
    for tier in tiers:
        if not tier.ran or not tier.skipped_tests:
            continue
        bad = [
            (test_id, reason)
            for test_id, reason in tier.skipped_tests
            if not (TIER_ONLY_RE.search(reason) and _ran_somewhere(test_id, executed_anywhere))
        ]
        if not bad:
            continue
        if tier.status == "skipped":  # rc 5 cannot have skips, but be safe
            tier.status = "FAILED"
        tier.fail(f"{len(bad)} skipped tests not allowed under INTAKE_REQUIRE_ALL_TIERS=1")
        print(f"\n!! tier {tier.name}: skipped tests fail under INTAKE_REQUIRE_ALL_TIERS=1:")
        for test_id, reason in bad:
            note = " (did not run in any other tier)" if TIER_ONLY_RE.search(reason) else ""
            print(f"   SKIPPED {test_id}: {reason}{note}")


def _print_table(tiers: list[Tier]) -> None:
    print()
    _banner("test tiers summary")
    header = (
        f"{'tier':<11} {'result':<10} {'tests':>6} {'passed':>7} {'failed':>7} "
        f"{'errors':>7} {'skipped':>8} {'seconds':>8}  note"
    )
    print(header)
    print("-" * len(header))
    for t in tiers:
        result = "skipped" if t.status in ("skipped", "pending") else t.status
        if t.ran:
            counts = (
                f"{t.tests:>6} {t.passed:>7} {t.failures:>7} {t.errors:>7} {t.skipped:>8} "
                f"{t.seconds:>8.1f}"
            )
        else:
            counts = f"{'-':>6} {'-':>7} {'-':>7} {'-':>7} {'-':>8} {'-':>8}"
        note = t.reason + (f" [{t.xfailed} xfailed]" if t.xfailed else "")
        print(f"{t.name:<11} {result:<10} {counts}  {note}".rstrip())
    # Named again here, at the very end, so a log that keeps only its tail still says which.
    for t in tiers:
        for line in t.broken:
            print(f"!! {t.name}: {line}")


def main(argv: list[str]) -> int:
    require_all = _truthy(os.environ.get("INTAKE_REQUIRE_ALL_TIERS"))
    tiers = [
        Tier("sqlite", "not browser and not production", measures_coverage=True),
        Tier("postgresql", "not browser and not production"),
        Tier("browser", "browser"),
        Tier("production", "production"),
    ]
    total = len(tiers)
    names = [t.name for t in tiers]

    selected = set(names)
    only = os.environ.get("INTAKE_TIERS", "").strip()
    if only and require_all:
        print(f"note: INTAKE_TIERS={only!r} ignored because INTAKE_REQUIRE_ALL_TIERS=1")
    elif only:
        selected = {n.strip().lower() for n in only.split(",") if n.strip()}
        unknown = selected - set(names)
        if unknown:
            print(f"error: unknown tier(s) in INTAKE_TIERS: {', '.join(sorted(unknown))}")
            print(f"       known tiers: {', '.join(names)}")
            return 2

    mode = "INTAKE_REQUIRE_ALL_TIERS=1 (all tiers must run, no skips)" if require_all else "dev"
    print(f"intake test tiers ({mode}); python {sys.version.split()[0]}; cwd {ROOT}", flush=True)

    interrupted = False
    for index, tier in enumerate(tiers, start=1):
        if interrupted:
            tier.status, tier.reason = "skipped", "interrupted"
            continue
        if tier.name not in selected:
            tier.status, tier.reason = "skipped", "not in INTAKE_TIERS"
            print(f"\n-- tier {index}/{total}: {tier.name}: skipped (not in INTAKE_TIERS)")
            continue
        env = dict(os.environ)
        env["INTAKE_TEST_TIER"] = tier.name
        why = _unavailable_reason(tier.name, env)
        if why is not None:
            if require_all:
                tier.status, tier.reason = "FAILED", f"cannot run: {why}"
                print(f"\n!! tier {index}/{total}: {tier.name}: FAILED -- cannot run: {why}")
            else:
                tier.status, tier.reason = "skipped", why
                print(f"\n-- tier {index}/{total}: {tier.name}: skipped ({why})")
            continue
        interrupted = not _run_tier(tier, index, total, env, argv)

    if require_all:
        _enforce_no_skips(tiers)
        for tier in tiers:
            if not tier.ran and tier.status != "FAILED":
                tier.fail("tier did not run")

    _print_table(tiers)
    ran = [t for t in tiers if t.ran]
    failed_tiers = [t for t in tiers if t.status == "FAILED"]
    passed_tiers = [t for t in tiers if t.status == "passed"]
    ok = not failed_tiers and bool(passed_tiers)
    if require_all:
        ok = ok and len(passed_tiers) == len(tiers)
    if not passed_tiers and not failed_tiers:
        print("no tier ran any tests")
    passed = sum(t.passed for t in ran)
    failed = sum(t.failures + t.errors for t in ran)
    skipped = sum(t.skipped for t in ran)
    for t in tiers:
        if t.coverage is not None:
            print(f"coverage of intake/ ({t.name} tier): {t.coverage:.2f}%")
    print(f"all tiers: {passed} passed, {failed} failed, {skipped} skipped", flush=True)
    if interrupted:
        return 130
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
