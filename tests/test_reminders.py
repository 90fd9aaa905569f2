"""`intake remind` against a real SMTP server on loopback: right people, once a day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, CaseKind, Department, OutboxMessage, Role, User
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from tests.support.mail import Inbox, free_port, smtp  # noqa: F401  (the SMTP fixture)
from tests.support.staff import make_staff

MARKER = "ZZSUBJECTMARKER"


def _staff(
    app: Flask,
    username: str,
    role: Role,
    email: str,
    lead: bool = False,
    department: str | None = None,
) -> None:
    user_id = make_staff(app, username, role, department)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        user.email, user.is_lead = email, lead
        db.session.commit()


def _case(app: Flask, kind: CaseKind, due_in_days: int, department: str | None = None) -> str:
    """A case whose current due date is ``due_in_days`` from now (negative: overdue).

    The due date is set directly: which calendar day makes a case due soon depends on
    weekends and holidays around today, and the deadline rules have their own tests.
    """
    now = datetime.now(UTC)
    with app.app_context():
        data = FilingInput(
            kind=kind, subject=MARKER, details="ก", received_at=now - timedelta(days=20)
        )
        filed = file_case(
            db.session, current_keyring(), Path(app.config["INTAKE_UPLOADS_PATH"]), data, now
        )
        case = db.session.get(Case, filed.case_id)
        assert case is not None
        case.due_at = now + timedelta(days=due_in_days)
        if department:
            case.department_id = db.session.scalars(
                select(Department.id).where(Department.name_th == department)
            ).one()
        db.session.commit()
        return filed.reference


@pytest.fixture
def office(make_app: Any, smtp: tuple[Inbox, int]) -> tuple[Flask, Inbox, dict[str, str]]:  # noqa: F811
    inbox, port = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(port))
    _staff(app, "roads1", Role.DEPARTMENT, "roads1@example.org", department="กองช่าง")
    _staff(
        app, "roadshead", Role.DEPARTMENT, "roadshead@example.org", lead=True, department="กองช่าง"
    )
    _staff(app, "centre1", Role.INTAKE, "centre1@example.org")
    _staff(app, "centrelead", Role.INTAKE, "centrelead@example.org", lead=True)
    _staff(app, "legal1", Role.LEGAL, "legal1@example.org")
    _staff(app, "legallead", Role.LEGAL, "legallead@example.org", lead=True)
    refs = {
        "roads_due_soon": _case(app, CaseKind.COMPLAINT, 1, department="กองช่าง"),
        "roads_overdue": _case(app, CaseKind.COMPLAINT, -2, department="กองช่าง"),
        "unassigned_overdue": _case(app, CaseKind.COMPLAINT, -5),
        "tip_due_soon": _case(app, CaseKind.TIP, 2),
        "tip_overdue": _case(app, CaseKind.TIP, -20),
        "fresh": _case(app, CaseKind.COMPLAINT, 10),
    }
    return app, inbox, refs


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode("utf-8")


def test_each_person_gets_one_digest_with_their_cases(
    office: tuple[Flask, Inbox, dict[str, str]],
) -> None:
    app, inbox, refs = office
    result = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert result.exit_code == 0, result.output

    roads = inbox.to("roads1@example.org")
    assert len(roads) == 1, (result.output, [m["To"] for m in inbox.messages])
    assert refs["roads_due_soon"] in _body(roads[0])
    assert refs["roads_overdue"] not in _body(roads[0])
    head = inbox.to("roadshead@example.org")
    kinds = sorted(_body(m) for m in head)
    assert len(head) == 2  # due soon as an officer of the department, overdue as its head
    assert any(refs["roads_overdue"] in body for body in kinds)
    centre_lead = inbox.to("centrelead@example.org")
    assert any(refs["unassigned_overdue"] in _body(m) for m in centre_lead)
    assert all(refs["tip_overdue"] not in _body(m) for m in centre_lead)
    legal = inbox.to("legal1@example.org")
    assert len(legal) == 1 and refs["tip_due_soon"] in _body(legal[0])
    legal_lead = inbox.to("legallead@example.org")
    assert any(refs["tip_overdue"] in _body(m) for m in legal_lead)
    everything = "".join(_body(m) + str(m["Subject"]) for m in inbox.messages)
    assert refs["fresh"] not in everything
    assert MARKER not in everything  # references and dates only, never what a case is about


def test_running_twice_in_a_day_sends_nothing_new(
    office: tuple[Flask, Inbox, dict[str, str]],
) -> None:
    app, inbox, _refs = office
    runner = app.test_cli_runner()
    runner.invoke(args=["intake", "remind"])
    first = len(inbox.messages)
    assert first >= 5
    again = runner.invoke(args=["intake", "remind"])
    assert again.exit_code == 0
    assert len(inbox.messages) == first
    assert "reminder digests: 0" in again.output


def test_dry_run_prints_the_plan_and_sends_nothing(
    office: tuple[Flask, Inbox, dict[str, str]],
) -> None:
    app, inbox, refs = office
    result = app.test_cli_runner().invoke(args=["intake", "remind", "--dry-run"])
    assert result.exit_code == 0
    assert "overdue: legallead <legallead@example.org>" in result.output
    assert refs["tip_overdue"] in result.output
    assert inbox.messages == []
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage)).first() is None


def test_mail_waits_in_the_outbox_while_the_server_is_down(make_app: Any) -> None:
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(free_port()), MAIL_TIMEOUT="2")
    _staff(app, "legal1", Role.LEGAL, "legal1@example.org")
    _case(app, CaseKind.TIP, 1)
    down = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert down.exit_code == 0, down.output
    assert "0 sent, 0 failed, 1 waiting" in down.output
    with app.app_context():
        waiting = db.session.scalars(select(OutboxMessage)).one()
        # A server that cannot be reached is no message's fault: no attempt is used up
        assert waiting.sent_at is None and waiting.attempts == 0
        assert b"legal1@example.org" not in waiting.recipient_enc

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=int(app.config["MAIL_PORT"]))
    controller.start()
    try:
        up = app.test_cli_runner().invoke(args=["intake", "remind"])
    finally:
        controller.stop()
    assert "1 sent" in up.output
    assert len(inbox.to("legal1@example.org")) == 1
