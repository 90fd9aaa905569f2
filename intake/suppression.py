"""Which published tip counts are hidden, so that none of 1 or 2 can be worked out.

A *breakdown* is a list of counts whose sum is published (the period's total). Hiding a
count of 1–2 as "< 3" alone is undone by subtraction (total − the visible counts), so
the rule hides more (complementary suppression):

1. Every count of 1 or 2 is a *primary* cell, shown as ``SMALL`` ("< 3").
2. If any is hidden, the smallest other non-zero count (ties: the earlier line) is hidden
   with it as ``HIDDEN`` ("x"). Zeros stay visible: a hidden zero adds no doubt.
3. The breakdown is withheld whole (every line, zeros too, "x") when that is not enough:
   when there is no such count, when a "< 3" could then be only one value, or when the
   hidden lines add up to less than ``MIN_SLACK`` above the least they could.

"Cannot be worked out" is meant against a reader who knows this rule as well as the
total and the shown counts: a "< 3" is 1 or 2, an "x" beside it is at least 3 and at
most the smallest shown non-zero count (``_bounds``). ``possible_values`` is what each
line could then be, and every "< 3" keeps two values. The tests also check it the other
way round over every breakdown of a few small counts: for each line of 1–2 there is
another breakdown, with another count on that line, that is published the same.

Levels published together must agree: the fiscal year's lines are made from the two
halves' published lines (``add_published``), so the year tells nothing the halves do not.
Everything here is pure.
"""

from __future__ import annotations

from collections.abc import Sequence

SMALL = "< 3"
HIDDEN = "x"

Shown = int | str  # a count, SMALL or HIDDEN

MIN_SLACK = 2
"""The hidden lines must add up to at least this much more than the least they could
(1 per "< 3", 3 per "x"). With less, too few breakdowns are published alike: e.g. three
lines of 2 would be the only breakdown of 6 over three lines to be withheld."""


def is_small(count: int) -> bool:
    return 1 <= count <= 2


def _complement(counts: Sequence[int], primary: set[int]) -> int | None:
    """The smallest non-zero line that is not itself small (ties: the earlier line)."""
    others = [i for i, count in enumerate(counts) if i not in primary and count > 0]
    return min(others, key=lambda i: (counts[i], i)) if others else None


def _bounds(published: Sequence[Shown], total: int) -> tuple[int, dict[int, tuple[int, int]]]:
    """What the hidden lines make up together, and the least and most each could be to
    someone who knows the rule: a "< 3" is 1 or 2; an "x" beside a "< 3" was the
    next-smallest non-zero line, so at least 3 and at most the smallest shown non-zero
    count (less one if a shown line of that count comes before it: ties take the earlier
    line); in a withheld breakdown (all "x") anything up to the hidden total."""
    rest = total - sum(c for c in published if isinstance(c, int))
    withheld = SMALL not in published
    shown = [(c, i) for i, c in enumerate(published) if isinstance(c, int) and c > 0]
    smallest = min((c for c, _ in shown), default=rest)
    first_smallest = min((i for c, i in shown if c == smallest), default=len(published))
    bounds: dict[int, tuple[int, int]] = {}
    for i, mark in enumerate(published):
        if isinstance(mark, int):
            continue
        if mark == SMALL:
            bounds[i] = (1, 2)
        elif withheld:
            bounds[i] = (0, rest)
        else:
            bounds[i] = (3, smallest if i < first_smallest else smallest - 1)
    return rest, bounds


def possible_values(published: Sequence[Shown], total: int) -> list[set[int]]:
    """For each line, every count it could have, to someone who knows this rule, the
    published lines and the total (see ``_bounds``): the hidden lines together make up
    the total less the shown ones."""
    rest, bounds = _bounds(published, total)
    low = sum(lo for lo, _ in bounds.values())
    high = sum(hi for _, hi in bounds.values())
    result: list[set[int]] = []
    for i, mark in enumerate(published):
        if isinstance(mark, int):
            result.append({mark})
            continue
        lo, hi = bounds[i]
        others = (low - lo, high - hi)
        result.append({v for v in range(lo, hi + 1) if others[0] <= rest - v <= others[1]})
    return result


def _slack(published: Sequence[Shown], total: int) -> int:
    """How far the hidden lines' total is above the least they could add up to."""
    rest, bounds = _bounds(published, total)
    return rest - sum(lo for lo, _ in bounds.values())


def suppress(counts: Sequence[int]) -> list[Shown]:
    """The breakdown as it may be published (see the module's rule)."""
    primary = {i for i, count in enumerate(counts) if is_small(count)}
    if not primary:
        return list(counts)
    complement = _complement(counts, primary)
    withheld: list[Shown] = [HIDDEN] * len(counts)
    if complement is None:
        return withheld
    published: list[Shown] = [
        SMALL if i in primary else HIDDEN if i == complement else count
        for i, count in enumerate(counts)
    ]
    possible = possible_values(published, sum(counts))
    if _slack(published, sum(counts)) < MIN_SLACK or any(len(possible[i]) < 2 for i in primary):
        return withheld
    return published


def add_published(first: Shown, second: Shown) -> Shown:
    """One line of the year from the same line of its two published halves: their sum
    when both are shown; "< 3" when one is "< 3" and the other 0 (the year's count is
    then that 1 or 2); hidden otherwise. Made from what is published only, so the year
    lets nobody subtract a half's hidden count back out."""
    if isinstance(first, int) and isinstance(second, int):
        return first + second
    if {first, second} == {SMALL, 0}:
        return SMALL
    return HIDDEN
