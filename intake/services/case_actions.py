"""Working a case: the staff actions that move it along, one function each. What they
share (the lock, the checks, events, the end of the transaction) is
``intake.services.case_work``; reading a case is ``intake.services.case_reading``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select

from intake import thaidate
from intake.crypto import Keyring
from intake.labels import REFERRAL
from intake.models import (
    Case,
    CaseKind,
    Department,
    EventType,
    Notification,
    ReopenOutcome,
    ReopenRequest,
    Role,
    User,
)
from intake.permissions import can_view_kind
from intake.problems import Problem
from intake.services import DbSession, ServiceError, interim, line_account
from intake.services.audit import actor_label, record
from intake.services.case_links import followers
from intake.services.case_reading import contact_details
from intake.services.case_work import (
    add_event,
    close,
    finish,
    internal_note,
    move,
    next_period_due,
    optional_text,
    required_text,
    working,
)
from intake.services.identity import seal_case_identity
from intake.workflow import TARGET, Action, Status

REFERRAL_OTHER = "other"


class NoteOnlyStep(Protocol):
    def __call__(
        self,
        session: DbSession,
        keyring: Keyring,
        actor: User,
        case_id: str,
        *,
        note: str = "",
        now: datetime,
    ) -> Case: ...


def _note_only_step(action: Action) -> NoteOnlyStep:
    """A move in the workflow (to the action's target) with an optional internal note,
    and nothing else."""

    def step(
        session: DbSession,
        keyring: Keyring,
        actor: User,
        case_id: str,
        *,
        note: str = "",
        now: datetime,
    ) -> Case:
        with working(session, actor, case_id, action) as case:
            text = optional_text(note)
            detail = move(keyring, case, actor, TARGET[action], now)
            internal_note(keyring, case, actor, now, text)
            return finish(session, keyring, actor, case, now, detail)

    return step


accept = _note_only_step(Action.ACCEPT)  # received → screening
start_work = _note_only_step(Action.START)  # assigned → in_progress


def _public_message(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    action: Action,
    event_type: EventType,
    message: str,
    now: datetime,
) -> Case:
    """A message the complainant reads (update or question), without a status change."""
    with working(session, actor, case_id, action) as case:
        message = required_text(message, Problem.MESSAGE_REQUIRED)
        add_event(keyring, case, actor, now, event_type, public=True, message=message)
        return finish(session, keyring, actor, case, now, action.value, "case.updated")


def assign(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    *,
    department_id: int | None,
    note: str = "",
    now: datetime,
) -> Case:
    """Route to a department; its officers are told (the notification carries no content)."""
    with working(session, actor, case_id, Action.ASSIGN) as case:
        department = session.get(Department, department_id) if department_id else None
        if department is None or not department.active:
            raise ServiceError(Problem.DEPARTMENT_REQUIRED)
        note = optional_text(note)
        detail = move(keyring, case, actor, Status.ASSIGNED, now)
        case.department_id = department.id
        internal_note(keyring, case, actor, now, note)
        # Department officers never see tips: they are not told of one either.
        officers: list[int] = (
            list(
                session.scalars(
                    select(User.id).where(
                        User.role == Role.DEPARTMENT,
                        User.department_id == department.id,
                        User.active.is_(True),
                    )
                )
            )
            if can_view_kind(Role.DEPARTMENT, case.kind)
            else []
        )
        for officer_id in officers:
            session.add(
                Notification(
                    user_id=officer_id, kind="case.assigned", case_id=case.id, created_at=now
                )
            )
        return finish(session, keyring, actor, case, now, detail)


def post_update(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, message: str, now: datetime
) -> Case:
    """A message to the complainant. It does not restart the clock: an interim notice does."""
    return _public_message(
        session, keyring, actor, case_id, Action.UPDATE, EventType.UPDATE, message, now
    )


def ask_question(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, message: str, now: datetime
) -> Case:
    """A question the complainant reads and answers on their status page (open cases
    only). Like an update it does not restart the clock: only an interim notice does."""
    return _public_message(
        session, keyring, actor, case_id, Action.QUESTION, EventType.QUESTION, message, now
    )


def add_note(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, note: str, now: datetime
) -> Case:
    """Internal only: never shown to the complainant."""
    with working(session, actor, case_id, Action.NOTE) as case:
        internal_note(keyring, case, actor, now, required_text(note, Problem.NOTE_REQUIRED))
        return finish(session, keyring, actor, case, now, "note", "case.noted")


def interim_notice(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    *,
    reason: str,
    progress: str,
    expected: date | None,
    date_reason: str = "",
    message: str = "",
    now: datetime,
) -> Case:
    """The 15-day rule: explaining to the complainant why it takes longer (the reason,
    the progress so far, the expected date) meets this period's duty and starts a new
    period from now. An expected date past the new period's end needs its own reason."""
    with working(session, actor, case_id, Action.INTERIM) as case:
        due = next_period_due(session, now)
        notice = interim.build(
            reason=reason,
            progress=progress,
            expected=expected,
            date_reason=date_reason,
            message=message,
            now=now,
            next_word_by=thaidate.local_date(due),
        )
        body = interim.to_body(notice)
        add_event(keyring, case, actor, now, EventType.INTERIM_NOTICE, public=True, message=body)
        if case.first_response_at is None:
            case.first_response_at = now
        case.due_at = due
        return finish(session, keyring, actor, case, now, "interim")


def resolve(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, message: str, now: datetime
) -> Case:
    """Close with the answer the complainant reads."""
    with working(session, actor, case_id, Action.RESOLVE) as case:
        message = required_text(message, Problem.MESSAGE_REQUIRED)
        detail = move(keyring, case, actor, Status.RESOLVED, now, message)
        close(case, now)
        return finish(session, keyring, actor, case, now, detail)


def reject(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, reason: str, now: datetime
) -> Case:
    """Close without handling it; the reason is told to the complainant."""
    with working(session, actor, case_id, Action.REJECT) as case:
        reason = required_text(reason, Problem.REASON_REQUIRED)
        detail = move(keyring, case, actor, Status.REJECTED, now, reason)
        close(case, now)
        return finish(session, keyring, actor, case, now, detail)


def refer(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    *,
    destination: str,
    destination_name: str = "",
    message: str = "",
    now: datetime,
) -> Case:
    """Close by sending the case to an external agency (a code of labels.REFERRAL)."""
    with working(session, actor, case_id, Action.REFER) as case:
        if destination not in REFERRAL:
            raise ServiceError(Problem.REFERRAL_REQUIRED)
        name = optional_text(destination_name)[:200]
        if destination == REFERRAL_OTHER and not name:
            raise ServiceError(Problem.REFERRAL_NAME_REQUIRED)
        message = optional_text(message)
        detail = move(keyring, case, actor, Status.REFERRED, now, message)
        case.referred_to = destination
        case.referred_to_name = name if destination == REFERRAL_OTHER else None
        close(case, now)
        return finish(session, keyring, actor, case, now, detail)


def return_to_screening(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, reason: str, now: datetime
) -> Case:
    """A department hands back a case that is not theirs; it leaves the department."""
    with working(session, actor, case_id, Action.RETURN) as case:
        reason = required_text(reason, Problem.REASON_REQUIRED)
        detail = move(keyring, case, actor, Status.SCREENING, now)
        internal_note(keyring, case, actor, now, reason)
        case.department_id = None
        return finish(session, keyring, actor, case, now, detail)


def reopen(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    *,
    reason: str,
    message: str = "",
    now: datetime,
) -> Case:
    """closed → screening, with an internal reason; the complainant sees it reopened and a
    new response period starts now."""
    with working(session, actor, case_id, Action.REOPEN) as case:
        detail = reopen_locked(
            session, keyring, actor, case, reason=reason, message=message, now=now
        )
        return finish(session, keyring, actor, case, now, detail)


def reopen_locked(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case: Case,
    *,
    reason: str,
    message: str,
    now: datetime,
) -> str:
    """The reopening itself, on a case already locked by the caller (``working``); the
    caller finishes the transaction. Returns the audit detail."""
    reason = required_text(reason, Problem.REASON_REQUIRED)
    message = optional_text(message)
    detail = move(keyring, case, actor, Status.SCREENING, now, message)
    answer_id = case.events[-1].id  # the public "reopened" line
    internal_note(keyring, case, actor, now, reason)
    case.closed_at = None
    case.referred_to = case.referred_to_name = None
    case.due_at = next_period_due(session, now)
    # A complainant's pending request to reopen is answered by any reopening.
    for request in session.scalars(
        select(ReopenRequest).where(
            ReopenRequest.case_id == case.id, ReopenRequest.outcome == ReopenOutcome.PENDING
        )
    ):
        request.outcome = ReopenOutcome.REOPENED
        request.decided_at = now
        request.decided_by_id = actor.id
        request.answer_event_id = answer_id
    return detail


def move_to_tip(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    *,
    note: str = "",
    now: datetime,
) -> Case:
    """A corruption tip filed as a complaint goes onto the tip channel: its contact details
    are sealed to the identity key and the readable copy is dropped; from now on only
    legal officers see the case. Its reference keeps the รร prefix, on purpose: the
    complainant's receipt and any letters they hold must still match the case."""
    with working(session, actor, case_id, Action.MOVE_TO_TIP) as case:
        note = optional_text(note)
        if followers(session, case.id):
            raise ServiceError(Problem.LINKED_CASES)  # a tip is never linked to a complaint
        contact = contact_details(keyring, case) or {}
        sealed = False
        if contact:
            case.identity_sealed, case.identity_key_id = seal_case_identity(
                session, contact, case.id
            )
            sealed = True
        case.contact_enc = None
        line_account.forget_person(session, case)
        case.anonymous = not contact
        case.kind = CaseKind.TIP
        # Complaint categories and departments do not apply to the tip channel.
        case.category_id = None
        case.department_id = None
        add_event(keyring, case, actor, now, EventType.MOVED, public=False, message=note)
        if sealed:
            record(
                session,
                keyring,
                "identity.sealed",
                actor=actor_label(actor),
                now=now,
                case_id=case.id,
                detail="moved to tip",
            )
        return finish(session, keyring, actor, case, now, "kind complaint->tip", "case.moved")
