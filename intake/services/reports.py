"""What goes into a report for executives (ITA: every six months and for the whole year).

A report is one kind of case, one fiscal year and one period of it (``report_periods``:
half 1, half 2 or the whole year). Its figures come from ``stats.compute``, so they
are the ones /stats publishes (a tip report is meant for publication: tips by half-year,
never by month, breakdowns suppressed as on /stats); its case lists come from
two small indexed queries; its written sections are what staff saved for that period
(``report_narratives``).
Nothing here formats for a reader: ``intake.reports`` turns a ``Report`` into PDF or XLSX.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import aliased

from intake import thaidate, workflow
from intake.crypto import Keyring
from intake.local_names import in_language, local_name
from intake.models import Case, Category, Department, User
from intake.services import DbSession, visibility
from intake.services import stats as stats_service
from intake.services.audit import ACTOR_SYSTEM, actor_label, record
from intake.services.figures import Count, KindStats
from intake.services.report_narratives import Narrative, load_narrative
from intake.services.report_periods import ReportKey
from intake.services.settings import get_organisation
from intake.workflow import Status

LONG_RUNNING_DAYS = 60
"""An open case received more than this many days before the report is produced is listed
as long-running, whether or not its current 15-day period has passed: two months is four
periods of the 15-day rule, long enough for an executive to ask why."""

CASE_LIST_LIMIT = 50
"""Rows of the overdue/long-running list; the rest is summed up as "and N more"."""

RECURRING_TOP = 5
"""How many of the period's largest categories the report lists as recurring candidates."""

DEFAULT_RESPONSE_DAYS = 15



@dataclass(frozen=True)
class CaseRow:
    """An open case on the overdue/long-running list: never its content, never a name."""

    reference: str
    category_th: str
    category_en: str
    department_th: str
    department_en: str
    received_on: date
    days_open: int
    days_overdue: int | None  # None: its current period has not passed
    status: Status


@dataclass(frozen=True)
class CaseList:
    rows: list[CaseRow]
    total: int  # cases that are overdue, long-running or both
    overdue: int
    long_running: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass(frozen=True)
class RecurringCategory:
    key: str
    label_th: str
    label_en: str
    received: Count
    previous: Count
    recurring: bool  # also among the largest categories of the previous period


@dataclass(frozen=True)
class Report:
    key: ReportKey
    organisation_th: str
    organisation_en: str
    unit_th: str
    unit_en: str
    produced_at: datetime
    response_days: int
    stats: KindStats
    cases: CaseList
    recurring: list[RecurringCategory]
    narrative: Narrative
    saved_at: datetime | None  # when the narrative was last saved

    @property
    def produced_on(self) -> date:
        return thaidate.local_date(self.produced_at)

    @property
    def previous(self) -> ReportKey:
        return self.key.previous()

    @property
    def complete(self) -> bool:
        """Whether the period had ended when the report was produced."""
        return self.produced_at >= self.key.end


# --- the overdue and long-running cases --------------------------------------------------


def _days(later: datetime, earlier: datetime) -> int:
    return (thaidate.local_date(later) - thaidate.local_date(earlier)).days


def case_list(
    session: DbSession, key: ReportKey, now: datetime, reader: User | None = None
) -> CaseList:
    """Open cases of the kind received before the period ended whose due date has passed
    (index on status, due_at) or that were received over LONG_RUNNING_DAYS ago (index on
    kind, received_at); oldest first, at most CASE_LIST_LIMIT of them. A ``reader`` never
    finds a case hidden from them (a conflict of interest) in the list or its counts."""
    cutoff = now - timedelta(days=LONG_RUNNING_DAYS)
    received_by = min(key.end, now)
    scope = and_(
        Case.kind == key.kind,
        Case.status.in_(sorted(workflow.OPEN)),
        Case.received_at < received_by,
        *(visibility.not_excluded(reader) if reader is not None else []),
    )
    overdue = Case.due_at < now
    long_running = Case.received_at < cutoff

    def count(*conditions: ColumnElement[bool]) -> int:
        return session.scalar(select(func.count()).select_from(Case).where(scope, *conditions)) or 0

    category = aliased(Category)
    department = aliased(Department)
    query = (
        select(
            Case.reference,
            Case.received_at,
            Case.due_at,
            Case.status,
            category.name_th,
            category.name_en,
            department.name_th,
            department.name_en,
        )
        .outerjoin(category, Case.category_id == category.id)
        .outerjoin(department, Case.department_id == department.id)
        .where(scope, or_(overdue, long_running))
        .order_by(Case.received_at, Case.reference)
        .limit(CASE_LIST_LIMIT)
    )
    unspecified = stats_service.UNSPECIFIED
    rows = [
        CaseRow(
            reference=reference,
            category_th=cat_th or unspecified[0],
            category_en=in_language(cat_th, cat_en, english=True) or unspecified[1],
            department_th=dep_th or unspecified[0],
            department_en=in_language(dep_th, dep_en, english=True) or unspecified[1],
            received_on=thaidate.local_date(received_at),
            days_open=_days(now, received_at),
            days_overdue=_days(now, due_at) if due_at < now else None,
            status=status,
        )
        for reference, received_at, due_at, status, cat_th, cat_en, dep_th, dep_en in (
            session.execute(query)
        )
    ]
    return CaseList(
        rows=rows,
        total=count(or_(overdue, long_running)),
        overdue=count(overdue),
        long_running=count(long_running),
    )


# --- categories that recur ---------------------------------------------------------------


def _weight(count: Count) -> int:
    """A published count as a number to rank by; a hidden one ("< 3", "x") ranks below
    every shown count."""
    return count if isinstance(count, int) else 1


def _largest(cells: list[stats_service.Cell]) -> list[stats_service.Cell]:
    """The largest categories by their *published* count (a hidden 1 or 2 is not told
    apart by its place in the list), ties by name."""
    shown = [cell for cell in cells if _weight(cell.received) > 0]
    shown.sort(key=lambda cell: (-_weight(cell.received), cell.label_th, cell.key))
    return shown[:RECURRING_TOP]


def recurring_categories(current: KindStats, previous: KindStats) -> list[RecurringCategory]:
    """The period's largest categories, with their count in the previous period of the
    same length, flagged when they were among the largest then too."""
    before = {cell.key: cell for cell in previous.breakdowns["category"]}
    before_top = {cell.key for cell in _largest(previous.breakdowns["category"])}
    return [
        RecurringCategory(
            key=cell.key,
            label_th=cell.label_th,
            label_en=in_language(cell.label_th, cell.label_en, english=True),
            received=cell.received,
            previous=before[cell.key].received if cell.key in before else 0,
            recurring=cell.key in before_top,
        )
        for cell in _largest(current.breakdowns["category"])
    ]


def record_export(
    session: DbSession,
    keyring: Keyring,
    actor: User | None,
    key: ReportKey,
    fmt: str,
    now: datetime,
) -> None:
    """Note in the audit log that a report file left the system (the command line's
    exports are the system's)."""
    record(
        session,
        keyring,
        "report.exported",
        actor=actor_label(actor) if actor is not None else ACTOR_SYSTEM,
        now=now,
        detail=f"{key.slug} {fmt}",
    )
    session.commit()


# --- the whole report --------------------------------------------------------------------


def gather(
    session: DbSession, key: ReportKey, now: datetime, reader: User | None = None
) -> Report:
    """Everything a report shows, as of ``now``, to ``reader`` (None: the command line)."""
    organisation = get_organisation(session)
    current = stats_service.compute(session, key.fiscal_year, [key.kind], key.half)
    previous_key = key.previous()
    before = stats_service.compute(session, previous_key.fiscal_year, [key.kind], previous_key.half)
    narrative, saved_at = load_narrative(session, key)
    kind_stats = current[key.kind.value]
    return Report(
        key=key,
        organisation_th=organisation.name_th,
        organisation_en=local_name(organisation, english=True),
        unit_th=organisation.unit_name_th or "",
        unit_en=in_language(organisation.unit_name_th, organisation.unit_name_en, english=True),
        produced_at=now,
        response_days=organisation.response_days or DEFAULT_RESPONSE_DAYS,
        stats=kind_stats,
        cases=case_list(session, key, now, reader),
        recurring=recurring_categories(kind_stats, before[key.kind.value]),
        narrative=narrative,
        saved_at=saved_at,
    )


def available_years(session: DbSession, now: datetime) -> list[int]:
    """Fiscal years a report can be asked for, newest first: this one and the one before
    (its 12-month report is due as this one starts, cases or none), back to the first
    year with a case."""
    current = thaidate.fiscal_year(thaidate.local_date(now))
    first = min(stats_service.first_fiscal_year(session) or current, current - 1)
    return list(range(current, first - 1, -1))
