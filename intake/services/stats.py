"""Published statistics per kind, fiscal year and half, to the definitions in the design.

For a month M and kind K: ``received`` = cases of K received in M (Bangkok);
``completed`` = those of them closed now; ``in_progress`` = the rest; ``on_time`` = those
whose first response (closure or interim notice) came by the first due date. Totals are
sums of the rows; the on-time rate is on_time ÷ received.

Breakdowns (category, channel, department, outcome) count the period's cases the same
way. Satisfaction (measure 44: at least 80% rate 4–5 overall) counts the answers about
the period's cases.

Complaints are published per month, as counted. Tips are published coarser, so that a
count cannot point at a person (``intake.services.tip_figures``): per half-year and per
fiscal year, never per month, their breakdown lines suppressed by the rule in
``intake.suppression``. ``compute(..., public=False)`` gives staff the tips as counted,
month by month.

Everything is summed from ``case_tallies`` (kept by ``intake.tallies``), never from a scan
of the case table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from flask_babel import force_locale
from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from intake import labels, tallies, thaidate
from intake.models import (
    CaseKind,
    CaseTally,
    Category,
    Channel,
    Department,
    Open311Client,
)
from intake.services import DbSession, reopen_figures, tip_figures
from intake.services.figures import (
    BREAKDOWNS,
    COUNT_KEYS,
    HALVES,
    OUTCOMES,
    SATISFACTION_TARGET,
    SHARE_DIGITS,
    WHOLE_YEAR,
    Cell,
    KindStats,
    MonthRow,
    Satisfaction,
)
from intake.services.satisfaction import Tally
from intake.workflow import Status


def period_months(fiscal_year: int, half: int = WHOLE_YEAR) -> list[date]:
    """First days of the months in a fiscal year (half 0), its first or second half."""
    if half not in HALVES:
        raise ValueError(f"half must be one of {HALVES}")
    months = thaidate.fiscal_months(fiscal_year)
    return months if half == WHOLE_YEAR else months[(half - 1) * 6 : half * 6]


def _month_key(d: date) -> str:
    return d.strftime("%Y-%m")


def publishable(kind: CaseKind, tally: Tally) -> Satisfaction:
    """One period's survey answers as they may be shown (tips: one half's, suppressed)."""
    if kind is CaseKind.TIP:
        return tip_figures.half_satisfaction(tally)
    responses, satisfied = tally.responses, tally.satisfied
    if responses == 0:
        return Satisfaction()
    return Satisfaction(
        responses=responses,
        satisfied=satisfied,
        share=round(satisfied / responses, SHARE_DIGITS),
        # Exact comparison: a rounded share must not turn 79.99% into "met".
        target_met=Fraction(satisfied, responses) >= SATISFACTION_TARGET,
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
    for client in session.scalars(select(Open311Client)):
        name = f"Open311: {client.name}"
        pairs["channel"][tallies.channel_value(Channel.OPEN311, client.id)] = (name, name)
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
# Every channel has its row, zero or not, but Open311, counted per client application (a
# client appears as soon as it has filed).
LISTED_CHANNELS = [c.value for c in Channel if c is not Channel.OPEN311]


def _cells(
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
                received=s.received,
                completed=s.completed,
                in_progress=s.received - s.completed,
                on_time=s.on_time,
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


def _counted(
    found: dict[tuple[str, str, str, str], tuple[_Sums, int, int]],
    kind: CaseKind,
    months: list[str],
    names: dict[str, dict[str, tuple[str, str]]],
) -> tuple[KindStats, Tally]:
    """One kind's figures over ``months`` exactly as counted, and its survey answers."""
    fixed: dict[str, Sequence[str]] = {"channel": LISTED_CHANNELS, "outcome": OUTCOMES}
    by_month = {m: _Sums() for m in months}
    by: dict[str, dict[str, _Sums]] = {name: {} for name in BREAKDOWNS}
    responses = satisfied = 0
    for (k, dimension, value, month), (s, answered, happy) in found.items():
        if k != kind.value or month not in by_month:
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
            {key: s for key, s in by[name].items() if s.received},
            names[name],
            fixed.get(name, ()),
        )
        for name in BREAKDOWNS
    }
    answers = Tally(responses, satisfied)
    counted = KindStats(month_rows, totals, publishable(CaseKind.COMPLAINT, answers), breakdowns)
    return counted, answers


def _published_tips(
    found: dict[tuple[str, str, str, str], tuple[_Sums, int, int]],
    fiscal_year: int,
    half: int,
    names: dict[str, dict[str, tuple[str, str]]],
) -> KindStats:
    """Tips as the public sees them: a half, or a year made of its two published halves."""
    halves = [1, 2] if half == WHOLE_YEAR else [half]
    published = []
    for number in halves:
        months = [_month_key(m) for m in period_months(fiscal_year, number)]
        counted, answers = _counted(found, CaseKind.TIP, months, names)
        published.append(tip_figures.publish_half(counted, answers))
    return published[0] if len(published) == 1 else tip_figures.year(*published)


def compute(
    session: DbSession,
    fiscal_year: int,
    kinds: list[CaseKind],
    half: int = WHOLE_YEAR,
    *,
    public: bool = True,
) -> dict[str, KindStats]:
    """The statistics of each kind for the fiscal year or one of its halves: as
    published (``public``), or for staff, tips too month by month as counted."""
    months = [_month_key(m) for m in period_months(fiscal_year, half)]
    found = _sums(session, kinds, months)
    names = _label_pairs(session)
    result: dict[str, KindStats] = {}
    for kind in kinds:
        if public and kind is CaseKind.TIP:
            result[kind.value] = _published_tips(found, fiscal_year, half, names)
        else:
            result[kind.value] = _counted(found, kind, months, names)[0]
        if kind is CaseKind.COMPLAINT or not public:
            first = period_months(fiscal_year, half)[0]
            last = thaidate.fiscal_year_bounds(fiscal_year)[1] if half != 1 else _half_end(first)
            figures_ = reopen_figures.figures(session, kind, first, last)
            result[kind.value].reopen_requests = asdict(figures_)
    return result


def _half_end(first: date) -> date:
    """The last day of the first half that starts on ``first`` (1 October): 31 March."""
    return date(first.year + 1, 3, 31)


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
