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
