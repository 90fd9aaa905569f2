"""Complementary suppression of tip breakdowns: no hidden count of 1–2 can be worked out.

"Worked out" is taken precisely: from the published lines and the total, knowing that a
"< 3" is 1 or 2 and that no count is below zero, the values a hidden line could hold are
``possible_values``; a line whose count is 1 or 2 must keep at least two of them. The
test over every small breakdown also checks it the other way round, by grouping all
breakdowns that publish the same thing.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.suppression import (
    HIDDEN,
    SMALL,
    add_published,
    is_small,
    possible_values,
    suppress,
)

X = HIDDEN


def recoverable(counts: list[int]) -> list[int]:
    """Lines of 1–2 whose count the publication gives away."""
    possible = possible_values(suppress(counts), sum(counts))
    return [i for i, count in enumerate(counts) if is_small(count) and len(possible[i]) < 2]


# ------------------------------------------------------------------ the rule, by example


def test_nothing_is_hidden_without_a_count_of_one_or_two() -> None:
    assert suppress([0, 3, 7, 40]) == [0, 3, 7, 40]


def test_a_single_small_line_takes_the_next_smallest_with_it() -> None:
    # Given 8 tips in one category, 1 in another and 5 in a third, total 14
    published = suppress([8, 1, 5, 0])
    # Then the 1 shows "< 3", the 5 (next-smallest, not zero) is hidden too, zero stays
    assert published == [8, SMALL, X, 0]
    # and total − visible = 6 could be 1 + 5 or 2 + 4: the "< 3" is not told
    assert possible_values(published, 14)[1] == {1, 2}


def test_the_old_rule_gave_a_small_line_away_by_subtraction() -> None:
    # "< 3" alone: 14 − 8 − 5 − 0 = 1
    old = [8, SMALL, 5, 0]
    assert possible_values(old, 14)[1] == {1}


def test_a_complement_of_three_would_tell_a_one_so_the_breakdown_is_withheld() -> None:
    # 9 − 5 − 0: "< 3" + "x" = 4, and an "x" is at least 3, so the "< 3" would be 1
    assert possible_values([5, SMALL, X, 0], 9)[1] == {1}
    assert suppress([5, 1, 3, 0]) == [X, X, X, X]


def test_too_little_slack_is_withheld() -> None:
    # three lines of 2 are the only breakdown of 6 over three lines with no complement;
    # 1 + 2 + 3 is withheld too (its hidden lines are only 1 above their least, 1+1+3),
    # so that a reader of "x x x" cannot tell which it was
    assert suppress([2, 2, 2]) == [X, X, X]
    assert suppress([1, 2, 3]) == [X, X, X]
    assert suppress([1, 2, 4]) == [SMALL, SMALL, X]


def test_two_small_lines_still_take_a_complement() -> None:
    # two "< 3" adding up to 2 would both be 1: a third line hides with them
    assert suppress([1, 1, 6]) == [SMALL, SMALL, X]
    assert possible_values([SMALL, SMALL, X], 8)[:2] == [{1, 2}, {1, 2}]


def test_ties_take_the_earlier_line() -> None:
    assert suppress([5, 1, 5]) == [X, SMALL, 5]


def test_a_breakdown_that_cannot_be_protected_is_withheld_whole() -> None:
    # all the tips in "< 3" lines: any complement would be a zero, which hides nothing
    assert suppress([0, 2, 0, 1]) == [X, X, X, X]
    assert all(len(values) > 1 for values in possible_values([X] * 4, 3))


def test_the_year_is_made_of_the_published_halves() -> None:
    assert add_published(4, 5) == 9
    assert add_published(SMALL, 0) == SMALL
    assert add_published(0, SMALL) == SMALL
    assert add_published(SMALL, 7) == X
    assert add_published(SMALL, SMALL) == X  # 2, 3 or 4: "< 3" would tell 2 apart
    assert add_published(X, 0) == X


# --------------------------------------------------------------- not recoverable, proved


def published_alike(counts: tuple[int, ...], line: int) -> tuple[int, ...] | None:
    """Another breakdown with the same total that the rule publishes exactly as it
    publishes ``counts`` but with another count on ``line``, if there is one. Shown
    lines are fixed, so only the hidden ones vary, each from 0 to what is left."""
    published = suppress(counts)
    hidden = [i for i, mark in enumerate(published) if not isinstance(mark, int)]
    rest = sum(counts[i] for i in hidden)
    for head in itertools.product(range(rest + 1), repeat=len(hidden) - 1):
        last = rest - sum(head)
        if last < 0:
            continue
        other = list(counts)
        for i, value in zip(hidden, (*head, last), strict=True):
            other[i] = value
        if other[line] != counts[line] and suppress(other) == published:
            return tuple(other)
    return None


@pytest.mark.parametrize(("lines", "largest"), [(2, 9), (3, 8), (4, 6), (5, 4)])
def test_no_small_count_of_any_small_breakdown_can_be_worked_out(lines: int, largest: int) -> None:
    # Every breakdown of a few lines with small counts...
    for counts in itertools.product(range(largest + 1), repeat=lines):
        # ...keeps two possible values on every small line by the rule's own reckoning
        assert recoverable(list(counts)) == [], counts
        # ...and, checked the other way round, for each small line another breakdown
        # exists that is published the same and has another count there
        for line, count in enumerate(counts):
            if is_small(count):
                assert published_alike(counts, line) is not None, (counts, line)


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=12))
def test_no_small_count_can_be_worked_out(counts: list[int]) -> None:
    published = suppress(counts)
    possible = possible_values(published, sum(counts))
    for i, count in enumerate(counts):
        # the truth is always among the possibilities (the publication does not lie)...
        assert count in possible[i]
        # ...a shown count is the count, and nothing of 1–2 is shown
        if isinstance(published[i], int):
            assert published[i] == count and not is_small(count)
    assert recoverable(counts) == []


@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=2, max_size=8))
def test_the_year_and_its_halves_together_give_no_small_count_away(
    lines: list[tuple[int, int]],
) -> None:
    # Given a breakdown counted in each half, published per half and for the year
    first = [a for a, _ in lines]
    second = [b for _, b in lines]
    half_one, half_two = suppress(first), suppress(second)
    year = [add_published(a, b) for a, b in zip(half_one, half_two, strict=True)]
    # Then a line shown for the year is shown in both halves (so year − half is known
    # already), and a year line that is not shown is hidden in a half
    for a, b, y in zip(half_one, half_two, year, strict=True):
        if isinstance(y, int):
            assert isinstance(a, int) and isinstance(b, int) and y == a + b
        else:
            assert not (isinstance(a, int) and isinstance(b, int))
    # and each half alone keeps its small counts
    assert recoverable(first) == [] and recoverable(second) == []
