"""The case status state machine (intake.workflow), checked against a table written here."""

from __future__ import annotations

import itertools

import pytest

from intake.workflow import (
    CLOSED,
    OPEN,
    TRANSITIONS,
    Status,
    TransitionNotAllowed,
    can_move,
    check_move,
    is_closed,
)

RECEIVED = "received"
SCREENING = "screening"
ASSIGNED = "assigned"
IN_PROGRESS = "in_progress"
RESOLVED = "resolved"
REJECTED = "rejected"
REFERRED = "referred"

ALL_STATUS_VALUES = (RECEIVED, SCREENING, ASSIGNED, IN_PROGRESS, RESOLVED, REJECTED, REFERRED)

# Written out in full, independently of intake.workflow.TRANSITIONS.
EXPECTED_MOVES: frozenset[tuple[str, str]] = frozenset(
    {
        (RECEIVED, SCREENING),
        (RECEIVED, ASSIGNED),
        (RECEIVED, RESOLVED),
        (RECEIVED, REJECTED),
        (RECEIVED, REFERRED),
        (SCREENING, ASSIGNED),
        (SCREENING, RESOLVED),
        (SCREENING, REJECTED),
        (SCREENING, REFERRED),
        (ASSIGNED, IN_PROGRESS),
        (ASSIGNED, SCREENING),
        (ASSIGNED, RESOLVED),
        (ASSIGNED, REJECTED),
        (ASSIGNED, REFERRED),
        (IN_PROGRESS, ASSIGNED),
        (IN_PROGRESS, RESOLVED),
        (IN_PROGRESS, REJECTED),
        (IN_PROGRESS, REFERRED),
        # Reopening a closed case goes back to screening, and only there.
        (RESOLVED, SCREENING),
        (REJECTED, SCREENING),
        (REFERRED, SCREENING),
    }
)

ALL_PAIRS = list(itertools.product(ALL_STATUS_VALUES, repeat=2))


def test_status_values_are_exactly_the_seven_expected() -> None:
    # Then the enum has the seven statuses this test file knows, in this order
    assert [status.value for status in Status] == list(ALL_STATUS_VALUES)
    assert len(ALL_PAIRS) == 49
    assert len(EXPECTED_MOVES) == 21


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_every_pair_of_statuses(current: str, target: str) -> None:
    # Given two statuses
    allowed = (current, target) in EXPECTED_MOVES
    # When the move between them is asked about and attempted
    # Then it is allowed exactly when the expected table says so
    assert can_move(Status(current), Status(target)) is allowed
    if allowed:
        check_move(Status(current), Status(target))
    else:
        with pytest.raises(TransitionNotAllowed):
            check_move(Status(current), Status(target))


def test_transition_table_has_an_entry_for_every_status_and_no_self_moves() -> None:
    # Then every status has a row, and no status moves to itself
    assert set(TRANSITIONS) == set(Status)
    assert all(status not in TRANSITIONS[status] for status in Status)
    # And the module's table, flattened, is the expected table
    flattened = {(a.value, b.value) for a, targets in TRANSITIONS.items() for b in targets}
    assert flattened == EXPECTED_MOVES


def test_refused_move_says_from_where_to_where() -> None:
    # Given a closed case
    # When it is moved straight to in progress
    with pytest.raises(TransitionNotAllowed) as raised:
        check_move(Status.RESOLVED, Status.IN_PROGRESS)
    # Then the error carries both statuses and names them
    assert raised.value.current is Status.RESOLVED
    assert raised.value.target is Status.IN_PROGRESS
    assert str(raised.value) == "resolved -> in_progress"
    # And it is a ValueError, so callers that catch ValueError see it
    assert isinstance(raised.value, ValueError)


def test_closed_and_open_partition_the_statuses() -> None:
    # Then CLOSED and OPEN do not overlap and together cover every status
    assert CLOSED.isdisjoint(OPEN)
    assert CLOSED | OPEN == frozenset(Status)
    assert {s.value for s in CLOSED} == {RESOLVED, REJECTED, REFERRED}
    assert {s.value for s in OPEN} == {RECEIVED, SCREENING, ASSIGNED, IN_PROGRESS}


@pytest.mark.parametrize("status", list(Status), ids=str)
def test_is_closed_matches_closed_set(status: Status) -> None:
    # Then is_closed agrees with the written-out closed statuses
    assert is_closed(status) is (status.value in {RESOLVED, REJECTED, REFERRED})


def test_every_open_status_can_close_every_way_and_closed_ones_only_reopen() -> None:
    # Then each open status can reach each closed status directly
    assert all(can_move(o, c) for o in OPEN for c in CLOSED)
    # And a closed status can never move to another closed status or to any open one
    # other than screening
    for closed in CLOSED:
        assert {t for t in Status if can_move(closed, t)} == {Status.SCREENING}


def test_every_status_is_reachable_from_received() -> None:
    # Given the transition table as a graph
    seen, frontier = {Status.RECEIVED}, [Status.RECEIVED]
    while frontier:
        current = frontier.pop()
        for target in TRANSITIONS[current] - seen:
            seen.add(target)
            frontier.append(target)
    # Then no status is a dead end nobody can reach
    assert seen == set(Status)
    # And nothing moves back to received
    assert not any(can_move(s, Status.RECEIVED) for s in Status)
