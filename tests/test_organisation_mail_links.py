"""A mail to a complainant of one organisation on a host of several sends them to that
organisation's tracking page, over a real SMTP server on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from intake import mail
from intake.extensions import db
from intake.models import Case, CaseKind, Role, User
from intake.services import case_actions, reminders
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from tests.support.builders import complaint_form
from tests.support.filing import file_and_read_receipt
from tests.support.mail import Inbox, smtp  # noqa: F401  (the SMTP fixture)
from tests.support.organisations import add_organisation, working_for
from tests.support.staff import make_staff

SECOND = "second"
EMAIL = "complainant@example.org"


def test_a_reply_mail_names_the_organisations_own_tracking_page(
    make_app: Any,
    smtp: tuple[Inbox, int],  # noqa: F811
    tmp_path: Path,
) -> None:
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    file_and_read_receipt(
        app.test_client(), f"/o/{SECOND}/complaints/new", complaint_form(reporter_email=EMAIL)
    )
    now = datetime.now(UTC)
    with working_for(app, second):
        officer_id = make_staff(app, "noi", Role.INTAKE)
        with app.app_context():
            officer = db.session.get(User, officer_id)
            case_id = db.session.scalars(select(Case.id)).one()
            keyring = current_keyring()
            case_actions.post_update(
                db.session, keyring, officer, case_id, message="รับเรื่องแล้ว", now=now
            )
            mail.deliver(db.session, keyring, app.config, tmp_path / "outbox", now)

    body = inbox.to(EMAIL)[0].get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    assert f"{app.config['INTAKE_BASE_URL']}/o/{SECOND}/track" in body


def test_a_reminder_links_to_the_case_at_the_staffs_own_organisation(
    make_app: Any,
    smtp: tuple[Inbox, int],  # noqa: F811
    tmp_path: Path,
) -> None:
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    now = datetime.now(UTC)
    with working_for(app, second):
        officer_id = make_staff(app, "legal1", Role.LEGAL)
        with app.app_context():
            db.session.get(User, officer_id).email = "legal1@example.org"  # type: ignore[union-attr]
            keyring = current_keyring()
            filed = file_case(
                db.session,
                keyring,
                Path(app.config["INTAKE_UPLOADS_PATH"]),
                FilingInput(kind=CaseKind.TIP, subject="ก", details="ข"),
                now - timedelta(days=14),
            )
            reminders.send(
                db.session,
                keyring,
                reminders.plan(db.session, now),
                app.config["INTAKE_BASE_URL"],
                now,
            )
            mail.deliver(db.session, keyring, app.config, tmp_path / "outbox", now)

    body = inbox.to("legal1@example.org")[0].get_payload(decode=True).decode("utf-8")  # type: ignore[union-attr]
    base = app.config["INTAKE_BASE_URL"]
    assert f"{base}/o/{SECOND}/staff/cases/{filed.case_id}" in body
