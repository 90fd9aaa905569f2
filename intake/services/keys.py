"""Content-key rotation: a new content key, every ciphertext re-encrypted under it, then
the old keys retired once nothing uses them.

What is re-encrypted is found, not listed: every ``*_enc`` column of every model in
``intake.models`` (bound to table, column without ``_enc``, row id), and each attachment's
file under the uploads folder (bound to ``attachments``/``data``/attachment id).

Rotation is resumable. If any ciphertext is under a key other than the active one, a run
carries on re-encrypting (a resume); only when everything is under the active key does it
add a new key, and it saves the key files before it touches a single row, so an
interrupted run never leaves ciphertext under a key that exists nowhere but in memory.
Rows go in batches ordered by ``id``, each batch locked (``FOR UPDATE`` on PostgreSQL; on
SQLite every write transaction holds the write lock) and committed on its own; files are
replaced atomically. Interrupting a run at any moment loses nothing.

Web workers pick up the new key file within ``services.keyring.RELOAD_INTERVAL_SECONDS``. One that
filed under the old key in that moment leaves a straggler; ``retire_old_keys`` scans
everything first and refuses while anything is left, and running the rotation again
re-encrypts what is left.

The session must hold no pending work of its own: each batch commits.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from intake import crypto, durable
from intake.models import Attachment
from intake.row_security import host_wide_session
from intake.services import DbSession
from intake.services.audit import ACTOR_SYSTEM, record
from intake.services.ciphertext_scan import (
    binding_column,
    count_work,
    encrypted_columns,
    file_key_id,
    key_id_of,
    mapped_table,
    pages,
    row_key,
    scan,
)

BATCH_SIZE = 500
# Before retiring, the new key file must be this old, so that every worker has reloaded it
# (services.keyring.RELOAD_INTERVAL_SECONDS) and no request that began with the old keyring is
# still writing. Tests set it to 0.
RETIRE_GRACE_SECONDS = 5.0
ATTACHMENT_FILE_TABLE = "attachments"
ATTACHMENT_FILE_COLUMN = "data"

Progress = Callable[[int, int], None]


class KeyRotationError(Exception):
    """Rotation or retirement cannot go on; the message says why and what to do."""


class KeysStillInUse(KeyRotationError):
    """Retirement refused: some ciphertext is still under a key that would be removed."""

    def __init__(self, values: Counter[str], files: Counter[str]) -> None:
        self.values = values
        self.files = files
        keys = ", ".join(sorted(set(values) | set(files)))
        super().__init__(
            f"{sum(values.values())} values and {sum(files.values())} files are still "
            f"under content key(s) {keys}; run `flask --app wsgi intake rotate-keys` "
            "(it resumes) and retire again"
        )


@dataclass(frozen=True)
class RotationReport:
    new_key_id: str | None  # None when this run resumed an earlier one
    active_key_id: str
    rows_reencrypted: int
    values_reencrypted: int  # column values; a row may hold several
    files_reencrypted: int
    missing_files: tuple[str, ...]  # ids of attachments whose file is not there
    keyring: crypto.Keyring = field(repr=False, compare=False)  # as saved; holds the new key


def _now() -> datetime:
    return datetime.now(UTC)


@contextmanager
def _exclusive(keys_dir: Path) -> Iterator[None]:
    """One rotation or retirement at a time: two would each add (or drop) a key."""
    fd = os.open(keys_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise KeyRotationError(
                "another key rotation or retirement is running on these keys"
            ) from exc
        yield
    finally:
        os.close(fd)  # releases the lock


def _keyring_on_disk(keyring: crypto.Keyring, keys_dir: Path) -> crypto.Keyring:
    """The key files are the truth: never save keys over ones that this process missed."""
    try:
        disk = crypto.load_keyring(keys_dir)
    except crypto.KeyMissing as exc:
        raise KeyRotationError(f"cannot rotate: {exc}") from exc
    # A key missing from the files was retired since this process loaded them: harmless.
    # The same id with other bytes, or another pepper, is another installation's keyring.
    if (
        any(disk.content_keys.get(kid, key) != key for kid, key in keyring.content_keys.items())
        or disk.tracking_pepper != keyring.tracking_pepper
        or disk.audit_key != keyring.audit_key
    ):
        raise KeyRotationError(
            f"the keyring in use does not match the key files in {keys_dir}; "
            "is INTAKE_KEYS_PATH right, or were they changed by hand?"
        )
    return disk


def _reencrypt(
    keyring: crypto.Keyring, blob: bytes, *, table: str, column: str, row_id: str
) -> bytes:
    try:
        plaintext = crypto.decrypt_field(keyring, blob, table=table, column=column, row_id=row_id)
    except crypto.DecryptionFailed as exc:
        raise KeyRotationError(
            f"{table}.{column} of row {row_id} (key {key_id_of(blob)}) does not decrypt: "
            f"{exc}; rotation stopped there, everything before it is done"
        ) from exc
    return crypto.encrypt_field(keyring, plaintext, table=table, column=column, row_id=row_id)


def _rotate_batch(
    session: DbSession,
    keyring: crypto.Keyring,
    table: sa.Table,
    names: list[str],
    rows: Sequence[sa.Row[Any]],
) -> tuple[int, int]:
    """Re-encrypt what in ``rows`` is not under the active key; returns (rows, values)."""
    active = keyring.active_content_key
    # Rotation is not an edit: columns that stamp themselves on update keep their value.
    unchanged = {c.name: c for c in table.columns if c.onupdate is not None}
    updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    values = 0
    for row in rows:
        params: dict[str, Any] = {"_row_id": row.id}
        for name in names:
            blob = row._mapping[name]
            if blob is None or key_id_of(blob) == active:
                continue
            params[f"_new_{name}"] = _reencrypt(
                keyring, blob, table=table.name, column=binding_column(name), row_id=str(row.id)
            )
        changed = tuple(name for name in names if f"_new_{name}" in params)
        if changed:
            updates.setdefault(changed, []).append(params)
            values += len(changed)
    for changed, batch in updates.items():
        statement = (
            table.update()
            .where(row_key(table) == sa.bindparam("_row_id"))
            .values({**unchanged, **{name: sa.bindparam(f"_new_{name}") for name in changed}})
        )
        session.execute(statement, batch)
    return sum(len(batch) for batch in updates.values()), values


def rotate_content_key(
    session: DbSession,
    keyring: crypto.Keyring,
    keys_dir: Path,
    uploads_dir: Path,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
) -> RotationReport:
    """Put every ciphertext under a new content key, or finish an interrupted rotation.

    ``progress(done, total)`` is called after each committed batch (rows, then files).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    keys_dir, uploads_dir = Path(keys_dir), Path(uploads_dir)
    with _exclusive(keys_dir):
        keyring = _keyring_on_disk(keyring, keys_dir)
        try:
            # One keyring for the installation: every organisation's ciphertexts.
            with host_wide_session(session):
                return _rotate(session, keyring, keys_dir, uploads_dir, batch_size, progress)
        except BaseException:
            session.rollback()
            raise


def _rotate(
    session: DbSession,
    keyring: crypto.Keyring,
    keys_dir: Path,
    uploads_dir: Path,
    batch_size: int,
    progress: Progress | None,
) -> RotationReport:
    new_key_id = None
    if not scan(session, keyring.active_content_key, uploads_dir, batch_size, stop_at_first=True):
        keyring = crypto.add_content_key(keyring)
        new_key_id = keyring.active_content_key
        record(
            session,
            keyring,
            "key.content_rotated",
            actor=ACTOR_SYSTEM,
            now=_now(),
            detail=f"new key {new_key_id}",
        )
        # Saved before any row is touched: whatever is written next, its key is on disk.
        crypto.save_keyring(keyring, keys_dir)
        session.commit()

    discovered = encrypted_columns()
    total = count_work(session, [mapped_table(model) for model, _ in discovered])
    done = rows_changed = values_changed = files_changed = 0
    for model, names in discovered:
        table = mapped_table(model)
        columns = [table.c[name] for name in names]
        for rows in pages(session, table, columns, batch_size, lock=True):
            changed_rows, changed_values = _rotate_batch(session, keyring, table, names, rows)
            session.commit()
            rows_changed += changed_rows
            values_changed += changed_values
            done += len(rows)
            if progress is not None:
                progress(done, total)

    missing: list[str] = []
    attachments = mapped_table(Attachment)
    active = keyring.active_content_key
    for rows in pages(session, attachments, [attachments.c.stored_name], batch_size):
        session.rollback()  # no transaction (nor SQLite's write lock) while files are written
        replaced = False
        for row in rows:
            path = uploads_dir / row.stored_name
            kid = file_key_id(path)
            if kid is None:
                missing.append(str(row.id))
                continue
            if kid == active:
                continue
            blob = _reencrypt(
                keyring,
                path.read_bytes(),
                table=ATTACHMENT_FILE_TABLE,
                column=ATTACHMENT_FILE_COLUMN,
                row_id=str(row.id),
            )
            durable.replace(path, blob, ".rotating")
            replaced = True
            files_changed += 1
        if replaced:
            durable.sync_folder(uploads_dir)
        done += len(rows)
        if progress is not None:
            progress(done, total)

    return RotationReport(
        new_key_id=new_key_id,
        active_key_id=active,
        rows_reencrypted=rows_changed,
        values_reencrypted=values_changed,
        files_reencrypted=files_changed,
        missing_files=tuple(missing),
        keyring=keyring,
    )


def _wait_for_workers(keys_dir: Path) -> None:
    """Give every worker time to load the newest key file before old keys go."""
    try:
        age = time.time() - (keys_dir / crypto.CONTENT_KEYS_FILE).stat().st_mtime
    except OSError:
        return
    age = max(age, 0.0)  # a file stamped in the future (clock skew): wait the whole time
    if age < RETIRE_GRACE_SECONDS:
        time.sleep(RETIRE_GRACE_SECONDS - age)


def retire_old_keys(
    session: DbSession,
    keyring: crypto.Keyring,
    keys_dir: Path,
    uploads_dir: Path,
    *,
    batch_size: int = BATCH_SIZE,
) -> list[str]:
    """Remove every content key but the active one from the key files; returns their ids.

    Scans every ciphertext first and raises ``KeysStillInUse`` if any is under another key.
    Anything encrypted under a retired key (old backups, receipts still in a browser) can
    no longer be read with these key files.
    """
    keys_dir, uploads_dir = Path(keys_dir), Path(uploads_dir)
    with _exclusive(keys_dir):
        keyring = _keyring_on_disk(keyring, keys_dir)
        old = sorted(kid for kid in keyring.content_keys if kid != keyring.active_content_key)
        if not old:
            return []
        _wait_for_workers(keys_dir)
        try:
            with host_wide_session(session):  # a key goes only when no organisation uses it
                active = keyring.active_content_key
                usage = scan(session, active, uploads_dir, batch_size, stop_at_first=False)
            if usage:
                raise KeysStillInUse(usage.values, usage.files)
            retired = crypto.retire_content_keys(keyring, keep=set())
            detail = f"retired {', '.join(old)}"
            record(
                session,
                retired,
                "key.content_retired",
                actor=ACTOR_SYSTEM,
                now=_now(),
                detail=detail if len(detail) <= 200 else f"retired {len(old)} keys",
            )
            crypto.save_keyring(retired, keys_dir)
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return old


def missing_content_keys(
    session: DbSession, keyring: crypto.Keyring, uploads_dir: Path, *, batch_size: int = BATCH_SIZE
) -> set[str]:
    """Ids of content keys that some value or file is under but the key files lack."""
    with host_wide_session(session):
        usage = scan(
            session, keyring.active_content_key, uploads_dir, batch_size, stop_at_first=False
        )
    return (set(usage.values) | set(usage.files)) - set(keyring.content_keys)
