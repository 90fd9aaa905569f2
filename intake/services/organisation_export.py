"""One organisation taken out whole, and put in on another host.

An export holds everything of one organisation: its row of ``organisation``, its rows of
every other table, its attachment files and its keyring (content keys, tracking pepper,
audit key). It is the backup archive's format (``backup_format``: JSON lines, gzip, the
chunked AES-256-GCM stream) behind a head of its own, and it is encrypted under a
passphrase the operator types (scrypt): the other host has none of this host's keys.
Whoever has the file and the passphrase can read the organisation's contents, so the
passphrase travels apart from the file.

Importing makes a new organisation with a new id. Rows whose key is an integer are
numbered anew and every reference to them follows (UUIDs are kept, so identities sealed
to a case still open). What is encrypted under the content key and bound to such a row is
re-encrypted to its new id; what is wrapped under a passphrase or sealed to a custodian
cannot be, so staff accounts and identity keys keep the id they are bound to
(``key_binding_id``). The audit chain comes over entry for entry and verifies with the
organisation's audit key, which comes with it; tracking codes keep working because the
tracking pepper comes too. Staff sessions and sign-in failures stay behind: everyone
signs in again on the new host.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intake import crypto, durable, tallies
from intake.database import read_snapshot
from intake.models import Channel, Organisation
from intake.row_security import open_every_organisation
from intake.services import DbSession
from intake.services.backup import archive_manifest, write_files
from intake.services.backup_format import (
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
from intake.services.ciphertext_scan import ENC_SUFFIX, binding_column

SCHEMA_VERSION_TABLE = "alembic_version"
ORGANISATION_TABLE = "organisation"
ATTACHMENTS_TABLE = "attachments"
# Ended by the move: they name sessions and clients of the old host.
LEFT_BEHIND = frozenset({"staff_sessions", "sign_in_failures", "organisation_deletions"})
# Rows that carry the ids their wrapped or sealed keys are bound to.
BOUND_TO_ID = frozenset({"users", "identity_keys"})
# Tally lines name a category or department by its id, as text.
TALLY_TABLE = "case_tallies"
TALLY_ID_DIMENSIONS = {"category": "categories", "department": "departments"}
# ... and the channel of a case filed through Open311 names its client (tallies.channel_value).
OPEN311_CLIENTS = "open311_clients"


@dataclass(frozen=True)
class ImportReport:
    organisation_id: int
    slug: str
    summary: ArchiveSummary
    keyring: crypto.Keyring


def _schema_revision(connection: Connection) -> str:
    query = sa.text("SELECT version_num FROM alembic_version")
    revisions = connection.execute(query).scalars().all()
    if len(revisions) != 1:
        raise BackupError("the database has no single schema version; run `intake init`")
    return str(revisions[0])


def _owned_specs(connection: Connection) -> list[TableSpec]:
    """The organisation's table and every table with rows of an organisation, parents
    first."""
    metadata = sa.MetaData()
    metadata.reflect(bind=connection)
    specs = []
    for table in metadata.sorted_tables:
        owned = "organisation_id" in table.c or table.name == ORGANISATION_TABLE
        if not owned or table.name in LEFT_BEHIND:
            continue
        columns = [column.name for column in table.columns]
        order = [column.name for column in table.primary_key.columns] or columns
        specs.append(TableSpec(table.name, columns, order))
    # The tallies last: a tally line names categories, departments and Open311 clients by
    # id as text, which an import can renumber only once those rows are in.
    specs.sort(key=lambda spec: spec.name == TALLY_TABLE)
    return specs


def _write_rows(
    connection: Connection, spec: TableSpec, organisation_id: int, lines: LineWriter
) -> tuple[int, list[str]]:
    table = spec.raw()
    owner = "id" if spec.name == ORGANISATION_TABLE else "organisation_id"
    query = sa.select(*table.c).where(sa.column(owner) == organisation_id)
    query = query.order_by(*(table.c[name] for name in spec.order))
    stored_at = spec.columns.index("stored_name") if spec.name == ATTACHMENTS_TABLE else None
    stored: list[str] = []
    lines.write({"table": spec.name})
    count = 0
    for row in connection.execution_options(yield_per=ROW_BATCH).execute(query):
        lines.write([encode_value(value) for value in row])
        if stored_at is not None:
            stored.append(row[stored_at])
        count += 1
    lines.write({"rows": count})
    return count, stored


def export_organisation(
    engine: Engine,
    organisation: Organisation,
    keyring: crypto.Keyring,
    uploads_dir: Path,
    output: BinaryIO,
    passphrase: str,
    *,
    now: datetime,
) -> ArchiveSummary:
    """Write the organisation's export to ``output`` (the caller makes the file durable
    and records the export in the organisation's audit log)."""
    if len(passphrase) < crypto.MIN_PASSPHRASE_LENGTH:
        raise BackupError(
            f"the passphrase must have at least {crypto.MIN_PASSPHRASE_LENGTH} characters"
        )
    writer = crypto.export_writer(output, passphrase)
    with (
        gzip.GzipFile(fileobj=writer, mode="wb", compresslevel=1, mtime=0) as packed,
        read_snapshot(engine) as connection,
    ):
        open_every_organisation(connection)  # its own connection: the rows name their owner
        specs, revision = _owned_specs(connection), _schema_revision(connection)
        lines = LineWriter(packed)
        about = {"id": organisation.id, "slug": organisation.slug}
        lines.write(archive_manifest(now, engine.dialect.name, revision, specs, organisation=about))
        lines.write({"keyring": crypto.keyring_document(keyring)})
        counts: dict[str, int] = {}
        stored_names: list[str] = []
        for spec in specs:
            counts[spec.name], stored = _write_rows(connection, spec, organisation.id, lines)
            stored_names += stored
        files, file_bytes = write_files(uploads_dir, stored_names, lines)
        lines.write({"end": {"tables": counts, "files": files}})
    writer.finish()
    return ArchiveSummary(now.isoformat(), engine.dialect.name, revision, counts, files, file_bytes)


# --- Importing -----------------------------------------------------------------------


class _Renumbering:
    """Inserts an export's rows for a new organisation, following every id that changes."""

    def __init__(self, connection: Connection, keyring: crypto.Keyring, slug: str) -> None:
        self.connection = connection
        self.keyring = keyring
        self.slug = slug
        self.organisation_id: int | None = None
        self.new_ids: dict[str, dict[Any, Any]] = {}
        self.metadata = sa.MetaData()
        self.metadata.reflect(bind=connection)

    def add(self, spec: TableSpec, rows: list[list[Any]]) -> None:
        table = self.metadata.tables.get(spec.name)
        if table is None or {c.name for c in table.columns} != set(spec.columns):
            raise BackupError(f"table {spec.name} of the export does not match the schema here")
        for values in rows:
            row = dict(zip(spec.columns, values, strict=True))
            if spec.name == ORGANISATION_TABLE:
                self._add_organisation(spec, row)
            else:
                self._add_row(spec, table, row)

    def _insert(self, spec: TableSpec, row: dict[str, Any]) -> Any:
        raw = sa.table(spec.name, *(sa.column(name) for name in row), sa.column("id"))
        return self.connection.execute(raw.insert().values(row).returning(raw.c.id)).scalar_one()

    def _add_organisation(self, spec: TableSpec, row: dict[str, Any]) -> None:
        row.pop("id")
        row["slug"] = self.slug
        taken = sa.select(sa.func.count()).select_from(sa.table(ORGANISATION_TABLE))
        if (
            row.get("hostname")
            and self.connection.execute(
                taken.where(sa.column("hostname") == row["hostname"])
            ).scalar_one()
        ):
            row["hostname"] = None  # another organisation here answers at that name
        self.organisation_id = int(self._insert(spec, row))

    def _add_row(self, spec: TableSpec, table: sa.Table, row: dict[str, Any]) -> None:
        if self.organisation_id is None:
            raise BackupError("the export does not start with its organisation")
        row["organisation_id"] = self.organisation_id
        for key in table.foreign_keys:
            numbering = self._numbering_of(key.column)
            if numbering is not None and row.get(key.parent.name) is not None:
                row[key.parent.name] = numbering[row[key.parent.name]]
        if spec.name == TALLY_TABLE and row.get("value"):
            row["value"] = self._tally_value(str(row.get("dimension")), str(row["value"]))
        primary = list(table.primary_key.columns)
        if len(primary) == 1 and primary[0].name == "id" and primary[0].type.python_type is int:
            self._add_renumbered(spec, row)
            return
        raw = sa.table(spec.name, *(sa.column(name) for name in row))
        self.connection.execute(raw.insert().values(row))

    def _tally_value(self, dimension: str, value: str) -> str:
        """A tally line's value with the new id of what it names: a category or department,
        or the Open311 client of a channel ``open311:<client id>``."""
        if dimension in TALLY_ID_DIMENSIONS:
            ids = self.new_ids.get(TALLY_ID_DIMENSIONS[dimension], {})
            return str(ids.get(int(value), value))
        prefix, _, client = value.partition(":")
        if dimension == "channel" and prefix == Channel.OPEN311.value and client.isdigit():
            ids = self.new_ids.get(OPEN311_CLIENTS, {})
            return tallies.channel_value(Channel.OPEN311, ids.get(int(client), int(client)))
        return value

    def _numbering_of(self, column: sa.Column[Any]) -> dict[Any, Any] | None:
        """The new ids of what ``column`` holds: a renumbered table's id, or a column that
        itself points at one (a grant's custodian is a custodian key's user)."""
        while column.table.name not in self.new_ids:
            pointers = list(column.foreign_keys)
            if len(pointers) != 1:
                return None
            column = pointers[0].column
        return self.new_ids[column.table.name] if column.name == "id" else None

    def _add_renumbered(self, spec: TableSpec, row: dict[str, Any]) -> None:
        old_id = row.pop("id")
        if spec.name in BOUND_TO_ID:
            row["key_binding_id"] = row.get("key_binding_id") or old_id
        encrypted = {name: row.pop(name) for name in list(row) if name.endswith(ENC_SUFFIX)}
        # Inserted first without its ciphertexts (they are bound to the id it gets): an
        # empty value stands in where the column takes no NULL.
        columns = self.metadata.tables[spec.name].c
        waiting = {name: None if columns[name].nullable else b"" for name in encrypted}
        new_id = self._insert(spec, {**row, **waiting})
        self.new_ids.setdefault(spec.name, {})[old_id] = new_id
        moved = {
            name: self._rebind(blob, spec.name, name, old_id, new_id)
            for name, blob in encrypted.items()
            if blob is not None
        }
        if moved:
            raw = sa.table(spec.name, sa.column("id"), *(sa.column(name) for name in moved))
            self.connection.execute(raw.update().where(raw.c.id == new_id).values(moved))

    def _rebind(self, blob: bytes, table: str, name: str, old_id: Any, new_id: Any) -> bytes:
        """A value bound to its row's old id, bound to the new one."""
        binding = {"table": table, "column": binding_column(name)}
        try:
            plain = crypto.decrypt_field(self.keyring, blob, **binding, row_id=str(old_id))
        except crypto.DecryptionFailed as exc:
            raise BackupError(f"{table}.{name} of row {old_id} does not decrypt") from exc
        return crypto.encrypt_field(self.keyring, plain, **binding, row_id=str(new_id))


def open_export(archive: BinaryIO, passphrase: str) -> LineReader:
    try:
        return LineReader.of_stream(crypto.export_reader(archive, passphrase))
    except crypto.NotABackup as exc:
        raise BackupError(str(exc)) from exc
    except crypto.WrongExportPassphrase as exc:
        raise BackupError(f"{exc}; nothing imported") from exc


def import_organisation(
    session: DbSession,
    archive: BinaryIO,
    passphrase: str,
    uploads_dir: Path,
    save_keys: Callable[[int, crypto.Keyring], Path],
    *,
    slug: str | None = None,
) -> ImportReport:
    """Load an export as a new organisation, all or nothing, and commit.

    ``save_keys(new id, keyring)`` writes the organisation's key files and returns their
    folder (removed again if anything fails)."""
    lines = open_export(archive, passphrase)
    manifest, specs = read_manifest(lines)
    connection = session.connection()
    if manifest.get("engine") != connection.dialect.name:
        raise BackupError(
            f"the export is of a {manifest.get('engine')} database; this one is "
            f"{connection.dialect.name}"
        )
    if manifest.get("revision") != _schema_revision(connection):
        raise BackupError(
            f"the export's schema is at revision {manifest.get('revision')}, this host's at "
            f"{_schema_revision(connection)}: bring both to the same version first"
        )
    item = lines.next()
    if not isinstance(item, dict) or "keyring" not in item:
        raise BackupError("the export holds no keyring where it should")
    keyring = crypto.keyring_from_document(item["keyring"])
    slug = slug or str(manifest.get("organisation", {}).get("slug", ""))
    taken = sa.select(sa.func.count()).select_from(sa.table(ORGANISATION_TABLE))
    if not slug or connection.execute(taken.where(sa.column("slug") == slug)).scalar_one():
        raise BackupError(f"an organisation {slug!r} is already here: import it with --slug")

    renumbering = _Renumbering(connection, keyring, slug)
    uploads_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    written: list[Path] = []
    keys_dir: Path | None = None

    def add_file(name: str, data: bytes) -> None:
        path = uploads_dir / name
        durable.write_new(path, data)
        written.append(path)

    try:
        summary = read_body(lines, manifest, specs, renumbering.add, add_file)
        if renumbering.organisation_id is None:
            raise BackupError("the export holds no organisation")
        if written:
            durable.sync_folder(uploads_dir)
        keys_dir = save_keys(renumbering.organisation_id, keyring)
        session.commit()
    except BaseException:
        session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        if keys_dir is not None:
            crypto.delete_key_files(keys_dir)
        raise
    keyring.path = keys_dir
    return ImportReport(renumbering.organisation_id, slug, summary, keyring)
