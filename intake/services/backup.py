"""Backups: the database and the uploads in one encrypted archive, and back again.

``write_backup`` reads every table in one consistent snapshot (``database.read_snapshot``)
while the application goes on serving, then the files that the snapshot's attachment
rows name, and writes them in the format of ``backup_format`` through
``crypto.BackupWriter``.

Values go in and out as the database driver hands them over, with no SQLAlchemy type in
between, so every row comes back byte for byte; an archive is restored onto the engine it
was taken from. Contents and attachment files are already encrypted under the content
keys; the archive's own encryption covers the rest (references, dates, the audit log) and
proves the archive whole.

``restore`` wants an empty database, an empty uploads folder and the keys folder the
archive was made with. It builds the schema at the archive's revision, loads everything
in one transaction — nothing is committed if any part is wrong, and the files it wrote are
taken away again — and leaves upgrading to the newest revision to the caller.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intake import crypto, durable
from intake.database import read_snapshot
from intake.row_security import open_every_organisation
from intake.services.backup_format import (
    ARCHIVE_FORMAT,
    ARCHIVE_VERSION,
    FILE_PIECE,
    ROW_BATCH,
    ArchiveSummary,
    BackupError,
    LineReader,
    LineWriter,
    TableSpec,
    encode_value,
    read_body,
    read_manifest,
)

SCHEMA_VERSION_TABLE = "alembic_version"
# A new schema already holds the audit log's head row (no entries yet); restore replaces it.
SEEDED_TABLE = "audit_head"
ATTACHMENTS_TABLE = "attachments"


# --- Writing -----------------------------------------------------------------------


def _current_revision(connection: Connection) -> str | None:
    """The Alembic revision the schema is at; None for a database without a schema yet."""
    if SCHEMA_VERSION_TABLE not in sa.inspect(connection).get_table_names():
        return None
    revisions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    if len(revisions) > 1:
        raise BackupError("the database's schema version table should hold one row")
    return str(revisions[0][0]) if revisions else None


def _schema_revision(connection: Connection) -> str:
    revision = _current_revision(connection)
    if revision is None:
        raise BackupError(
            "the database has no schema version; set it up with `flask --app wsgi intake init`"
        )
    return revision


def _table_specs(connection: Connection) -> list[TableSpec]:
    """Every table but the schema version, parents before the tables that point at them."""
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    specs = []
    for table in metadata.sorted_tables:
        if table.name == SCHEMA_VERSION_TABLE:
            continue
        columns = [column.name for column in table.columns]
        order = [column.name for column in table.primary_key.columns] or columns
        specs.append(TableSpec(table.name, columns, order))
    return specs


def archive_manifest(
    now: datetime, engine_name: str, revision: str, specs: list[TableSpec], **more: Any
) -> dict[str, Any]:
    """An archive's first line: what it is, when and from which schema, and its tables."""
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "created_at": now.isoformat(),
        "engine": engine_name,
        "revision": revision,
        **more,
        "tables": [{"name": spec.name, "columns": spec.columns} for spec in specs],
    }


def write_backup(
    engine: Engine,
    keyring: crypto.Keyring,
    uploads_dir: Path,
    output: BinaryIO,
    *,
    now: datetime,
) -> ArchiveSummary:
    """Write the whole archive to ``output`` (the caller makes the file durable)."""
    writer = crypto.BackupWriter(output, keyring)
    counts: dict[str, int] = {}
    stored_names: list[str] = []
    # Level 1: much of an archive is ciphertext, which does not compress; the rest shrinks
    # nearly as well as at level 6 (5% larger at 10,000 cases) for about half the CPU.
    with gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=1, mtime=0) as packed:
        lines = LineWriter(packed)
        with read_snapshot(engine) as connection:
            open_every_organisation(connection)  # the archive holds the whole host
            revision = _schema_revision(connection)
            specs = _table_specs(connection)
            lines.write(archive_manifest(now, engine.dialect.name, revision, specs))
            for spec in specs:
                counts[spec.name] = _write_table(connection, spec, lines, stored_names)
        # The snapshot is closed before the files are read: a long transaction would hold
        # back PostgreSQL's vacuum and SQLite's checkpoints. Files are never changed in
        # place (rotation swaps in a whole new file), so what is read is a whole file.
        files, file_bytes = write_files(uploads_dir, stored_names, lines)
        lines.write({"end": {"tables": counts, "files": files}})
    writer.finish()
    return ArchiveSummary(now.isoformat(), engine.dialect.name, revision, counts, files, file_bytes)


def _write_table(
    connection: Connection, spec: TableSpec, lines: LineWriter, stored_names: list[str]
) -> int:
    table = spec.raw()
    query = sa.select(*table.c).order_by(*(table.c[name] for name in spec.order))
    stored_at = spec.columns.index("stored_name") if spec.name == ATTACHMENTS_TABLE else None
    lines.write({"table": spec.name})
    count = 0
    for row in connection.execution_options(yield_per=ROW_BATCH).execute(query):
        lines.write([encode_value(value) for value in row])
        if stored_at is not None:
            stored_names.append(row[stored_at])
        count += 1
    lines.write({"rows": count})
    return count


def write_files(uploads_dir: Path, stored_names: list[str], lines: LineWriter) -> tuple[int, int]:
    total = 0
    for stored_name in stored_names:
        try:
            data = (uploads_dir / stored_name).read_bytes()
        except FileNotFoundError as exc:
            raise BackupError(
                f"the attached file {stored_name} is missing from {uploads_dir} (removed "
                "while the backup ran?); run the backup again"
            ) from exc
        lines.write(
            {"file": stored_name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )
        for start in range(0, len(data), FILE_PIECE):
            piece = data[start : start + FILE_PIECE]
            lines.write({"data": base64.b64encode(piece).decode("ascii")})
        total += len(data)
    return len(stored_names), total


def check_archive(archive: BinaryIO, keyring: crypto.Keyring) -> ArchiveSummary:
    """Read the whole archive and check every part of it; write nothing."""
    lines = LineReader(archive, keyring)
    manifest, specs = read_manifest(lines)
    return read_body(lines, manifest, specs, lambda _spec, _rows: None, lambda _n, _d: None)


# --- Restoring ---------------------------------------------------------------------


def _check_empty(engine: Engine, uploads_dir: Path, revision: str) -> None:
    with engine.connect() as connection:
        open_every_organisation(connection)  # any organisation's row makes it not empty
        tables = sa.inspect(connection).get_table_names()
        current = _current_revision(connection)
        if current is not None and current != revision:
            raise BackupError(
                f"this database's schema is already at revision {current} (the archive's is "
                f"{revision}); restore into a new, empty database"
            )
        for name in tables:
            if name == SCHEMA_VERSION_TABLE:
                continue
            query = sa.select(sa.func.count()).select_from(sa.table(name))
            if name == SEEDED_TABLE:
                query = query.where(sa.column("last_id") != 0)
            if connection.execute(query).scalar_one():
                raise BackupError(
                    f"the database is not empty (table {name} has rows); restore only into "
                    "a new, empty database"
                )
    if uploads_dir.is_dir() and any(uploads_dir.iterdir()):
        raise BackupError(f"the uploads folder {uploads_dir} is not empty")


def _check_schema(connection: Connection, specs: list[TableSpec]) -> None:
    inspector = sa.inspect(connection)
    present = set(inspector.get_table_names())
    for spec in specs:
        if spec.name not in present:
            raise BackupError(f"table {spec.name} of the archive is not in the schema built")
        columns = {column["name"] for column in inspector.get_columns(spec.name)}
        if columns != set(spec.columns):
            raise BackupError(f"table {spec.name} of the archive has other columns than here")


def _reset_sequences(connection: Connection, specs: list[TableSpec]) -> None:
    """PostgreSQL numbers new rows from a sequence, which rows inserted with ids don't move."""
    if connection.dialect.name != "postgresql":
        return
    for spec in specs:
        for column in spec.columns:
            sequence = connection.execute(
                sa.select(sa.func.pg_get_serial_sequence(spec.name, column))
            ).scalar()
            if sequence is None:
                continue
            highest = (
                sa.select(sa.func.coalesce(sa.func.max(sa.column(column)), 0) + 1)
                .select_from(sa.table(spec.name))
                .scalar_subquery()
            )
            connection.execute(sa.select(sa.func.setval(sequence, highest, False)))


def restore(
    engine: Engine,
    keyring: crypto.Keyring,
    archive: BinaryIO,
    uploads_dir: Path,
    build_schema: Callable[[str], None],
) -> ArchiveSummary:
    """Load the archive into an empty database and uploads folder, all or nothing.

    ``build_schema(revision)`` creates the schema at the archive's revision (Alembic).
    """
    lines = LineReader(archive, keyring)
    manifest, specs = read_manifest(lines)
    if manifest.get("engine") != engine.dialect.name:
        raise BackupError(
            f"the archive is of a {manifest.get('engine')} database; this one is "
            f"{engine.dialect.name}: restore it onto the same kind of database"
        )
    revision = str(manifest.get("revision"))
    _check_empty(engine, uploads_dir, revision)
    build_schema(revision)
    uploads_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    written: list[Path] = []

    def add_file(name: str, data: bytes) -> None:
        path = uploads_dir / name
        durable.write_new(path, data)
        written.append(path)

    try:
        with engine.begin() as connection:
            open_every_organisation(connection)
            _check_schema(connection, specs)
            connection.execute(sa.table(SEEDED_TABLE).delete())

            def add_rows(spec: TableSpec, rows: list[list[Any]]) -> None:
                connection.execute(
                    spec.raw().insert(), [dict(zip(spec.columns, row, strict=True)) for row in rows]
                )

            summary = read_body(lines, manifest, specs, add_rows, add_file)
            if written:
                durable.sync_folder(uploads_dir)
            _reset_sequences(connection, specs)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return summary
