"""Asking to reopen a closed case: the window after closing, one request at a time,
purged cases refused; staff reopen it with a new response period or say why not; every
step audited; the figures count each request by outcome."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from intake import deadlines
from intake.crypto import decrypt_text
from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    CaseEvent,
    CaseKind,
    EventType,
    Notification,
    ReopenOutcome,
    ReopenRequest,
    Role,
    User,
)
from intake.services import ServiceError, case_actions, reopen_figures, reopen_requests
from intake.services.filing import FilingInput, file_case
from intake.services.followup import followed_status
from intake.services.keyring import current_keyring
from intake.services.public_status import public_status
from intake.services.settings import get_organisation
from intake.services.users import find_user
from intake.workflow import Status

FILED = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Bangkok
CLOSED = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # Tuesday 10 March, 10:00 in Bangkok
# Thirty days after the closing day: 9 April, until midnight in Bangkok.
LAST_MOMENT = datetime(2026, 4, 9, 16, 59, 59, tzinfo=UTC)  # 23:59:59 in Bangkok
TOO_LATE = datetime(2026, 4, 9, 17, 0, tzinfo=UTC)  # 10 April 00:00 in Bangkok
ASKED = datetime(2026, 3, 20, 2, 0, tzinfo=UTC)
DECIDED = datetime(2026, 3, 23, 2, 0, tzinfo=UTC)  # Monday 23 March, 09:00 in Bangkok
NOT_SOLVED = "หลุมยังอยู่ที่เดิม ฝนตกแล้วน้ำขังเหมือนเดิม"


@pytest.fixture
def staff(app: Flask) -> Flask:
    with app.app_context():
        for username, role in (("intake1", Role.INTAKE), ("legal1", Role.LEGAL)):
            db.session.add(
                User(username=username, display_name=username, role=role, password_hash="!")
            )
        db.session.commit()
    return app


def _user(name: str) -> User:
    user = find_user(db.session, name)
    assert user is not None
    return user


def _closed_case(app: Flask, kind: CaseKind = CaseKind.COMPLAINT) -> str:
    """A case filed on FILED and resolved on CLOSED by the desk (legal for a tip)."""
    keyring = current_keyring()
    filed = file_case(
        db.session,
        keyring,
        Path(app.config["INTAKE_UPLOADS_PATH"]),
        FilingInput(kind=kind, subject="ถนนชำรุด", details="หลุมใหญ่หน้าตลาด"),
        FILED,
    )
    officer = _user("legal1" if kind is CaseKind.TIP else "intake1")
    case_actions.resolve(db.session, keyring, officer, filed.case_id, message="ซ่อมแล้ว", now=CLOSED)
    return filed.case_id


def _ask(app: Flask, case_id: str, now: datetime, message: str = NOT_SOLVED) -> None:
    reopen_requests.ask(
        db.session,
        current_keyring(),
        Path(app.config["INTAKE_UPLOADS_PATH"]),
        case_id,
        message=message,
        files=[],
        now=now,
    )


def _requests(case_id: str) -> list[ReopenRequest]:
    return list(
        db.session.scalars(
            select(ReopenRequest)
            .where(ReopenRequest.case_id == case_id)
            .order_by(ReopenRequest.requested_at)
        )
    )


def _audit(case_id: str) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    )
    return [(entry.actor, entry.action, entry.detail) for entry in rows]


def _body(event: CaseEvent) -> str:
    assert event.body_enc is not None
    return decrypt_text(
        current_keyring(), event.body_enc, table="case_events", column="body", row_id=event.id
    )


def test_within_the_window_the_complainant_asks_and_the_desk_is_told(staff: Flask) -> None:
    with staff.app_context():
        case_id = _closed_case(staff)

        _ask(staff, case_id, LAST_MOMENT)

        (request,) = _requests(case_id)
        assert request.outcome is ReopenOutcome.PENDING
        event = db.session.get(CaseEvent, request.event_id)
        assert event is not None and event.public and event.actor_id is None
        assert event.type is EventType.REPLY and _body(event) == NOT_SOLVED
        case = db.session.get(Case, case_id)
        assert case is not None and case.status is Status.RESOLVED  # still closed
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == "case.reopen_request")
        ).all()
        assert told == [_user("intake1").id]
        assert _audit(case_id)[-1] == ("public", "case.reopen_requested", "files 0")


def test_after_the_window_the_request_is_refused(staff: Flask) -> None:
    with staff.app_context():
        case_id = _closed_case(staff)

        with pytest.raises(ServiceError, match="window_closed"):
            _ask(staff, case_id, TOO_LATE)

        assert _requests(case_id) == []
        case = db.session.get(Case, case_id)
        assert case is not None
        window = reopen_requests.window(db.session, case, TOO_LATE)
        assert not window.open and window.ends_at == LAST_MOMENT + timedelta(microseconds=999999)


def test_the_window_follows_the_organisation_setting(staff: Flask) -> None:
    with staff.app_context():
        get_organisation(db.session).reopen_days = 7
        db.session.commit()
        case_id = _closed_case(staff)

        with pytest.raises(ServiceError, match="window_closed"):
            _ask(staff, case_id, CLOSED + timedelta(days=8))
        _ask(staff, case_id, CLOSED + timedelta(days=7))

        assert len(_requests(case_id)) == 1


def test_one_request_at_a_time_and_again_after_a_refusal(staff: Flask) -> None:
    with staff.app_context():
        case_id = _closed_case(staff)
        _ask(staff, case_id, ASKED)

        with pytest.raises(ServiceError, match="pending"):
            _ask(staff, case_id, ASKED + timedelta(hours=1), "ขอเพิ่มเติมอีกครั้ง")
        assert len(_requests(case_id)) == 1

        reopen_requests.decline(
            db.session, current_keyring(), _user("intake1"), case_id,
            message="ซ่อมตามมาตรฐานแล้ว", now=DECIDED,
        )  # fmt: skip
        _ask(staff, case_id, DECIDED + timedelta(days=1), "ยังมีน้ำขังอยู่")

        outcomes = [request.outcome for request in _requests(case_id)]
        assert outcomes == [ReopenOutcome.DECLINED, ReopenOutcome.PENDING]


def test_an_open_case_or_a_purged_one_refuses_requests(staff: Flask) -> None:
    with staff.app_context():
        keyring = current_keyring()
        case_id = _closed_case(staff)
        case_actions.reopen(
            db.session, keyring, _user("intake1"), case_id, reason="ตรวจซ้ำ", now=ASKED
        )
        with pytest.raises(ServiceError, match="not_closed"):
            _ask(staff, case_id, ASKED + timedelta(hours=1))

        purged_id = _closed_case(staff)
        case = db.session.get(Case, purged_id)
        assert case is not None
        case.contents_purged_at = ASKED
        db.session.commit()
        with pytest.raises(ServiceError, match="purged"):
            _ask(staff, purged_id, ASKED + timedelta(hours=1))
        assert _requests(case_id) == [] and _requests(purged_id) == []


def test_reopening_on_request_gives_a_new_15_day_period(staff: Flask) -> None:
    with staff.app_context():
        case_id = _closed_case(staff)
        _ask(staff, case_id, ASKED)

        case = reopen_requests.grant(
            db.session, current_keyring(), _user("intake1"), case_id, message="", now=DECIDED
        )

        assert case.status is Status.SCREENING and case.closed_at is None
        assert case.due_at == deadlines.due_at(DECIDED)  # 15 days from the decision
        assert case.due_at.date() == date(2026, 4, 7)
        assert case.first_due_at == deadlines.due_at(FILED)  # statistics' on-time stays
        (request,) = _requests(case_id)
        assert request.outcome is ReopenOutcome.REOPENED and request.decided_at == DECIDED
        status_event = db.session.get(CaseEvent, request.answer_event_id)
        assert status_event is not None and status_event.to_status is Status.SCREENING
        note = db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.type == EventType.NOTE)
        ).one()
        assert _body(note) == NOT_SOLVED and not note.public  # the request is the reason
        assert _audit(case_id)[-1][1:] == ("case.status_changed", "resolved->screening on request")


def test_a_refusal_tells_the_complainant_why_and_the_case_stays_closed(staff: Flask) -> None:
    with staff.app_context():
        keyring = current_keyring()
        case_id = _closed_case(staff)
        _ask(staff, case_id, ASKED)
        with pytest.raises(ServiceError, match="message_required"):
            reopen_requests.decline(
                db.session, keyring, _user("intake1"), case_id, message="  ", now=DECIDED
            )

        reopen_requests.decline(
            db.session, keyring, _user("intake1"), case_id,
            message="จุดนี้เป็นถนนของกรมทางหลวง ได้ส่งเรื่องให้แล้ว", now=DECIDED,
        )  # fmt: skip

        case = db.session.get(Case, case_id)
        assert case is not None and case.status is Status.RESOLVED and case.closed_at == CLOSED
        (request,) = _requests(case_id)
        assert request.outcome is ReopenOutcome.DECLINED
        status = followed_status(db.session, keyring, case_id, DECIDED)
        assert status is not None
        answer = [event for event in status.events if event.reopen_answer]
        asked = [event for event in status.events if event.reopen_request]
        assert [e.message for e in answer] == ["จุดนี้เป็นถนนของกรมทางหลวง ได้ส่งเรื่องให้แล้ว"]
        assert [e.message for e in asked] == [NOT_SOLVED]
        assert status.reopen is not None and status.reopen.open and not status.reopen.pending
        assert _audit(case_id)[-1][1:] == ("case.reopen_declined", "declined")


def test_only_those_who_may_reopen_decide_and_nothing_without_a_request(staff: Flask) -> None:
    with staff.app_context():
        keyring = current_keyring()
        tip_id = _closed_case(staff, CaseKind.TIP)
        _ask(staff, tip_id, ASKED)
        with pytest.raises(ServiceError, match="not_found"):  # the desk never sees tips
            reopen_requests.grant(
                db.session, keyring, _user("intake1"), tip_id, message="", now=DECIDED
            )
        case_id = _closed_case(staff)
        with pytest.raises(ServiceError, match="no_reopen_request"):
            reopen_requests.grant(
                db.session, keyring, _user("intake1"), case_id, message="", now=DECIDED
            )

        reopen_requests.grant(db.session, keyring, _user("legal1"), tip_id, message="", now=DECIDED)
        assert _requests(tip_id)[0].outcome is ReopenOutcome.REOPENED


def test_a_staff_reopening_answers_a_pending_request_too(staff: Flask) -> None:
    with staff.app_context():
        case_id = _closed_case(staff)
        _ask(staff, case_id, ASKED)

        case_actions.reopen(
            db.session, current_keyring(), _user("intake1"), case_id, reason="ตรวจซ้ำ", now=DECIDED
        )

        assert _requests(case_id)[0].outcome is ReopenOutcome.REOPENED


def test_figures_count_requests_by_outcome_and_kind(staff: Flask) -> None:
    with staff.app_context():
        keyring, desk = current_keyring(), _user("intake1")
        granted, declined, waiting = (_closed_case(staff) for _ in range(3))
        for case_id in (granted, declined, waiting):
            _ask(staff, case_id, ASKED)
        reopen_requests.grant(db.session, keyring, desk, granted, message="", now=DECIDED)
        reopen_requests.decline(db.session, keyring, desk, declined, message="ไม่ใช่", now=DECIDED)
        tip_id = _closed_case(staff, CaseKind.TIP)
        _ask(staff, tip_id, ASKED)

        march = reopen_figures.figures(
            db.session, CaseKind.COMPLAINT, date(2026, 3, 1), date(2026, 3, 31)
        )
        april = reopen_figures.figures(
            db.session, CaseKind.COMPLAINT, date(2026, 4, 1), date(2026, 4, 30)
        )
        tips = reopen_figures.figures(db.session, CaseKind.TIP, date(2026, 3, 1), date(2026, 3, 31))

        assert march == reopen_figures.ReopenFigures(3, 1, 1, 1)
        assert april == reopen_figures.ReopenFigures()
        assert tips == reopen_figures.ReopenFigures(1, 0, 0, 1)


def test_public_status_of_an_open_case_offers_no_reopening(staff: Flask) -> None:
    with staff.app_context():
        filed = file_case(
            db.session,
            current_keyring(),
            Path(staff.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(kind=CaseKind.COMPLAINT, subject="ไฟดับ", details="ไฟถนนดับ"),
            FILED,
        )
        case = db.session.get(Case, filed.case_id)
        assert case is not None
        window = reopen_requests.window(db.session, case, ASKED)
        assert (window.open, window.ends_at, window.pending) == (False, None, False)
        assert public_status(current_keyring(), case, ASKED).reopen is None
