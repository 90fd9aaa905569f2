"""What the case page may offer in each status, and which step is the usual next one
(intake.workflow), checked against tables written out here for every status."""

from __future__ import annotations

import pytest

from intake.workflow import (
    DESTRUCTIVE,
    Action,
    Status,
    allows,
    usual_next,
    valid_actions,
)

ALWAYS = {"update", "note", "move_to_tip"}
WHILE_OPEN = ALWAYS | {"interim", "question", "resolve", "reject", "refer"}

VALID = {
    "received": WHILE_OPEN | {"accept", "assign"},
    "screening": WHILE_OPEN | {"assign"},
    "assigned": WHILE_OPEN | {"start", "return"},
    "in_progress": WHILE_OPEN | {"assign"},
    "resolved": ALWAYS | {"reopen"},
    "rejected": ALWAYS | {"reopen"},
    "referred": ALWAYS | {"reopen"},
}

# (usual next steps with time to spare, when the complainant's word is due soon or late)
USUAL = {
    "received": (["accept", "assign"], ["accept", "assign"]),
    "screening": (["assign"], ["assign"]),
    "assigned": (["start", "resolve"], ["interim", "start", "resolve"]),
    "in_progress": (["resolve"], ["interim", "resolve"]),
    "resolved": ([], []),
    "rejected": ([], []),
    "referred": ([], []),
}


@pytest.mark.parametrize("status", list(VALID))
def test_each_status_offers_exactly_the_actions_the_table_lists(status: str) -> None:
    offered = valid_actions(Status(status))
    assert {a.value for a in offered} == VALID[status]
    assert all(allows(action, Status(status)) for action in offered)
    assert not any(allows(a, Status(status)) for a in set(Action) - set(offered))


@pytest.mark.parametrize("status", list(USUAL))
def test_each_status_has_its_usual_next_step_and_it_is_valid_there(status: str) -> None:
    calm, pressed = USUAL[status]
    assert [a.value for a in usual_next(Status(status))] == calm
    assert [a.value for a in usual_next(Status(status), word_due=True)] == pressed
    for action in (*usual_next(Status(status)), *usual_next(Status(status), word_due=True)):
        assert action in valid_actions(Status(status)), (status, action)


def test_reject_and_refer_are_the_destructive_ones_and_come_last() -> None:
    assert {a.value for a in DESTRUCTIVE} == {"reject", "refer"}
    for status in Status:
        offered = valid_actions(status)
        destructive = [a for a in offered if a in DESTRUCTIVE]
        assert list(offered[len(offered) - len(destructive) :]) == destructive, status
    assert not any(a in DESTRUCTIVE for s in Status for a in usual_next(s, word_due=True))
