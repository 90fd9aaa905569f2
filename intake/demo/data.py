"""Demo cases in bulk, indistinguishable in form from filed ones (`intake demo-data`).

Stories come from ``demo.timeline``, rows from ``demo.rows``. Here they
are numbered and written: references per kind and fiscal year from ``ReferenceCounter``
(a range reserved per batch with the same upsert and lock as filing, so the next real
filing continues after the demo numbers), then the rows with Core ``executemany`` (COPY
on PostgreSQL), a few thousand cases per committed batch, no ORM objects, so memory
stays flat. Bulk writes bypass the tally flush hooks, so each batch adds its own
contribution to ``case_tallies`` in the same transaction, with the hooks' functions:
the statistics equal a recount after every commit, even if a load is interrupted.
One audit entry records the load (with its first batch), never one per case.

Large loads draw batches in worker processes while this one writes.
"""

from __future__ import annotations

import enum
import multiprocessing
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa

from intake import crypto, tallies, thaidate
from intake.demo.rows import Arrivals, Drawn, Job, Setup, draw
from intake.demo.world import DueCalendar, Staff, World, category_refs
from intake.models import (
    Case,
    CaseEvent,
    CaseKind,
    Category,
    Department,
    Role,
    SatisfactionResponse,
    User,
)
from intake.organisation_scope import current_organisation_id
from intake.problems import Problem
from intake.services import DbSession, ServiceError, case_numbers
from intake.services.audit import ACTOR_SYSTEM, record
from intake.services.identity import current_identity_key
from intake.services.settings import extra_holidays, get_organisation

BATCH_CASES = 2000
TIPS_EVERY = 7  # one tip for every six complaints
PARALLEL_FROM = 20_000  # smaller loads are drawn in this process

_cases: sa.Table = sa.inspect(Case).local_table  # type: ignore[assignment]
_events: sa.Table = sa.inspect(CaseEvent).local_table  # type: ignore[assignment]
_satisfaction: sa.Table = sa.inspect(SatisfactionResponse).local_table  # type: ignore[assignment]


@dataclass(frozen=True)
class Sample:
    """A demo case a newcomer can follow on /track (codes are never stored)."""

    label: str
    reference: str
    status: str
    code: str  # grouped for reading


@dataclass
class LoadResult:
    counts: Counter[tuple[CaseKind, int]] = field(default_factory=Counter)
    events: int = 0
    surveys: int = 0
    tally_keys: int = 0
    seconds: float = 0.0
    samples: dict[str, Sample] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return sum(self.counts.values())


def current_fiscal_year(now: datetime) -> int:
    return thaidate.fiscal_year(thaidate.local_date(now))


def default_fiscal_years(now: datetime) -> tuple[int, ...]:
    """The whole previous fiscal year and the current one to date."""
    current = current_fiscal_year(now)
    return current - 1, current


def default_cases(fiscal_years: tuple[int, ...], now: datetime, per_month: int) -> int:
    return max(1, round(Arrivals(fiscal_years, now).months * per_month))


def case_count(session: DbSession) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(Case)) or 0


def _world(session: DbSession) -> World:
    rows = session.execute(
        sa.select(Category.id, Category.kind, Category.name_th, Category.department_id)
        .where(Category.active.is_(True))
        .order_by(Category.position, Category.id)
    ).all()
    categories = category_refs([(r.id, r.kind, r.name_th, r.department_id) for r in rows])
    departments = list(
        session.scalars(
            sa.select(Department.id).where(Department.active.is_(True)).order_by(Department.id)
        )
    )
    if not all(categories.values()) or not departments:
        raise ServiceError(Problem.NO_REFERENCE_DATA)
    staff = Staff()
    users = session.execute(
        sa.select(User.id, User.role, User.department_id).where(User.active.is_(True))
    )
    for user_id, role, department_id in users:
        if role is Role.INTAKE:
            staff.intake.append(user_id)
        elif role is Role.LEGAL:
            staff.legal.append(user_id)
        elif role is Role.DEPARTMENT and department_id is not None:
            staff.by_department.setdefault(department_id, []).append(user_id)
    organisation = get_organisation(session)
    due = DueCalendar(
        organisation.deadline_mode, extra_holidays(session), organisation.response_days
    )
    return World(categories, departments, staff, due)


def _jobs(cases: int, batch_size: int) -> list[Job]:
    tips = 0 if cases < 2 else max(1, round(cases / TIPS_EVERY))
    jobs = []
    for kind, total in ((CaseKind.COMPLAINT, cases - tips), (CaseKind.TIP, tips)):
        for start in range(0, total, batch_size):
            jobs.append(Job(kind, start, min(start + batch_size, total), total))
    return jobs


def _drawn(setup: Setup, jobs: list[Job], workers: int) -> Iterator[Drawn]:
    """Batches in order; with workers, a few are drawn ahead (bounded, for memory)."""
    if workers <= 1:
        yield from (draw(setup, job) for job in jobs)
        return
    context = multiprocessing.get_context("spawn")  # no inherited database connections
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending: deque[Future[Drawn]] = deque()
        work = partial(draw, setup)
        for job in jobs:
            pending.append(pool.submit(work, job))
            if len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _insert(session: DbSession, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Core executemany; on PostgreSQL a COPY on the session's own connection (the same
    transaction), many times faster. Both store the same values: enums by value, aware
    datetimes as timestamptz, ciphertexts as bytea."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(table), rows)
        return
    from psycopg import sql

    columns = list(rows[0])
    # PostgreSQL refuses COPY into a table under row-level security: the rows go into a
    # temporary table first, then one INSERT moves them (and the policy checks each).
    target, staging = sql.Identifier(table.name), sql.Identifier(f"staging_{table.name}")
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    raw: Any = connection.connection.driver_connection  # a psycopg connection
    with raw.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {}) ON COMMIT DROP").format(
                staging, target
            )
        )
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(staging, names)) as copy:
            for row in rows:
                copy.write_row([_plain(row[column]) for column in columns])
        cursor.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(target, names, names, staging)
        )
        cursor.execute(sql.SQL("TRUNCATE {}").format(staging))


def _write(session: DbSession, drawn: Drawn, result: LoadResult) -> None:
    """Number one batch and write it with its tallies; the caller commits."""
    per_year = Counter(row["fiscal_year"] for row in drawn.cases)
    following = {
        fiscal_year: case_numbers.allocate(session, drawn.kind, fiscal_year, count)
        for fiscal_year, count in sorted(per_year.items())
    }
    for row in drawn.cases:
        fiscal_year = row["fiscal_year"]
        row["sequence"] = following[fiscal_year]
        row["reference"] = case_numbers.format_reference(drawn.kind, fiscal_year, row["sequence"])
        following[fiscal_year] += 1
    _insert(session, _cases, drawn.cases)
    _insert(session, _events, drawn.events)
    _insert(session, _satisfaction, drawn.surveys)
    # The hooks' own upsert, so demo rows are counted exactly as real ones.
    tallies.apply(
        session.connection(),
        {key: tallies.Counts(*counts) for key, counts in drawn.tallies.items()},
    )
    result.counts.update((drawn.kind, fiscal_year) for fiscal_year in per_year.elements())
    result.events += len(drawn.events)
    result.surveys += len(drawn.surveys)
    result.tally_keys += len(drawn.tallies)
    for label, (position, status, code) in drawn.samples.items():
        result.samples[label] = Sample(label, drawn.cases[position]["reference"], status, code)


def load(
    session: DbSession,
    keyring: crypto.Keyring,
    *,
    cases: int,
    fiscal_years: tuple[int, ...],
    seed: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_CASES,
    workers: int = 1,
    analyze: bool = True,
) -> LoadResult:
    """Add ``cases`` demo cases received over ``fiscal_years`` (up to ``now``).

    Errors: ``no_reference_data`` (run `intake init`), ``identity_unavailable``,
    ``no_period`` (none of the fiscal years has started by ``now``).
    """
    started = time.perf_counter()
    world = _world(session)
    identity_key = current_identity_key(session)
    if identity_key is None:
        raise ServiceError(Problem.IDENTITY_UNAVAILABLE)
    arrivals = Arrivals(fiscal_years, now)
    if not arrivals.spans:
        raise ServiceError(Problem.NO_PERIOD)
    organisation_id = current_organisation_id(session)
    setup = Setup(
        world,
        keyring,
        identity_key.id,
        identity_key.public_key,
        arrivals,
        now,
        seed,
        organisation_id,
    )
    session.rollback()  # nothing read above needs to stay locked while batches are drawn
    result = LoadResult()
    try:
        for number, drawn in enumerate(_drawn(setup, _jobs(cases, batch_size), workers)):
            _write(session, drawn, result)
            if number == 0:  # with the first batch: an interrupted load is on record too
                record(
                    session,
                    keyring,
                    "admin.demo_data_loaded",
                    actor=ACTOR_SYSTEM,
                    now=now,
                    detail=f"demo data: {cases} cases, seed {seed}",
                )
            session.commit()
            if progress is not None:
                progress(len(drawn.cases))
    except BaseException:
        session.rollback()
        raise
    # A bulk load leaves the planner's statistics about an empty table: queries would
    # be planned for a few hundred rows until autovacuum caught up. A host's loader
    # analyses once after all its organisations instead.
    if analyze:
        session.execute(sa.text("ANALYZE"))
        session.commit()
    result.seconds = time.perf_counter() - started
    return result
