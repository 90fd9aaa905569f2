"""Who may do what: one table from role to permissions. Staff routes name a permission;
a staff route that names none is refused to everyone (deny by default)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from intake.models import CaseKind, Role


class Permission(enum.StrEnum):
    DASHBOARD = "dashboard"  # counts, due soon, overdue
    COMPLAINTS_VIEW = "complaints.view"  # read complaint contents
    COMPLAINTS_WORK = "complaints.work"  # act on complaints
    TIPS_VIEW = "tips.view"  # read tip contents (never the identity)
    TIPS_WORK = "tips.work"  # act on tips
    CASES_REGISTER = "cases.register"  # enter cases received on paper, phone, walk-in
    CASES_ROUTE = "cases.route"  # accept and assign to a department
    CASES_MOVE_TO_TIP = "cases.move_to_tip"  # a misfiled complaint onto the tip channel
    # Hand a case over to another organisation on the same host (with its work permission).
    CASES_REFER_ON_HOST = "cases.refer_on_host"
    REVEAL_REQUEST = "reveal.request"
    REVEAL_DECIDE = "reveal.decide"
    IDENTITY_KEY = "identity.key"  # hold the identity key under one's own passphrase
    TIPS_EXCLUDE = "tips.exclude"  # exclude a member of staff from a tip (leads only)
    ADMIN = "admin"  # people, departments, categories, settings; never case contents
    AUDIT = "audit"  # read the audit log
    REPORTS = "reports"  # write and download the 6- and 12-month reports (aggregates only)
    ACCOUNT = "account"  # one's own password and sign-out


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.INTAKE: frozenset(
        {
            Permission.DASHBOARD,
            Permission.COMPLAINTS_VIEW,
            Permission.COMPLAINTS_WORK,
            Permission.CASES_REGISTER,
            Permission.CASES_ROUTE,
            Permission.CASES_MOVE_TO_TIP,
            Permission.CASES_REFER_ON_HOST,
            Permission.ACCOUNT,
        }
    ),
    Role.LEGAL: frozenset(
        {
            Permission.DASHBOARD,
            Permission.COMPLAINTS_VIEW,
            Permission.COMPLAINTS_WORK,
            Permission.TIPS_VIEW,
            Permission.TIPS_WORK,
            Permission.CASES_REGISTER,
            Permission.CASES_ROUTE,
            Permission.CASES_MOVE_TO_TIP,
            Permission.CASES_REFER_ON_HOST,
            Permission.REVEAL_REQUEST,
            Permission.TIPS_EXCLUDE,
            Permission.REPORTS,
            Permission.ACCOUNT,
        }
    ),
    # Department officers see only their own department's complaints (scoped in queries).
    Role.DEPARTMENT: frozenset(
        {
            Permission.DASHBOARD,
            Permission.COMPLAINTS_VIEW,
            Permission.COMPLAINTS_WORK,
            Permission.ACCOUNT,
        }
    ),
    Role.CUSTODIAN: frozenset(
        {Permission.REVEAL_DECIDE, Permission.IDENTITY_KEY, Permission.ACCOUNT}
    ),
    Role.EXECUTIVE: frozenset({Permission.DASHBOARD, Permission.REPORTS, Permission.ACCOUNT}),
    Role.ADMIN: frozenset({Permission.ADMIN, Permission.ACCOUNT}),
    Role.AUDITOR: frozenset({Permission.AUDIT, Permission.ACCOUNT}),
}

VIEW_PERMISSION = {
    CaseKind.COMPLAINT: Permission.COMPLAINTS_VIEW,
    CaseKind.TIP: Permission.TIPS_VIEW,
}
WORK_PERMISSION = {
    CaseKind.COMPLAINT: Permission.COMPLAINTS_WORK,
    CaseKind.TIP: Permission.TIPS_WORK,
}


def has_permission(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


def can_view_kind(role: Role, kind: CaseKind) -> bool:
    return has_permission(role, VIEW_PERMISSION[kind])


def visible_kinds(role: Role) -> list[CaseKind]:
    return [kind for kind in CaseKind if can_view_kind(role, kind)]


F = TypeVar("F", bound=Callable[..., Any])

# Attribute names the staff blueprint's guard reads from a view function.
PERMISSION_ATTRIBUTE = "required_permission"
OPEN_ATTRIBUTE = "open_to_anyone"


def requires(permission: Permission) -> Callable[[F], F]:
    """Declare the permission a staff route needs; the blueprint guard enforces it."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        setattr(wrapper, PERMISSION_ATTRIBUTE, permission)
        return wrapper  # type: ignore[return-value]

    return decorate


def open_route(view: F) -> F:
    """Staff routes that come before sign-in (the sign-in pages themselves)."""
    setattr(view, OPEN_ATTRIBUTE, True)
    return view
