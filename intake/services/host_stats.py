"""The host's open data: every organisation's figures for a fiscal year side by side, a
roll-up by province, and the whole of what is shown.

An organisation's row is what its own /stats publishes for the year, from the same
definitions (``intake.services.stats``, ``intake.tallies``): received, completed, in
progress and on time are the year's totals (exact for tips too: ITA asks for them, and
each organisation publishes them); the on-time rate is on time ÷ received; satisfaction
is published as ``stats.publishable`` does for complaints, and for tips as the year made
of its two suppressed halves (``intake.services.tip_figures``).

Roll-ups (a province, everything shown) never reveal what an organisation hides: each is
made from the published rows only. A count is the sum of the rows' counts; a tip
satisfaction count is the rows' published marks added up by ``suppression.add_published``
— the sum when every row shows its number, "< 3" when one row shows "< 3" and the others
0, hidden otherwise. So a roll-up with a number in it had a number in every row, and
neither a roll-up nor the difference of two roll-ups (another province, another filter)
can give back a hidden count. Rates are recomputed from the sums, never averaged.

Everything is read host-wide in two queries: the organisations, and ``case_tallies``
summed per organisation (and half, for tips) over the year's total rows, which the index
``ix_case_tallies_year_totals`` serves. Filters, sort and roll-ups are pure, on rows a
view may keep in its cache.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy import case as sql_case

from intake import tallies, thaidate
from intake.models import CaseKind, CaseTally, Organisation, OrganisationType
from intake.models.organisation import OrganisationStatus
from intake.organisation_scope import host_wide
from intake.services import DbSession, stats, tip_figures
from intake.services.figures import SHARE_DIGITS, WHOLE_YEAR, Satisfaction
from intake.services.satisfaction import Tally

COUNTS = ("received", "completed", "in_progress", "on_time")
# Columns a reader may sort by; the name is the default.
SORT_COLUMNS = (
    "name",
    "province",
    "district",
    "kind",
    *COUNTS,
    "on_time_rate",
    "satisfaction",
)
DEFAULT_SORT = "name"


@dataclass(frozen=True)
class Figures:
    """One organisation's year, or a roll-up of several."""

    received: int = 0
    completed: int = 0
    in_progress: int = 0
    on_time: int = 0
    satisfaction: Satisfaction = field(default_factory=Satisfaction)

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.received, SHARE_DIGITS) if self.received else None


@dataclass(frozen=True)
class OrganisationRow:
    id: int
    slug: str
    name_th: str
    name_en: str
    kind: OrganisationType
    province: str
    district: str
    figures: Figures


@dataclass(frozen=True)
class RollUp:
    province: str  # "" for everything shown
    organisations: int
    figures: Figures


@dataclass(frozen=True)
class Selection:
    """Which organisations are shown, and in which order."""

    province: str = ""
    district: str = ""
    kind: OrganisationType | None = None
    sort: str = DEFAULT_SORT
    descending: bool = False


@dataclass(frozen=True)
class HostStats:
    fiscal_year: int
    case_kind: CaseKind
    rows: list[OrganisationRow]
    provinces: list[RollUp]
    total: RollUp


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class Listed:
    """What the host publishes about an organisation (its row in the directory)."""

    id: int
    slug: str
    name_th: str
    name_en: str
    kind: OrganisationType
    province: str
    district: str


def listed_organisations(session: DbSession) -> list[Listed]:
    """The host's active organisations (a suspended one publishes nothing)."""
    query = select(
        Organisation.id,
        Organisation.slug,
        Organisation.name_th,
        Organisation.name_en,
        Organisation.kind,
        Organisation.province,
        Organisation.district,
    ).where(Organisation.status == OrganisationStatus.ACTIVE)
    return [Listed(*row) for row in session.execute(host_wide(query))]


@dataclass(frozen=True)
class Counted:
    """One organisation's year as counted: the totals and each half's survey answers."""

    received: int = 0
    completed: int = 0
    on_time: int = 0
    answers: tuple[Tally, Tally] = (Tally(0, 0), Tally(0, 0))


def year_totals_query(fiscal_year: int, case_kind: CaseKind) -> Select[Any]:
    """Every organisation's year of one kind, per half, from the total rows of the
    tallies (served by the index ``ix_case_tallies_year_totals``)."""
    months = [m.strftime("%Y-%m") for m in stats.period_months(fiscal_year, WHOLE_YEAR)]
    last_of_first_half = months[5]
    half = sql_case((CaseTally.month <= last_of_first_half, 1), else_=2)
    return host_wide(
        select(
            CaseTally.organisation_id,
            half,
            func.sum(CaseTally.cases),
            func.sum(sql_case((CaseTally.closed, CaseTally.cases), else_=0)),
            func.sum(sql_case((CaseTally.on_time, CaseTally.cases), else_=0)),
            func.sum(CaseTally.responses),
            func.sum(CaseTally.satisfied),
        )
        .where(
            CaseTally.kind == case_kind,
            CaseTally.dimension == tallies.TOTAL,
            CaseTally.month >= months[0],
            CaseTally.month <= months[-1],
        )
        .group_by(CaseTally.organisation_id, half)
    )


def counted_by_organisation(
    session: DbSession, fiscal_year: int, case_kind: CaseKind
) -> dict[int, Counted]:
    """Every organisation's year of one kind, summed by the database in one query."""
    found: dict[int, Counted] = {}
    query = year_totals_query(fiscal_year, case_kind)
    for organisation_id, number, cases, closed, on_time, responses, satisfied in session.execute(
        query
    ):
        before = found.get(organisation_id, Counted())
        answers = list(before.answers)
        answers[int(number) - 1] = Tally(int(responses), int(satisfied))
        found[organisation_id] = Counted(
            before.received + int(cases),
            before.completed + int(closed),
            before.on_time + int(on_time),
            (answers[0], answers[1]),
        )
    return found


def first_fiscal_year(session: DbSession) -> int | None:
    """The earliest fiscal year any organisation has a case in (the year selector)."""
    first = session.scalar(
        host_wide(
            select(func.min(CaseTally.month)).where(
                CaseTally.dimension == tallies.TOTAL, CaseTally.cases > 0
            )
        )
    )
    if first is None:
        return None
    year, month = (int(part) for part in first.split("-"))
    return thaidate.fiscal_year(date(year, month, 1))


# ------------------------------------------------------------------ publishing


def published_satisfaction(case_kind: CaseKind, answers: tuple[Tally, Tally]) -> Satisfaction:
    """The year's answers as the organisation's own /stats publishes them."""
    if case_kind is CaseKind.TIP:
        halves = (tip_figures.half_satisfaction(tally) for tally in answers)
        return tip_figures.year_satisfaction(*halves)
    first, second = answers
    return stats.publishable(
        case_kind, Tally(first.responses + second.responses, first.satisfied + second.satisfied)
    )


def published(case_kind: CaseKind, counted: Counted) -> Figures:
    return Figures(
        received=counted.received,
        completed=counted.completed,
        in_progress=counted.received - counted.completed,
        on_time=counted.on_time,
        satisfaction=published_satisfaction(case_kind, counted.answers),
    )


def rolled_up(rows: Iterable[Figures]) -> Figures:
    """Several published rows as one: counts summed; satisfaction from the published
    marks only (``tip_figures.year_satisfaction`` adds two published answers the same
    way), its share and target recomputed from the sums."""
    rows = list(rows)
    return Figures(
        **{name: sum(getattr(row, name) for row in rows) for name in COUNTS},
        satisfaction=reduce(
            tip_figures.year_satisfaction, (row.satisfaction for row in rows), Satisfaction()
        ),
    )


LEADING_VOWELS = "เแโใไ"


def thai_order(name: str) -> str:
    """A key that puts Thai names in dictionary order: a vowel written before its
    consonant (เทศบาล) sorts by the consonant, as in a Thai dictionary."""
    letters = list(name)
    for i in range(len(letters) - 1):
        if letters[i] in LEADING_VOWELS:
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
    return "".join(letters)


def _sort_value(column: str) -> Callable[[OrganisationRow], Any]:
    if column in ("name", "province", "district"):
        return lambda row: thai_order(getattr(row, "name_th" if column == "name" else column))
    if column == "kind":
        return lambda row: list(OrganisationType).index(row.kind)
    if column == "satisfaction":
        return lambda row: row.figures.satisfaction.share
    return lambda row: getattr(row.figures, column)


def sorted_rows(
    rows: list[OrganisationRow], column: str, descending: bool
) -> list[OrganisationRow]:
    """By ``column``, then by name and slug; a row without a value (no cases, a hidden
    share) comes last whichever the direction."""
    value = _sort_value(column)
    ordered = sorted(rows, key=lambda row: (thai_order(row.name_th), row.slug))
    known = [row for row in ordered if value(row) is not None]
    unknown = [row for row in ordered if value(row) is None]
    return sorted(known, key=value, reverse=descending) + unknown


def _chosen(organisation: Listed, selection: Selection) -> bool:
    return (
        (not selection.province or organisation.province == selection.province)
        and (not selection.district or organisation.district == selection.district)
        and (selection.kind is None or organisation.kind is selection.kind)
    )


def side_by_side(
    fiscal_year: int,
    case_kind: CaseKind,
    organisations: list[Listed],
    counted: dict[int, Counted],
    selection: Selection,
) -> HostStats:
    """The chosen organisations' rows in order, each province's roll-up, and the total."""
    rows = [
        OrganisationRow(
            **{name: getattr(found, name) for name in Listed.__dataclass_fields__},
            figures=published(case_kind, counted.get(found.id, Counted())),
        )
        for found in organisations
        if _chosen(found, selection)
    ]
    by_province: dict[str, list[OrganisationRow]] = {}
    for row in rows:
        by_province.setdefault(row.province, []).append(row)
    provinces = [
        RollUp(name, len(members), rolled_up(row.figures for row in members))
        for name, members in sorted(by_province.items(), key=lambda item: thai_order(item[0]))
    ]
    total = RollUp("", len(rows), rolled_up(row.figures for row in rows))
    return HostStats(
        fiscal_year,
        case_kind,
        sorted_rows(rows, selection.sort, selection.descending),
        provinces,
        total,
    )


def compute(
    session: DbSession, fiscal_year: int, case_kind: CaseKind, selection: Selection = Selection()
) -> HostStats:
    """Read and publish in one call (views cache the two reads instead)."""
    return side_by_side(
        fiscal_year,
        case_kind,
        listed_organisations(session),
        counted_by_organisation(session, fiscal_year, case_kind),
        selection,
    )
