"""A stolen server opens no revealed identity: with a reveal running, everything the
server holds — every row of every table, the keys folder, and a backup archive taken
during the window — gives the tipster's identity to no one without the requester's
password.

The thief's tools are the keys folder's keyring and every plausible binding: each bytes
value of each row is tried under every content key, with every column name of its table
(with and without its ``_enc``/``_sealed`` ending, and ``revealed``) and every value of
its row as the row id. A control shows the same search opens the tip's subject.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from intake import create_app, crypto
from intake.extensions import db
from intake.models import Case, RevealRequest, RevealStatus, Role
from intake.row_security import open_every_organisation
from intake.services import backup_format
from intake.services.reveal import approve_reveal, request_reveal
from intake.services.users import find_user
from tests.support.builders import VALID_NATIONAL_ID, tip_form
from tests.support.cli import run_intake
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.staff import make_staff, sign_in

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits

TIPSTER = "ZZREVEALEDNAME สมหญิง กล้าหาญ"
PHONE = "0812345679"
SUBJECT = "ZZSUBJECTMARKER เรียกรับเงินค่าใบอนุญาต"
REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงก่อนส่งเรื่องให้ ป.ป.ช."
IDENTITY_MARKERS = ["ZZREVEALEDNAME", "สมหญิง กล้าหาญ", PHONE, VALID_NATIONAL_ID]
ARCHIVE = re.compile(r"archive: (\S+) ")

Rows = dict[str, tuple[list[str], list[Sequence[Any]]]]


@pytest.fixture
def instance(tmp_path: Path, postgres: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An instance set up as an operator does (`intake init`), on the tier's engine."""
    monkeypatch.setenv("INTAKE_CUSTODIAN_PASSPHRASE", CUSTODIAN_PASSPHRASE)
    folder = tmp_path / "instance"
    if postgres is not None:
        url = postgres.create_database(f"stolen_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{folder / 'intake.sqlite'}"
    app = create_app(
        {
            "INTAKE_ENV": "testing",
            "INTAKE_INSTANCE_PATH": str(folder),
            "SECRET_KEY": "test-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    run_intake(app, "init", "--no-demo")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _running_reveal(app: Flask) -> str:
    """A named tip; a legal officer who signed in asks; the custodian approves."""
    tip = tip_form(
        anonymous="",
        subject=SUBJECT,
        reporter_name=TIPSTER,
        reporter_phone=PHONE,
        reporter_national_id=VALID_NATIONAL_ID,
    )
    file_and_read_receipt(app.test_client(), "/tips/new", tip)
    make_staff(app, "legal1", Role.LEGAL)
    sign_in(app, "legal1")
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    with app.app_context():
        keyring = crypto.load_keyring(Path(app.config["INTAKE_KEYS_PATH"]))
        legal, custodian = find_user(db.session, "legal1"), find_user(db.session, CUSTODIAN)
        assert legal is not None and custodian is not None
        case_id = db.session.scalars(sa.select(Case.id)).one()
        request = request_reveal(db.session, keyring, legal, case_id, REASON, now)
        approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, request.id, now)
        approved = db.session.get(RevealRequest, request.id)
        assert approved is not None and approved.status is RevealStatus.APPROVED
        return request.id


def _database_rows(app: Flask) -> Rows:
    """Every row of every table, read by reflection (not through the application)."""
    with app.app_context():
        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine)
        with db.engine.connect() as connection:
            open_every_organisation(connection)  # a thief reads as the database's owner
            return {
                table.name: (
                    [column.name for column in table.columns],
                    [tuple(row) for row in connection.execute(sa.select(table))],
                )
                for table in metadata.sorted_tables
            }


def _archive_rows(archive: Path, keyring: crypto.Keyring) -> Rows:
    """Every row in a backup archive, decrypted with the keys folder as `restore` does."""
    found: Rows = {}

    def take(spec: Any, rows: list[list[Any]]) -> None:
        found.setdefault(spec.name, (list(spec.columns), []))[1].extend(rows)

    with archive.open("rb") as raw:
        lines = backup_format.LineReader(raw, keyring)
        manifest, specs = backup_format.read_manifest(lines)
        backup_format.read_body(lines, manifest, specs, take, lambda _name, _data: None)
    return found


def _bindings(table: str, columns: list[str], row: Sequence[Any]) -> Iterable[tuple[str, str]]:
    names = {"revealed"}
    for name in columns:
        names |= {name, name.removesuffix("_enc"), name.removesuffix("_sealed")}
    ids = {str(value) for value in row if isinstance(value, str | int) and value is not None}
    return [(name, row_id) for name in sorted(names) for row_id in sorted(ids)]


def _everything_the_thief_reads(rows: Rows, keyring: crypto.Keyring) -> list[bytes]:
    """Every value in plain, and every value that any content key opens."""
    read: list[bytes] = []
    for table, (columns, table_rows) in rows.items():
        for row in table_rows:
            bindings = _bindings(table, columns, row)
            for value in row:
                if isinstance(value, str):
                    read.append(value.encode("utf-8"))
                if not isinstance(value, bytes | bytearray | memoryview):
                    continue
                blob = bytes(value)
                read.append(blob)
                for column, row_id in bindings:
                    try:
                        read.append(
                            crypto.decrypt_field(
                                keyring, blob, table=table, column=column, row_id=row_id
                            )
                        )
                    except crypto.CryptoError:
                        continue
    return read


def _identity_in(read: list[bytes]) -> list[str]:
    return sorted({m for m in IDENTITY_MARKERS for value in read if m.encode("utf-8") in value})


def test_database_keys_folder_and_a_backup_taken_during_the_window_open_no_identity(
    instance: Flask, tmp_path: Path
) -> None:
    # Given a reveal running for a legal officer, and a backup taken meanwhile
    _running_reveal(instance)
    output = run_intake(instance, "backup", "--output", str(tmp_path))
    found = ARCHIVE.search(output)
    assert found is not None, output
    archive = Path(found.group(1))

    # When a thief holds the database, the keys folder and the archive
    keyring = crypto.load_keyring(Path(instance.config["INTAKE_KEYS_PATH"]))
    from_database = _everything_the_thief_reads(_database_rows(instance), keyring)
    from_archive = _everything_the_thief_reads(_archive_rows(archive, keyring), keyring)

    # Then the search works (it opens the tip's subject everywhere)...
    for read in (from_database, from_archive):
        assert any(b"ZZSUBJECTMARKER" in value for value in read)
    # ...and finds no part of the identity, in the database or in the archive
    assert _identity_in(from_database) == []
    assert _identity_in(from_archive) == []
