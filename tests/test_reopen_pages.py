"""What people see of reopen requests: the status page's offer, its refusals beside the
field, the pending and ended states; the staff case page's decision and the dashboard's
list; the settings field; and the status page's one list of every file the filer sent."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from sqlalchemy import select
from werkzeug.test import TestResponse

from intake.crypto import decrypt_field
from intake.extensions import db
from intake.i18n import format_file_size
from intake.models import Attachment, Case, ReopenOutcome, ReopenRequest, Role
from intake.services import case_actions
from intake.services.keyring import current_keyring
from intake.services.settings import get_organisation
from intake.services.users import find_user
from tests.support.builders import complaint_form, tip_form
from tests.support.filing import file_and_read_receipt
from tests.support.staff import make_staff, sign_in

NOT_SOLVED = "ไฟถนนยังดับเหมือนเดิมทุกคืน"
CAMERA = "ZZCAMERAMAKE"


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 45.0, 30.0)
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _follow(client: FlaskClient, path: str, form: dict[str, Any]) -> None:
    _reference, code = file_and_read_receipt(client, path, form)
    assert client.post("/track", data={"code": code}).status_code == 200


def _close(app: Flask, officer: str, closed_at: datetime | None = None) -> str:
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        user = find_user(db.session, officer)
        assert user is not None
        when = closed_at or datetime.now(UTC)
        case_actions.resolve(
            db.session, current_keyring(), user, case.id, message="ซ่อมแล้ว", now=when
        )
        return case.id


def _ask(client: FlaskClient, message: str, *files: tuple[bytes, str]) -> TestResponse:
    data: dict[str, Any] = {"reopen-message": message}
    if files:
        data["reopen-attachments"] = [(io.BytesIO(body), name) for body, name in files]
    return client.post("/track/reopen", data=data, content_type="multipart/form-data")


def test_a_tipster_asks_to_reopen_with_a_photo_cleaned_as_in_replies(app: Flask) -> None:
    make_staff(app, "legal1", Role.LEGAL)
    tipster = app.test_client()
    _follow(tipster, "/tips/new", tip_form())
    case_id = _close(app, "legal1")

    # The closed case's page offers the request, with its deadline
    page = tipster.get("/track").get_data(as_text=True)
    assert 'id="reopen-offer"' in page and 'action="/track/reopen#reopen"' in page

    sent = _ask(tipster, NOT_SOLVED, (_jpeg_with_gps(), "ยังดับ.jpg"))

    assert sent.status_code == 303 and sent.headers["Location"] == "/track#reopen"
    page = tipster.get("/track").get_data(as_text=True)
    assert "ส่งคำขอให้เปิดเรื่องใหม่แล้ว" in page
    assert 'id="reopen-pending"' in page and 'id="reopen-offer"' not in page
    assert "ท่านขอให้เปิดเรื่องใหม่" in page and NOT_SOLVED in page
    with app.app_context():
        request = db.session.scalars(select(ReopenRequest)).one()
        assert request.case_id == case_id and request.outcome is ReopenOutcome.PENDING
        attachment = db.session.scalars(select(Attachment)).one()
        assert attachment.event_id == request.event_id and attachment.metadata_removed
        blob = (Path(app.config["INTAKE_UPLOADS_PATH"]) / attachment.stored_name).read_bytes()
        data = decrypt_field(
            current_keyring(), blob, table="attachments", column="data", row_id=attachment.id
        )
        assert CAMERA.encode() not in data and b"GPS" not in data
    assert "ยังดับ.jpg" in page

    # A second request while one waits is refused, and says why
    again = _ask(tipster, "ขออีกครั้ง")
    assert again.status_code == 409
    assert "มีคำขอให้เปิดใหม่ที่รอพิจารณาอยู่แล้ว" in again.get_data(as_text=True)


def test_an_empty_request_is_refused_beside_the_field(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    client = app.test_client()
    _follow(client, "/complaints/new", complaint_form())
    _close(app, "intake1")

    refused = _ask(client, "  ", (_jpeg_with_gps(), "รูป.jpg"))

    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="reopen-message-error"' in page and "โปรดบอกว่าปัญหาใดยังไม่ได้รับการแก้ไข" in page
    assert 'id="reopen-attachments-reattach"' in page  # chosen files must be chosen again
    with app.app_context():
        assert db.session.scalars(select(ReopenRequest)).first() is None


def test_after_the_window_the_page_says_how_to_file_anew(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    client = app.test_client()
    _follow(client, "/complaints/new", complaint_form())
    _close(app, "intake1", datetime.now(UTC) - timedelta(days=40))

    page = client.get("/track").get_data(as_text=True)

    assert 'id="reopen-ended"' in page and 'href="/complaints/new"' in page
    assert 'action="/track/reopen' not in page
    refused = _ask(client, NOT_SOLVED)
    assert refused.status_code == 409 and "พ้นระยะเวลาที่ขอให้เปิดเรื่องใหม่ได้แล้ว" in (
        refused.get_data(as_text=True)
    )


def test_the_desk_sees_the_request_and_reopens_or_answers(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    complainant = app.test_client()
    _follow(complainant, "/complaints/new", complaint_form())
    case_id = _close(app, "intake1")
    assert _ask(complainant, NOT_SOLVED).status_code == 303
    desk = sign_in(app, "intake1")

    # The dashboard lists it, linked to the case page
    dashboard = desk.get("/staff/dashboard").get_data(as_text=True)
    waiting = dashboard[dashboard.index('id="reopen-waiting"') :]
    assert f"/staff/cases/{case_id}#reopen-request" in waiting
    assert re.search(r'data-kind="complaint">\s*<th[^>]*>[^<]*</th>\s*<td>1</td>', dashboard)

    # The case page shows it with both decisions
    page = desk.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert 'id="reopen-request"' in page and NOT_SOLVED in page
    assert 'id="reopen-grant"' in page and 'id="reopen-decline"' in page

    # A refusal without a reason is refused beside the field
    empty = desk.post(
        f"/staff/cases/{case_id}/reopen-request/decline", data={"reopen-decline-message": ""}
    )
    assert empty.status_code == 422
    assert 'id="reopen-decline-message-error"' in empty.get_data(as_text=True)

    # Reopening starts a new period and the complainant sees the case open again
    done = desk.post(
        f"/staff/cases/{case_id}/reopen-request/grant",
        data={"reopen-grant-message": "จะส่งช่างไปตรวจอีกครั้ง"},
    )
    assert done.status_code == 303
    assert 'id="reopen-request"' not in desk.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    status = complainant.get("/track").get_data(as_text=True)
    assert 'data-status="screening"' in status and "จะส่งช่างไปตรวจอีกครั้ง" in status
    assert 'id="due-at"' in status and 'id="reopen"' not in status


def test_a_refusal_shows_on_the_complainants_page(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    complainant = app.test_client()
    _follow(complainant, "/complaints/new", complaint_form())
    case_id = _close(app, "intake1")
    _ask(complainant, NOT_SOLVED)
    desk = sign_in(app, "intake1")

    desk.post(
        f"/staff/cases/{case_id}/reopen-request/decline",
        data={"reopen-decline-message": "ไฟดวงนี้เป็นของการไฟฟ้า ได้แจ้งการไฟฟ้าแล้ว"},
    )

    page = complainant.get("/track").get_data(as_text=True)
    assert 'data-status="resolved"' in page
    assert "คำตอบต่อคำขอให้เปิดเรื่องใหม่: ไม่เปิดเรื่องใหม่" in page
    assert "ไฟดวงนี้เป็นของการไฟฟ้า ได้แจ้งการไฟฟ้าแล้ว" in page
    assert 'id="reopen-offer"' in page  # within the window they may ask once more


def test_the_settings_form_takes_the_window_in_thai_digits(app: Flask) -> None:
    make_staff(app, "admin1", Role.ADMIN)
    admin = sign_in(app, "admin1")
    form_page = admin.get("/staff/admin/settings").get_data(as_text=True)
    assert 'name="reopen_days"' in form_page and 'value="30"' in form_page
    data = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form_page)
        if name != "csrf_token"
    }
    for name, value in re.findall(
        r'<select[^>]*name="([^"]+)".*?<option[^>]*selected[^>]*value="([^"]*)"',
        form_page,
        flags=re.S,
    ):
        data[name] = value
    data.update({"reopen_days": "๔๕", "deadline_mode": "calendar"})
    for flag in ("strip_image_metadata", "tell_tipster_of_reveal"):
        if f'name="{flag}" type="checkbox" value="y" checked' in form_page or re.search(
            rf'<input[^>]*checked[^>]*name="{flag}"|<input[^>]*name="{flag}"[^>]*checked', form_page
        ):
            data[flag] = "y"

    saved = admin.post("/staff/admin/settings", data=data)

    assert saved.status_code == 303, saved.get_data(as_text=True)[:3000]
    with app.app_context():
        assert get_organisation(db.session).reopen_days == 45
    wrong = admin.post("/staff/admin/settings", data={**data, "reopen_days": "๐"})
    assert wrong.status_code == 422 and 'id="reopen_days-error"' in wrong.get_data(as_text=True)


def test_the_status_page_lists_every_file_sent_with_its_size(app: Flask) -> None:
    complainant = app.test_client()
    photo = _jpeg_with_gps()
    form = complaint_form()
    form["attachments"] = [(io.BytesIO(photo), "ตอนแจ้ง.jpg")]
    _reference, code = file_and_read_receipt(complainant, "/complaints/new", form)
    complainant.post("/track", data={"code": code})
    complainant.post(
        "/track/reply",
        data={"message": "ส่งรูปเพิ่ม", "attachments": [(io.BytesIO(photo), "ภายหลัง.jpg")]},
        content_type="multipart/form-data",
    )

    page = complainant.get("/track").get_data(as_text=True)

    listed = page[page.index('id="sent-files"') :]
    listed = listed[: listed.index("</section>")]
    names = re.findall(r'<span class="file-name">([^<]+)</span>', listed)
    assert names == ["ตอนแจ้ง.jpg", "ภายหลัง.jpg"]
    with app.app_context():
        sizes = [
            a.size for a in db.session.scalars(select(Attachment).order_by(Attachment.created_at))
        ]
    shown = re.findall(r'<span class="file-size">\(([^)]*)\)</span>', listed)
    with app.test_request_context():
        assert shown == [format_file_size(size) for size in sizes]
    assert all(text.endswith("KB") or text.endswith("ไบต์") for text in shown)
    assert "ส่งพร้อมการแจ้งเรื่อง" in listed and "ส่งเมื่อ" in listed
    assert listed.count('class="metadata-report"') == 2


def test_public_statistics_count_complaint_reopen_requests_but_not_tips(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    make_staff(app, "legal1", Role.LEGAL)
    complainant, tipster = app.test_client(), app.test_client()
    _follow(complainant, "/complaints/new", complaint_form())
    _follow(tipster, "/tips/new", tip_form())
    with app.app_context():
        cases = {c.kind.value: c.id for c in db.session.scalars(select(Case))}
        for kind, officer in (("complaint", "intake1"), ("tip", "legal1")):
            user = find_user(db.session, officer)
            assert user is not None
            case_actions.resolve(
                db.session,
                current_keyring(),
                user,
                cases[kind],
                message="แล้ว",
                now=datetime.now(UTC),
            )
    assert _ask(complainant, NOT_SOLVED).status_code == 303
    assert _ask(tipster, NOT_SOLVED).status_code == 303

    data = app.test_client().get("/stats.json").get_json()
    page = app.test_client().get("/stats").get_data(as_text=True)

    assert data["kinds"]["complaint"]["reopen_requests"] == {
        "requested": 1,
        "reopened": 0,
        "declined": 0,
        "pending": 1,
    }
    assert "reopen_requests" not in data["kinds"]["tip"]
    assert 'id="reopen-complaint"' in page and 'id="reopen-tip"' not in page
    assert 'id="reopen-definition"' in page
