"""Extra holidays (cabinet-declared days off) that the working-day count skips, beside the
Thai public holidays of the ``holidays`` package. Unlike departments and categories they
are deleted outright: nothing else points at them."""

from __future__ import annotations

from datetime import date, datetime

import holidays
from sqlalchemy import select

from intake import crypto
from intake.models import ExtraHoliday, User
from intake.organisation_scope import current_organisation_id
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audited_save import save_with_audit


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
    if session.get(ExtraHoliday, (current_organisation_id(session), day)) is not None:
        raise ServiceError(Problem.HOLIDAY_EXISTS)
    holiday = ExtraHoliday(day=day, name=name)
    session.add(holiday)
    save_with_audit(
        session, keyring, admin, now, day.isoformat(), "admin.holiday_added", Problem.HOLIDAY_EXISTS
    )
    return holiday


def remove_holiday(
    session: DbSession, keyring: crypto.Keyring, admin: User, *, day: date, now: datetime
) -> None:
    holiday = session.get(ExtraHoliday, (current_organisation_id(session), day))
    if holiday is None:
        raise ServiceError(Problem.NOT_FOUND)
    session.delete(holiday)
    save_with_audit(session, keyring, admin, now, day.isoformat(), "admin.holiday_removed")
