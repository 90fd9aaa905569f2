"""Published statistics per kind, fiscal year and half, to the definitions in the design.

For a month M and kind K: ``received`` = cases of K received in M (Bangkok);
``completed`` = those of them closed now; ``in_progress`` = the rest; ``on_time`` = those
whose first response (closure or interim notice) came by the first due date. Totals are
sums of the rows; the on-time rate is on_time ÷ received.

Breakdowns (category, channel, department, outcome) count the period's cases the same
way. For tips, every breakdown cell of 1 or 2 is shown as "< 3" so that a count cannot
point at a person; monthly rows and totals are never hidden (ITA asks for them).
Satisfaction (measure 44: at least 80% rate 4–5 overall) counts the answers about the
period's cases, hidden the same way for tips.

Everything is summed from ``case_tallies`` (kept by ``intake.tallies``), never from a scan
of the case table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from flask_babel import force_locale
from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from intake import labels, tallies, thaidate
from intake.models import CaseKind, CaseTally, Category, Channel, Department
from intake.services import DbSession
from intake.services.satisfaction import Tally
from intake.workflow import Status

COUNT_KEYS = ("received", "completed", "in_progress", "on_time")
SATISFACTION_KEYS = ("responses", "satisfied", "share")
SATISFACTION_TARGET = Fraction(4, 5)  # measure 44: at least 80% rate 4–5 overall
SMALL_CELL = "< 3"
SHARE_DIGITS = 4
WHOLE_YEAR = 0
HALVES = (WHOLE_YEAR, 1, 2)
BREAKDOWNS = ("category", "channel", "department", "outcome")
OUTCOMES = (tallies.OPEN, Status.RESOLVED.value, Status.REJECTED.value, Status.REFERRED.value)

Count = int | str  # a number, or SMALL_CELL


@dataclass
class MonthRow:
    month: str  # "2025-10"
    received: int = 0
    completed: int = 0
    in_progress: int = 0
    on_time: int = 0


@dataclass
class Cell:
    """One line of a breakdown: a category, channel, department or outcome."""

    key: str
    label_th: str
    label_en: str
    received: Count = 0
    completed: Count = 0
    in_progress: Count = 0
    on_time: Count = 0

    @property
    def suppressed(self) -> bool:
        return SMALL_CELL in (self.received, self.completed, self.in_progress, self.on_time)


@dataclass
class Satisfaction:
    """What may be published of one kind's survey answers in one period.

    ``responses`` and ``satisfied`` are counts, or SMALL_CELL where a tip count is 1–2;
    ``share`` is satisfied/responses, None when there are no answers or it would give a
    hidden count away; ``target_met`` is None when there is nothing to judge.
    """

    responses: Count = 0
    satisfied: Count = 0
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
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        received = self.totals.get("received", 0)
        if not received:
            return None
        return round(self.totals["on_time"] / received, SHARE_DIGITS)

    @property
    def suppressed(self) -> bool:
        return self.satisfaction.suppressed or any(
            cell.suppressed for cells in self.breakdowns.values() for cell in cells
        )


def period_months(fiscal_year: int, half: int = WHOLE_YEAR) -> list[date]:
    """First days of the months in a fiscal year (half 0), its first or second half."""
    if half not in HALVES:
        raise ValueError(f"half must be one of {HALVES}")
    months = thaidate.fiscal_months(fiscal_year)
    return months if half == WHOLE_YEAR else months[(half - 1) * 6 : half * 6]


def _month_key(d: date) -> str:
    return d.strftime("%Y-%m")


def _small(kind: CaseKind, count: int) -> bool:
    return kind is CaseKind.TIP and 1 <= count <= 2


def _shown(kind: CaseKind, count: int) -> Count:
    return SMALL_CELL if _small(kind, count) else count


def publishable(kind: CaseKind, tally: Tally) -> Satisfaction:
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


@dataclass
class _Sums:
    received: int = 0
    completed: int = 0
    on_time: int = 0


def _label_pairs(session: DbSession) -> dict[str, dict[str, tuple[str, str]]]:
    """Thai and English names of every breakdown key (open data carries both)."""
    pairs: dict[str, dict[str, tuple[str, str]]] = {name: {} for name in BREAKDOWNS}
    for category in session.scalars(select(Category)):
        pairs["category"][str(category.id)] = (category.name_th, category.name_en)
    for department in session.scalars(select(Department)):
        pairs["department"][str(department.id)] = (department.name_th, department.name_en)
    outcome_labels: dict[str, Any] = {
        tallies.OPEN: labels.STATUS[Status.IN_PROGRESS],
        **{status.value: labels.STATUS[status] for status in Status if status.value in OUTCOMES},
    }
    coded: list[tuple[str, dict[str, Any]]] = [
        ("channel", {channel.value: labels.CHANNEL[channel] for channel in Channel}),
        ("outcome", outcome_labels),
    ]
    for name, names in coded:
        for key, lazy in names.items():
            with force_locale("th"):
                thai = str(lazy)
            with force_locale("en"):
                english = str(lazy)
            pairs[name][key] = (thai, english)
    return pairs


UNSPECIFIED = ("ไม่ระบุ", "Not specified")


def _cells(
    kind: CaseKind,
    sums: dict[str, _Sums],
    names: dict[str, tuple[str, str]],
    fixed_order: Sequence[str] = (),
) -> list[Cell]:
    """Cells in ``fixed_order`` (every code listed, zero or not) or, for categories and
    departments, the largest first."""

    def rank(key: str) -> tuple[Any, ...]:
        if key in fixed_order:
            return (0, fixed_order.index(key))
        return (1, -sums[key].received, names.get(key, UNSPECIFIED)[0], key)

    cells = []
    for key in sorted(set(sums) | set(fixed_order), key=rank):
        s = sums.get(key, _Sums())
        th, en = names.get(key, UNSPECIFIED)
        cells.append(
            Cell(
                key=key,
                label_th=th,
                label_en=en,
                received=_shown(kind, s.received),
                completed=_shown(kind, s.completed),
                in_progress=_shown(kind, s.received - s.completed),
                on_time=_shown(kind, s.on_time),
            )
        )
    return cells


def _sums(
    session: DbSession, kinds: list[CaseKind], months: list[str]
) -> dict[tuple[str, str, str, str], tuple[_Sums, int, int]]:
    """Per (kind, dimension, value, month): the sums, survey responses and satisfied,
    summed by the database over a few thousand tally rows at most."""
    closed = sql_case((CaseTally.closed, CaseTally.cases), else_=0)
    on_time = sql_case((CaseTally.on_time, CaseTally.cases), else_=0)
    group = (CaseTally.kind, CaseTally.dimension, CaseTally.value, CaseTally.month)
    query = (
        select(
            *group,
            func.sum(CaseTally.cases),
            func.sum(closed),
            func.sum(on_time),
            func.sum(CaseTally.responses),
            func.sum(CaseTally.satisfied),
        )
        .where(
            CaseTally.kind.in_(kinds),
            CaseTally.month >= months[0],
            CaseTally.month <= months[-1],
        )
        .group_by(*group)
    )
    found = {}
    for kind, dimension, value, month, cases, done, in_time, responses, happy in session.execute(
        query
    ):
        sums = _Sums(int(cases), int(done), int(in_time))
        found[(kind.value, dimension, value, month)] = (sums, int(responses), int(happy))
    return found


def compute(
    session: DbSession, fiscal_year: int, kinds: list[CaseKind], half: int = WHOLE_YEAR
) -> dict[str, KindStats]:
    """The statistics of each kind for the fiscal year or one of its halves."""
    months = [_month_key(m) for m in period_months(fiscal_year, half)]
    found = _sums(session, kinds, months)
    names = _label_pairs(session)
    fixed: dict[str, Sequence[str]] = {"channel": [c.value for c in Channel], "outcome": OUTCOMES}
    result: dict[str, KindStats] = {}
    for kind in kinds:
        by_month = {m: _Sums() for m in months}
        by: dict[str, dict[str, _Sums]] = {name: {} for name in BREAKDOWNS}
        responses = satisfied = 0
        for (k, dimension, value, month), (s, answered, happy) in found.items():
            if k != kind.value:
                continue
            if dimension == tallies.TOTAL:
                by_month[month] = s
                responses += answered
                satisfied += happy
            elif dimension in by:
                total = by[dimension].setdefault(value, _Sums())
                total.received += s.received
                total.completed += s.completed
                total.on_time += s.on_time
        month_rows = [
            MonthRow(m, s.received, s.completed, s.received - s.completed, s.on_time)
            for m, s in by_month.items()
        ]
        totals = {key: sum(getattr(r, key) for r in month_rows) for key in COUNT_KEYS}
        breakdowns = {
            name: _cells(
                kind,
                {key: s for key, s in by[name].items() if s.received},
                names[name],
                fixed.get(name, ()),
            )
            for name in BREAKDOWNS
        }
        result[kind.value] = KindStats(
            month_rows, totals, publishable(kind, Tally(responses, satisfied)), breakdowns
        )
    return result


def monthly(session: DbSession, fiscal_year: int, kinds: list[CaseKind]) -> dict[str, KindStats]:
    """The whole fiscal year (the form ITA asks for)."""
    return compute(session, fiscal_year, kinds, WHOLE_YEAR)


def first_fiscal_year(session: DbSession) -> int | None:
    """The earliest fiscal year with any case, for the year selector."""
    first = session.scalar(
        select(func.min(CaseTally.month)).where(
            CaseTally.dimension == tallies.TOTAL, CaseTally.cases > 0
        )
    )
    if first is None:
        return None
    year, month = (int(part) for part in first.split("-"))
    return thaidate.fiscal_year(date(year, month, 1))


def _satisfaction_json(answers: Satisfaction) -> dict[str, Any]:
    return {
        "responses": answers.responses,
        "satisfied": answers.satisfied,
        "share": answers.share,
        "target": float(SATISFACTION_TARGET),
        "target_met": answers.target_met,
    }


def as_json(fiscal_year: int, stats: dict[str, KindStats], half: int = WHOLE_YEAR) -> dict:
    return {
        "fiscal_year": fiscal_year,
        "half": half or None,
        "kinds": {
            kind: {
                "months": [asdict(r) for r in s.months],
                "totals": s.totals,
                "on_time_rate": s.on_time_rate,
                "breakdowns": {
                    name: [asdict(cell) for cell in cells] for name, cells in s.breakdowns.items()
                },
                "satisfaction": _satisfaction_json(s.satisfaction),
            }
            for kind, s in stats.items()
        },
    }


CSV_HEADER = [
    "fiscal_year",
    "half",
    "kind",
    "breakdown",
    "key",
    "label_th",
    "label_en",
    *COUNT_KEYS,
    *(f"satisfaction_{key}" for key in SATISFACTION_KEYS),
]


def csv_rows(
    fiscal_year: int, stats: dict[str, KindStats], half: int = WHOLE_YEAR
) -> list[list[Any]]:
    """The open-data table, long format: ``breakdown`` is ``month`` (key 2025-10),
    ``total`` (which also carries the period's satisfaction), ``category``, ``channel``,
    ``department`` or ``outcome``. Satisfaction columns are empty except on the total."""
    rows: list[list[Any]] = [CSV_HEADER]
    blank = [""] * len(SATISFACTION_KEYS)
    period = half or ""
    for kind, kind_stats in stats.items():
        for row in kind_stats.months:
            year, month = (int(p) for p in row.month.split("-"))
            first = date(year, month, 1)
            rows.append(
                [
                    fiscal_year,
                    period,
                    kind,
                    "month",
                    row.month,
                    thaidate.format_month(first, "th"),
                    thaidate.format_month(first, "en"),
                    *(getattr(row, k) for k in COUNT_KEYS),
                    *blank,
                ]
            )
        answers = kind_stats.satisfaction
        rows.append(
            [
                fiscal_year,
                period,
                kind,
                "total",
                "",
                "รวม",
                "Total",
                *(kind_stats.totals[k] for k in COUNT_KEYS),
                answers.responses,
                answers.satisfied,
                "" if answers.share is None else answers.share,
            ]
        )
        for name, cells in kind_stats.breakdowns.items():
            for cell in cells:
                rows.append(
                    [
                        fiscal_year,
                        period,
                        kind,
                        name,
                        cell.key,
                        cell.label_th,
                        cell.label_en,
                        *(getattr(cell, k) for k in COUNT_KEYS),
                        *blank,
                    ]
                )
    return rows
