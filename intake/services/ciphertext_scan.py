"""Where ciphertext lives and which content key each is under, read without decrypting.

Every ``*_enc`` column of every model in ``intake.models`` is found, not listed (bound to
table, column without ``_enc``, row id), and so is each attachment's file under the
uploads folder. Key rotation walks what is found here; retirement and restore checks ask it
which keys are still in use. Only the rows of the organisation the session works for are
read: each organisation's ciphertexts are under its own keys.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from intake import crypto, models
from intake.extensions import Base
from intake.models import Attachment
from intake.organisation_scope import current_organisation_id
from intake.services import DbSession

ENC_SUFFIX = "_enc"
# A ciphertext's version byte, key-id length byte and key id (at most 255 bytes).
HEADER_BYTES = 2 + 255


@dataclass
class Usage:
    """Ciphertexts found under keys other than the active one, by key id."""

    values: Counter[str] = field(default_factory=Counter)
    files: Counter[str] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.values or self.files)


def encrypted_columns() -> list[tuple[type[Base], list[str]]]:
    """Every model in ``intake.models`` with ``*_enc`` columns, and those columns' names."""
    found: list[tuple[type[Base], list[str]]] = []
    for mapper in Base.registry.mappers:
        model = mapper.class_
        if not model.__module__.startswith(models.__name__ + "."):
            continue
        table = mapped_table(model)
        names = [column.name for column in table.columns if column.name.endswith(ENC_SUFFIX)]
        if not names:
            continue
        key = list(table.primary_key.columns)
        if len(key) != 1 or key[0].type.python_type not in (int, str):
            raise TypeError(f"{table.name} has encrypted columns but no single int or str key")
        found.append((model, names))
    return sorted(found, key=lambda item: mapped_table(item[0]).name)


def mapped_table(model: type) -> sa.Table:
    table = getattr(model, "__table__", None)
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


def row_key(table: sa.Table) -> sa.Column[Any]:
    """The row's own key (``id``, or ``case_id`` for one-per-case rows): the binding's row id."""
    return next(iter(table.primary_key.columns))


def binding_column(column: str) -> str:
    return column.removesuffix(ENC_SUFFIX)


def key_id_of(blob: bytes) -> str:
    try:
        return crypto.ciphertext_key_id(blob)
    except crypto.DecryptionFailed:
        return "(unreadable)"


def file_key_id(path: Path) -> str | None:
    """The key id named at the head of a file; None when the file is not there."""
    try:
        with path.open("rb") as handle:
            return key_id_of(handle.read(HEADER_BYTES))
    except FileNotFoundError:
        return None


def own_rows(session: DbSession, query: sa.Select[Any], table: sa.Table) -> sa.Select[Any]:
    """``query`` kept to the working organisation's rows: these statements name tables,
    not models, so the session's own scoping does not reach them."""
    if "organisation_id" not in table.c:
        return query
    return query.where(table.c.organisation_id == current_organisation_id(session))


def pages(
    session: DbSession,
    table: sa.Table,
    columns: Sequence[sa.ColumnElement[Any]],
    batch_size: int,
    *,
    lock: bool = False,
) -> Iterator[Sequence[sa.Row[Any]]]:
    """Rows in ``id`` order, ``batch_size`` at a time; the caller ends each transaction."""
    last: Any = None
    while True:
        query = own_rows(session, sa.select(row_key(table).label("id"), *columns), table)
        query = query.order_by(row_key(table)).limit(batch_size)
        if last is not None:
            query = query.where(row_key(table) > last)
        if lock:
            query = query.with_for_update()
        rows = session.execute(query).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def header_of(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    """Only the first bytes of a ciphertext: enough to read its key id (both engines)."""
    return sa.func.substr(column, 1, HEADER_BYTES, type_=sa.LargeBinary).label(column.name)


def scan(
    session: DbSession,
    active: str,
    uploads_dir: Path,
    batch_size: int,
    *,
    stop_at_first: bool,
) -> Usage:
    """What is not under ``active``, read from key ids alone (nothing is decrypted)."""
    usage = Usage()
    for model, names in encrypted_columns():
        table = mapped_table(model)
        for rows in pages(session, table, [header_of(table.c[n]) for n in names], batch_size):
            session.rollback()  # end the read; on SQLite it holds the write lock
            for row in rows:
                for name in names:
                    blob = row._mapping[name]
                    if blob is not None and (kid := key_id_of(blob)) != active:
                        usage.values[kid] += 1
            if usage and stop_at_first:
                return usage
    attachments = mapped_table(Attachment)
    for rows in pages(session, attachments, [attachments.c.stored_name], batch_size):
        session.rollback()
        for row in rows:
            file_kid = file_key_id(uploads_dir / row.stored_name)
            if file_kid is not None and file_kid != active:
                usage.files[file_kid] += 1
        if usage and stop_at_first:
            return usage
    return usage


def count_work(session: DbSession, tables: list[sa.Table]) -> int:
    total = 0
    for table in [*tables, mapped_table(Attachment)]:  # attachments twice: rows, then files
        query = own_rows(session, sa.select(sa.func.count()).select_from(table), table)
        total += session.execute(query).scalar_one()
    session.rollback()
    return total
