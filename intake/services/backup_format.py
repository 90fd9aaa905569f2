"""The backup archive's format: JSON lines, gzip-compressed, inside ``crypto.BackupWriter``.

    {"format": "intake-backup", "version": 1, "created_at", "engine", "revision", "tables"}
    {"table": name}, then one JSON array per row, then {"rows": n}     (every table)
    {"file": stored name, "size": n, "sha256": hex}, then {"data": base64}...
    {"end": {"tables": {name: rows}, "files": n}}

Values go in and out as the database driver hands them over, with no SQLAlchemy type in
between. Reading checks every line as it comes, so a damaged, cut or reordered archive is
refused with a reason and never half-read. ``intake.services.backup`` writes and restores.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

import sqlalchemy as sa

from intake import crypto

ARCHIVE_FORMAT = "intake-backup"
ARCHIVE_VERSION = 1
ROW_BATCH = 1000
FILE_PIECE = 48 * 1024  # bytes of a file per line: 64 KiB once in base64
STORED_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class ArchiveSummary:
    created_at: str
    engine: str
    revision: str
    tables: dict[str, int]
    files: int
    file_bytes: int

    def rows(self, table: str) -> int:
        return self.tables.get(table, 0)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: list[str]
    order: list[str]

    def raw(self) -> sa.TableClause:
        """The table with untyped columns: values pass through as the driver has them."""
        return sa.table(self.name, *(sa.column(name) for name in self.columns))


# --- Values ------------------------------------------------------------------------


def encode_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    raise BackupError(f"a value of type {type(value).__name__} cannot be archived")


def decode_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "b" in value:
        return base64.b64decode(value["b"], validate=True)
    if "t" in value:
        return datetime.fromisoformat(value["t"])
    if "d" in value:
        return date.fromisoformat(value["d"])
    if "n" in value:
        return Decimal(value["n"])
    raise BackupError("the archive holds a value of an unknown kind")


class LineWriter:
    def __init__(self, out: Any) -> None:
        self._out = out

    def write(self, item: Any) -> None:
        text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        self._out.write(text.encode("utf-8") + b"\n")


# --- Reading -----------------------------------------------------------------------


DAMAGED = "the archive is damaged"


class LineReader:
    """The archive's JSON lines, each checked as it is read."""

    def __init__(self, archive: BinaryIO, keyring: crypto.Keyring) -> None:
        try:
            sealed = crypto.BackupReader(archive, keyring)
        except crypto.NotABackup as exc:
            raise BackupError(str(exc)) from exc
        except crypto.BackupKeysDiffer as exc:
            raise BackupError(
                f"{exc}: put the keys folder that was kept with this archive in place first"
            ) from exc
        self._source = gzip.GzipFile(fileobj=io.BufferedReader(sealed, crypto.BACKUP_CHUNK))

    @classmethod
    def of_stream(cls, sealed: crypto.BackupReader) -> LineReader:
        """Lines of a stream already opened (an organisation's export, under a passphrase)."""
        lines = cls.__new__(cls)
        lines._source = gzip.GzipFile(fileobj=io.BufferedReader(sealed, crypto.BACKUP_CHUNK))
        return lines

    def next(self) -> Any:
        line = self._readline()
        if not line:
            raise BackupError(f"{DAMAGED}: it ends early")
        try:
            return json.loads(line)
        except ValueError as exc:
            raise BackupError(f"{DAMAGED}: a line does not read") from exc

    def expect_end(self) -> None:
        if self._readline():
            raise BackupError(f"{DAMAGED}: something follows its end")

    def _readline(self) -> bytes:
        try:
            return self._source.readline()
        except crypto.DecryptionFailed as exc:
            raise BackupError(f"{exc} (or it was made with other keys)") from exc
        except (OSError, EOFError, zlib.error) as exc:
            raise BackupError(f"{DAMAGED}: it does not decompress") from exc


def read_manifest(lines: LineReader) -> tuple[dict[str, Any], list[TableSpec]]:
    manifest = lines.next()
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{DAMAGED}: it does not start with its description")
    if manifest.get("version") != ARCHIVE_VERSION:
        raise BackupError(f"archive version {manifest.get('version')} is not known here")
    try:
        specs = [TableSpec(t["name"], list(t["columns"]), []) for t in manifest["tables"]]
    except (KeyError, TypeError) as exc:
        raise BackupError(f"{DAMAGED}: its table list does not read") from exc
    return manifest, specs


RowsSink = Callable[[TableSpec, list[list[Any]]], None]
FileSink = Callable[[str, bytes], None]


def read_body(
    lines: LineReader,
    manifest: dict[str, Any],
    specs: list[TableSpec],
    rows_sink: RowsSink,
    file_sink: FileSink,
) -> ArchiveSummary:
    counts = {spec.name: _read_table(lines, spec, rows_sink) for spec in specs}
    files = file_bytes = 0
    while True:
        item = lines.next()
        if isinstance(item, dict) and "end" in item:
            break
        name, data = _read_file(lines, item)
        file_sink(name, data)
        files += 1
        file_bytes += len(data)
    lines.expect_end()
    if item["end"] != {"tables": counts, "files": files}:
        raise BackupError(f"{DAMAGED}: its counts do not match what it holds")
    return ArchiveSummary(
        str(manifest.get("created_at")),
        str(manifest.get("engine")),
        str(manifest.get("revision")),
        counts,
        files,
        file_bytes,
    )


def _read_table(lines: LineReader, spec: TableSpec, rows_sink: RowsSink) -> int:
    if lines.next() != {"table": spec.name}:
        raise BackupError(f"{DAMAGED}: table {spec.name} is not where it should be")
    batch: list[list[Any]] = []
    count = 0
    while True:
        item = lines.next()
        if isinstance(item, dict):
            if item != {"rows": count}:
                raise BackupError(f"{DAMAGED}: table {spec.name} does not end as it should")
            break
        if not isinstance(item, list) or len(item) != len(spec.columns):
            raise BackupError(f"{DAMAGED}: a row of {spec.name} has the wrong shape")
        try:
            batch.append([decode_value(value) for value in item])
        except (ValueError, binascii.Error) as exc:
            raise BackupError(f"{DAMAGED}: a value in {spec.name} does not read") from exc
        count += 1
        if len(batch) >= ROW_BATCH:
            rows_sink(spec, batch)
            batch = []
    if batch:
        rows_sink(spec, batch)
    return count


def _read_file(lines: LineReader, head: Any) -> tuple[str, bytes]:
    try:
        name, size, digest = head["file"], int(head["size"]), str(head["sha256"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"{DAMAGED}: a file's description does not read") from exc
    if not isinstance(name, str) or not STORED_NAME.fullmatch(name):
        raise BackupError(f"{DAMAGED}: a file has an unusable name")
    pieces: list[bytes] = []
    received = 0
    while received < size:
        item = lines.next()
        try:
            piece = base64.b64decode(item["data"], validate=True)
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise BackupError(f"{DAMAGED}: file {name} does not read") from exc
        pieces.append(piece)
        received += len(piece)
    data = b"".join(pieces)
    if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
        raise BackupError(f"{DAMAGED}: file {name} is not the file that was saved")
    return name, data
