"""The rolling duty: each answer or interim notice ends a period and starts the next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from intake.deadlines import (
    DeadlineState,
    due_soon_limit,
    first_response_on_time,
    response_periods,
)
from intake.thaidate import BANGKOK

# Received Monday 2 November 2026, 10:00 Bangkok; 15 days later is Tuesday 17 November.
RECEIVED = datetime(2026, 11, 2, 10, 0, tzinfo=BANGKOK).astimezone(UTC)
DAY_15_EVENING = datetime(2026, 11, 17, 20, 0, tzinfo=BANGKOK).astimezone(UTC)
DAY_16_MORNING = datetime(2026, 11, 18, 9, 0, tzinfo=BANGKOK).astimezone(UTC)


def test_an_interim_notice_on_day_15_meets_the_period_and_starts_the_next() -> None:
    now = DAY_15_EVENING + timedelta(days=1)
    periods = response_periods(RECEIVED, [DAY_15_EVENING], None, now)
    assert [p.state for p in periods] == [DeadlineState.MET, DeadlineState.ON_TRACK]
    assert periods[0].due.astimezone(BANGKOK).date().isoformat() == "2026-11-17"
    assert periods[1].start == DAY_15_EVENING
    assert periods[1].due.astimezone(BANGKOK).date().isoformat() == "2026-12-02"
    assert first_response_on_time(periods[0].due, DAY_15_EVENING)


def test_an_interim_notice_on_day_16_is_late_and_counted_so() -> None:
    periods = response_periods(RECEIVED, [DAY_16_MORNING], None, DAY_16_MORNING)
    assert periods[0].state is DeadlineState.OVERDUE
    assert periods[0].answered_at == DAY_16_MORNING
    assert periods[1].state is DeadlineState.ON_TRACK
    assert not first_response_on_time(periods[0].due, DAY_16_MORNING)


def test_day_14_15_16_of_an_unanswered_case() -> None:
    day = {n: RECEIVED + timedelta(days=n) for n in (11, 14, 15, 16)}
    assert response_periods(RECEIVED, [], None, day[11])[-1].state is DeadlineState.ON_TRACK
    assert response_periods(RECEIVED, [], None, day[14])[-1].state is DeadlineState.DUE_SOON
    assert response_periods(RECEIVED, [], None, day[15])[-1].state is DeadlineState.DUE_SOON
    assert response_periods(RECEIVED, [], None, day[16])[-1].state is DeadlineState.OVERDUE


def test_closing_with_an_answer_ends_the_last_period() -> None:
    closed = RECEIVED + timedelta(days=3)
    periods = response_periods(RECEIVED, [closed], closed, closed + timedelta(days=30))
    assert len(periods) == 1 and periods[0].state is DeadlineState.MET


def test_several_notices_make_a_history() -> None:
    notices = [
        RECEIVED + timedelta(days=10),
        RECEIVED + timedelta(days=24),
        RECEIVED + timedelta(days=45),
    ]
    now = RECEIVED + timedelta(days=46)
    periods = response_periods(RECEIVED, notices, None, now)
    assert [p.number for p in periods] == [1, 2, 3, 4]
    assert [p.state for p in periods[:3]] == [
        DeadlineState.MET,
        DeadlineState.MET,
        DeadlineState.OVERDUE,  # 21 days after day 24
    ]


def test_due_soon_window_ends_at_the_end_of_a_bangkok_day() -> None:
    now = datetime(2026, 11, 26, 23, 30, tzinfo=BANGKOK)
    limit = due_soon_limit(now, 3).astimezone(BANGKOK)
    assert (limit.date().isoformat(), limit.hour, limit.minute) == ("2026-11-29", 23, 59)
