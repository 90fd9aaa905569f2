"""Conflicts of interest: a legal lead excludes a named member of staff from one tip.

The excluded person then sees nothing of the case (``services.visibility``), and a reveal
they asked for is ended. Every exclusion is audited (who was excluded, by whom; never
why, which would say what the tip is about). The tipster's own answer to "who is the
accused?" decides the exclusions that need nobody's review: a tip naming the executive is
hidden from every executive and from the people an administrator marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from intake import crypto
from intake.database import forget_freed_pages
from intake.models import (
    Case,
    CaseExclusion,
    CaseKind,
    RevealRequest,
    RevealStatus,
    Role,
    User,
)
from intake.permissions import Permission, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record
from intake.services.visibility import excluded_user_ids, may_view

# Who could see or hear of a tip, and so may be excluded from one. Administrators and
# auditors never read cases.
EXCLUDABLE_ROLES = (Role.LEGAL, Role.CUSTODIAN, Role.EXECUTIVE, Role.INTAKE, Role.DEPARTMENT)


def may_exclude(actor: User, case: Case) -> bool:
    """Legal leads, on a tip they may see."""
    return (
        case.kind is CaseKind.TIP
        and has_permission(actor.role, Permission.TIPS_EXCLUDE)
        and actor.is_lead
        and may_view(actor, case)
    )


@dataclass(frozen=True)
class Excluded:
    user_id: int
    display_name: str
    role: Role
    by_tipster_answer: bool  # hidden by the rule for tips naming the executive


def excluded_people(session: DbSession, case: Case) -> list[Excluded]:
    """Everyone the case is hidden from, for the legal officers who handle it."""
    staff = list(
        session.scalars(select(User).where(User.active.is_(True)).order_by(User.display_name))
    )
    rows = set(
        session.scalars(select(CaseExclusion.user_id).where(CaseExclusion.case_id == case.id))
    )
    hidden = excluded_user_ids(case, staff)
    return [
        Excluded(u.id, u.display_name, u.role, u.id not in rows) for u in staff if u.id in hidden
    ]


def candidates(session: DbSession, case: Case) -> list[User]:
    """Active staff who could see or hear of the case and are not excluded yet."""
    staff = list(
        session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(EXCLUDABLE_ROLES))
            .order_by(User.display_name)
        )
    )
    hidden = excluded_user_ids(case, staff)
    return [u for u in staff if u.id not in hidden]


def _handlers_left(session: DbSession, case: Case, leaving: User) -> bool:
    officers = list(
        session.scalars(select(User).where(User.role == Role.LEGAL, User.active.is_(True)))
    )
    hidden = excluded_user_ids(case, officers) | {leaving.id}
    return any(officer.id not in hidden for officer in officers)


def exclude(
    session: DbSession,
    keyring: crypto.Keyring,
    actor: User,
    case_id: str,
    user_id: int,
    now: datetime,
) -> CaseExclusion:
    """Hide the case from ``user_id`` for good; ends any reveal handed to them on it.

    Errors: ``not_found`` (no such case, or hidden from the actor), ``forbidden`` (not a
    legal lead), ``user_required``, ``already_excluded``, ``last_handler`` (no legal
    officer would be left to handle the tip)."""
    try:
        case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
        if case is None or not may_view(actor, case):
            raise ServiceError(Problem.NOT_FOUND)
        if not may_exclude(actor, case):
            raise ServiceError(Problem.FORBIDDEN)
        user = session.get(User, user_id)
        if user is None or not user.active or user.role not in EXCLUDABLE_ROLES:
            raise ServiceError(Problem.EXCLUDED_USER_REQUIRED)
        if user.id in excluded_user_ids(case, [user]):
            raise ServiceError(Problem.ALREADY_EXCLUDED)
        if not _handlers_left(session, case, user):
            raise ServiceError(Problem.LAST_HANDLER)
        exclusion = CaseExclusion(
            case_id=case.id, user_id=user.id, created_at=now, created_by_id=actor.id
        )
        case.exclusions.append(exclusion)  # seen at once by every check in this session
        wiped = _end_their_reveals(session, keyring, case, user, now)
        record(
            session,
            keyring,
            "case.exclusion_added",
            actor=actor_label(actor),
            now=now,
            case_id=case.id,
            detail=f"user {user.id}",
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if wiped:
        forget_freed_pages(session)
    return exclusion


def _end_their_reveals(
    session: DbSession, keyring: crypto.Keyring, case: Case, user: User, now: datetime
) -> int:
    """An identity handed to someone now excluded is wiped; their pending asks refused."""
    requests = session.scalars(
        select(RevealRequest).where(
            RevealRequest.case_id == case.id,
            RevealRequest.requester_id == user.id,
            RevealRequest.status.in_([RevealStatus.APPROVED, RevealStatus.PENDING]),
        )
    )
    wiped = 0
    for request in requests:
        running = request.status is RevealStatus.APPROVED
        request.status = RevealStatus.REVOKED if running else RevealStatus.REFUSED
        request.revealed_sealed = None
        wiped += int(running)
        record(
            session,
            keyring,
            "reveal.revoked" if running else "reveal.refused",
            actor="system",
            now=now,
            case_id=case.id,
            detail=f"request {request.id}; requester excluded",
        )
    return wiped
