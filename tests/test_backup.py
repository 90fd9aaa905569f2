"""Backups: an encrypted archive taken while the system runs, restored onto a fresh instance.

Each test builds real instances the way an operator does (`intake init`, demo data, cases
filed through the public forms with files attached), on the tier's engine: a SQLite file,
or a new database on the suite's PostgreSQL server.
"""

from __future__ import annotations

import io
import re
import secrets
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade

from intake import crypto
from intake.database import read_snapshot
from intake.extensions import db
from intake.models import Attachment, AuditEntry, Case, CaseKind, User
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.public_status import find_by_code
from tests.support.backup import backup_of, close_instances, dump, make_instance, restored_instance  # noqa: F401
from tests.support.builders import VALID_NATIONAL_ID, complaint_form, tip_form
from tests.support.cli import run_intake

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits

CODE = re.compile(r'id="tracking-code"[^>]*>([0-9 ]+)<')
DEMO_CASES = 120


def _pdf(size: int) -> bytes:
    """A real PDF (tips keep only files their metadata can be removed from), with random
    bytes inside so the archive cannot compress it away."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.Padding = document.make_stream(secrets.token_bytes(size))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _file(client: FlaskClient, path: str, form: dict[str, Any]) -> str:
    response = client.post(path, data=form, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:1500]
    found = CODE.search(client.get("/receipt").get_data(as_text=True))
    assert found is not None
    return found.group(1)


def _source(tmp_path: Path, postgres: Any) -> tuple[Flask, list[str]]:
    """An instance with demo cases and some filed through the forms, files attached."""
    app = make_instance(tmp_path, "source", postgres)
    run_intake(app, "init")
    run_intake(app, "demo-data", "--cases", str(DEMO_CASES), "--seed", "7")
    client = app.test_client()
    codes = []
    for n in range(3):
        files = [(io.BytesIO(_pdf(90_000)), f"หลักฐาน-{n}.pdf"), (io.BytesIO(_pdf(10)), "b.pdf")]
        codes.append(_file(client, "/complaints/new", {**complaint_form(), "attachments": files}))
    named_tip = tip_form(
        anonymous="",
        reporter_name="สมหญิง กล้าหาญ",
        reporter_phone="0812345678",
        reporter_national_id=VALID_NATIONAL_ID,
        attachments=[(io.BytesIO(_pdf(200_000)), "ใบเสร็จ.pdf")],
    )
    codes.append(_file(client, "/tips/new", named_tip))
    return app, codes


def _files(app: Flask) -> dict[str, bytes]:
    uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
    return {path.name: path.read_bytes() for path in uploads.iterdir()} if uploads.exists() else {}


def test_round_trip_gives_back_every_row_file_and_audit_entry(
    tmp_path: Path, postgres: Any
) -> None:
    source, codes = _source(tmp_path, postgres)
    before, files_before = dump(source), _files(source)
    assert len(before["attachments"]) == 7 and len(files_before) == 7
    archive = backup_of(source, tmp_path)
    assert archive.stat().st_mode & 0o777 == 0o600

    # the archive gives nothing away: no reference, no name, no text in it, even compressed
    blob = archive.read_bytes()
    for visible in ("รร-", "สมหญิง", "ไฟถนน", "intake-backup", "case_events"):
        assert visible.encode() not in blob
    assert b"%PDF" not in blob

    target = restored_instance(tmp_path, source, archive, postgres, "target")
    after = dump(target)
    assert before.keys() == after.keys()
    for table in before:
        if table in ("audit_log", "audit_head"):
            continue
        assert after[table] == before[table], table
    # the audit log: every entry as it was, then the restore's own entry
    assert after["audit_log"][: len(before["audit_log"])] == before["audit_log"]
    extra = after["audit_log"][len(before["audit_log"]) :]
    assert [row[3] for row in extra] == ["backup.restored"]
    assert _files(target) == files_before

    # and the restored instance works: the chain verifies, the statistics are a true
    # recount, a complainant's code still finds the case, a new filing follows on
    run_intake(target, "audit-verify")
    run_intake(target, "stats-check")
    with target.app_context():
        keyring = current_keyring()
        for code in codes:
            case = find_by_code(db.session, keyring, code)
            assert case is not None
            subject = crypto.decrypt_text(
                keyring, case.subject_enc, table="cases", column="subject", row_id=case.id
            )
            assert subject
        for attachment in db.session.scalars(sa.select(Attachment)):
            name = crypto.decrypt_text(
                keyring,
                attachment.name_enc,
                table="attachments",
                column="name",
                row_id=attachment.id,
            )
            assert name.endswith(".pdf")
        db.session.rollback()
    client = target.test_client()
    status = client.post("/track", data={"code": codes[0]})
    assert status.status_code == 200 and 'id="case-status"' in status.get_data(as_text=True)
    _file(client, "/complaints/new", complaint_form())
    # numbered rows carry on from the restored ones (PostgreSQL's sequences moved too)
    run_intake(
        target, "create-user", "newcomer", "--role", "legal", "--password", "a long password 1"
    )
    with target.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == (
            len(before["users"]) + 1
        )
        references = db.session.scalars(sa.select(Case.reference)).all()
        assert len(references) == len(set(references)) == len(before["cases"]) + 1
        db.session.rollback()
        db.engine.dispose()


def test_backup_is_consistent_while_people_keep_filing(tmp_path: Path, postgres: Any) -> None:
    source, _codes = _source(tmp_path, postgres)
    stop = threading.Event()
    errors: list[BaseException] = []
    filed = [0]

    def visitor() -> None:
        client = source.test_client()
        try:
            while not stop.is_set():
                files = [(io.BytesIO(_pdf(1_000)), "x.pdf")]
                _file(client, "/complaints/new", {**complaint_form(), "attachments": files})
                filed[0] += 1
        except BaseException as exc:  # reported to the main thread
            errors.append(exc)

    folders = [tmp_path / f"run{n}" for n in range(3)]
    for folder in folders:
        folder.mkdir()
    threads = [threading.Thread(target=visitor) for _ in range(3)]
    for thread in threads:
        thread.start()
    archives, during = [], 0
    try:
        while filed[0] == 0 and not errors:  # the visitors are at work
            time.sleep(0.01)
        for folder in folders:
            before = filed[0]
            archives.append(backup_of(source, folder))
            during += filed[0] - before
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    # filings went on while the backups read (a backup that locked writers out shows here)
    assert errors == [] and during > 0
    for archive in archives:
        assert "whole and readable" in run_intake(source, "restore", "--check", str(archive))

    # the last archive, restored: every case whole, with its files, its filing event and
    # audit entry; the tallies agree with the cases; the audit chain ends at its head
    target = restored_instance(tmp_path, source, archives[-1], postgres, "target")
    run_intake(target, "stats-check")
    uploads = Path(target.config["INTAKE_UPLOADS_PATH"])
    with target.app_context():
        cases = db.session.scalars(sa.select(Case)).all()
        for attachment in db.session.scalars(sa.select(Attachment)):
            assert (uploads / attachment.stored_name).is_file()
        filed = set(
            db.session.scalars(
                sa.select(AuditEntry.case_id).where(AuditEntry.action == "case.filed")
            )
        )
        # the demo cases are loaded without one; every filing through a form has one
        assert filed <= {case.id for case in cases}
        assert len(filed) == len(cases) - DEMO_CASES
        assert all(case.events for case in cases)
        db.session.rollback()
        db.engine.dispose()


def test_a_snapshot_does_not_block_writers_and_does_not_see_them(app: Flask) -> None:
    uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
    count = sa.select(sa.func.count()).select_from(Case)
    with app.app_context():
        keyring = current_keyring()
        with read_snapshot(db.engine) as snapshot:
            before = snapshot.execute(count).scalar_one()
            data = FilingInput(kind=CaseKind.COMPLAINT, subject="เรื่อง", details="รายละเอียด")
            file_case(db.session, keyring, uploads, data, datetime.now(UTC))  # commits
            assert snapshot.execute(count).scalar_one() == before
        assert db.session.scalar(count) == before + 1
        db.session.rollback()


def _nothing_restored(app: Flask) -> None:
    with app.app_context():
        if sa.inspect(db.engine).has_table("cases"):  # the schema may have been built
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
        db.session.rollback()
        db.engine.dispose()
    assert _files(app) == {}


def test_a_damaged_cut_or_foreign_archive_restores_nothing(tmp_path: Path, postgres: Any) -> None:
    source, _codes = _source(tmp_path, postgres)
    archive = backup_of(source, tmp_path)
    blob = archive.read_bytes()
    flipped = bytearray(blob)
    flipped[len(blob) // 2] ^= 0x01
    (tmp_path / "flipped.backup").write_bytes(bytes(flipped))
    (tmp_path / "cut.backup").write_bytes(blob[:-100])  # rows first, then cut in the files
    (tmp_path / "empty.backup").write_bytes(b"")

    target = make_instance(
        tmp_path, "target", postgres, keys_from=Path(source.config["INTAKE_KEYS_PATH"])
    )
    for bad in ("flipped", "cut"):
        path = str(tmp_path / f"{bad}.backup")
        assert "damaged, altered or cut off" in run_intake(
            target, "restore", "--check", path, ok=False
        )
        output = run_intake(target, "restore", path, ok=False)
        assert "nothing restored" in output and "damaged, altered or cut off" in output
        _nothing_restored(target)
    output = run_intake(target, "restore", str(tmp_path / "empty.backup"), ok=False)
    assert "not an Intake backup archive" in output

    # another instance's keys: said at once, with both fingerprints
    stranger = make_instance(tmp_path, "stranger", postgres)
    output = run_intake(stranger, "restore", str(archive), ok=False)
    with source.app_context():
        fingerprint = crypto.keys_fingerprint(current_keyring())
    assert f"the archive was made with keys {fingerprint}" in output
    _nothing_restored(stranger)

    # the good archive then restores where the bad ones failed; not a second time
    assert "audit log intact" in run_intake(target, "restore", str(archive))
    assert "not empty" in run_intake(target, "restore", str(archive), ok=False)


def test_an_archive_from_an_older_schema_is_restored_and_upgraded(
    tmp_path: Path, postgres: Any
) -> None:
    # Given an archive taken by the previous version (its schema one revision back)
    source, codes = _source(tmp_path, postgres)
    with source.app_context():
        downgrade(revision="-1")
        with db.engine.connect() as connection:
            older = MigrationContext.configure(connection).get_current_revision()
        db.engine.dispose()
    archive = backup_of(source, tmp_path)
    with source.app_context():
        upgrade()
        db.engine.dispose()
    assert f"schema {older}," in run_intake(source, "restore", "--check", str(archive))

    # When it is restored with this version, it is loaded as it was and then upgraded
    target = restored_instance(tmp_path, source, archive, postgres, "target")
    run_intake(target, "audit-verify")
    with target.app_context():
        assert find_by_code(db.session, current_keyring(), codes[-1]) is not None
        organisation_years = db.session.execute(
            sa.text("SELECT tip_identity_years FROM organisation")
        ).scalar()
        db.session.rollback()
    assert organisation_years == 10  # the new column, filled in by the upgrade


def test_an_archive_is_never_written_beside_its_keys(tmp_path: Path, postgres: Any) -> None:
    app = make_instance(tmp_path, "source", postgres)
    run_intake(app, "init")
    keys = Path(app.config["INTAKE_KEYS_PATH"])
    result = app.test_cli_runner().invoke(args=["intake", "backup", "--output", str(keys)])
    assert result.exit_code != 0 and "keys folder" in result.output
    assert sorted(p.name for p in keys.iterdir()) == sorted(crypto.KEY_FILES)
    result = app.test_cli_runner().invoke(args=["intake", "backup"])
    assert result.exit_code != 0 and "--output" in result.output
    instance = Path(app.config["INTAKE_INSTANCE_PATH"])
    output = run_intake(app, "backup", "--output", str(instance))
    assert "warning: the archive is inside the instance folder" in output
