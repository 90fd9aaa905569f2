"""Keeps ``case_tallies`` equal to a recount of ``cases``, in the flush that changes them.

Every figure on /stats is a sum of tally rows, so the page costs the same at ten cases or
a million. A case is described by its *key*: kind, month received (Bangkok), category, channel,
department, outcome (open or which closure) and whether its first answer came by the
first due date — the definitions in ``intake.services.stats`` — and counts once in each
breakdown's row (``entries``). Its survey answer, if any, counts with it (responses,
satisfied).

How: before a flush, the keys of the cases about to change are read from the database;
after it, again; the difference is applied as upserts in one order (so two transactions
moving cases between the same rows cannot deadlock). Reading the database rather than the
objects' history means a change made through a relationship counts too. Statements that
bypass the ORM (bulk inserts of demo data) must call ``rebuild`` afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, scoped_session

import intake.organisation_scope  # noqa: F401  (stamps a new case's organisation in a flush hook registered before ours)
from intake import deadlines, thaidate
from intake.models import Case, CaseTally, Channel, SatisfactionResponse
from intake.services.satisfaction import SATISFIED_FROM
from intake.workflow import Status, is_closed

OPEN = "open"
NONE_ID = 0  # no category or department yet
BEFORE = "intake.tallies.before"
INSERTED = "intake.tallies.inserted"


@dataclass(frozen=True, order=True)
class CaseKey:
    """Everything the statistics count one case by."""

    organisation_id: int
    kind: str
    month: str
    category_id: int
    channel: str
    department_id: int
    outcome: str
    on_time: bool


# One tally row per breakdown: a case counts in five rows, so a row's number is bounded
# by the size of one breakdown (13 categories, 8 channels...), never by their product, and
# a year's statistics are a sum of a few thousand rows whatever the number of cases.
TOTAL = "total"
DIMENSIONS = (TOTAL, "category", "channel", "department", "outcome")


@dataclass(frozen=True, order=True)
class TallyKey:
    organisation_id: int
    kind: str
    month: str
    dimension: str  # one of DIMENSIONS
    value: str  # the category/department id, channel or outcome; "" for the total
    closed: bool
    on_time: bool


def entries(key: CaseKey) -> list[TallyKey]:
    """The tally rows one case counts in."""
    values = {
        TOTAL: "",
        "category": str(key.category_id),
        "channel": key.channel,
        "department": str(key.department_id),
        "outcome": key.outcome,
    }
    closed = key.outcome != OPEN
    return [
        TallyKey(
            key.organisation_id,
            key.kind,
            key.month,
            dimension,
            values[dimension],
            closed,
            key.on_time,
        )
        for dimension in DIMENSIONS
    ]


@dataclass(frozen=True)
class Counts:
    cases: int = 0
    responses: int = 0
    satisfied: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    def __neg__(self) -> Counts:
        return Counts(*(-a for a in astuple(self)))

    def __bool__(self) -> bool:
        return any(astuple(self))


KEY_FIELDS = tuple(f.name for f in fields(TallyKey))
COUNT_FIELDS = tuple(f.name for f in fields(Counts))


def month_of(received_at: datetime) -> str:
    return thaidate.local_date(received_at).strftime("%Y-%m")


def outcome_of(status: Status) -> str:
    return status.value if is_closed(status) else OPEN


def channel_value(channel: Any, open311_client_id: int | None = None) -> str:
    """A case's channel as statistics count it: a case filed through the Open311 API
    counts under its client application, ``open311:<client id>``."""
    value = str(channel.value if hasattr(channel, "value") else channel)
    if value == Channel.OPEN311 and open311_client_id is not None:
        return f"{Channel.OPEN311.value}:{open311_client_id}"
    return value


def key_of(
    organisation_id: int,
    kind: Any,
    received_at: datetime,
    category_id: int | None,
    channel: Any,
    department_id: int | None,
    status: Status,
    first_due_at: datetime,
    first_response_at: datetime | None,
    open311_client_id: int | None = None,
) -> CaseKey:
    return CaseKey(
        organisation_id=organisation_id,
        kind=str(kind.value if hasattr(kind, "value") else kind),
        month=month_of(received_at),
        category_id=category_id or NONE_ID,
        channel=channel_value(channel, open311_client_id),
        department_id=department_id or NONE_ID,
        outcome=outcome_of(Status(status)),
        on_time=deadlines.first_response_on_time(first_due_at, first_response_at),
    )


def counts_of(overall: int | None) -> Counts:
    """One case's contribution: itself, and its survey answer if it has one."""
    if overall is None:
        return Counts(cases=1)
    return Counts(cases=1, responses=1, satisfied=int(overall >= SATISFIED_FROM))


_cases = sa.inspect(Case).local_table
_satisfaction = sa.inspect(SatisfactionResponse).local_table
_tallies: sa.Table = sa.inspect(CaseTally).local_table  # type: ignore[assignment]

_STATE = sa.select(
    _cases.c.id,
    _cases.c.organisation_id,
    _cases.c.kind,
    _cases.c.received_at,
    _cases.c.category_id,
    _cases.c.channel,
    _cases.c.department_id,
    _cases.c.status,
    _cases.c.first_due_at,
    _cases.c.first_response_at,
    _cases.c.open311_client_id,
    _satisfaction.c.overall,
).select_from(_cases.outerjoin(_satisfaction, _satisfaction.c.case_id == _cases.c.id))

State = tuple[CaseKey, int | None]


def _states(rows: Iterable[Any]) -> Iterator[tuple[str, State]]:
    for row in rows:
        key = key_of(*row[1:11])
        yield row[0], (key, row[11])


def _read(connection: sa.Connection, case_ids: set[str]) -> dict[str, State]:
    found: dict[str, State] = {}
    ids = sorted(case_ids)
    for start in range(0, len(ids), 500):
        rows = connection.execute(_STATE.where(_cases.c.id.in_(ids[start : start + 500])))
        found.update(_states(rows))
    return found


def _state_of(case: Case) -> State:
    key = key_of(
        case.organisation_id,
        case.kind,
        case.received_at,
        case.category_id,
        case.channel,
        case.department_id,
        case.status,
        case.first_due_at,
        case.first_response_at,
        case.open311_client_id,
    )
    return key, None


def _touched(session: Session, objects: Iterable[object]) -> set[str]:
    ids: set[str] = set()
    for obj in objects:
        if isinstance(obj, Case) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, SatisfactionResponse) and obj.case_id is not None:
            ids.add(obj.case_id)
    return ids


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    changing = _touched(session, [*session.new, *session.dirty, *session.deleted])
    if not changing:
        return
    before = session.info.setdefault(BEFORE, {})
    fresh = changing - before.keys()
    if fresh:
        before.update(dict.fromkeys(fresh))  # None: not in the database yet (a new case)
        # A case added in this session has no row to read yet: one query fewer per filing,
        # inside the time the reference counter stays locked.
        pending = {obj.id: obj for obj in session.new if isinstance(obj, Case)}
        if fresh - pending.keys():
            before.update(_read(session.connection(), fresh - pending.keys()))
        answered = {o.case_id for o in session.new if isinstance(o, SatisfactionResponse)}
        session.info.setdefault(INSERTED, {}).update(
            {case_id: case for case_id, case in pending.items() if case_id not in answered}
        )


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous_transaction: Any) -> None:
    """A flush that failed left its before-states behind: they describe nothing now."""
    session.info.pop(BEFORE, None)
    session.info.pop(INSERTED, None)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: Any) -> None:
    before: dict[str, State | None] = session.info.pop(BEFORE, {})
    inserted: dict[str, Case] = session.info.pop(INSERTED, {})
    if not before:
        return
    # A case inserted by this flush is as its object says (and has no survey answer yet);
    # any other is read back, so SQL defaults and other writers count as they are.
    after = {case_id: _state_of(case) for case_id, case in inserted.items()}
    if set(before) - after.keys():
        after.update(_read(session.connection(), set(before) - after.keys()))
    changes: dict[TallyKey, Counts] = {}
    for case_id, old in before.items():
        new = after.get(case_id)
        if old == new:
            continue
        if old is not None:
            for entry in entries(old[0]):
                changes[entry] = changes.get(entry, Counts()) + -counts_of(old[1])
        if new is not None:
            for entry in entries(new[0]):
                changes[entry] = changes.get(entry, Counts()) + counts_of(new[1])
    apply(session.connection(), {key: c for key, c in changes.items() if c})


@functools.cache
def _adding(dialect: str) -> Any:
    """The upsert that adds counts to tally rows; built once (every filing runs it)."""
    insert = postgresql.insert(_tallies) if dialect == "postgresql" else sqlite.insert(_tallies)
    return insert.on_conflict_do_update(
        index_elements=list(KEY_FIELDS),
        set_={name: _tallies.c[name] + insert.excluded[name] for name in COUNT_FIELDS},
    )


def apply(connection: sa.Connection, changes: dict[TallyKey, Counts]) -> None:
    """Add ``changes`` to the tally rows: one statement, rows in key order (a fixed lock
    order, so two transactions moving cases between the same rows cannot deadlock)."""
    if not changes:
        return
    statement = _adding(connection.dialect.name)
    rows = [
        {
            **dict(zip(KEY_FIELDS, astuple(key), strict=True)),
            **dict(zip(COUNT_FIELDS, astuple(changes[key]), strict=True)),
        }
        for key in sorted(changes)
    ]
    connection.execute(statement, rows)


def recount(connection: sa.Connection) -> dict[TallyKey, Counts]:
    """The tallies as they should be, counted case by case from ``cases``."""
    totals: dict[TallyKey, Counts] = {}
    query = _STATE
    if "open311_client_id" not in {c["name"] for c in sa.inspect(connection).get_columns("cases")}:
        # Migration 0021 recounts with this code before 0028 adds the column: no case had
        # come through Open311 then.
        query = _STATE.with_only_columns(
            *(sa.null() if c.name == "open311_client_id" else c for c in _STATE.selected_columns)
        )
    rows = connection.execute(query.execution_options(yield_per=5000))
    for _case_id, (key, overall) in _states(rows):
        counts = counts_of(overall)
        for entry in entries(key):
            totals[entry] = totals.get(entry, Counts()) + counts
    return totals


def stored(connection: sa.Connection) -> dict[TallyKey, Counts]:
    """The tallies as kept, without rows that have fallen to zero."""
    found: dict[TallyKey, Counts] = {}
    for row in connection.execute(sa.select(_tallies)):
        counts = Counts(*(row._mapping[name] for name in COUNT_FIELDS))
        if counts:
            found[TallyKey(*(row._mapping[name] for name in KEY_FIELDS))] = counts
    return found


def rebuild(session: Session | scoped_session[Any]) -> int:
    """Recount every tally from the case table (after bulk loads); returns the rows."""
    connection = session.connection()
    totals = recount(connection)
    connection.execute(sa.delete(_tallies))
    rows = [
        {
            **dict(zip(KEY_FIELDS, astuple(key), strict=True)),
            **dict(zip(COUNT_FIELDS, astuple(counts), strict=True)),
        }
        for key, counts in sorted(totals.items())
    ]
    if rows:
        connection.execute(sa.insert(_tallies), rows)
    return len(rows)
