"""The production tier: Intake as an operator installs it, from the built wheel alone.

The wheel is built once from this checkout and installed into a fresh venv outside it;
every command and server then runs from a folder with no checkout in it (the tree is
never on the path, so nothing is found there by luck). In front: the shipped nginx site
over HTTPS (self-signed, loopback) with two gunicorn servers upstream, each with the
packaged gunicorn settings; rate limits in a real redis-server; the suite's PostgreSQL;
a real SMTP server on loopback. Visitors connect from addresses of their own
(127.0.0.2 and up), so the logs can be searched for them.

The venv sees its dependencies through a .pth line naming the project venv's
site-packages: offline and fast, while the application itself (intake, config, wsgi)
comes only from the wheel, which is checked.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import sysconfig
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pyotp
import pytest
from aiosmtpd.controller import Controller

from tests.support import line
from tests.support.builders import complaint_form, tip_form
from tests.support.proxy import Browser, Gunicorn, Nginx, RedisServer, _start, _wait, free_port

pytestmark = pytest.mark.production

REPO = Path(__file__).resolve().parents[1]
TIER = os.environ.get("INTAKE_TEST_TIER", "sqlite")
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CODE = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')
REFERENCE = re.compile(r'id="reference-number"[^>]*>([^<]+)<')
STATUS = re.compile(r'id="case-status"[^>]*data-status="([a-z_]+)"')
CASE_LINK = re.compile(r'href="/staff/cases/([0-9a-f-]{36})"')
ENROLMENT_LINK = re.compile(r"^(https://\S+/staff/enrol\?token=\S+)$", re.MULTILINE)
TRACK_LIMIT = 4
OFFICER = "officer"
LEGAL = "legal1"
ADMIN = "admin1"
CUSTODIAN_PASSWORD = "the custodian's own password"  # noqa: S105 (a test value)
SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')
DECIDE_LINK = re.compile(r'href="/staff/reveals/([0-9a-f-]{36})/decide"')
OFFICER_PASSWORD = "a long production password"  # noqa: S105 (a test value)
COMPLAINANT_EMAIL = "somchai@example.org"


class Inbox:
    """aiosmtpd's handler: what the SMTP server was given."""

    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


class InstalledGunicorn(Gunicorn):
    """gunicorn from the temp venv, with the settings the package carries, started in a
    folder with no checkout: `wsgi:app` can only come from the wheel."""

    def __init__(self, venv: Path, environ: dict[str, str], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        super().__init__(environ, folder)
        self.venv = venv
        self.folder = folder

    def start(self) -> InstalledGunicorn:
        command = [
            # `-m`: the venv has the wheel's scripts only (its dependencies are lent)
            str(self.venv / "bin" / "python"), "-m", "gunicorn",
            "-c", "python:intake.gunicorn_conf", "-b", f"127.0.0.1:{self.port}", "wsgi:app",
        ]  # fmt: skip
        self.process = _start(command, self.log, cwd=self.folder, env=self.environ)
        _wait(self._healthy, self.process, self.log, "gunicorn")
        return self

    def kill(self) -> None:
        """SIGKILL to the master and its workers: a power cut of this server."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@dataclass
class Stack:
    venv: Path
    srv: Path
    environ: dict[str, str]
    nginx: Nginx
    servers: list[InstalledGunicorn]
    inbox: Inbox
    init_output: str
    otp_secrets: dict[str, str] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    line_api: Any = None  # the LINE Messaging API's stand-in (tests.support.line)
    _staff: Browser | None = None

    def intake(self, *args: str, ok: bool = True) -> str:
        """The installed `intake` command, as a systemd unit runs it (UMask=0077)."""
        done = subprocess.run(  # noqa: S603
            [str(self.venv / "bin" / "intake"), *args],
            cwd=self.srv, env=self.environ, capture_output=True, text=True, timeout=300,
            preexec_fn=lambda: os.umask(0o077),  # noqa: PLW1509 - no threads started here
        )  # fmt: skip
        output = done.stdout + done.stderr
        assert (done.returncode == 0) == ok, f"intake {' '.join(args)}: {output}"
        return output

    def visitor(self) -> Browser:
        """A new visitor on an address of their own."""
        source = f"127.0.0.{len(self.sources) + 2}"
        self.sources.append(source)
        return Browser(self.nginx.https_port, source)

    def staff(self) -> Browser:
        if self._staff is None:
            self._staff = sign_in(self, self.visitor(), OFFICER)
        return self._staff


def _provision(stack: Stack, username: str, role: str) -> str:
    """`create-user` as a provisioning script runs it: the password set, the
    authenticator's secret printed; returns the secret."""
    environ = dict(stack.environ, INTAKE_PASSWORD=OFFICER_PASSWORD)
    created = subprocess.run(  # noqa: S603
        [str(stack.venv / "bin" / "intake"), "create-user", username, "--role", role],
        cwd=stack.srv, env=environ, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    (uri,) = re.findall(r"otpauth://\S+", created.stdout)
    return parse_qs(urlsplit(uri).query)["secret"][0]


def _build_wheel(folder: Path) -> Path:
    subprocess.run(  # noqa: S603
        [
            sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
            "--no-build-isolation", "--no-index", "--wheel-dir", str(folder), str(REPO),
        ],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = folder.glob("intake-*.whl")
    return wheel


def _install(wheel: Path, venv: Path) -> None:
    """A fresh venv without pip; the project's pip installs the wheel alone into it, and
    one .pth line lends it the project venv's dependencies."""
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
    )
    python = venv / "bin" / "python"
    subprocess.run(  # noqa: S603
        [
            sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
            "--no-deps", "--no-index", str(wheel),
        ],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    site = subprocess.run(  # noqa: S603
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    (Path(site) / "intake-test-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n"
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres: Any) -> Iterator[Stack]:
    if TIER != "production":
        pytest.skip("production tier only")
    started = time.monotonic()
    root = tmp_path_factory.mktemp("production")
    wheel = _build_wheel(root / "dist")
    venv = root / "venv"
    _install(wheel, venv)
    srv = root / "srv"  # the operator's folder: instance, backups, logs; no checkout
    (srv / "backups").mkdir(parents=True)
    (srv / "backups").chmod(0o700)
    redis = RedisServer().start()
    line_api = line.messaging_api()
    recorder = line_api.__enter__()
    inbox = Inbox()
    smtp_port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    ports = [free_port(), free_port()]
    nginx = Nginx(srv / "nginx", *ports)
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "HOME": str(srv),
        "INTAKE_ENV": "production",
        "SECRET_KEY": "production-tier-secret-key-" + "s" * 20,
        "INTAKE_INSTANCE_PATH": str(srv / "instance"),
        "DATABASE_URL": postgres.create_database("intake_production"),
        "INTAKE_BASE_URL": f"https://127.0.0.1:{nginx.https_port}",
        "INTAKE_BACKUP_PATH": str(srv / "backups"),
        "INTAKE_TRUSTED_PROXIES": "1",
        "RATELIMIT_STORAGE_URI": redis.url,
        "INTAKE_TRACK_LIMIT": f"{TRACK_LIMIT} per minute",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "MAIL_DEFAULT_SENDER": "intake@example.go.th",
        "INTAKE_CUSTODIAN_PASSPHRASE": "the first custodian's passphrase",
        "INTAKE_LINE_API_URL": recorder.url,
        "INTAKE_LINE_DATA_URL": recorder.url,
    }
    stack = Stack(venv, srv, environ, nginx, [], inbox, init_output="", line_api=recorder)
    try:
        stack.init_output = stack.intake("init")
        for username, role in ((OFFICER, "intake"), (LEGAL, "legal"), (ADMIN, "admin")):
            stack.otp_secrets[username] = _provision(stack, username, role)
        for name, port in zip("ab", ports, strict=True):
            server = InstalledGunicorn(venv, environ, srv / f"gunicorn-{name}")
            server.port = port
            stack.servers.append(server.start())
        nginx.start()
        print(f"production stack ready in {time.monotonic() - started:.1f} s")
        yield stack
    finally:
        nginx.stop()
        for server in stack.servers:
            server.stop()
        smtp.stop()
        redis.stop()
        line_api.__exit__(None, None, None)


# --- what a visitor and an officer do, through nginx --------------------------------------


def _form(browser: Browser, path: str, fields: dict[str, str]) -> tuple[int, dict[str, str], str]:
    status, _headers, page = browser.request("GET", path)
    assert status == 200, page[:500]
    token = TOKEN.search(page)
    assert token, f"no CSRF token on {path}"
    body = urlencode({**fields, "csrf_token": token.group(1)}).encode()
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    return browser.request("POST", path, body, kind)


@dataclass(frozen=True)
class Receipt:
    reference: str
    code: str


def file_case(stack: Stack, path: str, fields: dict[str, str]) -> Receipt:
    browser = stack.visitor()
    status, headers, page = _form(browser, path, fields)
    assert status == 303, page[:800]
    status, _headers, page = browser.request("GET", "/receipt")
    code, reference = CODE.search(page), REFERENCE.search(page)
    assert status == 200 and code and reference, page[:500]
    stack.codes.append(code.group(1))
    return Receipt(reference.group(1).strip(), code.group(1))


def track(stack: Stack, code: str, browser: Browser | None = None) -> tuple[int, str]:
    status, _headers, page = _form(browser or stack.visitor(), "/track", {"code": code})
    found = STATUS.search(page)
    return status, found.group(1) if found else ""


def sign_in(
    stack: Stack, browser: Browser, username: str, password: str = OFFICER_PASSWORD
) -> Browser:
    fields = {"username": username, "password": password}
    status, headers, page = _form(browser, "/staff/login", fields)
    # The first sign-in confirms the authenticator set up from the printed otpauth:// URI
    step = urlsplit(headers.get("Location", "")).path
    assert status == 303 and step in {"/staff/login/code", "/staff/login/enrol"}, page[:800]
    # The next step's code: one already used (at enrolment) is refused
    code = pyotp.TOTP(stack.otp_secrets[username]).at(time.time() + 30)
    status, headers, page = _form(browser, step, {"otp": code})
    assert status == 303, page[:800]
    assert "/staff/login" not in headers["Location"], headers
    return browser


def accept(staff: Browser, reference: str) -> None:
    """The officer finds the case in the queue and accepts it."""
    path = f"/staff/cases/{_case_id(staff, reference)}"
    status, _headers, page = staff.request("GET", path)
    assert status == 200 and reference in page, page[:500]
    form = page[page.index('id="action-accept"') :]
    token = re.search(r'name="(accept-)?csrf_token"[^>]*value="([^"]+)"', form)
    assert token, "no accept form"
    body = urlencode({token.group(0).split('"')[1]: token.group(2), "accept-note": "รับเรื่อง"})
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _headers, answer = staff.request("POST", f"{path}/accept", body.encode(), kind)
    assert status == 303, answer[:800]


# --- the tests, in the order an operator meets them ----------------------------------------


def test_the_wheel_alone_runs_init_outside_the_checkout(stack: Stack) -> None:
    # The application comes from the wheel in the venv, not from the checkout
    probe = subprocess.run(  # noqa: S603
        [str(stack.venv / "bin" / "python"), "-c",
         "import config, intake, wsgi; print(config.__file__, intake.__file__, wsgi.__file__)"],
        cwd=stack.srv, env=stack.environ, capture_output=True, text=True, check=True,
    )  # fmt: skip
    for module in probe.stdout.split():
        assert module.startswith(str(stack.venv)), probe.stdout
    installed = Path(probe.stdout.split()[1]).parent
    for needed in ("templates/public", "migrations/versions", "static/intake.css",
                   "translations/en/LC_MESSAGES/messages.mo", "gunicorn_conf.py",
                   "places/thailand.json", "places/subdistricts.json"):  # fmt: skip
        assert (installed / needed).exists(), needed
    assert not (installed / "templates").is_symlink()
    # `init` made the keys and the schema, printed the custodian's link and checked
    output = stack.init_output
    assert "database: at the latest revision" in output
    (link,) = ENROLMENT_LINK.findall(output)
    assert link.startswith(stack.environ["INTAKE_BASE_URL"])
    assert "deployment check:" in output and "FAIL" not in output, output
    with zipfile.ZipFile(next((stack.srv.parent / "dist").glob("*.whl"))) as wheel:
        names = wheel.namelist()
    assert "config.py" in names and "wsgi.py" in names


def test_a_complaint_and_a_tip_are_filed_and_tracked_over_https(stack: Stack) -> None:
    complaint = file_case(stack, "/complaints/new", complaint_form())
    tip = file_case(stack, "/tips/new", tip_form())
    assert track(stack, complaint.code) == (200, "received")
    assert track(stack, tip.code) == (200, "received")
    # The English catalogue came compiled in the wheel
    reader = stack.visitor()
    assert reader.request("GET", "/lang/en?next=/")[0] == 303
    status, _headers, page = reader.request("GET", "/")
    assert status == 200 and 'lang="en"' in page and "Track a case" in page


def test_an_officer_signs_in_with_two_factor_acts_on_a_case_and_reads_the_statistics(
    stack: Stack,
) -> None:
    complaint = file_case(stack, "/complaints/new", complaint_form())
    accept(stack.staff(), complaint.reference)
    assert track(stack, complaint.code)[1] != "received"
    status, _headers, page = stack.visitor().request("GET", "/stats")
    assert status == 200 and "stats" in page.lower()
    status, _headers, data = stack.visitor().request("GET", "/stats.json")
    assert status == 200 and data.lstrip().startswith("{")


def test_the_rate_limit_counts_one_client_across_both_servers_and_two_clients_apart(
    stack: Stack,
) -> None:
    first, second = stack.visitor(), stack.visitor()
    wrong = "1234 5678 9012 3456"
    # nginx sends the lookups round the two servers in turn; Redis counts them as one
    statuses = [track(stack, wrong, first)[0] for _ in range(TRACK_LIMIT)]
    assert 429 not in statuses, statuses
    assert track(stack, wrong, first)[0] == 429
    # A forged X-Forwarded-For from outside is replaced by nginx's own
    forged = _form_with_headers(first, {"X-Forwarded-For": second.source})
    assert forged == 429
    assert [track(stack, wrong, second)[0] for _ in range(TRACK_LIMIT)].count(429) == 0


def _form_with_headers(browser: Browser, headers: dict[str, str]) -> int:
    status, _headers, page = browser.request("GET", "/track")
    token = TOKEN.search(page)
    assert token, page[:300]
    body = urlencode({"csrf_token": token.group(1), "code": "1234 5678 9012 3456"}).encode()
    kind = {"Content-Type": "application/x-www-form-urlencoded", **headers}
    return browser.request("POST", "/track", body, kind)[0]


def test_the_timers_commands_run_and_the_deployment_check_passes(stack: Stack) -> None:
    # A complaint whose filer asked for mail, moved on by the officer: a notice is queued
    complaint = file_case(
        stack, "/complaints/new", complaint_form(reporter_email=COMPLAINANT_EMAIL)
    )
    accept(stack.staff(), complaint.reference)
    # remind (the daily timer) sends it through the real SMTP server
    output = stack.intake("remind")
    assert "mail: 1 sent, 0 failed, 0 waiting" in output, output
    assert stack.inbox.recipients == [COMPLAINANT_EMAIL]
    # backup (the nightly timer) writes an owner-only archive into INTAKE_BACKUP_PATH
    stack.intake("backup")
    (archive,) = (stack.srv / "backups").glob("intake-*.backup")
    assert archive.stat().st_mode & 0o077 == 0
    stack.intake("restore", "--check", str(archive))
    # and the deployment doctor finds nothing failing
    report = stack.intake("check")
    lines = report.strip().splitlines()
    assert not [line for line in lines if line.startswith("FAIL")], report
    for expected in (
        "OK production mode",
        "OK rate limits counted in shared storage",
        "OK SMTP server 127.0.0.1 answers",
        "OK trusting 1 proxies",
        "OK newest backup",
        "OK `remind` ran",
        # an ordinary role that owns the database (tests/support/pgserver.py): bound by
        # row-level security, as the README's production steps make it
        "OK database role intake is bound by row-level security",
    ):
        assert any(line.startswith(expected) for line in lines), (expected, report)


def test_the_custodian_enrols_from_inits_link_and_approves_a_reveal(stack: Stack) -> None:
    # Given a tip whose informant gave their name, and a legal officer who asks who it is
    tipster = "นางสาวผู้แจ้ง ทดสอบระบบ"
    tip = file_case(stack, "/tips/new", tip_form(anonymous="", reporter_name=tipster))
    legal = sign_in(stack, stack.visitor(), LEGAL)
    case_id = _case_id(legal, tip.reference)
    reason = "ต้องสอบข้อเท็จจริงเพิ่มเติมจากผู้แจ้งตามระเบียบ ข้อ 12"
    status, headers, page = _form(legal, f"/staff/cases/{case_id}/reveal", {"reason": reason})
    assert status == 303, page[:800]
    # When the first custodian opens the link `init` printed, sets a password and
    # two-factor, signs in and approves with the passphrase given to `init`
    (link,) = ENROLMENT_LINK.findall(stack.init_output)
    custodian = stack.visitor()
    parts = urlsplit(link)
    status, headers, _page = custodian.request("GET", f"{parts.path}?{parts.query}")
    assert status == 303 and headers["Location"].endswith("/staff/enrol"), headers
    page = custodian.request("GET", "/staff/enrol")[2]
    secret = SECRET.search(page)
    assert secret, page[:800]
    stack.otp_secrets["custodian"] = secret.group(1).replace(" ", "")
    fields = {
        "password": CUSTODIAN_PASSWORD,
        "confirm": CUSTODIAN_PASSWORD,
        "otp": pyotp.TOTP(stack.otp_secrets["custodian"]).now(),
    }
    status, headers, page = _form(custodian, "/staff/enrol", fields)
    assert status == 303 and headers["Location"].endswith("/staff/login"), page[:800]
    sign_in(stack, custodian, "custodian", CUSTODIAN_PASSWORD)
    waiting = custodian.request("GET", "/staff/reveals")[2]
    (request_id,) = set(DECIDE_LINK.findall(waiting))
    approve = {"decision": "approve", "passphrase": stack.environ["INTAKE_CUSTODIAN_PASSPHRASE"]}
    status, headers, page = _form(custodian, f"/staff/reveals/{request_id}/decide", approve)
    assert status == 303, page[:800]
    # Then the officer, typing their password again, reads the tipster's name
    path = f"/staff/reveals/{request_id}/identity"
    status, _headers, page = _form(legal, path, {"password": OFFICER_PASSWORD})
    assert status == 200 and tipster in page, page[:800]


def _case_id(staff: Browser, reference: str) -> str:
    query = urlencode({"reference": reference, "status": ""})
    status, _headers, queue = staff.request("GET", f"/staff/cases?{query}")
    assert status == 200, queue[:500]
    case_ids = list(dict.fromkeys(CASE_LINK.findall(queue)))
    assert len(case_ids) == 1, case_ids
    return case_ids[0]


def test_killing_one_application_server_loses_nothing_acknowledged(stack: Stack) -> None:
    before = [file_case(stack, "/tips/new", tip_form()) for _ in range(3)]
    # When one application server dies at once
    stack.servers[0].kill()
    # Then nginx serves every request from the other, and every receipt still tracks
    after = [file_case(stack, "/tips/new", tip_form()) for _ in range(3)]
    for receipt in before + after:
        assert track(stack, receipt.code) == (200, "received"), receipt.reference
    references = [receipt.reference for receipt in before + after]
    assert len(set(references)) == len(references)


def test_the_access_logs_hold_no_address_tracking_code_query_or_request_id(stack: Stack) -> None:
    stack.visitor().request("GET", "/stats?fy=2569&probe=query-secret")
    # An Open311 request id travels in the path, as the specification puts it
    stack.visitor().request("GET", "/open311/v2/requests/path-secret-request-id.json")
    time.sleep(0.5)  # nginx writes its line after the answer
    nginx_log = stack.nginx.access_log.read_text()
    gunicorn_logs = "".join(server.log.read_text() for server in stack.servers)
    assert '"POST /tips/new" 303' in nginx_log and '"POST /track' in gunicorn_logs
    for log in (nginx_log, gunicorn_logs):
        for source in stack.sources:
            assert source not in log
        for code in stack.codes:
            assert code not in log and code.replace(" ", "") not in log
        assert "query-secret" not in log and "fy=2569" not in log
        assert "path-secret-request-id" not in log and "/open311/v2/requests/-" in log


def test_line_and_open311_reach_the_application_through_the_proxy(stack: Stack) -> None:
    # An administrator connects LINE and issues an Open311 key, over HTTPS
    admin = sign_in(stack, stack.visitor(), ADMIN)
    fields = {"channel_secret": line.SECRET, "access_token": line.TOKEN}
    assert _form(admin, "/staff/admin/line", fields)[0] == 303
    status, _headers, page = _form(admin, "/staff/admin/open311", {"name": "แอปของจังหวัด"})
    key = re.search(r'id="open311-key" data-digits="latin">([^<]+)<', page)
    assert status == 200 and key, page[:500]
    # LINE's calls pass nginx with their signature, and the answers come after them
    recorder, platform = stack.line_api, stack.visitor()

    def say(event: dict[str, Any]) -> Any:
        before = len(recorder.replies())
        body = line.body_of(event)
        signed = {"Content-Type": "application/json", "X-Line-Signature": line.sign(body)}
        assert platform.request("POST", "/line/webhook", body, signed)[0] == 200
        return recorder.wait_for_replies(before + 1)[before]

    menu = say(line.event("follow"))
    category = next(b["data"] for b in recorder.buttons(menu) if b["data"].startswith("category:"))
    say(line.postback(category))
    say(line.text("น้ำประปาไม่ไหลทั้งหมู่บ้านตั้งแต่เช้า"))
    filed = " ".join(recorder.texts(say(line.postback("confirm"))))
    assert re.search(r"รร-\d{4}-\d{5}", filed), filed
    forged = line.body_of(line.text("ปลอม"))
    headers = {"X-Line-Signature": line.sign(forged, "another secret")}
    assert platform.request("POST", "/line/webhook", forged, headers)[0] == 400
    # Another system files through Open311 and reads the status
    system = stack.visitor()
    status, _headers, listed = system.request("GET", "/open311/v2/services.json")
    code = json.loads(listed)[0]["service_code"]
    form = {"api_key": key.group(1), "service_code": code, "description": "ไฟดับ",
            "lat": "13.75", "long": "100.5"}  # fmt: skip
    kind = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _headers, created = system.request(
        "POST", "/open311/v2/requests.json", urlencode(form).encode(), kind
    )
    assert status == 201, created
    request_id = json.loads(created)[0]["service_request_id"]
    status, _headers, read = system.request("GET", f"/open311/v2/requests/{request_id}.json")
    assert status == 200 and json.loads(read)[0]["status"] == "open"
    # Neither the key, the request id nor the LINE user is in any access log
    time.sleep(0.5)  # nginx writes its line after the answer
    logs = stack.nginx.access_log.read_text() + "".join(s.log.read_text() for s in stack.servers)
    assert '"POST /line/webhook" 200' in logs
    for secret in (key.group(1), request_id, line.USER, "น้ำประปา"):
        assert secret not in logs
