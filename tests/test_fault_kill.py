"""The server killed (SIGKILL) in the middle of many concurrent filings: every filing whose
receipt was shown is there afterwards, whole and decryptable; no case is half-written.

The app runs as production does (gunicorn, 2 workers × 4 threads, gunicorn.conf.py) in a
process group of its own, on this test's database; eight visitors file through the real
forms (CSRF token, session cookie, some with a file) until the group is killed.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from intake.crypto import decrypt_field, decrypt_text
from intake.extensions import db
from intake.models import Attachment, AuditEntry, Case, CaseEvent, EventType
from intake.services.keyring import current_keyring
from intake.services.public_status import find_by_code
from tests.support.builders import complaint_form

# The repository's own files (the test locates the checkout, not the application).
REPO = Path(__file__).resolve().parents[1]

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits

VISITORS = 8
KILL_AFTER_RECEIPTS = 24
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CODE = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')
REFERENCE = re.compile(r'id="reference-number"[^>]*>([^<]+)<')


@dataclass(frozen=True)
class Receipt:
    reference: str
    code: str
    subject: str
    file: bytes | None


class Visitor:
    """One person's browser: a cookie jar and plain HTTP, nothing of the app in-process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, kind: str = "") -> Any:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if kind:
            headers["Content-Type"] = kind
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    pair = value.split(";", 1)[0]
                    key, _, cookie = pair.partition("=")
                    self.cookies[key.strip()] = cookie
            return response.status, page
        finally:
            connection.close()

    def file(self, number: int) -> Receipt:
        status, page = self.request("GET", "/complaints/new")
        token = TOKEN.search(page)
        assert status == 200 and token, page[:300]
        subject = f"ไฟถนนดับ หมายเลข {number}"
        fields = {
            "csrf_token": token.group(1),
            "subject": subject,
            "details": f"ไฟถนนหน้าโรงเรียนดับ เรื่องที่ {number}",
            "reporter_name": "สมชาย ใจดี",
            "reporter_phone": "081-234-5678",
        }
        blob = _pdf(number) if number % 3 == 0 else None
        body, kind = _multipart(fields, blob)
        status, page = self.request("POST", "/complaints/new", body, kind)
        assert status == 303, page[:500]
        status, page = self.request("GET", "/receipt")
        code, reference = CODE.search(page), REFERENCE.search(page)
        assert status == 200 and code and reference, page[:300]
        return Receipt(reference.group(1).strip(), code.group(1), subject, blob)


def _pdf(number: int) -> bytes:
    return b"%PDF-1.7\n%" + str(number).encode() * 50 + b"\ntrailer\n%%EOF\n"


def _multipart(fields: dict[str, str], blob: bytes | None) -> tuple[bytes, str]:
    boundary = "----intake-fault-test"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    if blob is not None:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            'filename="evidence.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        )
        parts.append(head.encode() + blob + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_gunicorn(app: Flask, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "LANG": "C.UTF-8",
        "INTAKE_ENV": "development",
        "INTAKE_INSTANCE_PATH": app.config["INTAKE_INSTANCE_PATH"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "kill-test-secret-key-32-characters-long",
        "RATELIMIT_ENABLED": "false",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "-c",
        str(REPO / "gunicorn.conf.py"),
        "-b",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Visitor(port).request("GET", "/healthz")[0] == 200:
                return process, port
        except OSError:
            pass
        assert process.poll() is None, log.read_text(errors="replace")[-2000:]
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("gunicorn did not answer /healthz within 60 s")


def test_a_killed_server_loses_no_acknowledged_filing_and_leaves_none_half_written(
    make_app: Any, tmp_path: Path
) -> None:
    # Given the app under gunicorn and eight people filing complaints at once
    app = make_app()
    process, port = _start_gunicorn(app, tmp_path / "gunicorn.log")
    receipts: list[Receipt] = []
    failures: list[str] = []
    lock, counter, killed = threading.Lock(), iter(range(1, 10_000)), threading.Event()

    def visitor() -> None:
        person = Visitor(port)
        while not killed.is_set():
            with lock:
                number = next(counter)
            try:
                receipt = person.file(number)
            except (OSError, http.client.HTTPException):
                return  # the server is gone: what was not acknowledged may be lost
            except AssertionError as error:
                if not killed.is_set():
                    failures.append(str(error)[:300])
                return
            with lock:
                receipts.append(receipt)

    threads = [threading.Thread(target=visitor) for _ in range(VISITORS)]
    try:
        for thread in threads:
            thread.start()
        # When the whole server is killed while filings are in flight
        deadline = time.monotonic() + 120
        while len(receipts) < KILL_AFTER_RECEIPTS and time.monotonic() < deadline and not failures:
            time.sleep(0.01)
        os.killpg(process.pid, signal.SIGKILL)
        killed.set()
    finally:
        for thread in threads:
            thread.join(timeout=60)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    assert not failures, failures
    assert len(receipts) >= KILL_AFTER_RECEIPTS, f"only {len(receipts)} receipts before the kill"
    assert not any(thread.is_alive() for thread in threads), "a visitor hung after the kill"

    # Then every acknowledged filing is there, whole: its reference, its code, its texts
    # and its file decrypt
    with app.app_context():
        keyring = current_keyring()
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        for receipt in receipts:
            case = find_by_code(db.session, keyring, receipt.code)
            assert case is not None, receipt.reference
            assert case.reference == receipt.reference
            subject = decrypt_text(
                keyring, case.subject_enc, table="cases", column="subject", row_id=case.id
            )
            assert subject == receipt.subject
            if receipt.file is not None:
                [attachment] = case.attachments
                blob = (uploads / attachment.stored_name).read_bytes()
                assert (
                    decrypt_field(
                        keyring, blob, table="attachments", column="data", row_id=attachment.id
                    )
                    == receipt.file
                )

        # and no case anywhere is half-written: each has its filing event, its audit entry
        # and all its files; references are unique
        cases = db.session.scalars(select(Case)).all()
        assert len(cases) >= len(receipts)
        filed_events = db.session.scalar(
            select(func.count()).select_from(CaseEvent).where(CaseEvent.type == EventType.FILED)
        )
        filed_audits = db.session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.filed")
        )
        assert filed_events == len(cases) and filed_audits == len(cases)
        assert len({case.reference for case in cases}) == len(cases)
        for attachment in db.session.scalars(select(Attachment)):
            assert (uploads / attachment.stored_name).is_file()
        db.session.rollback()

    # and the books still balance: the audit chain verifies, the statistics equal a recount
    runner = app.test_cli_runner()
    for command in (["intake", "audit-verify"], ["intake", "stats-check"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    # and the system takes the next filing as usual
    client = app.test_client()
    assert client.post("/complaints/new", data=complaint_form()).status_code == 303
    assert REFERENCE.search(client.get("/receipt").get_data(as_text=True))
