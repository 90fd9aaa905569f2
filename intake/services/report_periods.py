"""Which report: one kind of case, one fiscal year and one period of it (half 1 = Oct–Mar,
half 2 = Apr–Sep, 0 = the whole year), with its months, its first and last instants in
Bangkok, the period before it, and its name in files and audit entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from intake import thaidate
from intake.models import CaseKind
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import stats as stats_service

FISCAL_YEARS = (2500, 2700)  # BE years a report may be asked for (as /stats accepts)


@dataclass(frozen=True)
class ReportKey:
    """Which report: a kind, a BE fiscal year and a half (0 = the whole year)."""

    kind: CaseKind
    fiscal_year: int
    half: int

    def __post_init__(self) -> None:
        if self.half not in stats_service.HALVES:
            raise ServiceError(Problem.BAD_PERIOD)
        if not FISCAL_YEARS[0] <= self.fiscal_year <= FISCAL_YEARS[1]:
            raise ServiceError(Problem.BAD_PERIOD)

    @property
    def months(self) -> list[date]:
        return stats_service.period_months(self.fiscal_year, self.half)

    @property
    def start(self) -> datetime:
        """First instant of the period, in Bangkok."""
        return datetime.combine(self.months[0], time(0), thaidate.BANGKOK)

    @property
    def end(self) -> datetime:
        """First instant after the period, in Bangkok."""
        last = self.months[-1]
        following = date(last.year + last.month // 12, last.month % 12 + 1, 1)
        return datetime.combine(following, time(0), thaidate.BANGKOK)

    @property
    def slug(self) -> str:
        """ASCII name of the report, used in file names and audit entries."""
        period = f"h{self.half}" if self.half else "year"
        return f"{self.fiscal_year}-{period}-{self.kind.value}"

    def filename(self, extension: str) -> str:
        return f"intake-report-{self.slug}.{extension}"

    def previous(self) -> ReportKey:
        """The period of the same length just before this one."""
        if self.half == 1:
            return ReportKey(self.kind, self.fiscal_year - 1, 2)
        if self.half == 2:
            return ReportKey(self.kind, self.fiscal_year, 1)
        return ReportKey(self.kind, self.fiscal_year - 1, 0)
