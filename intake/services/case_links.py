"""Several people reporting one thing: duplicates linked to one primary case.

A linked case stays a case of its own (its own reference, complainant, receipt in the
statistics, 15-day clock), but it is worked on through its primary: its status follows
the primary's, each move with its own public event, so every complainant reads the
progress on their own status page and gets their own notice. Messages that go with a
status move or an interim notice on the primary are shown to every linked complainant.

Rules: complaints only with complaints and tips only with tips (a tipster must never read
a complainant's progress, or the other way round); both cases open, neither past
retention; the actor must see and work on both (a hidden case reads as "not found"); never
a chain: linking to a linked case links to its primary, and the cases linked to a case
that becomes linked itself move to the new primary. Every link and unlink is audited.

A linked case's on-time figure: its first answer is the first one the primary gives after
the link (an interim notice or the closure) unless it had its own before, measured
against the linked case's own first due date, so a late duplicate is not counted late
for the time before it arrived, and an early one is not excused by the link.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import select

from intake import crypto, workflow
from intake.crypto import Keyring
from intake.models import Case, CaseEvent, EventType, User, new_id
from intake.permissions import WORK_PERMISSION, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record
from intake.services.notices import notify_complainant
from intake.services.queue import normalize_reference
from intake.services.visibility import may_view
from intake.workflow import Status

# The events of a primary that its linked cases receive too.
FOLLOWED = frozenset({EventType.STATUS, EventType.INTERIM_NOTICE})


def _may_work(actor: User, case: Case) -> bool:
    return may_view(actor, case) and has_permission(actor.role, WORK_PERMISSION[case.kind])


def _open(case: Case) -> bool:
    return not workflow.is_closed(case.status) and case.contents_purged_at is None


def followers(session: DbSession, primary_id: str, *, lock: bool = False) -> list[Case]:
    query = select(Case).where(Case.primary_case_id == primary_id).order_by(Case.id)
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query))


def _copy_event(
    keyring: Keyring, source: CaseEvent, follower: Case, actor: User, moved_from: Status
) -> None:
    event = CaseEvent(
        id=new_id(),
        type=source.type,
        at=source.at,
        public=True,
        actor_id=actor.id,
        from_status=moved_from if source.type is EventType.STATUS else None,
        to_status=follower.status if source.type is EventType.STATUS else None,
    )
    if source.body_enc is not None:
        message = crypto.decrypt_text(
            keyring, source.body_enc, table="case_events", column="body", row_id=source.id
        )
        event.body_enc = crypto.encrypt_field(
            keyring, message, table="case_events", column="body", row_id=event.id
        )
    follower.events.append(event)


def _take_state(follower: Case, primary: Case, now: datetime) -> None:
    """Status, department, referral and clock as the primary has them now."""
    follower.status = primary.status
    follower.department_id = primary.department_id
    follower.referred_to = primary.referred_to
    follower.referred_to_name = primary.referred_to_name
    if workflow.is_closed(primary.status):
        if follower.closed_at is None:
            follower.closed_at = now
        if follower.first_response_at is None:
            follower.first_response_at = now
    else:
        follower.closed_at = None


def mirror(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    primary: Case,
    events: Iterable[CaseEvent],
    now: datetime,
) -> list[Case]:
    """Give each case linked to ``primary`` the primary's new public events of this action
    (status moves, interim notices), its state, and a notice; returns them."""
    followed = [e for e in events if e.public and e.type in FOLLOWED]
    if not followed:
        return []
    moved = followers(session, primary.id, lock=True)
    for follower in moved:
        for source in followed:
            moved_from = follower.status
            if source.type is EventType.STATUS and source.to_status is not None:
                follower.status = source.to_status
            _copy_event(keyring, source, follower, actor, moved_from)
        was_closed = follower.closed_at is not None
        _take_state(follower, primary, now)
        new_period = any(e.type is EventType.INTERIM_NOTICE for e in followed)
        if new_period and follower.first_response_at is None:
            follower.first_response_at = now  # an interim notice answers, as on the primary
        if new_period or (was_closed and follower.closed_at is None):
            follower.due_at = primary.due_at  # a new period started now, for both alike
        notify_complainant(session, keyring, follower, now)
    return moved


def _by_reference(session: DbSession, reference: str) -> Case | None:
    typed = normalize_reference(reference)
    if not typed:
        return None
    return session.scalars(select(Case).where(Case.reference == typed)).one_or_none()


def _follow_now(
    keyring: Keyring, actor: User, follower: Case, primary: Case, now: datetime
) -> None:
    """At the link: the follower takes the primary's status with a public event."""
    follower.primary_case_id = primary.id
    if follower.status is not primary.status:
        moved_from = follower.status
        follower.status = primary.status
        follower.events.append(
            CaseEvent(
                id=new_id(),
                type=EventType.STATUS,
                at=now,
                public=True,
                actor_id=actor.id,
                from_status=moved_from,
                to_status=primary.status,
            )
        )
    _take_state(follower, primary, now)


def _lock_in_order(session: DbSession, case_ids: set[str]) -> None:
    """Both rows locked, in id order (two officers linking A to B and B to A at once must
    not deadlock), and read again as they are now."""
    session.scalars(
        select(Case)
        .where(Case.id.in_(sorted(case_ids)))
        .order_by(Case.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()


@contextmanager
def _transaction(session: DbSession) -> Iterator[None]:
    """Commits what the block changed, or rolls all of it back when a check says no."""
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def _record_link(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    action: str,
    case: Case,
    primary: Case,
    now: datetime,
) -> None:
    detail = f"primary {primary.reference}"
    record(
        session, keyring, action, actor=actor_label(actor), now=now, case_id=case.id, detail=detail
    )


def link(
    session: DbSession,
    keyring: Keyring,
    actor: User,
    case_id: str,
    primary_reference: str,
    *,
    now: datetime,
) -> Case:
    """Link ``case_id`` to the case with ``primary_reference`` (or to that case's primary).
    Errors: ``not_found``, ``forbidden``, ``link_unknown`` (no such reference visible),
    ``link_self``, ``link_follower`` (the typed case follows this one already),
    ``link_kind``, ``link_closed``, ``link_already``."""
    with _transaction(session):
        case = session.get(Case, case_id)
        if case is None or not may_view(actor, case):
            raise ServiceError(Problem.NOT_FOUND)
        if not _may_work(actor, case):
            raise ServiceError(Problem.FORBIDDEN)
        typed = primary = _by_reference(session, primary_reference)
        if primary is not None and primary.primary_case_id is not None:
            primary = session.get(Case, primary.primary_case_id)
        if primary is None or not may_view(actor, primary):
            raise ServiceError(Problem.LINK_UNKNOWN)  # never confirm a case this person cannot see
        if not _may_work(actor, primary):
            raise ServiceError(Problem.FORBIDDEN)
        _lock_in_order(session, {case.id, primary.id})
        if primary.primary_case_id is not None:
            raise ServiceError(Problem.LINK_ALREADY)  # linked meanwhile by someone else
        if primary.id == case.id:
            # the typed case may already follow this one
            raise ServiceError(Problem.LINK_SELF if typed is primary else Problem.LINK_FOLLOWER)
        if primary.kind is not case.kind:
            raise ServiceError(Problem.LINK_KIND)
        if not (_open(case) and _open(primary)):
            raise ServiceError(Problem.LINK_CLOSED)
        if case.primary_case_id is not None:
            raise ServiceError(Problem.LINK_ALREADY)
        moving = [case, *followers(session, case.id, lock=True)]
        for follower in moving:
            _follow_now(keyring, actor, follower, primary, now)
            notify_complainant(session, keyring, follower, now)
            _record_link(session, keyring, actor, "case.linked", follower, primary, now)
    return case


def unlink(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, *, now: datetime
) -> Case:
    """The case goes its own way again, from the status it has now.
    Errors: ``not_found``, ``forbidden``, ``link_none``."""
    with _transaction(session):
        case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
        if case is None or not may_view(actor, case):
            raise ServiceError(Problem.NOT_FOUND)
        if case.primary_case_id is None:
            raise ServiceError(Problem.LINK_NONE)
        primary = session.get(Case, case.primary_case_id)
        if not _may_work(actor, case) or primary is None or not _may_work(actor, primary):
            raise ServiceError(Problem.FORBIDDEN)
        case.primary_case_id = None
        _record_link(session, keyring, actor, "case.unlinked", case, primary, now)
    return case
