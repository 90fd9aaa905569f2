"""An administrator sees each outbox message's state, never whom it is for, and can put a
failed one back in the queue (audited)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from intake import mail
from intake.extensions import db
from intake.models import AuditEntry, OutboxMessage, Role
from intake.services.keyring import current_keyring
from tests.support.staff import staff_client

QUEUED = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
ADDRESS = "somsri.private@example.org"


def _queue(app: Flask, kind: str, **state: object) -> str:
    with app.app_context():
        message = mail.queue(
            db.session, current_keyring(), kind, ADDRESS, "เรื่องลับ", "เนื้อความลับ", QUEUED
        )
        for name, value in state.items():
            setattr(message, name, value)
        db.session.commit()
        return message.id


def test_the_outbox_page_shows_states_and_codes_but_no_recipient(app: Flask) -> None:
    # Given a refused, a deferred and a sent message
    failed = _queue(app, "complainant.update", attempts=1, last_code=550, failed_at=QUEUED)
    waiting = _queue(
        app,
        "reminder.overdue",
        attempts=1,
        last_code=451,
        next_attempt_at=QUEUED + mail.FIRST_RETRY,
    )
    sent = _queue(app, "reminder.due_soon", attempts=1, last_code=250, sent_at=QUEUED)
    admin = staff_client(app, "admin1", Role.ADMIN)

    # When the administrator opens the outbox
    response = admin.get("/staff/admin/mail")

    # Then each message is listed under its state with its kind, attempts and last code
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'data-message="{failed}" data-state="failed" data-code="550"' in page
    assert f'data-message="{waiting}" data-state="waiting" data-code="451"' in page
    assert f'data-message="{sent}" data-state="sent" data-code="250"' in page
    assert "แจ้งความคืบหน้าแก่ผู้แจ้ง" in page
    # ...and nothing of the recipient or the contents, not even the domain
    for secret in ("somsri", "example.org", "เรื่องลับ", "เนื้อความลับ"):
        assert secret not in page

    # When they put the failed message back in the queue
    retried = admin.post(f"/staff/admin/mail/{failed}/retry")

    # Then it waits for the next run, and the audit log says who did it
    assert retried.status_code == 303
    with app.app_context():
        message = db.session.get(OutboxMessage, failed)
        assert message is not None and mail.state(message) == mail.WAITING
        assert message in mail.due(db.session, datetime.now(UTC) + timedelta(seconds=1))
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "admin.mail_retried")
        ).all()
        assert [e.detail for e in entries] == [f"complainant.update {failed}"]
    # A message that has not failed is not retried
    again = admin.post(f"/staff/admin/mail/{sent}/retry", follow_redirects=True)
    assert "ข้อความนี้ไม่ได้อยู่ในสถานะส่งไม่สำเร็จ" in again.get_data(as_text=True)


def test_only_administrators_see_the_outbox(app: Flask) -> None:
    legal = staff_client(app, "legal1", Role.LEGAL)
    assert legal.get("/staff/admin/mail").status_code == 403
