"""`make security` (issue 9): bandit on intake/, then sqlmap against a running instance;
a short report goes to stdout and to docs/security.md. Exit status 1 on any finding.

bandit: no finding of medium or high severity (reviewed exceptions carry `# nosec` with
the reason, and are listed in the report).

sqlmap drives a real instance (gunicorn, PostgreSQL, a few hundred demo cases) at every
public form field, the tracking form, every query parameter of the statistics endpoints
and the staff queue's search, signed in. Its exit status does not say whether it found
an injection, so its output is read: any injection point, any "might be injectable"
heuristic, any 5xx answer, or a target whose parameters were not all tested is a finding.

Settings from the environment: SECURITY_SQLMAP_LEVEL (default 1), SECURITY_SQLMAP_RISK
(default 1), SECURITY_OUTPUT (default docs/security.md).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from bench import web
from bench.instances import STAFF_USER, Instance
from bench.servers import DurablePostgres, Gunicorn, apt_install, pg_bin

ROOT = Path(__file__).resolve().parent.parent

DEMO_CASES = 300
SQLMAP_TIMEOUT = 900  # seconds per target; a stuck run is a failure, not a hang


@dataclass
class Target:
    name: str
    method: str
    path: str
    parameters: list[str]
    data: dict[str, str] = field(default_factory=dict)  # POST body, or the query for GET
    csrf_page: str = ""  # where sqlmap fetches a fresh csrf_token before each request
    cookie: str = ""


@dataclass
class Outcome:
    target: Target
    seconds: float
    answers: Counter[str]  # status → how many requests the server answered with it

    @property
    def requests(self) -> int:
        return sum(self.answers.values())

    def answer_summary(self) -> str:
        return ", ".join(f"{status} ×{n:,}" for status, n in sorted(self.answers.items()))

    tested: list[str]
    findings: list[str]
    injections: list[str]  # sqlmap's own lines naming an injection (part of findings)


def _say(text: str) -> None:
    print(text, flush=True)


# --------------------------------------------------------------------------- bandit


@dataclass
class BanditResult:
    version: str
    by_severity: dict[str, int]
    blocking: list[str]
    reviewed: list[str]  # lines carrying `# nosec`, with their reason
    lines_scanned: int


def run_bandit() -> BanditResult:
    bandit = Path(sys.executable).parent / "bandit"
    version = subprocess.run(  # noqa: S603
        [str(bandit), "--version"], capture_output=True, text=True, check=True
    ).stdout.splitlines()[0]
    out = subprocess.run(  # noqa: S603
        [str(bandit), "-r", "intake", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,  # exit 1 means "found something"; the JSON says what
    ).stdout
    report = json.loads(out)
    by_severity = {"LOW": 0, "MEDIUM": 0, "HIGH": 0}
    blocking = []
    for issue in report["results"]:
        severity = issue["issue_severity"]
        by_severity[severity] = by_severity.get(severity, 0) + 1
        if severity in ("MEDIUM", "HIGH"):
            blocking.append(
                f"{issue['filename']}:{issue['line_number']} {issue['test_id']} "
                f"{severity}: {issue['issue_text']}"
            )
    reviewed = []
    for path in sorted((ROOT / "intake").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "# nosec" in line:
                reason = line.split("# nosec", 1)[1].strip()
                reviewed.append(f"{path.relative_to(ROOT)}:{number} {reason}")
    lines = int(report["metrics"]["_totals"]["loc"])
    return BanditResult(version, by_severity, blocking, reviewed, lines)


# --------------------------------------------------------------------------- sqlmap


def sqlmap_version() -> str:
    out = subprocess.run(
        ["sqlmap", "--version"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return out.strip().splitlines()[0] if out.strip() else "unknown"


ACCESS_LINE = re.compile(r'"[A-Z]+ [^"]*" (\d{3}) ')


def _access_statuses(log: Path) -> list[str]:
    """The status of every request in gunicorn's access log so far, in order."""
    with contextlib.suppress(OSError):
        return ACCESS_LINE.findall(log.read_text(errors="replace"))
    return []


INJECTABLE = re.compile(
    r"identified the following injection point|is vulnerable|might be injectable"
    r"|appears to be '.*' injectable",
    re.IGNORECASE,
)
NOT_INJECTABLE = re.compile(r"(?:GET|POST) parameter '([^']+)' does not seem to be injectable")
SERVER_ERRORS = re.compile(r"\b(5\d\d) \([^)]*\) - (\d+) times")


def run_sqlmap(target: Target, base: str, work: Path, level: str, risk: str, log: Path) -> Outcome:
    url = base + target.path
    command = [
        "sqlmap",
        "--batch",
        "--disable-coloring",
        "--flush-session",
        "--output-dir", str(work / "sqlmap"),
        "--level", level,
        "--risk", risk,
        "--timeout", "20",
        "--retries", "1",
        "-p", ",".join(target.parameters),
    ]  # fmt: skip
    if target.method == "GET":
        command += ["-u", f"{url}?{urlencode(target.data)}"]
    else:
        command += ["-u", url, "--data", urlencode(target.data)]  # data: sqlmap POSTs
    if target.csrf_page:  # sqlmap fetches a token before each request, one at a time
        command += ["--csrf-token", "csrf_token", "--csrf-url", base + target.csrf_page]
    else:
        command += ["--threads", "4"]
    if target.cookie:
        command += ["--cookie", target.cookie]
    before = len(_access_statuses(log))
    started = time.monotonic()
    process = subprocess.run(  # noqa: S603
        command,
        capture_output=True,
        text=True,
        check=False,
        timeout=SQLMAP_TIMEOUT,
        env={**os.environ, "HOME": str(work)},
    )
    seconds = time.monotonic() - started
    output = process.stdout + process.stderr
    (work / f"sqlmap-{target.name.replace(' ', '_').replace('/', '_')}.txt").write_text(output)
    tested = sorted(set(NOT_INJECTABLE.findall(output)))
    injections = [line.strip() for line in output.splitlines() if INJECTABLE.search(line)]
    findings = list(injections)
    for code, times in SERVER_ERRORS.findall(output):
        findings.append(f"HTTP {code} answered {times} times")
    untested = [p for p in target.parameters if p not in tested]
    if untested and not injections:
        last = [line for line in output.splitlines() if "[ERROR]" in line or "[CRITICAL]" in line]
        said = f" (sqlmap: {last[-1][:200]})" if last else ""
        findings.append(f"not tested: {', '.join(untested)}{said}")
    if process.returncode != 0 and not findings:
        findings.append(f"sqlmap exited {process.returncode}: {output.strip()[-300:]}")
    answers = Counter(_access_statuses(log)[before:])
    return Outcome(target, seconds, answers, tested, findings, injections)


# --------------------------------------------------------------------------- targets


# Not scanned: the token sqlmap renews, the honeypot people never see, and file parts.
NOT_PARAMETERS = {"csrf_token", "website", "attachments"}


def _fields(form: web.Form) -> list[str]:
    """Every field the page's form offers: a field added to a form is scanned too."""
    return sorted((set(form.inputs) | set(form.options)) - NOT_PARAMETERS)


def _form_target(port: int, name: str, path: str, values: dict[str, str]) -> Target:
    """A form as a visitor sends it: their session cookie and a valid CSRF token (sqlmap
    reads the token from each answer and fetches a fresh one from the form's page)."""
    visitor = web.Browser(port)
    page = visitor.get(path).body
    form = web.form_posting_to(page, path, path)
    parameters = _fields(form)
    data = web._filled(form, values) if "category" in parameters else {**form.inputs, **values}
    data = {**{field: "" for field in parameters}, **data}
    return Target(name, "POST", path, parameters, data, path, visitor.cookie_header())


def _queue_target(port: int, staff_cookie: str, values: dict[str, str]) -> Target:
    """The staff queue's search form (GET), signed in, plus its page number."""
    jar = dict(pair.split("=", 1) for pair in staff_cookie.split("; ") if "=" in pair)
    page = web.Browser(port, jar).get("/staff/cases").body
    form = next(f for f in web.forms_on(page) if "reference" in f.inputs)
    parameters = [*_fields(form), "page"]
    query = {**{field: "" for field in parameters}, **values}
    return Target(
        "staff queue search", "GET", "/staff/cases", parameters, query, cookie=staff_cookie
    )


def check_canary(work: Path, level: str, risk: str) -> Outcome:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    server = Gunicorn("canary", "canary:app", env, work / "canary.log", ROOT / "security")
    server.start("/item?id=1")
    try:
        target = Target("planted injection", "GET", "/item", ["id"], {"id": "1"})
        return run_sqlmap(
            target, f"http://127.0.0.1:{server.port}", work, level, risk, work / "canary.log"
        )
    finally:
        server.stop()


def targets(port: int, code: str, staff_cookie: str, fiscal_year: int) -> list[Target]:
    complaint = {
        **web.COMPLAINT,
        "location": "หมู่ 3",
        "incident_date": "1/10/2569",
        "reporter_email": "a@example.org",
        "reporter_address": "บ้านเลขที่ 1",
        "reporter_national_id": "1101700230708",
    }
    tip = {**web.TIP, "accused": "นาย ก", "location": "สำนักปลัด", "incident_date": "1/10/2569"}
    stats = {"fy": str(fiscal_year), "kind": "tip", "half": "1"}
    queue = {
        "reference": "รร-2569",
        "kind": "complaint",
        "status": "received",
        "deadline": "overdue",
        "department": "1",
        "category": "1",
        "channel": "web",
        "received_from": "1/10/2568",
        "received_to": "30/9/2569",
        "sort": "due",
        "page": "1",
    }
    return [
        _form_target(port, "complaint form", "/complaints/new", complaint),
        _form_target(port, "tip form", "/tips/new", tip),
        _form_target(port, "tracking form", "/track", {"code": code}),
        Target("statistics page", "GET", "/stats", list(stats), stats),
        Target("statistics JSON", "GET", "/stats.json", list(stats), stats),
        Target("statistics CSV", "GET", "/stats.csv", list(stats), stats),
        _queue_target(port, staff_cookie, queue),
    ]


# --------------------------------------------------------------------------- report


def clean(
    bandit: BanditResult, canary: Outcome, outcomes: list[Outcome], unhandled: list[str]
) -> bool:
    found_planted = bool(canary.injections)
    return (
        found_planted
        and not bandit.blocking
        and not unhandled
        and all(not o.findings for o in outcomes)
    )


def document(
    started: datetime,
    minutes: float,
    bandit: BanditResult,
    sqlmap: str,
    level: str,
    risk: str,
    canary: Outcome,
    outcomes: list[Outcome],
    unhandled: list[str],
) -> str:
    ok = clean(bandit, canary, outcomes, unhandled)
    lines = [
        "# Security scan",
        "",
        f"Written by `make security` (security/scan.py) on {started:%Y-%m-%d %H:%M} UTC in "
        f"{minutes:.1f} minutes. Re-run it rather than edit this file.",
        "",
        f"Result: **{'no finding' if ok else 'FINDINGS — see below'}**.",
        "",
        "## bandit (static analysis of intake/)",
        "",
        f"{bandit.version}; {bandit.lines_scanned:,} lines of code. Findings by severity: "
        f"high {bandit.by_severity.get('HIGH', 0)}, medium {bandit.by_severity.get('MEDIUM', 0)}, "
        f"low {bandit.by_severity.get('LOW', 0)} (low ones are reported by bandit and "
        "accepted; medium and high fail the scan).",
        "",
    ]
    lines += [f"- blocking: {b}" for b in bandit.blocking]
    if bandit.reviewed:
        lines += ["Reviewed and marked `# nosec` (each with its reason):", ""]
        lines += [f"- `{r}`" for r in bandit.reviewed]
        lines.append("")
    lines += [
        "## sqlmap (a running instance)",
        "",
        f"sqlmap {sqlmap}, `--level={level} --risk={risk}`, against gunicorn "
        f"(gunicorn.conf.py) and PostgreSQL with {DEMO_CASES} demo cases, rate limits off "
        "for the scan. Forms are sent with a fresh CSRF token fetched before each request "
        "(`--csrf-url`); the staff queue with a legal officer's signed-in session.",
        "",
        "First, a check that the scan can find anything: sqlmap against a planted "
        "injection (security/canary.py, `GET /item?id=` pasted into SQL) — "
        + (
            f"found ({canary.requests:,} requests, {canary.seconds:.0f} s): {canary.injections[0]}"
            if canary.injections
            else "**NOT found: the results below cannot be trusted**"
        )
        + ".",
        "",
        "| target | parameters tested | requests (answers) | seconds | findings |",
        "|---|---|---|---|---|",
    ]
    for o in outcomes:
        method_path = f"{o.target.name}: `{o.target.method} {o.target.path}`"
        found = "; ".join(o.findings) if o.findings else "none"
        lines.append(
            f"| {method_path} | {', '.join(o.tested) or '–'} | "
            f"{o.requests:,} ({o.answer_summary()}) | "
            f"{o.seconds:.0f} | {found} |"
        )
    lines += [
        "",
        "Requests are counted in gunicorn's access log. A finding is any injection point "
        "sqlmap reports, any heuristic 'might be injectable', any 5xx answer it saw, or a "
        "listed parameter it did not test.",
        "",
        f"Unhandled errors in the server's log during the scan: {len(unhandled)}.",
    ]
    lines += [f"- {u}" for u in unhandled[:20]]
    return "\n".join(lines)


def main() -> int:
    level = os.environ.get("SECURITY_SQLMAP_LEVEL", "1")
    risk = os.environ.get("SECURITY_SQLMAP_RISK", "1")
    output = Path(os.environ.get("SECURITY_OUTPUT") or ROOT / "docs" / "security.md")
    started, clock = datetime.now(UTC), time.monotonic()
    _say("== bandit -r intake")
    bandit = run_bandit()
    _say(f"   {bandit.by_severity}; blocking {len(bandit.blocking)}")
    for line in bandit.blocking:
        _say(f"   !! {line}")
    if shutil.which("sqlmap") is None:
        apt_install("sqlmap")
    if shutil.which("sqlmap") is None:
        _say("!! sqlmap is not installed (Debian: apt-get install sqlmap)")
        return 1
    bin_dir = pg_bin()
    if bin_dir is None:
        apt_install("postgresql")
        bin_dir = pg_bin()
    if bin_dir is None:
        _say("!! no PostgreSQL server binaries (Debian: apt-get install postgresql)")
        return 1
    work = Path(tempfile.mkdtemp(prefix="intake-security-"))
    stack = contextlib.ExitStack()
    try:
        _say("== sqlmap on a planted injection (security/canary.py): it must be found")
        canary = check_canary(work, level, risk)
        _say(f"   findings: {canary.findings or 'NONE: the scan cannot be trusted'}")
        postgres = DurablePostgres(bin_dir)
        stack.callback(postgres.stop)
        postgres.start()
        instance = Instance(
            "postgresql", DEMO_CASES, work / "instance", work / "commands.log", postgres
        )
        _say(f"== an instance with {DEMO_CASES} demo cases")
        instance.init()
        instance.load_demo_data(_say)
        uri = instance.create_staff()
        log = work / "gunicorn.log"
        server = Gunicorn("intake", "wsgi:app", instance.env, log, ROOT)
        stack.callback(server.stop)
        server.start("/healthz")
        _, code = web.file_complaint(server.port)
        staff = web.staff_sign_in(server.port, STAFF_USER, instance.staff_password, uri)
        fiscal_year = datetime.now(UTC).year + 543 + (1 if datetime.now(UTC).month >= 10 else 0)
        base = f"http://127.0.0.1:{server.port}"
        outcomes = []
        for target in targets(server.port, code, staff.cookie, fiscal_year - 1):
            _say(f"== sqlmap: {target.name} ({target.method} {target.path})")
            outcome = run_sqlmap(target, base, work, level, risk, log)
            _say(
                f"   {len(outcome.tested)}/{len(target.parameters)} parameters tested, "
                f"{outcome.requests:,} requests, {outcome.seconds:.0f} s; "
                f"findings: {outcome.findings or 'none'}"
            )
            outcomes.append(outcome)
        server.stop()
        unhandled = [
            line.strip()
            for line in log.read_text(errors="replace").splitlines()
            if "unhandled error" in line
        ]
        text = document(
            started,
            (time.monotonic() - clock) / 60,
            bandit,
            sqlmap_version(),
            level,
            risk,
            canary,
            outcomes,
            unhandled,
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        _say("\n" + text + f"\n\n== written to {output}")
        return 0 if clean(bandit, canary, outcomes, unhandled) else 1
    finally:
        stack.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
