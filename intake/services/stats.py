"""Monthly statistics per kind and fiscal year, to the definitions in the design:
``received`` in month M; ``completed`` = of those, closed now; ``in_progress`` = the
rest; ``on_time`` = first response (closure or interim notice) by the first due date.
Totals are sums of the rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import select

from intake import deadlines, thaidate
from intake.models import Case, CaseKind
from intake.services import DbSession

COUNT_KEYS = ("received", "completed", "in_progress", "on_time")


@dataclass
class MonthRow:
    month: str  # "2025-10"
    received: int = 0
    completed: int = 0
    in_progress: int = 0
    on_time: int = 0


@dataclass
class KindStats:
    months: list[MonthRow]
    totals: dict[str, int] = field(default_factory=dict)


def _fy_window(fiscal_year: int) -> tuple[datetime, datetime]:
    first, last = thaidate.fiscal_year_bounds(fiscal_year)
    start = datetime.combine(first, time.min, tzinfo=thaidate.BANGKOK)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=thaidate.BANGKOK)
    return start, end


def monthly(session: DbSession, fiscal_year: int, kinds: list[CaseKind]) -> dict[str, KindStats]:
    start, end = _fy_window(fiscal_year)
    months = thaidate.fiscal_months(fiscal_year)
    result: dict[str, KindStats] = {}
    for kind in kinds:
        rows = {m.strftime("%Y-%m"): MonthRow(m.strftime("%Y-%m")) for m in months}
        query = select(Case.received_at, Case.closed_at, Case.first_response_at, Case.first_due_at)
        query = query.where(Case.kind == kind, Case.received_at >= start, Case.received_at < end)
        for received_at, closed_at, first_response_at, first_due_at in session.execute(query):
            row = rows[thaidate.local_date(received_at).strftime("%Y-%m")]
            row.received += 1
            if closed_at is not None:
                row.completed += 1
            if deadlines.first_response_on_time(first_due_at, first_response_at):
                row.on_time += 1
        for row in rows.values():
            row.in_progress = row.received - row.completed
        totals = {key: sum(getattr(r, key) for r in rows.values()) for key in COUNT_KEYS}
        result[kind.value] = KindStats(list(rows.values()), totals)
    return result


def as_json(fiscal_year: int, stats: dict[str, KindStats]) -> dict:
    return {
        "fiscal_year": fiscal_year,
        "kinds": {
            kind: {"months": [asdict(r) for r in s.months], "totals": s.totals}
            for kind, s in stats.items()
        },
    }
