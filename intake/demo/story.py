"""A demo case's life as records: each step of its timeline, the survey answer, and the
case as it stands at ``now`` (a ``Story``), which ``demo.timeline`` draws and
``demo.rows`` turns into rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from intake.models import CaseKind, Channel, EventType
from intake.workflow import Status


@dataclass(slots=True)
class Step:
    at: datetime
    type: EventType
    from_status: Status | None = None
    to_status: Status | None = None
    public: bool = True
    body: str = ""
    actor_id: int | None = None


@dataclass(slots=True)
class Survey:
    at: datetime
    speed: int
    fairness: int
    clarity: int
    overall: int
    comment: str


@dataclass(slots=True)
class Story:
    """One case as it stands at ``now``; the loader turns it into rows."""

    kind: CaseKind
    channel: Channel
    received_at: datetime
    category_id: int | None
    department_id: int | None
    registered_by_id: int | None
    subject: str
    details: str
    location: str
    accused: str
    incident_date: date | None
    anonymous: bool
    reporter: dict[str, str]
    steps: list[Step]
    status: Status = Status.RECEIVED
    first_due_at: datetime | None = None
    due_at: datetime | None = None
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    referred_to: str | None = None
    referred_to_name: str | None = None
    survey: Survey | None = None
