"""Tip figures as they may be published: per half-year and per fiscal year, never per month.

Within a half, each breakdown (category, channel, department, outcome) gives each line's
received count only, suppressed by ``intake.suppression``: "< 3" for 1–2, "x" for a line
hidden with it. The period's totals stay exact (ITA asks for them), and with the outcome
breakdown they say how the period's tips were handled. Satisfaction is the breakdown of the
answers into satisfied and not satisfied, suppressed by the same rule; an answer count of
1–2 hides both.

A fiscal year is published from its two published halves (``suppression.add_published``):
a line is shown for the year only where both halves show it, so the year, the halves and
the difference between them never give away a hidden count.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

from intake import suppression, tallies
from intake.services.figures import (
    COUNT_KEYS,
    HIDDEN_CELL,
    SATISFACTION_TARGET,
    SHARE_DIGITS,
    Cell,
    HalfRow,
    KindStats,
    Satisfaction,
)
from intake.services.satisfaction import Tally


def _met(satisfied: int, responses: int) -> bool:
    # Exact comparison: a rounded share must not turn 79.99% into "met".
    return Fraction(satisfied, responses) >= SATISFACTION_TARGET


def _counted(satisfied: int, responses: int) -> Satisfaction:
    return Satisfaction(
        responses=responses,
        satisfied=satisfied,
        share=round(satisfied / responses, SHARE_DIGITS),
        target_met=_met(satisfied, responses),
    )


def half_satisfaction(tally: Tally) -> Satisfaction:
    """One half's answers as published: all of it when nothing needs hiding; else what
    the rule leaves, with neither share nor target (either would tell a hidden count)."""
    responses, satisfied = tally.responses, tally.satisfied
    if responses == 0:
        return Satisfaction()
    if suppression.is_small(responses):
        return Satisfaction(responses=suppression.SMALL, satisfied=HIDDEN_CELL)
    shown = suppression.suppress([satisfied, responses - satisfied])[0]
    if not isinstance(shown, int):
        return Satisfaction(responses=responses, satisfied=shown)
    return _counted(satisfied, responses)


def year_satisfaction(first: Satisfaction, second: Satisfaction) -> Satisfaction:
    """The year's answers, made from the two halves' published answers only."""
    responses = suppression.add_published(first.responses, second.responses)
    satisfied = suppression.add_published(first.satisfied, second.satisfied)
    if isinstance(responses, int) and isinstance(satisfied, int):
        return _counted(satisfied, responses) if responses else Satisfaction()
    return Satisfaction(responses=responses, satisfied=satisfied)


def _line(cell: Cell, received: suppression.Shown) -> Cell:
    """A line as published: its received count (or mark) and nothing else."""
    return replace(cell, received=received, completed=None, in_progress=None, on_time=None)


RANKED = ("category", "department")  # largest first; the others keep a fixed order


def suppression_order(name: str, cells: list[Cell]) -> list[Cell]:
    """The order the rule reads a breakdown in (its "earlier line" on ties): by name for
    categories and departments, the fixed order for the others. A reader can rebuild
    it from the published names, unlike the order by count the counted lines come in."""
    if name not in RANKED:
        return cells
    return sorted(cells, key=lambda cell: (cell.label_th, cell.key))


def _ranked(name: str, cells: list[Cell]) -> list[Cell]:
    """Shown lines largest first, then the hidden ones by name: an order by the hidden
    counts would tell which of two "< 3" is the 2."""
    if name not in RANKED:
        return cells

    def rank(cell: Cell) -> tuple[int, int, str, str]:
        count = cell.received
        return (
            (0, -count, cell.label_th, cell.key)
            if isinstance(count, int)
            else (1, 0, cell.label_th, cell.key)
        )

    return sorted(cells, key=rank)


def half_cells(name: str, cells: list[Cell]) -> list[Cell]:
    """One half's breakdown, counted, as it may be published.

    The outcome "still open" is the period's in-progress total, published anyway: the
    closed outcomes are suppressed among themselves (their sum is the completed total),
    and the open line only shows a 1–2 as "< 3" like any other."""
    cells = suppression_order(name, cells)
    fixed = [i for i, cell in enumerate(cells) if name == "outcome" and cell.key == tallies.OPEN]
    rest = [i for i in range(len(cells)) if i not in fixed]
    shown: dict[int, suppression.Shown] = {
        i: suppression.SMALL if suppression.is_small(int(cells[i].received)) else cells[i].received
        for i in fixed
    }
    marks = suppression.suppress([int(cells[i].received) for i in rest])
    shown.update(zip(rest, marks, strict=True))
    published = [_line(cell, shown[i]) for i, cell in enumerate(cells)]
    return _ranked(name, published)


def _zero(cell: Cell) -> Cell:
    return _line(cell, 0)


def year_cells(name: str, first: list[Cell], second: list[Cell]) -> list[Cell]:
    """The year's lines from the two halves' published lines (a line missing from a
    half had no case in it)."""
    firsts = {cell.key: cell for cell in first}
    seconds = {cell.key: cell for cell in second}
    cells = []
    for key in [*firsts, *(key for key in seconds if key not in firsts)]:
        one = firsts.get(key) or _zero(seconds[key])
        two = seconds.get(key) or _zero(one)
        cells.append(_line(one, suppression.add_published(one.received, two.received)))
    return _ranked(name, cells)


def year(first: KindStats, second: KindStats) -> KindStats:
    """The fiscal year of tips from its two published halves (see the module)."""
    halves = [
        HalfRow(number, *(stats.totals[name] for name in COUNT_KEYS))
        for number, stats in ((1, first), (2, second))
    ]
    return KindStats(
        months=[],
        totals={name: first.totals[name] + second.totals[name] for name in COUNT_KEYS},
        satisfaction=year_satisfaction(first.satisfaction, second.satisfaction),
        breakdowns={
            name: year_cells(name, cells, second.breakdowns[name])
            for name, cells in first.breakdowns.items()
        },
        halves=halves,
    )


def publish_half(counted: KindStats, answers: Tally) -> KindStats:
    """One half of tips, counted, as it may be published: no months, breakdowns and
    answers suppressed, the totals as they are."""
    return KindStats(
        months=[],
        totals=dict(counted.totals),
        satisfaction=half_satisfaction(answers),
        breakdowns={name: half_cells(name, cells) for name, cells in counted.breakdowns.items()},
    )
