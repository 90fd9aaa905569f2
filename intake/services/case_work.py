"""What every staff action on a case shares: who may take it, the lock, the checks, the
timeline events, and the end of the transaction. The actions themselves are in
``intake.services.case_actions`` (and reopen requests in their own module).

Every action loads the case under a row lock, checks that the actor may see it and may do
this kind of work, asks ``intake.workflow`` whether the move is allowed, appends a
timeline event (texts encrypted, bound to the event's row), records an audit entry
(never the text), and commits. A failed check rolls the transaction back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select

from intake import crypto, deadlines, workflow
from intake.crypto import Keyring
from intake.models import Case, CaseEvent, CaseKind, EventType, User, new_id
from intake.permissions import WORK_PERMISSION, Permission, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record
from intake.services.case_links import mirror
from intake.services.notices import notify_complainant
from intake.services.settings import extra_holidays, get_organisation
from intake.services.visibility import may_view
from intake.workflow import TARGET, Action, Status

MAX_TEXT = 5000

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
    if case.referred_to_organisation_id is not None and action is not Action.NOTE:
        # Referred on the host: the case lives at the receiver now, and the complainant
        # reads it there; here it takes internal notes only.
        return False
    if action is Action.MOVE_TO_TIP:
        return case.kind is CaseKind.COMPLAINT and has_permission(
            actor.role, Permission.CASES_MOVE_TO_TIP
        )
    if not has_permission(actor.role, WORK_PERMISSION[case.kind]):
        return False
    return action not in ROUTING or has_permission(actor.role, Permission.CASES_ROUTE)


def available_actions(actor: User, case: Case) -> list[Action]:
    """What the case page offers: allowed to this person and by the workflow, now."""
    return [a for a in workflow.valid_actions(case.status) if _may_do(actor, case, a)]


def locked_case(session: DbSession, case_id: str) -> Case | None:
    """The case, read afresh and locked until the transaction ends (None if there is none)."""
    return session.scalars(
        select(Case)
        .where(Case.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()


@contextmanager
def working(session: DbSession, actor: User, case_id: str, action: Action) -> Iterator[Case]:
    """The case, locked for this transaction; rolls back if the action fails."""
    try:
        case = locked_case(session, case_id)
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


def optional_text(value: str | None) -> str:
    """Trimmed; within MAX_TEXT or ``text_too_long``."""
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise ServiceError(Problem.TEXT_TOO_LONG)
    return text


def required_text(value: str | None, code: Problem) -> str:
    """As ``optional_text``, and ``code`` when nothing is left."""
    text = optional_text(value)
    if not text:
        raise ServiceError(code)
    return text


def add_event(
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
    """A timeline event; its text under the content key, bound to the event's row."""
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


def move(
    keyring: Keyring, case: Case, actor: User, target: Status, now: datetime, message: str = ""
) -> str:
    """Change the status (the workflow decides) with a public event; returns "from->to"."""
    current = case.status
    try:
        workflow.check_move(current, target)
    except workflow.TransitionNotAllowed as exc:
        raise ServiceError(Problem.NOT_ALLOWED_MOVE) from exc
    case.status = target
    add_event(
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


def internal_note(keyring: Keyring, case: Case, actor: User, now: datetime, text: str) -> None:
    """An internal note, when there is one: staff read it, the complainant never does."""
    if text:
        add_event(keyring, case, actor, now, EventType.NOTE, public=False, message=text)


def close(case: Case, now: datetime) -> None:
    case.closed_at = now
    if case.first_response_at is None:
        case.first_response_at = now


def next_period_due(session: DbSession, now: datetime) -> datetime:
    """When a period started now ends: an interim notice's next word is due by then."""
    organisation = get_organisation(session)
    return deadlines.due_at(
        now, organisation.deadline_mode, extra_holidays(session), organisation.response_days
    )


def finish(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case: Case,
    now: datetime,
    detail: str,
    action: str = "case.status_changed",
) -> Case:
    """Tell the complainant, move the linked cases along, audit, commit."""
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
        session, keyring, action, actor=actor_label(actor), now=now, case_id=case.id, detail=detail
    )
    session.commit()
    return case
