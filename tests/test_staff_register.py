"""Staff register cases received elsewhere, with their real receipt time, and hand the
complainant a one-time slip with the tracking code."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from intake import deadlines, thaidate
from intake.extensions import db
from intake.models import AuditEntry, Case, CaseKind, Channel, Role, User
from intake.services.settings import extra_holidays, get_organisation
from intake.staff.register_forms import parse_clock_time
from intake.validators import InvalidValue
from tests.support import sample_files as samples
from tests.support.register import bangkok_today, be_text, category_id, registration
from tests.support.staff import staff_client

CODE_PATTERN = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')
REFERENCE_PATTERN = re.compile(r'id="reference-number"[^>]*>([^<]+)<')


def cases(app: Flask) -> list[Case]:
    with app.app_context():
        found = list(db.session.scalars(select(Case)))
        db.session.expunge_all()
        return found


def user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.username == username)).one()


@pytest.fixture
def intake(app: Flask) -> FlaskClient:
    return staff_client(app, "intake1", Role.INTAKE)


def test_walk_in_complaint_keeps_its_real_receipt_time_and_prints_a_slip_once(
    app: Flask, intake: FlaskClient
) -> None:
    # Given a complaint handed in at the counter yesterday at 16:00, typed in Thai digits
    yesterday = bangkok_today() - timedelta(days=1)
    form = registration(received_date=be_text(yesterday, thai_digits=True), received_time="๑๖:๐๐")

    # When the intake officer registers it
    response = intake.post("/staff/cases/new", data=form)

    # Then it is filed with its channel, receipt time, due date and registrar
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    assert response.headers["Location"].endswith("/staff/cases/slip")
    (case,) = cases(app)
    received = datetime.combine(yesterday, time(16), tzinfo=thaidate.BANGKOK).astimezone(UTC)
    assert case.channel is Channel.WALK_IN
    assert case.received_at == received
    with app.app_context():
        organisation = get_organisation(db.session)
        due = deadlines.due_at(
            received,
            organisation.deadline_mode,
            extra_holidays(db.session),
            organisation.response_days,
        )
        actors = list(
            db.session.scalars(
                select(AuditEntry.actor).where(
                    AuditEntry.case_id == case.id, AuditEntry.action == "case.filed"
                )
            )
        )
    assert case.due_at == due == case.first_due_at
    registrar = user_id(app, "intake1")
    assert case.registered_by_id == registrar
    assert actors == [f"user:{registrar}"]

    # And the slip shows the reference and the 28-digit code, once
    slip = intake.get("/staff/cases/slip")
    page = slip.get_data(as_text=True)
    assert slip.status_code == 200
    reference = REFERENCE_PATTERN.search(page)
    code = CODE_PATTERN.search(page)
    assert reference and reference.group(1) == case.reference
    assert code and len(code.group(1).replace(" ", "")) == 28
    assert "ติดต่อด้วยตนเอง" in page and "http://127.0.0.1:5000/track" in page
    again = intake.get("/staff/cases/slip")
    assert again.status_code == 410
    assert CODE_PATTERN.search(again.get_data(as_text=True)) is None

    # And the code works on the public tracking page
    status = app.test_client().post("/track", data={"code": code.group(1)})
    assert status.status_code == 200
    assert 'data-status="received"' in status.get_data(as_text=True)


def test_a_receipt_time_in_the_future_is_refused_beside_the_field(
    app: Flask, intake: FlaskClient
) -> None:
    tomorrow = bangkok_today() + timedelta(days=1)

    response = intake.post("/staff/cases/new", data=registration(received_date=be_text(tomorrow)))

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="received_date-error"[^>]*>[^<]*อนาคต', page)
    assert cases(app) == []


def test_a_mistyped_time_and_a_year_long_past_are_refused(app: Flask, intake: FlaskClient) -> None:
    long_ago = bangkok_today() - timedelta(days=400)

    response = intake.post(
        "/staff/cases/new",
        data=registration(received_date=be_text(long_ago), received_time="25:00"),
    )

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="received_date-error"' in page and 'id="received_time-error"' in page
    assert cases(app) == []


def test_intake_officers_cannot_register_tips_but_legal_officers_can(
    app: Flask, intake: FlaskClient
) -> None:
    # Given an intake officer: the tip kind is not offered, and a forged post is refused
    page = intake.get("/staff/cases/new").get_data(as_text=True)
    assert 'value="complaint"' in page and 'value="tip"' not in page
    forged = intake.post("/staff/cases/new", data=registration(kind="tip"))
    assert forged.status_code == 422 and 'id="kind-error"' in forged.get_data(as_text=True)
    assert cases(app) == []

    # When a legal officer registers a named tip received by letter
    legal = staff_client(app, "legal1", Role.LEGAL)
    assert 'value="tip"' in legal.get("/staff/cases/new").get_data(as_text=True)
    response = legal.post(
        "/staff/cases/new",
        data=registration(
            kind="tip",
            channel="letter",
            category=str(category_id(app, CaseKind.TIP)),
            accused="นาย ก. ตำแหน่ง นายช่าง",
        ),
    )

    # Then the identity is sealed, not kept as a complainant's contact
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    (case,) = cases(app)
    assert case.kind is CaseKind.TIP and case.channel is Channel.LETTER
    assert case.reference.startswith("ทจ-")
    assert case.identity_sealed is not None and case.contact_enc is None
    assert case.accused_enc is not None


def test_category_must_match_the_kind(app: Flask) -> None:
    legal = staff_client(app, "legal1", Role.LEGAL)

    response = legal.post(
        "/staff/cases/new",
        data=registration(category=str(category_id(app, CaseKind.TIP))),
    )

    assert response.status_code == 422
    assert 'id="category-error"' in response.get_data(as_text=True)
    assert cases(app) == []


def test_complaint_needs_a_name_and_an_anonymous_tip_none(app: Flask) -> None:
    legal = staff_client(app, "legal1", Role.LEGAL)

    nameless = legal.post("/staff/cases/new", data=registration(reporter_name=""))
    named_anonymous = legal.post("/staff/cases/new", data=registration(kind="tip", anonymous="y"))

    assert nameless.status_code == 422
    assert 'id="reporter_name-error"' in nameless.get_data(as_text=True)
    assert named_anonymous.status_code == 422
    assert 'id="anonymous-error"' in named_anonymous.get_data(as_text=True)
    assert cases(app) == []


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_attachments_are_stored_and_images_scrubbed(app: Flask, intake: FlaskClient) -> None:
    form = registration()
    form["attachments"] = [
        (io.BytesIO(_png()), "photo.png"),
        (io.BytesIO("หนังสือร้องเรียนฉบับพิมพ์".encode()), "letter.txt"),
    ]

    response = intake.post("/staff/cases/new", data=form, content_type="multipart/form-data")

    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        kept = sorted((a.mime, a.metadata_removed) for a in case.attachments)
    assert kept == [("image/png", True), ("text/plain", False)]


def test_everything_typed_is_kept_when_something_is_wrong(intake: FlaskClient) -> None:
    typed = registration(
        channel="phone",
        received_date=be_text(bangkok_today(), thai_digits=True),
        received_time="๐๗.๓๐ น.",
        reporter_phone="12345",
        reporter_address="12 หมู่ 3 ตำบลหนองบัว",
    )

    response = intake.post("/staff/cases/new", data=typed)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="reporter_phone-error"' in page
    for name in (
        "subject",
        "details",
        "location",
        "reporter_name",
        "reporter_address",
        "received_date",
        "received_time",
        "reporter_phone",
    ):
        assert typed[name] in page, name
    assert re.search(r'<option[^>]*selected[^>]*value="phone"', page)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("16:00", time(16)), ("๑๖.๓๐ น.", time(16, 30)), (" 9:05 ", time(9, 5))],
)
def test_clock_times_are_read_as_offices_write_them(typed: str, expected: time) -> None:
    assert parse_clock_time(typed) == expected


@pytest.mark.parametrize("typed", ["24:00", "16:60", "4 pm", "1600"])
def test_impossible_clock_times_are_refused(typed: str) -> None:
    with pytest.raises(InvalidValue):
        parse_clock_time(typed)


def test_a_tip_typed_in_by_staff_has_its_documents_cleaned_a_complaint_keeps_them(
    app: Flask,
) -> None:
    # Given a Word file whose properties name its author, brought in with a letter
    document = samples.docx()
    legal = staff_client(app, "legal1", Role.LEGAL)

    # When a legal officer registers it once with a tip and once with a complaint
    for kind in ("tip", "complaint"):
        form = registration(kind=kind, channel="letter")
        form["attachments"] = [(io.BytesIO(document), "เอกสาร.docx")]
        response = legal.post("/staff/cases/new", data=form, content_type="multipart/form-data")
        assert response.status_code == 303, response.get_data(as_text=True)[:3000]

    # Then the tip's copy lost its metadata and says so; the complaint's is kept as sent
    with app.app_context():
        stored = {case.kind: case.attachments[0] for case in db.session.scalars(select(Case)).all()}
        assert stored[CaseKind.TIP].metadata_removed is True
        assert "author" in stored[CaseKind.TIP].metadata_report
        assert stored[CaseKind.COMPLAINT].metadata_report == ""
        assert stored[CaseKind.COMPLAINT].size == len(document)
        assert stored[CaseKind.TIP].size != len(document)


def test_files_the_upload_folder_cannot_take_are_refused_beside_the_files(
    make_app: Any, tmp_path: Path
) -> None:
    # Given an upload path that cannot be a folder (a file stands in the way)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    app = make_app(INTAKE_UPLOADS_PATH=str(blocker / "uploads"))
    officer = staff_client(app, "intake1", Role.INTAKE)
    form = registration(subject="หนังสือร้องเรียนพร้อมภาพถ่าย")
    form["attachments"] = [(io.BytesIO(_png()), "photo.png")]
    # When an intake officer registers a letter with a photo
    response = officer.post("/staff/cases/new", data=form, content_type="multipart/form-data")
    # Then the storage problem is said beside the files, not as a wrong category
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="attachments-error"' in page
    assert "ขณะนี้ระบบจัดเก็บไฟล์แนบไม่ได้" in page
    assert "โปรดเลือกประเภทเรื่องใหม่" not in page
    assert "หนังสือร้องเรียนพร้อมภาพถ่าย" in page
    assert cases(app) == []
