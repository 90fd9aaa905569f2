"""Who works a case now, and so hears of what the complainant sends: legal officers for a
tip (but never one excluded from it), the department's officers while a complaint is with
them, otherwise the intake desk."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from intake.models import Case, CaseKind, Notification, Role, User
from intake.permissions import can_view_kind
from intake.services import DbSession
from intake.services.visibility import excluded_user_ids
from intake.workflow import Status

DEPARTMENT_STAGES = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})


def _not_excluded(session: DbSession, case: Case, user_ids: list[int]) -> list[int]:
    """Nobody hears of a reply on a case hidden from them (a conflict of interest)."""
    users = list(session.scalars(select(User).where(User.id.in_(user_ids))))
    hidden = excluded_user_ids(case, users)
    return [user_id for user_id in user_ids if user_id not in hidden]


def recipients(session: DbSession, case: Case) -> list[int]:
    """Who works the case now: legal officers for a tip; for a complaint, its department's
    officers once it is with them, otherwise (or if it has none) the intake desk."""

    def active(role: Role, department_id: int | None = None) -> list[int]:
        query = select(User.id).where(User.role == role, User.active.is_(True))
        if department_id is not None:
            query = query.where(User.department_id == department_id)
        return list(session.scalars(query.order_by(User.id)))

    if case.kind is CaseKind.TIP:
        return _not_excluded(session, case, active(Role.LEGAL))
    if (
        case.department_id is not None
        and case.status in DEPARTMENT_STAGES
        and can_view_kind(Role.DEPARTMENT, case.kind)
    ):
        officers = active(Role.DEPARTMENT, case.department_id)
        if officers:
            return officers
    return active(Role.INTAKE)


def notify_workers(session: DbSession, case: Case, kind: str, now: datetime) -> None:
    """A notification for each person who works the case now (part of the caller's
    transaction)."""
    for user_id in recipients(session, case):
        session.add(Notification(user_id=user_id, kind=kind, case_id=case.id, created_at=now))
