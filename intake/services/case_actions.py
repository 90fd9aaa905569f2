"""Working a case: the staff actions that move it along. Reading a case (the queue, the
case page's content, attachments) is in ``intake.services.queue``.

Every action loads the case under a row lock, checks that the actor may see it and may do
this kind of work, asks ``intake.workflow`` whether the move is allowed, appends a
timeline event (texts encrypted, bound to the event's row), records an audit entry
(never the text), and commits. A failed check rolls the transaction back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import select

from intake import crypto, deadlines, thaidate, workflow
from intake.crypto import Keyring
from intake.labels import REFERRAL
from intake.models import (
    Case,
    CaseEvent,
    CaseKind,
    Department,
    EventType,
    Notification,
    ReopenOutcome,
    ReopenRequest,
    Role,
    User,
    new_id,
)
from intake.permissions import WORK_PERMISSION, Permission, can_view_kind, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError, interim
from intake.services.audit import actor_label, record
from intake.services.case_links import followers, mirror
from intake.services.identity import seal_case_identity
from intake.services.notices import notify_complainant
from intake.services.queue import contact_details, may_view
from intake.services.settings import extra_holidays, get_organisation
from intake.workflow import TARGET, Action, Status

MAX_TEXT = 5000
REFERRAL_OTHER = "other"
# Who may move a misfiled complaint onto the tip channel.
MOVERS = frozenset({Role.LEGAL, Role.INTAKE})


# Accepting and routing are the intake desk's work (and the legal officers' for tips).
ROUTING = frozenset({Action.ACCEPT, Action.ASSIGN, Action.REOPEN})
# A linked case is moved along by its primary (intake.services.case_links); these are
# taken on the primary, and only messages and notes on the linked case itself.
FOLLOWING = frozenset(TARGET) | {Action.INTERIM, Action.MOVE_TO_TIP}


def _may_do(actor: User, case: Case, action: Action) -> bool:
    if not may_view(actor, case):
        return False
    if case.contents_purged_at is not None:
        return False  # past retention: a record of what was, not a case to work on
    if case.primary_case_id is not None and action in FOLLOWING:
        return False
    if action is Action.MOVE_TO_TIP:
        return case.kind is CaseKind.COMPLAINT and actor.role in MOVERS
    if not has_permission(actor.role, WORK_PERMISSION[case.kind]):
        return False
    return action not in ROUTING or has_permission(actor.role, Permission.CASES_ROUTE)


def available_actions(actor: User, case: Case) -> list[Action]:
    """What the case page offers: allowed to this person and by the workflow, now."""
    return [a for a in workflow.valid_actions(case.status) if _may_do(actor, case, a)]


@contextmanager
def _working(session: DbSession, actor: User, case_id: str, action: Action) -> Iterator[Case]:
    """The case, locked for this transaction; rolls back if the action fails."""
    try:
        case = session.scalars(
            select(Case)
            .where(Case.id == case_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if case is None or not may_view(actor, case):
            raise ServiceError(Problem.NOT_FOUND)  # never confirm that a hidden case exists
        if not _may_do(actor, case, action):
            raise ServiceError(Problem.FORBIDDEN)
        if not workflow.starts_from(action, case.status):
            raise ServiceError(Problem.NOT_ALLOWED_MOVE)
        yield case
    except BaseException:
        session.rollback()
        raise


def _text(value: str | None, missing: Problem) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(missing)
    if len(text) > MAX_TEXT:
        raise ServiceError(Problem.TEXT_TOO_LONG)
    return text


def _optional_text(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ServiceError(Problem.TEXT_TOO_LONG)
    return text


def _event(
    keyring: Keyring,
    case: Case,
    actor: User,
    now: datetime,
    type_: EventType,
    *,
    public: bool,
    message: str = "",
    moved_from: Status | None = None,
) -> None:
    event = CaseEvent(
        id=new_id(),
        type=type_,
        at=now,
        public=public,
        actor_id=actor.id,
        from_status=moved_from,
        to_status=case.status if moved_from is not None else None,
    )
    if message:
        event.body_enc = crypto.encrypt_field(
            keyring, message, table="case_events", column="body", row_id=event.id
        )
    case.events.append(event)


def _move(
    keyring: Keyring, case: Case, actor: User, target: Status, now: datetime, message: str = ""
) -> str:
    """Change the status (the workflow decides) with a public event; returns "from->to"."""
    current = case.status
    try:
        workflow.check_move(current, target)
    except workflow.TransitionNotAllowed as exc:
        raise ServiceError(Problem.NOT_ALLOWED_MOVE) from exc
    case.status = target
    _event(
        keyring,
        case,
        actor,
        now,
        EventType.STATUS,
        public=True,
        message=message,
        moved_from=current,
    )
    return f"{current.value}->{target.value}"


def _note(keyring: Keyring, case: Case, actor: User, now: datetime, text: str) -> None:
    if text:
        _event(keyring, case, actor, now, EventType.NOTE, public=False, message=text)


def _close(case: Case, now: datetime) -> None:
    case.closed_at = now
    if case.first_response_at is None:
        case.first_response_at = now


def _new_period(session: DbSession, case: Case, now: datetime) -> None:
    case.due_at = next_period_due(session, now)


def _finish(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case: Case,
    now: datetime,
    detail: str,
    action: str = "case.status_changed",
) -> Case:
    # Events of this action carry its `now`; a public one is news for the complainant,
    # and the cases linked to this one receive its status moves and interim notices.
    news = [event for event in case.events if event.public and event.at == now]
    if news:
        notify_complainant(session, keyring, case, now)
    for follower in mirror(session, keyring, actor, case, news, now):
        record(
            session,
            keyring,
            "case.status_changed",
            actor=actor_label(actor),
            now=now,
            case_id=follower.id,
            detail=f"following {case.reference}",
        )
    record(
        session,
        keyring,
        action,
        actor=actor_label(actor),
        now=now,
        case_id=case.id,
        detail=detail,
    )
    session.commit()
    return case


def _simple_move(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    action: Action,
    target: Status,
    note: str,
    now: datetime,
) -> Case:
    """A move in the workflow with an optional internal note, and nothing else."""
    with _working(session, actor, case_id, action) as case:
        note = _optional_text(note)
        detail = _move(keyring, case, actor, target, now)
        _note(keyring, case, actor, now, note)
        return _finish(session, keyring, actor, case, now, detail)


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
    with _working(session, actor, case_id, action) as case:
        message = _text(message, Problem.MESSAGE_REQUIRED)
        _event(keyring, case, actor, now, event_type, public=True, message=message)
        return _finish(session, keyring, actor, case, now, action.value, "case.updated")


def accept(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    *,
    note: str = "",
    now: datetime,
) -> Case:
    """received → screening."""
    return _simple_move(
        session, keyring, actor, case_id, Action.ACCEPT, Status.SCREENING, note, now
    )


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
    with _working(session, actor, case_id, Action.ASSIGN) as case:
        department = session.get(Department, department_id) if department_id else None
        if department is None or not department.active:
            raise ServiceError(Problem.DEPARTMENT_REQUIRED)
        note = _optional_text(note)
        detail = _move(keyring, case, actor, Status.ASSIGNED, now)
        case.department_id = department.id
        _note(keyring, case, actor, now, note)
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
        return _finish(session, keyring, actor, case, now, detail)


def start_work(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    *,
    note: str = "",
    now: datetime,
) -> Case:
    """assigned → in_progress."""
    return _simple_move(
        session, keyring, actor, case_id, Action.START, Status.IN_PROGRESS, note, now
    )


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
    with _working(session, actor, case_id, Action.NOTE) as case:
        _note(keyring, case, actor, now, _text(note, Problem.NOTE_REQUIRED))
        return _finish(session, keyring, actor, case, now, "note", "case.noted")


def next_period_due(session: DbSession, now: datetime) -> datetime:
    """When a period started now ends: an interim notice's next word is due by then."""
    organisation = get_organisation(session)
    return deadlines.due_at(
        now, organisation.deadline_mode, extra_holidays(session), organisation.response_days
    )


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
    with _working(session, actor, case_id, Action.INTERIM) as case:
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
        _event(keyring, case, actor, now, EventType.INTERIM_NOTICE, public=True, message=body)
        if case.first_response_at is None:
            case.first_response_at = now
        case.due_at = due
        return _finish(session, keyring, actor, case, now, "interim")


def resolve(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, message: str, now: datetime
) -> Case:
    """Close with the answer the complainant reads."""
    with _working(session, actor, case_id, Action.RESOLVE) as case:
        message = _text(message, Problem.MESSAGE_REQUIRED)
        detail = _move(keyring, case, actor, Status.RESOLVED, now, message)
        _close(case, now)
        return _finish(session, keyring, actor, case, now, detail)


def reject(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, reason: str, now: datetime
) -> Case:
    """Close without handling it; the reason is told to the complainant."""
    with _working(session, actor, case_id, Action.REJECT) as case:
        reason = _text(reason, Problem.REASON_REQUIRED)
        detail = _move(keyring, case, actor, Status.REJECTED, now, reason)
        _close(case, now)
        return _finish(session, keyring, actor, case, now, detail)


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
    with _working(session, actor, case_id, Action.REFER) as case:
        if destination not in REFERRAL:
            raise ServiceError(Problem.REFERRAL_REQUIRED)
        name = _optional_text(destination_name)[:200]
        if destination == REFERRAL_OTHER and not name:
            raise ServiceError(Problem.REFERRAL_NAME_REQUIRED)
        message = _optional_text(message)
        detail = _move(keyring, case, actor, Status.REFERRED, now, message)
        case.referred_to = destination
        case.referred_to_name = name if destination == REFERRAL_OTHER else None
        _close(case, now)
        return _finish(session, keyring, actor, case, now, detail)


def return_to_screening(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, reason: str, now: datetime
) -> Case:
    """A department hands back a case that is not theirs; it leaves the department."""
    with _working(session, actor, case_id, Action.RETURN) as case:
        reason = _text(reason, Problem.REASON_REQUIRED)
        detail = _move(keyring, case, actor, Status.SCREENING, now)
        _note(keyring, case, actor, now, reason)
        case.department_id = None
        return _finish(session, keyring, actor, case, now, detail)


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
    with _working(session, actor, case_id, Action.REOPEN) as case:
        detail = reopen_locked(
            session, keyring, actor, case, reason=reason, message=message, now=now
        )
        return _finish(session, keyring, actor, case, now, detail)


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
    reason = _text(reason, Problem.REASON_REQUIRED)
    message = _optional_text(message)
    detail = _move(keyring, case, actor, Status.SCREENING, now, message)
    answer_id = case.events[-1].id  # the public "reopened" line
    _note(keyring, case, actor, now, reason)
    case.closed_at = None
    case.referred_to = case.referred_to_name = None
    _new_period(session, case, now)
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


# For actions kept in their own modules (reopen requests): the same lock, checks and end.
working = _working
finish = _finish
public_event = _event
optional_text = _optional_text
required_text = _text


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
    with _working(session, actor, case_id, Action.MOVE_TO_TIP) as case:
        note = _optional_text(note)
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
        case.anonymous = not contact
        case.kind = CaseKind.TIP
        # Complaint categories and departments do not apply to the tip channel.
        case.category_id = None
        case.department_id = None
        _event(keyring, case, actor, now, EventType.MOVED, public=False, message=note)
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
        return _finish(session, keyring, actor, case, now, "kind complaint->tip", "case.moved")
