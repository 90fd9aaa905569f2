"""A small HTTP client (stdlib only) that prepares what wrk replays: session cookies,
CSRF tokens and form bodies, obtained through the real pages as a browser would.

Cookies are kept by hand: production cookies are ``Secure`` and the benchmark speaks
plain HTTP on loopback, where ``http.cookiejar`` would refuse to send them back.
"""

from __future__ import annotations

import http.client
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

USER_AGENT = "intake-bench/1"  # wrk sends the same: Flask-Login ties a session to it
TIMEOUT = 60

CODE_PATTERN = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')
REFERENCE_PATTERN = re.compile(r'id="reference-number"[^>]*>([^<]+)<')


class BenchSetupError(RuntimeError):
    """A page did not answer as a person using it would expect; the message says which."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class _FormParser(HTMLParser):
    """Collects the inputs and select options of every form on a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(
                {
                    "action": values.get("action", ""),
                    "multipart": values.get("enctype", "") == "multipart/form-data",
                    "inputs": {},
                    "options": {},
                }
            )
        elif not self.forms:
            return
        elif tag in ("input", "textarea") and values.get("name"):
            inputs = self.forms[-1]["inputs"]
            assert isinstance(inputs, dict)  # noqa: S101 - narrowing for the type checker
            inputs[values["name"]] = values.get("value", "")
        elif tag == "select":
            self._select = values.get("name")
        elif tag == "option" and self._select:
            options = self.forms[-1]["options"]
            assert isinstance(options, dict)  # noqa: S101
            options.setdefault(self._select, []).append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@dataclass
class Form:
    action: str
    multipart: bool  # enctype="multipart/form-data": browsers then send multipart bodies
    inputs: dict[str, str]
    options: dict[str, list[str]]


def forms_on(page: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(page)
    return [
        Form(
            str(f["action"]),
            bool(f["multipart"]),
            dict(f["inputs"]),  # type: ignore[call-overload]
            dict(f["options"]),  # type: ignore[call-overload]
        )
        for f in parser.forms
    ]


def form_posting_to(page: str, action: str, page_path: str) -> Form:
    """The form that posts to ``action`` (a form without an action posts to its page)."""
    for form in forms_on(page):
        if (urlsplit(form.action).path or page_path) == action:
            return form
    raise BenchSetupError(f"no form posting to {action} on {page_path}")


BOUNDARY = "----intakebench7MA4YWxkTrZu0gW"


def encode(form: Form, data: dict[str, str]) -> tuple[str, str]:
    """(body, content type) as a browser sends the form. A multipart form without a file
    chosen still carries an empty file part, as browsers send it."""
    if not form.multipart:
        return urlencode(data), "application/x-www-form-urlencoded"
    parts = []
    for name, value in data.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; filename=""\r\n'
        "Content-Type: application/octet-stream\r\n\r\n\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n")
    return "".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


@dataclass
class Browser:
    """One visitor on ``127.0.0.1:port``: a cookie jar and plain requests."""

    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self, method: str, path: str, body: str | None = None, content_type: str = ""
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        if body is not None:
            headers["Content-Type"] = content_type
        try:
            payload = body.encode() if body is not None else None
            connection.request(method, path, body=payload, headers=headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    self._keep(value)
            response_headers = {name.lower(): value for name, value in raw.getheaders()}
        finally:
            connection.close()
        return Response(raw.status, response_headers, text)

    def _keep(self, set_cookie: str) -> None:
        pair, _, attributes = set_cookie.partition(";")
        name, _, value = pair.strip().partition("=")
        lowered = attributes.lower().replace(" ", "")
        if not value or "max-age=0" in lowered or "expires=thu,01jan1970" in lowered:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def get(self, path: str, expect: int = 200) -> Response:
        response = self.request("GET", path)
        _check(response, "GET", path, expect)
        return response

    def post(self, path: str, form: Form, data: dict[str, str], expect: int = 303) -> Response:
        body, content_type = encode(form, data)
        response = self.request("POST", path, body, content_type)
        _check(response, "POST", path, expect)
        return response


def _check(response: Response, method: str, path: str, expect: int) -> None:
    if response.status != expect:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.body))
        raise BenchSetupError(
            f"{method} {path} answered {response.status}, expected {expect}: {text[:300]}"
        )


def _first_real_option(form: Form, name: str) -> str:
    choices = [value for value in form.options.get(name, []) if value not in ("", "None")]
    if not choices:
        raise BenchSetupError(f"the form offers no {name} to choose")
    return choices[0]


@dataclass(frozen=True)
class Prepared:
    """What wrk replays: a cookie header and a body as the browser encodes it."""

    cookie: str
    body: str = ""
    content_type: str = ""


TIP = {
    "subject": "เรียกรับเงินในการออกใบอนุญาตก่อสร้าง (ทดสอบความเร็ว)",
    "details": "เจ้าหน้าที่ขอเงินห้าพันบาทเพื่อให้ออกใบอนุญาตเร็วขึ้น ข้อความนี้มาจากการทดสอบความเร็วของระบบ",
    "anonymous": "y",
}
COMPLAINT = {
    "subject": "ไฟถนนดับหน้าโรงเรียน (ทดสอบความเร็ว)",
    "details": "ไฟถนนหน้าโรงเรียนดับมาสามคืนแล้ว ข้อความนี้มาจากการทดสอบความเร็วของระบบ",
    "reporter_name": "ผู้ทดสอบ ความเร็ว",
    "reporter_phone": "081-234-5678",
}


def _filled(form: Form, values: dict[str, str]) -> dict[str, str]:
    """The form as a person sends it: hidden fields kept, the honeypot left empty,
    unticked checkboxes absent, a real category chosen."""
    data = {name: value for name, value in form.inputs.items() if name != "anonymous"}
    data["website"] = ""  # the honeypot: people never see it, so never fill it
    data.pop("attachments", None)
    data["category"] = _first_real_option(form, "category")
    data.update(values)
    if "csrf_token" not in data or not data["csrf_token"]:
        raise BenchSetupError(f"no csrf_token in the form posting to {form.action}")
    return data


def prepare_tip(port: int, prefix: str = "") -> Prepared:
    """A fresh visitor's session and an anonymous tip with a real CSRF token; posted once
    here to prove it files (303 to /receipt) before wrk posts it again and again."""
    visitor = Browser(port)
    page = visitor.get(f"{prefix}/tips/new").body
    form = form_posting_to(page, f"{prefix}/tips/new", f"{prefix}/tips/new")
    data = _filled(form, TIP)
    cookie = visitor.cookie_header()
    trial = Browser(port, dict(visitor.cookies))
    response = trial.post(f"{prefix}/tips/new", form, data)
    if not response.location.endswith("/receipt"):
        raise BenchSetupError(f"a tip was filed but sent to {response.location!r}")
    return Prepared(cookie, *encode(form, data))


def file_complaint(port: int, prefix: str = "") -> tuple[str, str]:
    """Files one complaint through the form and reads the receipt: (reference, code)."""
    visitor = Browser(port)
    page = visitor.get(f"{prefix}/complaints/new").body
    form = form_posting_to(page, f"{prefix}/complaints/new", f"{prefix}/complaints/new")
    visitor.post(f"{prefix}/complaints/new", form, _filled(form, COMPLAINT))
    receipt = visitor.get(f"{prefix}/receipt").body
    code = CODE_PATTERN.search(receipt)
    reference = REFERENCE_PATTERN.search(receipt)
    if not (code and reference):
        raise BenchSetupError("the receipt shows no #tracking-code or #reference-number")
    return reference.group(1).strip(), code.group(1).replace(" ", "")


def prepare_track(port: int, code: str, prefix: str = "") -> Prepared:
    """A visitor's session with a CSRF token from GET /track, and the code to post."""
    visitor = Browser(port)
    page = visitor.get(f"{prefix}/track").body
    form = form_posting_to(page, f"{prefix}/track", f"{prefix}/track")
    data = {**form.inputs, "code": code}
    cookie = visitor.cookie_header()
    response = Browser(port, dict(visitor.cookies)).post(f"{prefix}/track", form, data, expect=200)
    if 'id="case-status"' not in response.body:
        raise BenchSetupError("POST /track with the code showed no #case-status")
    return Prepared(cookie, *encode(form, data))


def totp_secret(provisioning_uri: str) -> str:
    query = parse_qs(urlsplit(provisioning_uri).query)
    secrets = query.get("secret")
    if not secrets:
        raise BenchSetupError("the otpauth:// URI carries no secret")
    return secrets[0]


def staff_sign_in(
    port: int, username: str, password: str, provisioning_uri: str, prefix: str = ""
) -> Prepared:
    """Password, then the TOTP code (enrolment on first sign-in), as a person would;
    returns the signed-in session, checked on GET /staff/cases."""
    import pyotp

    staff = Browser(port)
    page = staff.get(f"{prefix}/staff/login").body
    form = form_posting_to(page, f"{prefix}/staff/login", f"{prefix}/staff/login")
    data = {**form.inputs, "username": username, "password": password}
    step = urlsplit(staff.post(f"{prefix}/staff/login", form, data).location).path
    page = staff.get(step).body
    form = form_posting_to(page, step, step)
    code = pyotp.TOTP(totp_secret(provisioning_uri)).now()
    staff.post(step, form, {**form.inputs, "otp": code})
    queue = staff.get(f"{prefix}/staff/cases").body
    if "/staff/cases/" not in queue:
        raise BenchSetupError("the signed-in queue at /staff/cases links no case")
    return Prepared(staff.cookie_header())
