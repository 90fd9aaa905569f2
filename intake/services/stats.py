"""Monthly statistics per kind and fiscal year, to the definitions in the design:
``received`` in month M; ``completed`` = of those, closed now; ``in_progress`` = the
rest; ``on_time`` = first response (closure or interim notice) by the first due date.
Totals are sums of the rows.

Satisfaction (measure 44: at least 80% satisfied) is one figure per kind and fiscal year,
counted over the cases received in that year like the rest. For tips, a satisfaction
count of one or two is shown as "< 3" (the design's small-cell rule), so that a figure
can never point at a person.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from intake import deadlines, thaidate
from intake.models import Case, CaseKind
from intake.services import DbSession
from intake.services import satisfaction as satisfaction_service

COUNT_KEYS = ("received", "completed", "in_progress", "on_time")
SATISFACTION_KEYS = ("responses", "satisfied", "share")
SATISFACTION_TARGET = Fraction(4, 5)  # measure 44: at least 80% rate 4–5 overall
SMALL_CELL = "< 3"
SHARE_DIGITS = 4


@dataclass
class MonthRow:
    month: str  # "2025-10"
    received: int = 0
    completed: int = 0
    in_progress: int = 0
    on_time: int = 0


@dataclass
class Satisfaction:
    """What may be published of one kind's survey answers in one fiscal year.

    ``responses`` and ``satisfied`` are counts, or SMALL_CELL where a tip count is 1–2;
    ``share`` is satisfied/responses, None when there are no answers or it would give a
    hidden count away; ``target_met`` is None when there is nothing to judge.
    """

    responses: int | str = 0
    satisfied: int | str = 0
    share: float | None = None
    target_met: bool | None = None

    @property
    def target_percent(self) -> int:
        return int(SATISFACTION_TARGET * 100)

    @property
    def suppressed(self) -> bool:
        return SMALL_CELL in (self.responses, self.satisfied)


@dataclass
class KindStats:
    months: list[MonthRow]
    totals: dict[str, int] = field(default_factory=dict)
    satisfaction: Satisfaction = field(default_factory=Satisfaction)


def _fy_window(fiscal_year: int) -> tuple[datetime, datetime]:
    first, last = thaidate.fiscal_year_bounds(fiscal_year)
    start = datetime.combine(first, time.min, tzinfo=thaidate.BANGKOK)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=thaidate.BANGKOK)
    return start, end


def _small(kind: CaseKind, count: int) -> bool:
    return kind is CaseKind.TIP and 1 <= count <= 2


def publishable(kind: CaseKind, tally: satisfaction_service.Tally) -> Satisfaction:
    """The tally as it may be shown: small tip counts hidden, and the share with them."""
    responses, satisfied = tally.responses, tally.satisfied
    if responses == 0:
        return Satisfaction()
    if _small(kind, responses):
        return Satisfaction(responses=SMALL_CELL, satisfied=SMALL_CELL)
    # Exact comparison: a rounded share must not turn 79.99% into "met".
    met = Fraction(satisfied, responses) >= SATISFACTION_TARGET
    if _small(kind, satisfied):
        return Satisfaction(responses=responses, satisfied=SMALL_CELL, target_met=met)
    return Satisfaction(
        responses=responses,
        satisfied=satisfied,
        share=round(satisfied / responses, SHARE_DIGITS),
        target_met=met,
    )


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
        answers = publishable(kind, satisfaction_service.tally(session, kind, start, end))
        result[kind.value] = KindStats(list(rows.values()), totals, answers)
    return result


def _satisfaction_json(answers: Satisfaction) -> dict[str, Any]:
    return {
        "responses": answers.responses,
        "satisfied": answers.satisfied,
        "share": answers.share,
        "target": float(SATISFACTION_TARGET),
        "target_met": answers.target_met,
    }


def as_json(fiscal_year: int, stats: dict[str, KindStats]) -> dict:
    return {
        "fiscal_year": fiscal_year,
        "kinds": {
            kind: {
                "months": [asdict(r) for r in s.months],
                "totals": s.totals,
                "satisfaction": _satisfaction_json(s.satisfaction),
            }
            for kind, s in stats.items()
        },
    }


CSV_HEADER = [
    "fiscal_year",
    "kind",
    "month",
    *COUNT_KEYS,
    *(f"satisfaction_{key}" for key in SATISFACTION_KEYS),
]


def csv_rows(fiscal_year: int, stats: dict[str, KindStats]) -> list[list[Any]]:
    """The open-data table: a row per month, then a total row per kind that also carries
    the year's satisfaction figures (empty on month rows: they are yearly)."""
    rows: list[list[Any]] = [CSV_HEADER]
    blank = [""] * len(SATISFACTION_KEYS)
    for kind, kind_stats in stats.items():
        for row in kind_stats.months:
            rows.append(
                [fiscal_year, kind, row.month, *(getattr(row, k) for k in COUNT_KEYS), *blank]
            )
        answers = kind_stats.satisfaction
        share = "" if answers.share is None else answers.share
        rows.append(
            [
                fiscal_year,
                kind,
                "total",
                *(kind_stats.totals[k] for k in COUNT_KEYS),
                answers.responses,
                answers.satisfied,
                share,
            ]
        )
    return rows
