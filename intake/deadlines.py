"""The 15-day response rule (anti-corruption action plan, measure 36), as pure functions
of their inputs.

A case is due 15 days counted from the day after receipt, in Bangkok, at the end of that
day. A due date that falls on a weekend or holiday moves to the next working day. In
``working`` mode only working days are counted. Nothing here reads the clock: callers
pass ``now``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from intake.thaidate import BANGKOK, local_date

RESPONSE_DAYS = 15
DUE_SOON_DAYS = 3


class CountingMode(enum.StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class DeadlineState(enum.StrEnum):
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"  # closed with an answer: nothing more is due


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("TH", years=year).keys())


def is_working_day(day: date, extra_holidays: Iterable[date] = ()) -> bool:
    if day.weekday() >= 5:
        return False
    if day in _public_holidays(day.year):
        return False
    return day not in set(extra_holidays)


def next_working_day(day: date, extra_holidays: Iterable[date] = ()) -> date:
    """``day`` itself when it is a working day, otherwise the first one after it."""
    extra = frozenset(extra_holidays)
    while not is_working_day(day, extra):
        day += timedelta(days=1)
    return day


def due_date(
    received_at: datetime,
    mode: CountingMode = CountingMode.CALENDAR,
    extra_holidays: Iterable[date] = (),
    days: int = RESPONSE_DAYS,
) -> date:
    """The last day on which the complainant must have heard from us."""
    extra = frozenset(extra_holidays)
    day = local_date(received_at)
    if mode is CountingMode.CALENDAR:
        return next_working_day(day + timedelta(days=days), extra)
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, extra):
            counted += 1
    return day


def end_of_day(day: date) -> datetime:
    """The last instant of ``day`` in Bangkok, as an aware UTC datetime."""
    local_end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=BANGKOK)
    return (local_end - timedelta(microseconds=1)).astimezone(UTC)


def due_at(
    received_at: datetime,
    mode: CountingMode = CountingMode.CALENDAR,
    extra_holidays: Iterable[date] = (),
    days: int = RESPONSE_DAYS,
) -> datetime:
    return end_of_day(due_date(received_at, mode, extra_holidays, days))


def deadline_state(
    due: datetime,
    now: datetime,
    closed_at: datetime | None = None,
    due_soon_days: int = DUE_SOON_DAYS,
) -> DeadlineState:
    if closed_at is not None:
        return DeadlineState.MET
    if now > due:
        return DeadlineState.OVERDUE
    if due <= due_soon_limit(now, due_soon_days):
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK


def due_soon_limit(now: datetime, due_soon_days: int = DUE_SOON_DAYS) -> datetime:
    """Cases due at or before this instant are due soon (if not yet overdue). The one
    definition: deadline_state, the queue's SQL filters and the reminders all use it."""
    return end_of_day(local_date(now) + timedelta(days=due_soon_days))


def first_response_on_time(first_due_at: datetime, first_response_at: datetime | None) -> bool:
    """For statistics: the first answer or interim notice came by the first due date."""
    return first_response_at is not None and first_response_at <= first_due_at


@dataclass(frozen=True)
class Period:
    """One stretch of the rolling duty: from a start to the answer that ended it."""

    number: int
    start: datetime
    due: datetime
    answered_at: datetime | None
    state: DeadlineState  # MET, OVERDUE (answered late or still unanswered), or open states


def response_periods(
    received_at: datetime,
    responses: Iterable[datetime],
    closed_at: datetime | None,
    now: datetime,
    mode: CountingMode = CountingMode.CALENDAR,
    extra_holidays: Iterable[date] = (),
    days: int = RESPONSE_DAYS,
    due_soon_days: int = DUE_SOON_DAYS,
) -> list[Period]:
    """The history of periods: each interim notice or the closing answer ends one and,
    while the case stays open, starts the next. A late answer still ends its period,
    but the period counts as overdue."""
    extra = frozenset(extra_holidays)
    periods: list[Period] = []
    start = received_at
    for answered in sorted(responses):
        due = due_at(start, mode, extra, days)
        state = DeadlineState.MET if answered <= due else DeadlineState.OVERDUE
        periods.append(Period(len(periods) + 1, start, due, answered, state))
        start = answered
        if closed_at is not None and answered >= closed_at:
            return periods
    if closed_at is None:
        due = due_at(start, mode, extra, days)
        state = deadline_state(due, now, None, due_soon_days)
        periods.append(Period(len(periods) + 1, start, due, None, state))
    return periods


REOPEN_DAYS = 30


def reopen_window_ends(closed_at: datetime, days: int = REOPEN_DAYS) -> datetime:
    """The last instant a complainant may ask to reopen a case closed at ``closed_at``:
    the end of the ``days``-th day after the closing day, in Bangkok."""
    return end_of_day(local_date(closed_at) + timedelta(days=days))
