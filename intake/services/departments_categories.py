"""Administration of departments and of the categories that route cases to them.

Nothing is deleted: departments and categories are deactivated, so that cases filed under
them keep their names. A department cannot be deactivated while an active category still
routes to it by default, or new cases would land nowhere; a category cannot be activated
while its department is not. Both kinds of row go through the same steps (find, switch
on or off, save with its audit entry); only their fields and checks differ.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from intake import crypto
from intake.models import CaseKind, Category, Department, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audited_save import save_with_audit

POSITION_MAX = 9999

Row = TypeVar("Row", Department, Category)


def _get(session: DbSession, model: type[Row], row_id: int) -> Row:
    if (row := session.get(model, row_id)) is None:
        raise ServiceError(Problem.NOT_FOUND)
    return row


def _set_active(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    row: Row,
    label: str,
    *,
    active: bool,
    now: datetime,
    refuse: Callable[[Row, bool], Problem | None],
) -> Row:
    """Switch a department or category on or off, unless ``refuse`` names a reason not to."""
    if row.active == active:
        return row
    if (code := refuse(row, active)) is not None:
        raise ServiceError(code)
    row.active = active
    state = "activated" if active else "deactivated"
    save_with_audit(session, keyring, admin, now, f"{label}:{row.id} {state}")
    return row


# --- departments -----------------------------------------------------------------------


def list_departments(session: DbSession) -> list[Department]:
    """Every department, the inactive ones last."""
    query = select(Department).order_by(Department.active.desc(), Department.id)
    return list(session.scalars(query))


def get_department(session: DbSession, department_id: int) -> Department:
    return _get(session, Department, department_id)


def _department_name_taken(session: DbSession, name_th: str, own_id: int | None) -> bool:
    query = select(Department.id).where(Department.name_th == name_th)
    found = session.scalars(query).first()
    return found is not None and found != own_id


def add_department(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    *,
    name_th: str,
    name_en: str,
    now: datetime,
) -> Department:
    if _department_name_taken(session, name_th, None):
        raise ServiceError(Problem.NAME_TAKEN)
    department = Department(name_th=name_th, name_en=name_en)
    session.add(department)
    save_with_audit(session, keyring, admin, now, lambda: f"department:{department.id} added")
    return department


def rename_department(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    department_id: int,
    *,
    name_th: str,
    name_en: str,
    now: datetime,
) -> Department:
    department = get_department(session, department_id)
    if _department_name_taken(session, name_th, department.id):
        raise ServiceError(Problem.NAME_TAKEN)
    if (department.name_th, department.name_en) == (name_th, name_en):
        return department
    department.name_th = name_th
    department.name_en = name_en
    save_with_audit(session, keyring, admin, now, f"department:{department.id} renamed")
    return department


def set_department_active(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    department_id: int,
    *,
    active: bool,
    now: datetime,
) -> Department:
    def refuse(department: Department, active: bool) -> Problem | None:
        if active:
            return None
        routed = select(Category.id).where(
            Category.department_id == department.id, Category.active.is_(True)
        )
        return Problem.DEPARTMENT_IN_USE if session.scalars(routed).first() is not None else None

    department = get_department(session, department_id)
    return _set_active(
        session, keyring, admin, department, "department", active=active, now=now, refuse=refuse
    )


# --- categories ------------------------------------------------------------------------


def list_categories(session: DbSession) -> dict[CaseKind, list[Category]]:
    """Categories per channel, in the order the public form shows them, inactive last."""
    query = (
        select(Category)
        .options(selectinload(Category.department))
        .order_by(Category.active.desc(), Category.position, Category.id)
    )
    grouped: dict[CaseKind, list[Category]] = {kind: [] for kind in CaseKind}
    for category in session.scalars(query):
        grouped[category.kind].append(category)
    return grouped


def get_category(session: DbSession, category_id: int) -> Category:
    return _get(session, Category, category_id)


def _check_category(
    session: DbSession, kind: CaseKind, name_th: str, department_id: int | None, own_id: int | None
) -> None:
    query = select(Category.id).where(Category.kind == kind, Category.name_th == name_th)
    found = session.scalars(query).first()
    if found is not None and found != own_id:
        raise ServiceError(Problem.NAME_TAKEN)
    if department_id is not None:
        department = session.get(Department, department_id)
        if department is None or not department.active:
            raise ServiceError(Problem.NO_DEPARTMENT)


def _check_position(position: int) -> None:
    if not 0 <= position <= POSITION_MAX:
        raise ServiceError(Problem.BAD_POSITION)


def add_category(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    *,
    kind: CaseKind,
    name_th: str,
    name_en: str,
    department_id: int | None,
    position: int,
    now: datetime,
) -> Category:
    _check_position(position)
    _check_category(session, kind, name_th, department_id, None)
    category = Category(
        kind=kind,
        name_th=name_th,
        name_en=name_en,
        department_id=department_id,
        position=position,
    )
    session.add(category)
    save_with_audit(session, keyring, admin, now, lambda: f"category:{category.id} added")
    return category


def update_category(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    category_id: int,
    *,
    name_th: str,
    name_en: str,
    department_id: int | None,
    position: int,
    now: datetime,
) -> Category:
    """Rename, set the default department, move in the list; one audit entry."""
    category = get_category(session, category_id)
    _check_position(position)
    if department_id != category.department_id:
        _check_category(session, category.kind, name_th, department_id, category.id)
    else:
        _check_category(session, category.kind, name_th, None, category.id)
    before = (category.name_th, category.name_en, category.department_id, category.position)
    if before == (name_th, name_en, department_id, position):
        return category
    category.name_th = name_th
    category.name_en = name_en
    category.department_id = department_id
    category.position = position
    save_with_audit(session, keyring, admin, now, f"category:{category.id} changed")
    return category


def _category_refusal(category: Category, active: bool) -> Problem | None:
    """A category switched on must route to a department that is on (or to none)."""
    if active and category.department is not None and not category.department.active:
        return Problem.NO_DEPARTMENT
    return None


def set_category_active(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    category_id: int,
    *,
    active: bool,
    now: datetime,
) -> Category:
    category = get_category(session, category_id)
    return _set_active(
        session,
        keyring,
        admin,
        category,
        "category",
        active=active,
        now=now,
        refuse=_category_refusal,
    )
