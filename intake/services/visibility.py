"""Who may see a case: the one rule every listing, count, page, reminder, notification
and reveal asks.

Kinds come from the role table (intake.permissions); department officers see only their
own department's cases; and nobody sees a case they are excluded from — a conflict of
interest: a tip naming the executive is hidden from every executive and from the people
an administrator marked as close to them, and a legal lead can exclude any named person
from one case (``CaseExclusion``). An excluded person is told nothing, not even that the
case exists.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.sql import ColumnElement

from intake.models import AccusedRole, Case, CaseExclusion, CaseKind, Role, User
from intake.permissions import Permission, can_view_kind, has_permission, visible_kinds


def steps_aside_for_executive(user: User) -> bool:
    """Executives, and those an administrator marked, never see tips naming the executive."""
    return user.role is Role.EXECUTIVE or bool(user.excluded_from_executive_tips)


def is_excluded(user: User, case: Case) -> bool:
    """Whether a conflict of interest hides ``case`` from ``user`` (whatever their role)."""
    if case.accused_role is AccusedRole.EXECUTIVE and steps_aside_for_executive(user):
        return True
    return any(exclusion.user_id == user.id for exclusion in case.exclusions)


def excluded_user_ids(case: Case, users: Iterable[User]) -> set[int]:
    """Of ``users``, those ``case`` is hidden from (for notifications and digests)."""
    users = list(users)
    rows = {exclusion.user_id for exclusion in case.exclusions}
    executive_tip = case.accused_role is AccusedRole.EXECUTIVE
    return {u.id for u in users if u.id in rows or (executive_tip and steps_aside_for_executive(u))}


def may_view(actor: User, case: Case) -> bool:
    """Kinds by role; department officers only their own department's cases; never a
    case the actor is excluded from."""
    if not actor.active or not can_view_kind(actor.role, case.kind):
        return False
    if actor.role is Role.DEPARTMENT:
        if actor.department_id is None or case.department_id != actor.department_id:
            return False
    return not is_excluded(actor, case)


def not_excluded(actor: User) -> list[ColumnElement[bool]]:
    """``is_excluded`` as SQL. The subquery is not correlated: the database reads the
    actor's few exclusions once, and the queue keeps reading its index in order."""
    conditions: list[ColumnElement[bool]] = [
        Case.id.not_in(select(CaseExclusion.case_id).where(CaseExclusion.user_id == actor.id))
    ]
    if steps_aside_for_executive(actor):
        conditions.append(
            sa.or_(Case.accused_role.is_(None), Case.accused_role != AccusedRole.EXECUTIVE)
        )
    return conditions


def scope(actor: User, *, counts: bool = False) -> list[ColumnElement[bool]]:
    """``may_view`` as SQL. With ``counts``, dashboard holders who may read no case
    (executives) count every kind: numbers, never contents — still without the cases
    they are excluded from."""
    kinds = visible_kinds(actor.role)
    if not kinds and counts and has_permission(actor.role, Permission.DASHBOARD):
        kinds = list(CaseKind)
    if not kinds or not actor.active:
        return [sa.false()]
    # Seeing every kind needs no condition (and a needless one hides the indexes' order).
    conditions: list[ColumnElement[bool]] = (
        [] if set(kinds) == set(CaseKind) else [Case.kind.in_(kinds)]
    )
    if actor.role is Role.DEPARTMENT:
        department = actor.department_id
        conditions.append(Case.department_id == department if department else sa.false())
    return conditions + not_excluded(actor)
