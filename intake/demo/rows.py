"""Demo stories turned into rows, encrypted exactly as ``services.filing`` writes them.

Texts go under the content key bound to (table, column, row id); a complainant's contact
is encrypted JSON; a tipster's identity is sealed to the current identity key with the
same JSON shape as ``services.identity.seal_case_identity``; the tracking code is fresh
from ``secrets`` and only its digest (``crypto.tracking_digest``) is kept. References are
added by the loader, which numbers the batch.

``draw`` works on one batch from plain, picklable inputs and touches no database, so
batches can be drawn in worker processes while the loader writes the previous ones.
"""

from __future__ import annotations

import bisect
import json
import random
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from intake import crypto, tallies, thaidate, tracking
from intake.demo.story import Story
from intake.demo.timeline import story
from intake.demo.world import World
from intake.models import CaseKind, new_id
from intake.services.filing import REPORTER_FIELDS
from intake.workflow import OPEN, Status

# A little more in the rainy season (flooding, drains, roads).
MONTH_WEIGHTS = {10: 1.1, 11: 0.9, 12: 0.8, 1: 0.9, 2: 0.9, 3: 1.0, 4: 1.0, 5: 1.1, 6: 1.2}
RAINY_WEIGHT = 1.3  # July to September
SAMPLE_LABELS = ("open complaint", "closed complaint", "open tip")


class Arrivals:
    """Spreads N cases over the chosen fiscal years (up to ``now``), by month weight.

    Stratified: case i of n lands in the i-th n-quantile of the weighted time span, so
    even a small N fills every month, and times come out in order.
    """

    def __init__(self, fiscal_years: tuple[int, ...], now: datetime) -> None:
        self.spans: list[tuple[datetime, datetime]] = []
        self.cumulative: list[float] = []
        total = 0.0
        for fiscal_year in sorted(set(fiscal_years)):
            for first in thaidate.fiscal_months(fiscal_year):
                start = _bangkok_midnight(first.year, first.month)
                following = first.replace(day=28) + timedelta(days=4)
                end = min(_bangkok_midnight(following.year, following.month), now)
                if start >= end:
                    continue
                weight = MONTH_WEIGHTS.get(first.month, RAINY_WEIGHT)
                total += weight * (end - start).total_seconds()
                self.spans.append((start, end))
                self.cumulative.append(total)
        self.total = total

    @property
    def months(self) -> float:
        """How many months (whole or partial) the span covers."""
        return sum((end - start).total_seconds() for start, end in self.spans) / (30.44 * 86400)

    def at(self, quantile: float) -> datetime:
        target = quantile * self.total
        index = min(bisect.bisect_right(self.cumulative, target), len(self.spans) - 1)
        before = self.cumulative[index - 1] if index else 0.0
        start, end = self.spans[index]
        share = (target - before) / (self.cumulative[index] - before)
        return start + (end - start) * min(max(share, 0.0), 0.999999)


def _bangkok_midnight(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=thaidate.BANGKOK).astimezone(UTC)


@dataclass(frozen=True)
class Setup:
    """Everything a batch needs, read once from the database by the loader."""

    world: World
    keyring: crypto.Keyring
    identity_key_id: int
    identity_public: bytes
    arrivals: Arrivals
    now: datetime
    seed: int
    organisation_id: int


@dataclass(frozen=True)
class Job:
    """Cases ``start``..``stop`` (exclusive) of the ``total`` of one kind."""

    kind: CaseKind
    start: int
    stop: int
    total: int


@dataclass
class Drawn:
    """One batch's rows, not yet numbered (``reference``/``sequence`` are set later)."""

    kind: CaseKind
    cases: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    surveys: list[dict[str, Any]] = field(default_factory=list)
    # key -> counts in tallies.COUNT_FIELDS order (plain ints: adding Counts is slow)
    tallies: dict[tallies.TallyKey, list[int]] = field(default_factory=dict)
    # label -> (index in cases, status, tracking code grouped for reading)
    samples: dict[str, tuple[int, str, str]] = field(default_factory=dict)


def new_code() -> str:
    """``tracking.new_code`` in one draw: the same 27 uniform random digits from
    ``secrets`` and the same check digit, in a tenth of the time (it runs per case)."""
    body = f"{secrets.randbelow(10**tracking.RANDOM_DIGITS):0{tracking.RANDOM_DIGITS}d}"
    return body + str(tracking.damm_digit(body))


class _Rows:
    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.keyring = setup.keyring

    def _enc(self, table: str, column: str, row_id: str, text: str) -> bytes | None:
        if not text:
            return None
        return crypto.encrypt_field(self.keyring, text, table=table, column=column, row_id=row_id)

    def _reporter(self, item: Story, case_id: str) -> tuple[bytes | None, bytes | None]:
        """(contact_enc, identity_sealed), as ``services.filing._protect_reporter``."""
        details = {k: v for k, v in item.reporter.items() if k in REPORTER_FIELDS and v}
        if not details or (item.kind is CaseKind.TIP and item.anonymous):
            return None, None
        text = json.dumps(details, ensure_ascii=False, sort_keys=True)
        if item.kind is CaseKind.TIP:
            public = self.setup.identity_public
            return None, crypto.seal_identity(public, text, case_id=case_id)
        return self._enc("cases", "contact", case_id, text), None

    def case(self, item: Story, code: str) -> dict[str, Any]:
        case_id = new_id()
        contact, sealed = self._reporter(item, case_id)
        return {
            "id": case_id,
            "organisation_id": self.setup.organisation_id,
            "kind": item.kind,
            "channel": item.channel,
            "status": item.status,
            "reference": "",
            "fiscal_year": thaidate.fiscal_year(thaidate.local_date(item.received_at)),
            "sequence": 0,
            "tracking_digest": crypto.tracking_digest(self.keyring, code),
            "category_id": item.category_id,
            "department_id": item.department_id,
            "subject_enc": self._enc("cases", "subject", case_id, item.subject),
            "details_enc": self._enc("cases", "details", case_id, item.details),
            "location_enc": self._enc("cases", "location", case_id, item.location),
            "accused_enc": self._enc("cases", "accused", case_id, item.accused),
            "contact_enc": contact,
            "identity_sealed": sealed,
            "identity_key_id": self.setup.identity_key_id if sealed else None,
            "incident_date": item.incident_date,
            "anonymous": item.anonymous,
            "received_at": item.received_at,
            "first_due_at": item.first_due_at,
            "due_at": item.due_at,
            "first_response_at": item.first_response_at,
            "closed_at": item.closed_at,
            "referred_to": item.referred_to,
            "referred_to_name": item.referred_to_name,
            "registered_by_id": item.registered_by_id,
            "notices_stopped": False,
            "notice_address_enc": None,
            "created_at": item.received_at,
            "updated_at": item.steps[-1].at if item.steps else item.received_at,
        }

    def events(self, item: Story, case_id: str) -> Iterator[dict[str, Any]]:
        for step in item.steps:
            event_id = new_id()
            yield {
                "id": event_id,
                "organisation_id": self.setup.organisation_id,
                "case_id": case_id,
                "at": step.at,
                "type": step.type,
                "from_status": step.from_status,
                "to_status": step.to_status,
                "public": step.public,
                "body_enc": self._enc("case_events", "body", event_id, step.body),
                "actor_id": step.actor_id,
            }

    def survey(self, item: Story, case_id: str) -> dict[str, Any] | None:
        answers = item.survey
        if answers is None:
            return None
        return {
            "organisation_id": self.setup.organisation_id,
            "case_id": case_id,
            "speed": answers.speed,
            "fairness": answers.fairness,
            "clarity": answers.clarity,
            "overall": answers.overall,
            "comment_enc": self._enc("satisfaction", "comment", case_id, answers.comment),
            "created_at": answers.at,
        }


def _sample_label(item: Story) -> str | None:
    """Cases worth printing a code for: the newest open complaint and tip, and the newest
    resolved complaint nobody has rated yet (so the survey can be tried too)."""
    if item.status in OPEN:
        return "open tip" if item.kind is CaseKind.TIP else "open complaint"
    if item.kind is CaseKind.COMPLAINT and item.status is Status.RESOLVED and not item.survey:
        return "closed complaint"
    return None


def _tally(drawn: Drawn, row: dict[str, Any], overall: int | None) -> None:
    """The case's contribution to ``case_tallies``, exactly as the flush hooks count it."""
    key = tallies.key_of(
        row["organisation_id"],
        row["kind"],
        row["received_at"],
        row["category_id"],
        row["channel"],
        row["department_id"],
        row["status"],
        row["first_due_at"],
        row["first_response_at"],
    )
    counts = tallies.counts_of(overall)
    for entry in tallies.entries(key):
        total = drawn.tallies.setdefault(entry, [0] * len(tallies.COUNT_FIELDS))
        for index, name in enumerate(tallies.COUNT_FIELDS):
            total[index] += getattr(counts, name)


def draw(setup: Setup, job: Job) -> Drawn:
    """The rows of one batch. Its own seeded generator makes the content the same for a
    given seed however batches are spread over processes (codes and ids stay random)."""
    rng = random.Random(f"{setup.seed}:{job.kind.value}:{job.start}")  # noqa: S311 - content
    rows = _Rows(setup)
    drawn = Drawn(job.kind)
    for index in range(job.start, job.stop):
        received = setup.arrivals.at((index + rng.random()) / job.total)
        item = story(rng, setup.world, job.kind, received, setup.now)
        code = new_code()
        row = rows.case(item, code)
        drawn.cases.append(row)
        drawn.events.extend(rows.events(item, row["id"]))
        survey = rows.survey(item, row["id"])
        if survey is not None:
            drawn.surveys.append(survey)
        _tally(drawn, row, item.survey.overall if item.survey else None)
        label = _sample_label(item)
        if label is not None:
            position = len(drawn.cases) - 1
            drawn.samples[label] = (position, item.status.value, tracking.group(code))
    return drawn
