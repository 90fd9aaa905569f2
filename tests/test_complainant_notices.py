"""Public steps tell a complainant who gave an e-mail to check with their code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, OutboxMessage, Role, User
from intake.services import case_actions
from intake.services.keyring import current_keyring
from tests.support.builders import complaint_form, interim_parts, tip_form
from tests.support.filing import file_and_read_receipt
from tests.support.mail import Inbox, smtp  # noqa: F401  (the SMTP fixture)
from tests.support.staff import make_staff, staff_client

EMAIL = "complainant@example.org"


def test_an_interim_notice_mails_check_with_your_code_and_nothing_more(
    make_app: Any,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    client = app.test_client()
    reference, _code = file_and_read_receipt(
        client, "/complaints/new", complaint_form(reporter_email=EMAIL)
    )
    officer_id = make_staff(app, "noi", Role.INTAKE)
    now = datetime.now(UTC)
    with app.app_context():
        officer = db.session.get(User, officer_id)
        case_id = db.session.scalars(select(Case.id)).one()
        case_actions.accept(db.session, current_keyring(), officer, case_id, note="", now=now)
        case_actions.interim_notice(
            db.session,
            current_keyring(),
            officer,
            case_id,
            **interim_parts(now, progress="ZZINTERIMMARKER กำลังจัดซื้อหลอดไฟ"),
            now=now,
        )
        queued = db.session.scalars(select(OutboxMessage)).all()
        assert [m.kind for m in queued] == ["complainant.update", "complainant.update"]
        assert all(EMAIL.encode() not in m.recipient_enc for m in queued)

    result = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert "2 sent" in result.output, result.output
    mails = inbox.to(EMAIL)
    assert len(mails) == 2
    body = mails[0].get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert "/track" in body
    for secret in ("ZZINTERIMMARKER", reference, "ไฟถนน"):
        assert secret not in body and secret not in str(mails[0]["Subject"])


def test_internal_notes_and_tips_send_no_mail(app: Flask) -> None:
    client = app.test_client()
    file_and_read_receipt(client, "/complaints/new", complaint_form(reporter_email=EMAIL))
    file_and_read_receipt(client, "/tips/new", tip_form())
    legal_id = make_staff(app, "legal1", Role.LEGAL)
    now = datetime.now(UTC)
    with app.app_context():
        legal = db.session.get(User, legal_id)
        complaint, tip = (
            db.session.scalars(select(Case.id).where(Case.kind == kind)).one()
            for kind in ("complaint", "tip")
        )
        case_actions.add_note(
            db.session, current_keyring(), legal, complaint, note="ภายใน", now=now
        )
        case_actions.accept(db.session, current_keyring(), legal, tip, note="", now=now)
        case_actions.post_update(db.session, current_keyring(), legal, tip, message="ข่าว", now=now)
        assert db.session.scalars(select(OutboxMessage)).all() == []


def test_the_case_page_shows_the_countdown_and_the_periods(app: Flask) -> None:
    file_and_read_receipt(app.test_client(), "/complaints/new", complaint_form())
    officer = staff_client(app, "noi", Role.INTAKE)
    with app.app_context():
        case_id = db.session.scalars(select(Case.id)).one()
    page = officer.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert 'id="days-left"' in page and "เหลืออีก" in page
    assert 'id="response-periods"' in page and "รอบการแจ้งผู้ร้องเรียน (1 รอบ)" in page
    # the interim notice asks for its parts and pre-fills none of them
    assert 'id="interim-reason"' in page and 'id="interim-expected_date"' in page
    assert "[เหตุผล]" not in page
