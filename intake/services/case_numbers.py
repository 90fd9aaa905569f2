"""Case numbers (references): ``รร-2569-00137`` for complaints, ``ทจ-2569-00042`` for tips.

Numbered per kind per fiscal year. The counter row is bumped by one upsert that keeps
the row locked until the filing commits (PostgreSQL row lock; on SQLite the write lock
taken at BEGIN IMMEDIATE), so concurrent filings never share a number, and a filing
that fails rolls its number back: the sequence has no gaps. Every filing shares that
row, so it is taken as late as can be: ``add_numbered`` writes the case first.
"""

from __future__ import annotations

from sqlalchemy import Insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from intake.models import Case, CaseKind, ReferenceCounter
from intake.organisation_scope import current_organisation_id
from intake.services import DbSession

PREFIX = {CaseKind.COMPLAINT: "รร", CaseKind.TIP: "ทจ"}
# Starts a reference no case keeps (theirs start with their kind's Thai letters).
STAND_IN = "~"


def format_reference(kind: CaseKind, fiscal_year: int, sequence: int) -> str:
    return f"{PREFIX[kind]}-{fiscal_year}-{sequence:05d}"


def _upsert(session: DbSession) -> type[Insert]:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert  # type: ignore[return-value]
    if dialect == "sqlite":
        return sqlite.insert  # type: ignore[return-value]
    raise RuntimeError(f"reference allocation not implemented for {dialect}")


def allocate(session: DbSession, kind: CaseKind, fiscal_year: int, count: int = 1) -> int:
    """The next number for (kind, fiscal year), inside the caller's transaction; with
    ``count``, a block of that many numbers (bulk loads), and its first number."""
    insert = _upsert(session)
    statement = (
        insert(ReferenceCounter)
        .values(
            organisation_id=current_organisation_id(session),
            kind=kind.value,
            fiscal_year=fiscal_year,
            last_number=count,
        )
        .on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=["organisation_id", "kind", "fiscal_year"],
            set_={"last_number": ReferenceCounter.last_number + count},
        )
        .returning(ReferenceCounter.last_number)
    )
    return int(session.execute(statement).scalar_one()) - count + 1


def add_numbered(session: DbSession, case: Case) -> str:
    """Adds ``case`` (its kind and fiscal year set) and gives it the next number; returns
    its reference. The case and all that comes with it are written first under a
    stand-in reference, unique and never committed, then the counter is bumped and the
    number written by one UPDATE: the counter row, which every filing shares, stays
    locked for a few statements and the commit, not for the whole filing's writes."""
    case.sequence = 0
    case.reference = STAND_IN + case.id.replace("-", "")[:31]  # 32 characters, as the column
    session.add(case)
    session.flush()
    sequence = allocate(session, case.kind, case.fiscal_year)
    reference = format_reference(case.kind, case.fiscal_year, sequence)
    session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(sequence=sequence, reference=reference)
        .execution_options(synchronize_session=False)
    )
    # The object holds what was written, so no second flush (nor tally re-check) follows.
    set_committed_value(case, "sequence", sequence)
    set_committed_value(case, "reference", reference)
    return reference
