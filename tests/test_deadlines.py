"""The 15-day response rule: due dates, working days and deadline states (intake.deadlines).

Every instant is named and every expected date was checked against the weekday and the
``holidays`` package's Thai calendar inside the test, not taken on trust.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest

from intake.deadlines import (
    DUE_SOON_DAYS,
    RESPONSE_DAYS,
    CountingMode,
    DeadlineState,
    deadline_state,
    due_at,
    due_date,
    end_of_day,
    is_working_day,
    next_working_day,
)
from intake.thaidate import fiscal_year

BANGKOK = ZoneInfo("Asia/Bangkok")
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
ONE_MICROSECOND = timedelta(microseconds=1)

# Monday 5 January 2026, mid-morning in Bangkok; its due date is Tuesday 20 January.
RECEIVED_MON_5_JAN = datetime(2026, 1, 5, 10, 0, tzinfo=BANGKOK)
DUE_DAY_20_JAN = date(2026, 1, 20)


def _bangkok(*args: int) -> datetime:
    return datetime(*args, tzinfo=BANGKOK)  # type: ignore[misc]


def _thai_holidays(*years: int) -> set[date]:
    return set(holidays.country_holidays("TH", years=list(years)).keys())


def _is_free(day: date, extra: set[date] | None = None) -> bool:
    """Independent of the module: a weekend, a Thai public holiday or an extra holiday."""
    return day.weekday() >= SATURDAY or day in _thai_holidays(day.year) or day in (extra or set())


# --- calendar mode ----------------------------------------------------------------------


def test_monday_5_january_is_due_tuesday_20_january_end_of_day() -> None:
    # Given a complaint received on Monday 5 January 2026 at 10:00 in Bangkok
    # And day 15 after it, 20 January, is a working Tuesday (checked, not assumed)
    assert RECEIVED_MON_5_JAN.weekday() == MONDAY
    assert DUE_DAY_20_JAN == RECEIVED_MON_5_JAN.date() + timedelta(days=RESPONSE_DAYS)
    assert DUE_DAY_20_JAN.weekday() == TUESDAY
    assert not _is_free(DUE_DAY_20_JAN)
    # When its due date is computed in calendar mode
    # Then it is that day, at the last microsecond of the Bangkok day
    assert due_date(RECEIVED_MON_5_JAN) == DUE_DAY_20_JAN
    assert due_date(RECEIVED_MON_5_JAN, CountingMode.CALENDAR) == DUE_DAY_20_JAN
    assert due_at(RECEIVED_MON_5_JAN) == _bangkok(2026, 1, 20, 23, 59, 59, 999999)


@pytest.mark.parametrize(
    ("last_minute", "first_minute", "due_last", "due_first"),
    [
        pytest.param(
            _bangkok(2026, 1, 5, 23, 59),
            _bangkok(2026, 1, 6, 0, 0),
            date(2026, 1, 20),
            date(2026, 1, 21),
            id="bangkok-clock",
        ),
        pytest.param(
            datetime(2026, 1, 5, 16, 59, 59, 999999, tzinfo=UTC),
            datetime(2026, 1, 5, 17, 0, tzinfo=UTC),
            date(2026, 1, 20),
            date(2026, 1, 21),
            id="utc-clock-same-utc-date",
        ),
    ],
)
def test_midnight_in_bangkok_moves_the_due_date_by_one_day(
    last_minute: datetime, first_minute: datetime, due_last: date, due_first: date
) -> None:
    # Given receipts either side of midnight in Bangkok, both landing on working days
    assert not _is_free(due_last)
    assert not _is_free(due_first)
    # When their due dates are computed
    # Then they are one day apart
    assert due_date(last_minute) == due_last
    assert due_date(first_minute) == due_first
    assert due_first - due_last == timedelta(days=1)


@pytest.mark.parametrize(
    ("received", "landing", "expected"),
    [
        pytest.param(
            _bangkok(2026, 1, 9, 9, 0), date(2026, 1, 24), date(2026, 1, 26), id="saturday"
        ),
        pytest.param(
            _bangkok(2026, 1, 10, 9, 0), date(2026, 1, 25), date(2026, 1, 26), id="sunday"
        ),
    ],
)
def test_due_date_on_a_weekend_moves_to_monday(
    received: datetime, landing: date, expected: date
) -> None:
    # Given a receipt whose 15th day falls on a weekend, followed by a working Monday
    assert received.date() + timedelta(days=RESPONSE_DAYS) == landing
    assert landing.weekday() in (SATURDAY, SUNDAY)
    assert expected.weekday() == MONDAY
    assert not _is_free(expected)
    # When the due date is computed
    # Then it is the Monday
    assert due_date(received) == expected


@pytest.mark.parametrize(
    ("received", "expected", "skipped"),
    [
        # 2026: Songkran Mon 13 - Wed 15 April; Thursday 16th is the next working day.
        pytest.param(
            _bangkok(2026, 3, 29, 14, 0),
            date(2026, 4, 16),
            [date(2026, 4, 13), date(2026, 4, 14), date(2026, 4, 15)],
            id="songkran-2026",
        ),
        # 2025: Songkran Sun 13 - Tue 15, substitute Wed 16; Thursday 17th is next.
        pytest.param(
            _bangkok(2025, 3, 29, 14, 0),
            date(2025, 4, 17),
            [date(2025, 4, 13), date(2025, 4, 14), date(2025, 4, 15), date(2025, 4, 16)],
            id="songkran-2025-with-substitute-day",
        ),
    ],
)
def test_due_date_on_songkran_moves_past_the_whole_holiday_run(
    received: datetime, expected: date, skipped: list[date]
) -> None:
    # Given a receipt whose 15th day is 13 April, the first day of Songkran
    assert received.date() + timedelta(days=RESPONSE_DAYS) == date(received.year, 4, 13)
    # And every day up to the expected one is a Thai public holiday or weekend
    assert all(_is_free(day) for day in skipped)
    assert skipped[-1] + timedelta(days=1) == expected
    assert not _is_free(expected)
    assert any(day in _thai_holidays(received.year) for day in skipped)
    # When the due date is computed
    # Then it is the first working day after the run
    assert due_date(received) == expected


def test_due_date_crossing_new_year_uses_next_years_calendar() -> None:
    # Given a receipt whose 15th day is 31 December 2026 (New Year's Eve, a Thursday)
    received = _bangkok(2026, 12, 16, 11, 0)
    assert received.date() + timedelta(days=RESPONSE_DAYS) == date(2026, 12, 31)
    # And 31 Dec and 1 Jan are holidays, 2-3 Jan a weekend, and Monday 4 Jan is working
    assert date(2026, 12, 31) in _thai_holidays(2026)
    assert date(2027, 1, 1) in _thai_holidays(2027)
    assert [date(2027, 1, 2).weekday(), date(2027, 1, 3).weekday()] == [SATURDAY, SUNDAY]
    assert not _is_free(date(2027, 1, 4))
    # When the due date is computed
    # Then it is Monday 4 January 2027
    assert due_date(received) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(frozenset(), date(2026, 1, 20), id="none"),
        pytest.param(frozenset({date(2026, 1, 20)}), date(2026, 1, 21), id="on-due-day"),
        pytest.param(
            frozenset({date(2026, 1, 20), date(2026, 1, 21)}), date(2026, 1, 22), id="two-days"
        ),
        pytest.param(frozenset({date(2026, 1, 19)}), date(2026, 1, 20), id="before-due-day"),
    ],
)
def test_extra_holidays_move_a_calendar_due_date(extra: frozenset[date], expected: date) -> None:
    # Given a local holiday declared by the organisation
    # When the due date is computed with it
    # Then a due date on it moves to the next working day; one before it changes nothing
    assert due_date(RECEIVED_MON_5_JAN, extra_holidays=extra) == expected
    # And a one-shot iterable works the same as a set
    assert due_date(RECEIVED_MON_5_JAN, extra_holidays=iter(sorted(extra))) == expected


def test_every_calendar_due_date_of_2026_is_the_first_working_day_from_day_15() -> None:
    # Given a receipt at noon on every day of 2026
    day = date(2026, 1, 1)
    while day.year == 2026:
        received = _bangkok(day.year, day.month, day.day, 12, 0)
        # When its due date is computed
        due = due_date(received)
        # Then it is day 15, or the first day after it that is not a weekend or holiday
        earliest = day + timedelta(days=RESPONSE_DAYS)
        assert due >= earliest, day
        assert not _is_free(due), day
        assert all(_is_free(earliest + timedelta(days=n)) for n in range((due - earliest).days))
        day += timedelta(days=1)


def test_receipt_on_30_september_is_due_in_the_next_fiscal_year() -> None:
    # Given a complaint received on the last day of fiscal year 2569 (30 Sep 2026)
    received = _bangkok(2026, 9, 30, 16, 30)
    assert fiscal_year(received.date()) == 2569
    # And 15 October 2026 is a working Thursday
    assert date(2026, 10, 15).weekday() == THURSDAY
    assert not _is_free(date(2026, 10, 15))
    # When its due date is computed
    due = due_date(received)
    # Then it is 15 October, in fiscal year 2570, with nothing special about the boundary
    assert due == date(2026, 10, 15)
    assert fiscal_year(due) == 2570


def test_receipt_before_the_fiscal_boundary_due_on_a_holiday_moves() -> None:
    # Given a receipt on 28 September 2026 whose 15th day is 13 October (a holiday)
    received = _bangkok(2026, 9, 28, 9, 0)
    assert date(2026, 10, 13) in _thai_holidays(2026)
    assert not _is_free(date(2026, 10, 14))
    # When its due date is computed
    # Then it is the next day
    assert due_date(received) == date(2026, 10, 14)


def test_naive_receipt_time_is_refused() -> None:
    # Given a receipt time without a time zone
    # When a due date is computed
    # Then it is refused rather than guessed
    with pytest.raises(ValueError, match="naive"):
        due_date(datetime(2026, 1, 5, 10, 0))


# --- working mode -----------------------------------------------------------------------


def _count_working_days(start: date, days: int, extra: set[date] | None = None) -> date:
    """Independent count: step day by day after ``start``, counting only working days."""
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if not _is_free(day, extra):
            counted += 1
    return day


def test_working_mode_over_songkran_by_hand() -> None:
    # Given a complaint received Friday 27 March 2026
    received = _bangkok(2026, 3, 27, 15, 0)
    # And, written out by hand, the 15 working days after it; skipped are the weekends and
    # Chakri Day (Mon 6 Apr) and Songkran (Mon 13 - Wed 15 Apr)
    counted = [
        *(date(2026, 3, d) for d in (30, 31)),
        *(date(2026, 4, d) for d in (1, 2, 3, 7, 8, 9, 10, 16, 17, 20, 21, 22, 23)),
    ]
    holidays_skipped = [date(2026, 4, d) for d in (6, 13, 14, 15)]
    assert len(counted) == RESPONSE_DAYS
    assert all(day.weekday() < SATURDAY for day in counted + holidays_skipped)
    assert all(day in _thai_holidays(2026) for day in holidays_skipped)
    assert not any(day in _thai_holidays(2026) for day in counted)
    span = (counted[-1] - received.date()).days
    assert span == RESPONSE_DAYS + len(holidays_skipped) + 8  # 8 weekend days
    # When the due date is computed in working mode
    # Then it is Thursday 23 April
    assert due_date(received, CountingMode.WORKING) == date(2026, 4, 23)


@pytest.mark.parametrize(
    "received",
    [
        pytest.param(RECEIVED_MON_5_JAN, id="jan-new-year-bridge-behind"),
        pytest.param(_bangkok(2025, 12, 24, 9, 0), id="over-new-year"),
        pytest.param(_bangkok(2026, 4, 3, 9, 0), id="friday-before-chakri"),
        pytest.param(_bangkok(2026, 5, 23, 9, 0), id="saturday-receipt-visakha"),
        pytest.param(_bangkok(2026, 7, 20, 23, 59), id="july-holiday-run"),
        pytest.param(_bangkok(2026, 9, 30, 9, 0), id="fiscal-boundary"),
    ],
)
def test_working_mode_matches_an_independent_count(received: datetime) -> None:
    # Given a receipt date
    # When the due date is computed in working mode
    due = due_date(received, CountingMode.WORKING)
    # Then it matches counting weekdays that are not Thai public holidays, independently
    assert due == _count_working_days(received.date(), RESPONSE_DAYS)
    # And it is later than the calendar-mode date whenever a weekend intervenes
    assert due > received.date() + timedelta(days=RESPONSE_DAYS)


def test_working_mode_skips_an_extra_holiday() -> None:
    # Given a local holiday on one of the counted days
    extra = {date(2026, 1, 14)}
    without = due_date(RECEIVED_MON_5_JAN, CountingMode.WORKING)
    # When the due date is computed with it
    with_extra = due_date(RECEIVED_MON_5_JAN, CountingMode.WORKING, extra_holidays=extra)
    # Then the count goes one working day further
    assert with_extra == _count_working_days(RECEIVED_MON_5_JAN.date(), RESPONSE_DAYS, extra)
    assert with_extra > without
    assert with_extra == next_working_day(without + timedelta(days=1))


# --- working-day helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        pytest.param(date(2026, 1, 5), True, id="monday"),
        pytest.param(date(2026, 1, 3), False, id="saturday"),
        pytest.param(date(2026, 1, 4), False, id="sunday"),
        pytest.param(date(2026, 1, 1), False, id="new-year"),
        pytest.param(date(2026, 4, 13), False, id="songkran"),
        pytest.param(date(2026, 12, 7), False, id="substitute-day"),
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    # Then the answer matches the weekday and the Thai calendar
    assert is_working_day(day) is working
    assert is_working_day(day) is not _is_free(day)


def test_next_working_day_returns_a_working_day_itself() -> None:
    # Given a working Monday and the Saturday before it
    # Then the Monday is its own next working day and the Saturday's too
    assert next_working_day(date(2026, 1, 5)) == date(2026, 1, 5)
    assert next_working_day(date(2026, 1, 3)) == date(2026, 1, 5)
    # And an extra holiday on the Monday pushes it to Tuesday
    assert next_working_day(date(2026, 1, 3), [date(2026, 1, 5)]) == date(2026, 1, 6)


# --- end of day and deadline state ------------------------------------------------------


def test_end_of_day_is_last_microsecond_in_bangkok_expressed_in_utc() -> None:
    # When the end of 20 January 2026 is computed
    end = end_of_day(DUE_DAY_20_JAN)
    # Then it is 23:59:59.999999 in Bangkok, which is 16:59:59.999999 UTC, as a UTC datetime
    assert end == _bangkok(2026, 1, 20, 23, 59, 59, 999999)
    assert end == datetime(2026, 1, 20, 16, 59, 59, 999999, tzinfo=UTC)
    assert end.utcoffset() == timedelta(0)
    assert (end.hour, end.minute, end.second, end.microsecond) == (16, 59, 59, 999999)
    # And one microsecond later is midnight of the next Bangkok day
    assert (end + ONE_MICROSECOND).astimezone(BANGKOK) == _bangkok(2026, 1, 21, 0, 0)


DUE = due_at(RECEIVED_MON_5_JAN)  # 2026-01-20 23:59:59.999999 Bangkok


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(RECEIVED_MON_5_JAN, DeadlineState.ON_TRACK, id="at-receipt"),
        pytest.param(
            _bangkok(2026, 1, 16, 23, 59, 59, 999999),
            DeadlineState.ON_TRACK,
            id="4-days-before-last-microsecond",
        ),
        pytest.param(
            _bangkok(2026, 1, 16, 23, 30), DeadlineState.ON_TRACK, id="4-days-before-late-bkk"
        ),
        pytest.param(_bangkok(2026, 1, 17, 0, 0), DeadlineState.DUE_SOON, id="3-days-before"),
        pytest.param(
            datetime(2026, 1, 16, 17, 30, tzinfo=UTC),
            DeadlineState.DUE_SOON,
            id="3-days-before-in-bkk-though-utc-date-is-16th",
        ),
        pytest.param(_bangkok(2026, 1, 20, 9, 0), DeadlineState.DUE_SOON, id="due-morning"),
        pytest.param(DUE, DeadlineState.DUE_SOON, id="exactly-due"),
        pytest.param(DUE + ONE_MICROSECOND, DeadlineState.OVERDUE, id="one-microsecond-late"),
        pytest.param(_bangkok(2026, 2, 1, 9, 0), DeadlineState.OVERDUE, id="weeks-late"),
    ],
)
def test_deadline_state(now: datetime, expected: DeadlineState) -> None:
    # Given a case due at the end of Tuesday 20 January 2026 in Bangkok
    assert DUE == end_of_day(DUE_DAY_20_JAN)
    assert DUE_SOON_DAYS == 3
    # When its state is asked at ``now``
    # Then it is on track until 3 Bangkok days before, due soon until the last microsecond,
    # and overdue after it
    assert deadline_state(DUE, now) is expected
