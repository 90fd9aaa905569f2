"""The shapes of published figures (rows, breakdown lines, satisfaction, one kind's
figures), shared by ``stats`` (complaints, and tips as counted) and ``tip_figures``."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from intake import suppression, tallies
from intake.workflow import Status

COUNT_KEYS = ("received", "completed", "in_progress", "on_time")
SATISFACTION_KEYS = ("responses", "satisfied", "share")
SATISFACTION_TARGET = Fraction(4, 5)  # measure 44: at least 80% rate 4–5 overall
SMALL_CELL = suppression.SMALL
HIDDEN_CELL = suppression.HIDDEN
SHARE_DIGITS = 4
WHOLE_YEAR = 0
HALVES = (WHOLE_YEAR, 1, 2)
BREAKDOWNS = ("category", "channel", "department", "outcome")
OUTCOMES = (tallies.OPEN, Status.RESOLVED.value, Status.REJECTED.value, Status.REFERRED.value)

Count = int | str  # a number, SMALL_CELL or HIDDEN_CELL


@dataclass
class MonthRow:
    month: str  # "2025-10"
    received: int = 0
    completed: int = 0
    in_progress: int = 0
    on_time: int = 0


@dataclass
class HalfRow:
    half: int  # 1 or 2
    received: int = 0
    completed: int = 0
    in_progress: int = 0
    on_time: int = 0


@dataclass
class Cell:
    """One line of a breakdown: a category, channel, department or outcome.

    Published tips give a line's received count only (None for the rest): how the line's
    cases were handled would be a second table to protect, and the period's totals and
    its outcome breakdown say it without pointing at a line."""

    key: str
    label_th: str
    label_en: str
    received: Count = 0
    completed: Count | None = 0
    in_progress: Count | None = 0
    on_time: Count | None = 0

    @property
    def suppressed(self) -> bool:
        return not isinstance(self.received, int)


@dataclass
class Satisfaction:
    """What may be published of one kind's survey answers in one period.

    ``responses`` and ``satisfied`` are counts, or SMALL_CELL / HIDDEN_CELL for tips;
    ``share`` is satisfied/responses, None when there are no answers or it would give a
    hidden count away; ``target_met`` is None when there is nothing to judge or it would
    tell a hidden count apart.
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
        return not (isinstance(self.responses, int) and isinstance(self.satisfied, int))


@dataclass
class KindStats:
    """One kind's figures for a period. ``months`` is empty for published tips, whose
    whole-year figures carry the two ``halves`` instead (empty otherwise)."""

    months: list[MonthRow]
    totals: dict[str, int] = field(default_factory=dict)
    satisfaction: Satisfaction = field(default_factory=Satisfaction)
    breakdowns: dict[str, list[Cell]] = field(default_factory=dict)
    halves: list[HalfRow] = field(default_factory=list)
    # Requests to reopen closed cases made in the period, by outcome (requested,
    # reopened, declined, pending); None where they are not published (tips).
    reopen_requests: dict[str, int] | None = None

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
