"""Faults the system must come through without losing what it acknowledged: the upload
folder full or unusable, and the database gone for a while.

(SMTP down: tests/test_reminders.py, test_mail_waits_in_the_outbox_while_the_server_is_down.)
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import Attachment, Case, CaseEvent, EventType, Role
from tests.support.builders import complaint_form
from tests.support.staff import LEGAL, staff_client

STORAGE_MESSAGE = "ขณะนี้ระบบจัดเก็บไฟล์แนบไม่ได้"
DATABASE_MESSAGE = "ขณะนี้ระบบฐานข้อมูลขัดข้องชั่วคราว"
CODE = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')


def _pdf(size: int) -> bytes:
    """A PDF by its magic bytes (what the upload check looks at), ``size`` bytes long."""
    head, tail = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", b"trailer\n%%EOF\n"
    return head + b"%" * max(0, size - len(head) - len(tail)) + tail


def _with_files(form: dict[str, Any], *sizes: int) -> dict[str, Any]:
    files = [(io.BytesIO(_pdf(size)), f"หลักฐาน-{n}.pdf") for n, size in enumerate(sizes, 1)]
    return {**form, "attachments": files}


def _case_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Case)) or 0


def _file_complaint(client: FlaskClient, form: dict[str, Any]) -> str:
    response = client.post("/complaints/new", data=form, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    found = CODE.search(client.get("/receipt").get_data(as_text=True))
    assert found is not None
    return found.group(1)


@contextmanager
def full_file_system(path: Path, size: str = "64k") -> Iterator[Path]:
    """A real, small file system (tmpfs) at ``path``: writing past ``size`` gets ENOSPC."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (CI runs as root)")
    path.mkdir(parents=True)
    subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)],  # noqa: S607
        check=True,
    )
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)  # noqa: S603, S607


@pytest.mark.commits
def test_a_full_upload_disk_refuses_the_filing_and_keeps_what_was_typed(
    make_app: Any, tmp_path: Path
) -> None:
    with full_file_system(tmp_path / "uploads") as uploads:
        # Given an upload folder with room for the first file but not the second
        app = make_app(INTAKE_UPLOADS_PATH=str(uploads))
        client = app.test_client()
        form = complaint_form()
        # When a complaint comes with both
        response = client.post(
            "/complaints/new",
            data=_with_files(form, 20_000, 200_000),
            content_type="multipart/form-data",
        )
        # Then it is refused as our fault, said beside the files, with everything typed kept
        page = response.get_data(as_text=True)
        assert response.status_code == 503
        error = re.search(r'id="attachments-error"[^>]*>(.*?)</', page, re.S)
        assert error is not None and STORAGE_MESSAGE in error.group(1)
        assert form["subject"] in page and form["details"] in page
        assert form["reporter_name"] in page
        # and nothing is kept: no case, no half-written file, no receipt
        assert _case_count(app) == 0
        assert list(uploads.iterdir()) == []
        assert client.get("/receipt").status_code == 410
        # When room is made (a smaller file fits), the same complaint goes through whole
        code = _file_complaint(client, _with_files(form, 20_000))
        assert code
        with app.app_context():
            attachment = db.session.scalars(select(Attachment)).one()
            assert (uploads / attachment.stored_name).exists()


@pytest.fixture
def unusable_uploads(make_app: Any, tmp_path: Path) -> Flask:
    """The app with an upload path that cannot be a folder: a file stands in the way."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    return make_app(INTAKE_UPLOADS_PATH=str(blocker / "uploads"))


def test_an_unusable_upload_folder_refuses_files_but_not_a_filing_without_them(
    unusable_uploads: Flask,
) -> None:
    # Given an upload path that cannot be a folder
    app = unusable_uploads
    client = app.test_client()
    # When a complaint with a file is sent, it is refused with the reason beside the files
    response = client.post(
        "/complaints/new",
        data=_with_files(complaint_form(), 1_000),
        content_type="multipart/form-data",
    )
    assert response.status_code == 503
    assert STORAGE_MESSAGE in response.get_data(as_text=True)
    assert _case_count(app) == 0
    # and one without files is filed as usual: the folder is needed only for files
    assert _file_complaint(client, complaint_form())
    assert _case_count(app) == 1


def test_a_reply_whose_files_cannot_be_stored_is_not_half_recorded(
    unusable_uploads: Flask,
) -> None:
    # Given a complainant following their case, and an upload folder that is unusable
    app = unusable_uploads
    client = app.test_client()
    code = _file_complaint(client, complaint_form())
    assert client.post("/track", data={"code": code}).status_code == 200
    # When they reply with a file
    response = client.post(
        "/track/reply",
        data={"message": "ส่งรูปเพิ่มเติมครับ", "attachments": _with_files({}, 1_000)["attachments"]},
        content_type="multipart/form-data",
    )
    # Then they are told, beside the files, and their message is still in the box
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert STORAGE_MESSAGE in page and "ส่งรูปเพิ่มเติมครับ" in page
    # and the case has no reply without its file
    with app.app_context():
        replies = db.session.scalars(select(CaseEvent).where(CaseEvent.type == EventType.REPLY))
        assert list(replies) == []


@pytest.mark.commits
def test_while_the_database_is_down_pages_say_so_and_nothing_acknowledged_is_lost(
    make_app: Any, postgres: Any
) -> None:
    if postgres is None:
        pytest.skip("postgresql tier only: it stops and restarts the database server")
    # Given a complaint filed and acknowledged, and a legal officer signed in
    app = make_app()
    client = app.test_client()
    officer = staff_client(app, LEGAL, Role.LEGAL)
    form = complaint_form()
    code = _file_complaint(client, form)
    # When the database server stops
    postgres.pause()
    try:
        health = client.get("/healthz")
        new_form = client.get("/complaints/new")
        sent = client.post("/complaints/new", data=complaint_form(subject="ส่งระหว่างระบบล่ม"))
        tracked = client.post("/track", data={"code": code})
        queue = officer.get("/staff/cases")
    finally:
        postgres.resume()
    # Then /healthz says so, and people get a Thai page that tells them what to do
    assert health.status_code == 503 and health.get_json()["database"] == "unavailable"
    assert health.headers["Retry-After"]
    for response in (new_form, sent, tracked, queue):
        page = response.get_data(as_text=True)
        assert response.status_code == 503, page[:500]
        assert DATABASE_MESSAGE in page and "ยังไม่ได้รับการบันทึก" in page
        assert "<h1>ระบบขัดข้องชั่วคราว</h1>" in page
        assert response.headers["Retry-After"]
        assert "Traceback" not in page
    # and the filing sent during the outage got no receipt
    assert client.get("/receipt").status_code == 410
    # When it is back, everything works again and the acknowledged case is there
    assert client.get("/healthz").status_code == 200
    status = client.post("/track", data={"code": code})
    assert status.status_code == 200 and 'id="case-status"' in status.get_data(as_text=True)
    assert _file_complaint(client, complaint_form(subject="ส่งหลังระบบกลับมา"))
    assert _case_count(app) == 2
    assert officer.get("/staff/cases").status_code == 200


def test_an_unexpected_error_is_logged_by_type_and_place_and_shown_as_a_thai_page(
    make_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    @app.get("/boom")
    def boom() -> str:
        raise ZeroDivisionError("what someone typed")

    response = app.test_client().get("/boom")
    assert response.status_code == 500 and "ระบบขัดข้อง" in response.get_data(as_text=True)
    logged = [r.getMessage() for r in caplog.records if "unhandled error" in r.getMessage()]
    assert len(logged) == 1 and "ZeroDivisionError at" in logged[0], logged
    assert "what someone typed" not in caplog.text
