"""Administration of the reference data: departments, categories and extra holidays.

Nothing is deleted but extra holidays: departments and categories are deactivated, so
that cases filed under them keep their names. A department cannot be deactivated while
an active category still routes to it by default, or new cases would land nowhere.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import holidays
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from intake import crypto
from intake.models import CaseKind, Category, Department, ExtraHoliday, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record

POSITION_MAX = 9999


def _save(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    now: datetime,
    detail: str | Callable[[], str],
    action: str = "admin.reference_changed",
    taken: Problem = Problem.NAME_TAKEN,
) -> None:
    """Write the change, then its audit entry, and commit them together.

    The change is flushed before the entry, so a name taken by a concurrent change shows
    as the same error as a taken one, before the audit head is locked. ``detail`` may be
    a callable, for a new row whose id exists only after the flush.
    """
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise ServiceError(taken) from error
    text = detail() if callable(detail) else detail
    record(session, keyring, action, actor=actor_label(admin), now=now, detail=text)
    session.commit()


# --- departments -----------------------------------------------------------------------


def list_departments(session: DbSession) -> list[Department]:
    """Every department, the inactive ones last."""
    query = select(Department).order_by(Department.active.desc(), Department.id)
    return list(session.scalars(query))


def get_department(session: DbSession, department_id: int) -> Department:
    department = session.get(Department, department_id)
    if department is None:
        raise ServiceError(Problem.NOT_FOUND)
    return department


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
    _save(session, keyring, admin, now, lambda: f"department:{department.id} added")
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
    _save(session, keyring, admin, now, f"department:{department.id} renamed")
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
    department = get_department(session, department_id)
    if department.active == active:
        return department
    if not active:
        routed = select(Category.id).where(
            Category.department_id == department.id, Category.active.is_(True)
        )
        if session.scalars(routed).first() is not None:
            raise ServiceError(Problem.DEPARTMENT_IN_USE)
    department.active = active
    state = "activated" if active else "deactivated"
    _save(session, keyring, admin, now, f"department:{department.id} {state}")
    return department


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
    category = session.get(Category, category_id)
    if category is None:
        raise ServiceError(Problem.NOT_FOUND)
    return category


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
    _save(session, keyring, admin, now, lambda: f"category:{category.id} added")
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
    _save(session, keyring, admin, now, f"category:{category.id} changed")
    return category


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
    if category.active == active:
        return category
    if active and category.department is not None and not category.department.active:
        raise ServiceError(Problem.NO_DEPARTMENT)
    category.active = active
    state = "activated" if active else "deactivated"
    _save(session, keyring, admin, now, f"category:{category.id} {state}")
    return category


# --- holidays --------------------------------------------------------------------------


def list_extra_holidays(session: DbSession) -> list[ExtraHoliday]:
    return list(session.scalars(select(ExtraHoliday).order_by(ExtraHoliday.day)))


def public_holidays(years: list[int]) -> list[tuple[date, str]]:
    """Thai public holidays of the given years, as the deadline rule counts them."""
    calendar = holidays.country_holidays("TH", years=years, language="th")
    return sorted(calendar.items())


def add_holiday(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    *,
    day: date,
    name: str,
    now: datetime,
) -> ExtraHoliday:
    """A cabinet-declared day off; deadlines computed from now on skip it."""
    if session.get(ExtraHoliday, day) is not None:
        raise ServiceError(Problem.HOLIDAY_EXISTS)
    holiday = ExtraHoliday(day=day, name=name)
    session.add(holiday)
    _save(
        session, keyring, admin, now, day.isoformat(), "admin.holiday_added", Problem.HOLIDAY_EXISTS
    )
    return holiday


def remove_holiday(
    session: DbSession, keyring: crypto.Keyring, admin: User, *, day: date, now: datetime
) -> None:
    holiday = session.get(ExtraHoliday, day)
    if holiday is None:
        raise ServiceError(Problem.NOT_FOUND)
    session.delete(holiday)
    _save(session, keyring, admin, now, day.isoformat(), "admin.holiday_removed")
