"""The 15-day clock of one case, for the case page: countdown and history of periods."""

from __future__ import annotations

from datetime import datetime

from intake import deadlines, thaidate
from intake.models import Case, EventType
from intake.services import DbSession
from intake.services.settings import extra_holidays, get_organisation
from intake.workflow import CLOSED


def _answers(case: Case) -> list[datetime]:
    """Moments the complainant was told something that counts: interim notices and
    closures (a closing event answers the complaint)."""
    return [
        event.at
        for event in case.events
        if event.type is EventType.INTERIM_NOTICE
        or (event.type is EventType.STATUS and event.to_status in CLOSED)
    ]


def periods(session: DbSession, case: Case, now: datetime) -> list[deadlines.Period]:
    organisation = get_organisation(session)
    return deadlines.response_periods(
        case.received_at,
        _answers(case),
        case.closed_at,
        now,
        organisation.deadline_mode,
        extra_holidays(session),
        organisation.response_days,
        organisation.due_soon_days,
    )


def days_left(case: Case, now: datetime) -> int | None:
    """Whole Bangkok days until the current due date (negative when overdue)."""
    if case.closed_at is not None:
        return None
    return (thaidate.local_date(case.due_at) - thaidate.local_date(now)).days
