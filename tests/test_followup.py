"""Following a case by its code: the session holds it for a while, the complainant reads
the public timeline and replies, staff ask questions and see the replies; a closed case's
thread is read-only; the page never shows what belongs to staff; the code never leaves the
POST body."""

from __future__ import annotations

import html
import io
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import ExifTags, Image
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from intake import crypto
from intake.extensions import db
from intake.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    Department,
    EventType,
    Notification,
    OutboxMessage,
    Role,
    User,
)
from intake.services import case_actions
from intake.services.case_work import available_actions
from intake.services.keyring import current_keyring
from intake.services.personal_keys import ensure_personal_key
from intake.services.reveal import approve_reveal, request_reveal
from intake.services.settings import get_organisation
from intake.services.users import create_user, find_user
from intake.workflow import Action
from tests.support.builders import complaint_form, interim_parts, tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.database import database_files
from tests.support.filing import file_and_read_receipt
from tests.support.leaks import leak_hits, scan_tree
from tests.support.staff import make_staff, sign_in

STAFF_BADGE = "ข้อความจากผู้ร้อง/ผู้แจ้ง"
CLOSED_MESSAGE = "เรื่องนี้ปิดแล้ว จึงส่งข้อความเพิ่มเติมไม่ได้"
REPLY = "ผมมีภาพถ่ายเพิ่มเติมตอนที่เจ้าหน้าที่รับเงินครับ"
QUESTION = "ท่านพอจำวันและเวลาที่เกิดเหตุได้หรือไม่"
CAMERA = "ZZCAMERAMAKE"


# ---------------------------------------------------------------------------- helpers


def _case(app: Flask) -> Case:
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        db.session.expunge(case)
        return case


def _user(name: str) -> User:
    user = find_user(db.session, name)
    assert user is not None
    return user


def _follow(client: FlaskClient, path: str, form: dict[str, Any]) -> tuple[str, str]:
    """File a case, then enter its code once; returns (reference, code)."""
    reference, code = file_and_read_receipt(client, path, form)
    page = client.post("/track", data={"code": code})
    assert page.status_code == 200 and 'id="case-status"' in page.get_data(as_text=True)
    return reference, code


def _jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 45.0, 30.0)
    out = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def _reply(client: FlaskClient, message: str, *files: tuple[bytes, str]) -> TestResponse:
    data: dict[str, Any] = {"message": message}
    if files:
        data["attachments"] = [(io.BytesIO(body), name) for body, name in files]
    return client.post("/track/reply", data=data, content_type="multipart/form-data")


INTERIM_START = "เรื่องของท่านยังดำเนินการไม่แล้วเสร็จ เนื่องจากรอผลตรวจสอบจากสำนักงานที่ดิน"


def _timeline(page: str) -> list[tuple[str, str]]:
    """(type, message) of each entry on the status page, newest first."""
    timeline = page[page.index('<ol class="timeline"') :]
    timeline = timeline[: timeline.index("</ol>")]
    result = []
    for body in re.findall(r"<li>(.*?)</li>", timeline, flags=re.S):
        kind = re.search(r'data-type="(\w+)"', body)
        message = re.search(r'<p class="message">(.*?)</p>', body, flags=re.S)
        assert kind is not None, body
        result.append((kind.group(1), html.unescape(message.group(1)) if message else ""))
    return result


def _facts(page: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<dt>(.*?)</dt>", page)]


def _notified(app: Flask) -> set[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(User.username, Notification.kind).join(User, User.id == Notification.user_id)
        )
        return {(row.username, row.kind) for row in rows}


def _absent(page: str, needles: Iterable[str]) -> list[str]:
    return [n for n in needles if n and n in page]


# ---------------------------------------------------------------------- session access


def test_after_the_code_the_session_shows_the_case_without_retyping(client: FlaskClient) -> None:
    # Given a complaint whose code was typed once
    reference, code = _follow(client, "/complaints/new", complaint_form())

    # When the person comes back to /track with a plain GET
    page = client.get("/track")
    text = page.get_data(as_text=True)

    # Then the status page shows their case, without asking for the code again
    assert page.status_code == 200
    assert 'data-status="received"' in text and reference in text
    assert 'name="code"' not in text
    assert code not in text and code.replace(" ", "") not in text


def test_an_idle_session_forgets_the_case(make_app: Any) -> None:
    # Given an idle limit of zero minutes
    app = make_app(INTAKE_TRACK_SESSION_MINUTES=0)
    client = app.test_client()
    _follow(client, "/complaints/new", complaint_form())

    # When the person comes back
    page = client.get("/track").get_data(as_text=True)

    # Then they are asked for the code again
    assert 'name="code"' in page
    assert 'id="case-status"' not in page


def test_leave_ends_the_session_at_once(client: FlaskClient) -> None:
    _follow(client, "/tips/new", tip_form())

    left = client.post("/track/leave")

    assert left.status_code == 303 and left.headers["Location"] == "/track"
    page = client.get("/track").get_data(as_text=True)
    assert 'name="code"' in page and 'id="case-status"' not in page
    assert "ออกจากเรื่องแล้ว" in page
    # and a reply is no longer possible without the code
    refused = _reply(client, "ยังอยู่ไหม")
    assert refused.status_code == 401
    assert "โปรดกรอกรหัสติดตามเรื่องอีกครั้ง" in refused.get_data(as_text=True)


def test_the_code_never_appears_in_a_header_a_url_or_a_later_page(
    client: FlaskClient, app: Flask
) -> None:
    responses: list[TestResponse] = []
    filed = client.post("/tips/new", data=tip_form())
    responses.append(filed)
    receipt = client.get("/receipt").get_data(as_text=True)
    code = re.search(r'id="tracking-code"[^>]*>([\d ]+)<', receipt)
    assert code is not None
    typed = code.group(1).strip()
    case = _case(app)

    responses.append(client.post("/track", data={"code": typed}))
    responses.append(client.get("/track"))
    responses.append(_reply(client, REPLY, (b"hello", "note.txt")))
    responses.append(client.get("/track"))
    responses.append(client.post("/track/leave"))

    secrets = [typed, typed.replace(" ", ""), case.id]
    for response in responses:
        for name, value in response.headers.items():
            if name.lower() == "set-cookie":
                continue  # the session is sealed; checked below by what it opens to
            assert _absent(value, secrets) == [], (name, value)
    locations = [r.headers["Location"] for r in responses if "Location" in r.headers]
    assert locations == ["/receipt", "/track", "/track"]
    for response in responses[1:]:
        page = response.get_data(as_text=True)
        assert _absent(page, secrets) == []
        title = re.search(r"<title>(.*?)</title>", page, flags=re.S)
        assert title is None or _absent(title.group(1), secrets) == []
    cookie = client.get_cookie("session")
    assert cookie is None or _absent(cookie.value, secrets) == []


def test_tracking_lookups_stay_rate_limited_but_reading_is_not(make_app: Any) -> None:
    app = make_app(RATELIMIT_ENABLED=True, INTAKE_TRACK_LIMIT="2 per minute")
    client = app.test_client()
    _, code = file_and_read_receipt(client, "/complaints/new", complaint_form())

    first = client.post("/track", data={"code": code})
    second = client.post("/track", data={"code": "1"})
    third = client.post("/track", data={"code": code})

    assert [first.status_code, second.status_code, third.status_code] == [200, 422, 429]
    # the followed case is read with GETs, which the lookup limit does not count
    assert [client.get("/track").status_code for _ in range(3)] == [200, 200, 200]
    assert 'id="case-status"' in client.get("/track").get_data(as_text=True)


# ------------------------------------------------------------------- two-way messages


def test_a_tip_reply_with_a_photo_is_scrubbed_shown_to_legal_officers_and_notified(
    app: Flask,
) -> None:
    # Given an organisation that keeps complaint photos as sent (tips are scrubbed anyway),
    # staff of every kind that could be told, and a tipster following their tip
    with app.app_context():
        get_organisation(db.session).strip_image_metadata = False
        db.session.commit()
    make_staff(app, "legal1", Role.LEGAL)
    make_staff(app, "intake1", Role.INTAKE)
    make_staff(app, "dept1", Role.DEPARTMENT)
    tipster = app.test_client()
    _follow(tipster, "/tips/new", tip_form())

    # When the tipster answers with a photo that carries GPS and a camera make
    sent = _reply(tipster, REPLY, (_jpeg_with_gps(), "หลักฐาน.jpg"))

    # Then they are sent back to their status page, which shows their own message
    assert sent.status_code == 303 and sent.headers["Location"] == "/track"
    page = tipster.get("/track").get_data(as_text=True)
    assert "ส่งข้อความของท่านถึงเจ้าหน้าที่แล้ว" in page
    assert ("reply", REPLY) in _timeline(page)
    assert "หลักฐาน.jpg" in page

    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        reply = db.session.scalars(select(CaseEvent).where(CaseEvent.type == EventType.REPLY)).one()
        attachment = db.session.scalars(select(Attachment)).one()
        # the message is encrypted, public, from nobody on the staff
        assert reply.public is True and reply.actor_id is None
        assert reply.body_enc is not None and REPLY.encode() not in reply.body_enc
        # the photo belongs to the reply and lost its metadata, at rest too
        assert attachment.event_id == reply.id and attachment.metadata_removed is True
        stored = (Path(app.config["INTAKE_UPLOADS_PATH"]) / attachment.stored_name).read_bytes()
        assert CAMERA.encode() not in stored
        audit = db.session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)
        ).all()
        assert (audit[-1].action, audit[-1].actor, audit[-1].detail) == (
            "case.updated",
            "public",
            "reply",
        )
        case_id, attachment_id = case.id, attachment.id

    # and only the legal officers are told (department officers never hear of tips)
    assert _notified(app) == {("legal1", "case.reply")}

    # and a legal officer sees the reply, marked as the tipster's, with its file
    legal = sign_in(app, "legal1")
    staff_page = legal.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert STAFF_BADGE in staff_page and REPLY in staff_page
    link = f"/staff/cases/{case_id}/attachments/{attachment_id}"
    assert link in staff_page
    download = legal.get(link)
    assert download.status_code == 200
    assert CAMERA.encode() not in download.data and b"Exif" not in download.data
    with Image.open(io.BytesIO(download.data)) as image:
        assert image.size == (24, 16)


def test_a_complaint_reply_goes_to_intake_until_a_department_works_it(app: Flask) -> None:
    make_staff(app, "intake1", Role.INTAKE)
    make_staff(app, "legal1", Role.LEGAL)
    with app.app_context():
        departments = db.session.scalars(select(Department).order_by(Department.id)).all()
        ours, other = departments[0], departments[1]
    make_staff(app, "dept1", Role.DEPARTMENT, ours.name_th)
    make_staff(app, "dept2", Role.DEPARTMENT, other.name_th)
    client = app.test_client()
    _follow(client, "/complaints/new", complaint_form())

    # While the intake desk screens it, they are the ones told
    assert _reply(client, "ขอเพิ่มเติมว่าไฟดับทั้งซอย").status_code == 303
    assert _notified(app) == {("intake1", "case.reply")}

    # Once a department works it, its officers (only theirs) are told
    with app.app_context():
        case_id = db.session.scalars(select(Case.id)).one()
        case_actions.assign(
            db.session,
            current_keyring(),
            _user("intake1"),
            case_id,
            department_id=ours.id,
            now=datetime.now(UTC),
        )
        db.session.execute(Notification.__table__.delete())
        db.session.commit()
    assert _reply(client, "ตอนนี้ไฟดับเพิ่มอีกสองต้น").status_code == 303
    assert _notified(app) == {("dept1", "case.reply")}


def test_a_reply_is_checked_like_a_filing(client: FlaskClient, app: Flask) -> None:
    _follow(client, "/complaints/new", complaint_form())

    empty = _reply(client, "   ")
    assert empty.status_code == 422
    assert 'id="message-error"' in empty.get_data(as_text=True)

    too_long = _reply(client, "ก" * 5001)
    assert too_long.status_code == 422
    assert "ยาวเกินไป" in too_long.get_data(as_text=True)

    wrong_type = _reply(client, "แนบไฟล์", (b"MZ\x90\x00 not really a program", "setup.exe"))
    text = wrong_type.get_data(as_text=True)
    assert wrong_type.status_code == 422
    assert 'id="attachments-error"' in text and "setup.exe" in text

    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 0
        assert db.session.scalar(select(func.count()).where(CaseEvent.type == EventType.REPLY)) == 0


def test_a_closed_case_refuses_new_messages_clearly(client: FlaskClient, app: Flask) -> None:
    # Given a followed complaint that staff have resolved
    make_staff(app, "intake1", Role.INTAKE)
    _follow(client, "/complaints/new", complaint_form())
    with app.app_context():
        case_id = db.session.scalars(select(Case.id)).one()
        case_actions.resolve(
            db.session,
            current_keyring(),
            _user("intake1"),
            case_id,
            message="ซ่อมไฟเรียบร้อยแล้ว",
            now=datetime.now(UTC),
        )

    # When the page is read, the thread is read-only: no reply form is offered; the
    # outcome says what the complainant can do instead
    page = client.get("/track").get_data(as_text=True)
    assert 'data-status="resolved"' in page
    assert 'action="/track/reply"' not in page and 'id="reply"' not in page
    assert 'id="next-step"' in page and "ยื่นเรื่องใหม่" in page

    # When a reply is posted anyway
    refused = _reply(client, "ขอบคุณครับ แต่ยังดับอยู่")

    # Then it is refused with that message, and nothing is added
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert CLOSED_MESSAGE in text and 'role="alert"' in text
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(CaseEvent.type == EventType.REPLY)) == 0
        assert db.session.scalar(select(func.count()).select_from(Notification)) == 0
        # and staff cannot ask a question on it either
        case = db.session.get(Case, case_id)
        assert case is not None
        assert Action.QUESTION not in available_actions(
            _user("intake1"), case
        )


def test_a_staff_question_reaches_the_complainant_without_restarting_the_clock(
    app: Flask,
) -> None:
    # Given a complaint with an e-mail address, followed by its complainant
    complainant = app.test_client()
    _follow(complainant, "/complaints/new", complaint_form(reporter_email="somchai@example.org"))
    make_staff(app, "intake1", Role.INTAKE)
    staff = sign_in(app, "intake1")
    with app.app_context():
        case = db.session.scalars(select(Case)).one()
        case_id, due_before = case.id, case.due_at
        mails_before = db.session.scalar(select(func.count()).select_from(OutboxMessage))

    # When an officer asks a question from the case page
    offered = staff.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert 'id="action-question"' in offered
    asked = staff.post(f"/staff/cases/{case_id}/question", data={"question-message": QUESTION})

    # Then it is recorded as a public question, the clock is unchanged, a mail is queued
    assert asked.status_code == 303
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None and case.due_at == due_before
        question = db.session.scalars(
            select(CaseEvent).where(CaseEvent.type == EventType.QUESTION)
        ).one()
        assert question.public is True
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == (
            (mails_before or 0) + 1
        )
        last = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and (last.action, last.detail) == ("case.updated", "question")
    # and the complainant sees it on their page, with a way to answer
    page = complainant.get("/track").get_data(as_text=True)
    assert _timeline(page)[0] == ("question", QUESTION)
    assert "คำถามจากเจ้าหน้าที่" in page and 'action="/track/reply"' in page

    # and an empty question is refused beside the field
    empty = staff.post(f"/staff/cases/{case_id}/question", data={"question-message": ""})
    assert empty.status_code == 422
    assert 'id="question-message-error"' in empty.get_data(as_text=True)


# ------------------------------------------------------- what the status page may show


STAFF_NAME = "ZZSTAFFNAME นางสาวเจ้าหน้าที่"
NOTE = "ZZNOTEMARKER บันทึกภายใน ห้ามผู้ร้องเห็น"
REVEAL_REASON = "ZZREVEALREASON ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริง"
TIPSTER = "ZZTIPSTERNAME สมหญิง"
ACCUSED = "ZZACCUSEDMARKER นายผู้ถูกกล่าวหา"


def test_the_complaint_status_page_shows_only_what_the_complainant_may_see(
    app: Flask,
) -> None:
    # Given a complaint worked by named staff in a department, with notes, a public update,
    # an interim notice, a question, the complainant's reply and a closing answer
    client = app.test_client()
    form = complaint_form(subject="ZZSUBJECTMARKER", details="ZZDETAILSMARKER")
    reference, code = _follow(client, "/complaints/new", form)
    assert _reply(client, "คำตอบของผู้ร้อง").status_code == 303
    with app.app_context():
        keyring = current_keyring()
        officer = create_user(db.session, "officerzz", STAFF_NAME, Role.INTAKE, "pw")
        # (not the first one: the footer names the complaint unit of สำนักปลัด, on purpose)
        department = db.session.scalars(select(Department).order_by(Department.id)).all()[1]
        db.session.commit()
        case_id = db.session.scalars(select(Case.id)).one()
        department_names = [department.name_th, department.name_en or ""]

        def act(action: Any, **kwargs: Any) -> None:
            action(db.session, keyring, officer, case_id, now=datetime.now(UTC), **kwargs)

        act(case_actions.accept, note=NOTE + " 1")
        act(case_actions.add_note, note=NOTE + " 2")
        act(case_actions.assign, department_id=department.id, note=NOTE + " 3")
        act(case_actions.post_update, message="ข้อความจากเจ้าหน้าที่ถึงผู้ร้อง")
        act(case_actions.interim_notice, **interim_parts(datetime.now(UTC), progress="ตรวจแล้ว"))
        act(case_actions.ask_question, message=QUESTION)
        act(case_actions.start_work, note=NOTE + " 4")
        act(case_actions.resolve, message="ซ่อมแล้วเสร็จ")

    # When the complainant reads their page
    page = client.get("/track").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]

    # Then it shows exactly: the reference, the kind, the status, the dates, and these
    # timeline entries (newest first) with their public texts
    assert reference in main and "เรื่องร้องเรียน/ร้องทุกข์" in main
    assert 'data-status="resolved"' in main
    assert _facts(main) == ["ได้รับเรื่องเมื่อ", "ดำเนินการแล้วเสร็จเมื่อ"]
    # (the interim notice is read as a paragraph built from its parts: its first sentence)
    entries = [
        (kind, text.split(" ความคืบหน้า")[0] if kind == "interim_notice" else text)
        for kind, text in _timeline(main)
    ]
    assert entries == [
        ("status", "ซ่อมแล้วเสร็จ"),
        ("status", ""),  # in progress
        ("question", QUESTION),
        ("interim_notice", INTERIM_START),
        ("update", "ข้อความจากเจ้าหน้าที่ถึงผู้ร้อง"),
        ("status", ""),  # assigned (to which department is not said)
        ("status", ""),  # screening
        ("reply", "คำตอบของผู้ร้อง"),
        ("filed", ""),
    ]
    # and nothing that belongs to staff, to the filing's content or to the session
    forbidden = [
        "ZZNOTEMARKER",
        "ZZSTAFFNAME",
        "officerzz",
        *department_names,
        "ZZSUBJECTMARKER",
        "ZZDETAILSMARKER",
        "สมชาย",  # the complainant's own name is not repeated on a page anyone may open
        "081",
        case_id,
        code,
        code.replace(" ", ""),
        "บันทึกภายใน",
    ]
    assert _absent(page, forbidden) == []


def test_the_tip_status_page_hides_the_reveal_and_the_identity(app: Flask) -> None:
    # Given a tip with an identity that a custodian let a legal officer see, and a note
    client = app.test_client()
    form = tip_form(anonymous="", reporter_name=TIPSTER, accused=ACCUSED)
    _follow(client, "/tips/new", form)
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        legal = create_user(db.session, "legalzz", STAFF_NAME, Role.LEGAL, "pw")
        ensure_personal_key(db.session, keyring, legal, "pw", now)  # as signing in does
        db.session.commit()
        case_id = db.session.scalars(select(Case.id)).one()
        request = request_reveal(db.session, keyring, legal, case_id, REVEAL_REASON, now)
        approve_reveal(db.session, keyring, _user(CUSTODIAN), CUSTODIAN_PASSPHRASE, request.id, now)
        case_actions.add_note(db.session, keyring, legal, case_id, note=NOTE, now=now)
        case_actions.ask_question(db.session, keyring, legal, case_id, message=QUESTION, now=now)

    page = client.get("/track").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]

    # Then the tipster is told that their identity was disclosed (the setting's default),
    # and sees the question, and nothing else of what staff did or know
    assert 'id="identity-disclosed"' in main
    assert [kind for kind, _text in _timeline(main)] == ["question", "filed"]
    forbidden = ["ZZREVEALREASON", "ZZTIPSTERNAME", "ZZACCUSEDMARKER", "ZZNOTEMARKER"]
    forbidden += ["ZZSTAFFNAME", "legalzz", case_id]
    assert _absent(page, forbidden) == []
    # and, a tip: the reply form warns against naming themselves
    assert "โปรดอย่าเขียนชื่อ" in main


@pytest.mark.parametrize("path", ["/track/reply", "/track/leave"])
def test_follow_up_posts_without_a_session_ask_for_the_code(client: FlaskClient, path: str) -> None:
    response = client.post(path, data={"message": "สวัสดี"})
    assert response.status_code in (303, 401)
    target = client.get("/track") if response.status_code == 303 else response
    assert 'name="code"' in target.get_data(as_text=True)


def test_stored_reply_is_readable_only_through_the_keyring(app: Flask) -> None:
    client = app.test_client()
    _follow(client, "/tips/new", tip_form())
    assert _reply(client, REPLY).status_code == 303
    with app.app_context():
        event = db.session.scalars(select(CaseEvent).where(CaseEvent.type == EventType.REPLY)).one()
        assert event.body_enc is not None
        text = crypto.decrypt_text(
            current_keyring(), event.body_enc, table="case_events", column="body", row_id=event.id
        )
        assert text == REPLY


@pytest.mark.commits
def test_a_reply_leaves_no_plain_text_on_disk_or_in_the_logs(
    app: Flask, postgres: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    _, code = _follow(client, "/tips/new", tip_form())
    body = "ZZREPLYFILEBODY เนื้อหาหลักฐาน\n".encode()

    sent = _reply(client, "ZZREPLYMARKER ข้อความลับ", (body, "ZZREPLYFILENAME.txt"))

    assert sent.status_code == 303
    needles = ["ZZREPLYMARKER", "ZZREPLYFILEBODY", "ZZREPLYFILENAME", code.replace(" ", "")]
    leaks = scan_tree(Path(app.instance_path), needles)
    for path in database_files(app):
        hits = leak_hits(path.read_bytes(), needles)
        if hits:
            leaks[str(path)] = hits
    if postgres is not None:
        leaks.update(scan_tree(Path(postgres.data_dir), needles))
    assert leaks == {}
    log_text = "\n".join(record.getMessage() for record in caplog.records)
    assert leak_hits(log_text.encode(), needles) == []
