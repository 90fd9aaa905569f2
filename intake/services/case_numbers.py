"""Case numbers (references): ``รร-2569-00137`` for complaints, ``ทจ-2569-00042`` for tips.

Numbered per kind per fiscal year. The counter row is bumped by one upsert that keeps
the row locked until the filing commits (PostgreSQL row lock; on SQLite the write lock
taken at BEGIN IMMEDIATE), so concurrent filings never share a number, and a filing
that fails rolls its number back: the sequence has no gaps.
"""

from __future__ import annotations

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite

from intake.models import CaseKind, ReferenceCounter
from intake.organisation_scope import current_organisation_id
from intake.services import DbSession

PREFIX = {CaseKind.COMPLAINT: "รร", CaseKind.TIP: "ทจ"}


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
