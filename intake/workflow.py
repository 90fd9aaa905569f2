"""The case status state machine, defined once. Services enforce it; templates only ask."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    RECEIVED = "received"
    SCREENING = "screening"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    REFERRED = "referred"


CLOSED = frozenset({Status.RESOLVED, Status.REJECTED, Status.REFERRED})
OPEN = frozenset(Status) - CLOSED

_CLOSE_FROM_ANY_OPEN = {Status.RESOLVED, Status.REJECTED, Status.REFERRED}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.RECEIVED: frozenset({Status.SCREENING, Status.ASSIGNED} | _CLOSE_FROM_ANY_OPEN),
    Status.SCREENING: frozenset({Status.ASSIGNED} | _CLOSE_FROM_ANY_OPEN),
    Status.ASSIGNED: frozenset({Status.IN_PROGRESS, Status.SCREENING} | _CLOSE_FROM_ANY_OPEN),
    Status.IN_PROGRESS: frozenset({Status.ASSIGNED} | _CLOSE_FROM_ANY_OPEN),
    # Reopening takes a reason; the service asks for it.
    Status.RESOLVED: frozenset({Status.SCREENING}),
    Status.REJECTED: frozenset({Status.SCREENING}),
    Status.REFERRED: frozenset({Status.SCREENING}),
}


class TransitionNotAllowed(ValueError):
    def __init__(self, current: Status, target: Status) -> None:
        super().__init__(f"{current.value} -> {target.value}")
        self.current = current
        self.target = target


def can_move(current: Status, target: Status) -> bool:
    return target in TRANSITIONS[current]


def check_move(current: Status, target: Status) -> None:
    if not can_move(current, target):
        raise TransitionNotAllowed(current, target)


def is_closed(status: Status) -> bool:
    return status in CLOSED


def may_refer_on_host(status: Status) -> bool:
    """A case referred to another organisation on the host closes as REFERRED here (the
    sender counts it as referred, the receiver as received): open cases only."""
    return can_move(status, Status.REFERRED)


# --- What staff can do with a case in each status ----------------------------------------


class Action(enum.StrEnum):
    """The staff actions on a case; the order is the case page's order for the rest."""

    ACCEPT = "accept"
    ASSIGN = "assign"
    START = "start"
    INTERIM = "interim"  # explain to the complainant why it takes longer; restarts the clock
    RESOLVE = "resolve"
    UPDATE = "update"
    QUESTION = "question"  # ask the complainant something; they answer on their page
    NOTE = "note"
    RETURN = "return"  # a department sends a misrouted case back to screening
    REOPEN = "reopen"
    MOVE_TO_TIP = "move_to_tip"
    REFER = "refer"
    REJECT = "reject"


# Where each moving action leads; the others leave the status alone.
TARGET: dict[Action, Status] = {
    Action.ACCEPT: Status.SCREENING,
    Action.ASSIGN: Status.ASSIGNED,
    Action.START: Status.IN_PROGRESS,
    Action.RESOLVE: Status.RESOLVED,
    Action.REJECT: Status.REJECTED,
    Action.REFER: Status.REFERRED,
    Action.RETURN: Status.SCREENING,
    Action.REOPEN: Status.SCREENING,
}

# They end the case without doing what was asked: the page sets them apart and asks
# the officer to confirm.
DESTRUCTIVE = frozenset({Action.REJECT, Action.REFER})

# The step that usually comes next in each status, most usual first; a person who may
# not take the first gets the next one they may take.
USUAL_NEXT: dict[Status, tuple[Action, ...]] = {
    Status.RECEIVED: (Action.ACCEPT, Action.ASSIGN),
    Status.SCREENING: (Action.ASSIGN,),
    Status.ASSIGNED: (Action.START, Action.RESOLVE),
    Status.IN_PROGRESS: (Action.RESOLVE,),
    Status.RESOLVED: (),
    Status.REJECTED: (),
    Status.REFERRED: (),
}
# Once a case is being worked on, a period about to end (or past it) makes telling the
# complainant why it takes longer the first thing to do (anti-corruption action plan,
# measure 36).
_EXPLAIN_FIRST = frozenset({Status.ASSIGNED, Status.IN_PROGRESS})


def starts_from(action: Action, status: Status) -> bool:
    """Three actions lead to screening; which one applies depends on where the case is.
    A closed thread takes no interim notice and no question."""
    if action is Action.ACCEPT:
        return status is Status.RECEIVED
    if action is Action.RETURN:
        return not is_closed(status) and status is not Status.RECEIVED
    if action is Action.REOPEN:
        return is_closed(status)
    if action in (Action.INTERIM, Action.QUESTION):
        return not is_closed(status)
    return True


def allows(action: Action, status: Status) -> bool:
    """The action may be taken in this status (who may take it is not asked here)."""
    target = TARGET.get(action)
    return starts_from(action, status) and (target is None or can_move(status, target))


def valid_actions(status: Status) -> tuple[Action, ...]:
    """Every action the workflow allows now, in the page's order."""
    return tuple(action for action in Action if allows(action, status))


def usual_next(status: Status, *, word_due: bool = False) -> tuple[Action, ...]:
    """The usual next steps, most usual first. ``word_due``: the complainant's period
    is due soon or overdue."""
    steps = USUAL_NEXT[status]
    if word_due and status in _EXPLAIN_FIRST:
        steps = (Action.INTERIM, *steps)
    return steps
