"""`intake org export|import|delete`: one organisation out whole, in again on another host
(readable, its audit chain verifying, its tracking codes and custodians working there),
or deleted with its files and keys while the other organisation stays whole."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select

from intake import crypto
from intake.extensions import db
from intake.models import Attachment, Case, CaseKind, Category, OrganisationDeletion, Role
from intake.organisation_scope import host_wide
from intake.services import audit, host_audit
from intake.services.identity import open_case_identity
from intake.services.keyring import host_keyring, keyring_for
from intake.services.organisations import by_slug
from intake.services.users import create_user, find_user
from tests.support.backup import close_instances, make_instance  # noqa: F401
from tests.support.builders import VALID_NATIONAL_ID, complaint_form, tip_form
from tests.support.cli import run_intake
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt
from tests.support.organisations import add_organisation, working_for

# Other connections read what these tests write.
pytestmark = pytest.mark.commits

SECOND = "second"
PASSPHRASE = "ส่งออก-ผ่าน-ช่องทางอื่น-2569"
TIPSTER = "สมหญิง กล้าหาญ"
OPEN311_CLIENT = "แอปร้องเรียนของจังหวัด"
LINE_TOKEN = "a-long-lived-channel-access-token"


def _host(tmp_path: Path, postgres: Any, name: str) -> Flask:
    app = make_instance(tmp_path, name, postgres)
    run_intake(app, "init")
    return app


def _with_second(tmp_path: Path, postgres: Any) -> tuple[Flask, int, list[str]]:
    """A host with a second organisation that has a complaint with a file and a named tip."""
    app = _host(tmp_path, postgres, "source")
    second = add_organisation(app, SECOND, "เทศบาลตำบลที่สอง")
    client = app.test_client()
    document, pdf = pikepdf.new(), io.BytesIO()
    document.add_blank_page()
    document.save(pdf)
    files = [(io.BytesIO(pdf.getvalue()), "หลักฐาน.pdf")]
    complaint = {**complaint_form(), "attachments": files}
    tip = tip_form(
        anonymous="",
        reporter_name=TIPSTER,
        reporter_phone="0812345678",
        reporter_national_id=VALID_NATIONAL_ID,
    )
    codes = [
        file_and_read_receipt(client, f"/o/{SECOND}/complaints/new", complaint)[1],
        file_and_read_receipt(client, f"/o/{SECOND}/tips/new", tip)[1],
    ]
    file_and_read_receipt(client, "/o/main/complaints/new", complaint_form())
    _open311_and_line(app, second, f"/o/{SECOND}")
    return app, second, codes


def _open311_and_line(app: Flask, organisation_id: int, prefix: str) -> None:
    """An Open311 client that has filed one request, and a connected LINE account."""
    from intake.services import line_account, open311

    with working_for(app, organisation_id), app.app_context():
        admin = create_user(db.session, f"admin-{organisation_id}", "ผู้ดูแล", Role.ADMIN, "pw")
        db.session.commit()
        _client, key = open311.issue_key(
            db.session, keyring_for(organisation_id), admin, OPEN311_CLIENT, datetime.now(UTC)
        )
        line_account.connect(
            db.session, keyring_for(organisation_id), admin, channel_secret="secret-of-" + prefix,
            access_token=LINE_TOKEN, now=datetime.now(UTC),
        )  # fmt: skip
        category = db.session.scalars(
            select(Category.id).where(Category.kind == CaseKind.COMPLAINT)
        ).first()
    filed = app.test_client().post(
        f"{prefix}/open311/v2/requests.json",
        data={"api_key": key, "service_code": str(category), "description": "ท่อแตก",
              "address_string": "หมู่ 3"},
    )  # fmt: skip
    assert filed.status_code == 201, filed.get_data(as_text=True)


def _export(app: Flask, output: Path) -> str:
    return run_intake(app, "org", "export", SECOND, "-o", str(output), "--passphrase", PASSPHRASE)


def _subjects(app: Flask, organisation_id: int) -> dict[str, str]:
    with app.app_context():
        keyring = keyring_for(organisation_id)
        query = select(Case.id, Case.subject_enc).where(Case.organisation_id == organisation_id)
        return {
            case_id: crypto.decrypt_text(
                keyring, blob, table="cases", column="subject", row_id=case_id
            )
            for case_id, blob in db.session.execute(host_wide(query))
        }


def test_an_exported_organisation_imports_onto_another_host_and_works_there(
    tmp_path: Path, postgres: Any
) -> None:
    source, second, codes = _with_second(tmp_path, postgres)
    subjects = _subjects(source, second)
    export = tmp_path / "second.export"
    assert "3 cases" in _export(source, export)  # the web complaint and tip, the Open311 one
    assert export.stat().st_mode & 0o777 == 0o600
    blob = export.read_bytes()
    for visible in (SECOND, TIPSTER, "case_events", "tracking_pepper"):
        assert visible.encode() not in blob

    target = _host(tmp_path, postgres, "target")
    with target.app_context():  # ids taken on the target, so the import must renumber
        for n in range(3):
            create_user(db.session, f"staff{n}", "เจ้าหน้าที่", Role.INTAKE, "pw")
        db.session.commit()
        main_id = by_slug(db.session, "main")
        assert main_id is not None
    _open311_and_line(target, main_id.id, "")  # an Open311 client id taken there too

    wrong = ["org", "import", str(export), "--passphrase", "another passphrase here"]
    assert "another passphrase" in run_intake(target, *wrong, ok=False)
    output = run_intake(target, "org", "import", str(export), "--passphrase", PASSPHRASE)
    assert "audit log intact" in output
    with target.app_context():
        organisation = by_slug(db.session, SECOND)
        assert organisation is not None
        imported = organisation.id

    # the same cases, readable with the keys that came along
    assert sorted(_subjects(target, imported).values()) == sorted(subjects.values())
    # tracking codes work at its address there
    client = target.test_client()
    for code in codes:
        assert client.post(f"/o/{SECOND}/track", data={"code": code}).status_code == 200
    with working_for(target, imported), target.app_context():
        keyring = keyring_for(imported)
        assert audit.verify(db.session, keyring).ok
        # its custodian still opens a tipster's identity with their passphrase
        custodian = find_user(db.session, CUSTODIAN)
        assert custodian is not None and custodian.key_binding != custodian.id
        tip = db.session.scalars(select(Case).where(Case.identity_sealed.is_not(None))).one()
        identity = open_case_identity(
            db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, tip, datetime.now(UTC)
        )
        assert identity["name"] == TIPSTER
        # the attachment file came over and opens under its (kept) id
        attachment = db.session.scalars(select(Attachment)).one()
        path = Path(target.config["INTAKE_UPLOADS_PATH"]) / attachment.stored_name
        data = crypto.decrypt_field(
            keyring, path.read_bytes(), table="attachments", column="data", row_id=attachment.id
        )
        assert data.startswith(b"%PDF")
    # its Open311 client is counted under its new id, by its name; its LINE account opens
    stats = client.get(f"/o/{SECOND}/stats.json").get_json()
    cells = {c["label_th"]: c for c in stats["kinds"]["complaint"]["breakdowns"]["channel"]}
    # and its categories by their new ids: every counted category has its name
    categories = stats["kinds"]["complaint"]["breakdowns"]["category"]
    unnamed = [c for c in categories if c["key"] != "0" and c["label_th"] == "ไม่ระบุ"]
    assert [c for c in categories if c["received"] and c["key"] != "0"] and unnamed == []
    assert cells[f"Open311: {OPEN311_CLIENT}"]["received"] == 1
    with working_for(target, imported), target.app_context():
        from intake.services import line_account

        row = line_account.account(db.session)
        assert row is not None and line_account.token(keyring_for(imported), row) == LINE_TOKEN
    # importing it again is refused: the address is taken
    again = ["org", "import", str(export), "--passphrase", PASSPHRASE]
    assert "already here" in run_intake(target, *again, ok=False)


def _owned_rows(app: Flask, organisation_id: int) -> dict[str, int]:
    """Rows of the organisation in every table, read through reflection."""
    with app.app_context():
        metadata = sa.MetaData()
        metadata.reflect(bind=db.engine)
        found = {}
        with db.engine.connect() as connection:
            for table in metadata.sorted_tables:
                column = {"organisation": "id"}.get(table.name, "organisation_id")
                if column not in table.c:
                    continue
                query = sa.select(sa.func.count()).select_from(table)
                count = connection.execute(query.where(table.c[column] == organisation_id))
                found[table.name] = count.scalar_one()
        db.engine.dispose()
    return {name: count for name, count in found.items() if count}


def test_deleting_an_organisation_needs_an_export_and_leaves_the_other_whole(
    tmp_path: Path, postgres: Any
) -> None:
    source, second, codes = _with_second(tmp_path, postgres)
    uploads = Path(source.config["INTAKE_UPLOADS_PATH"])
    keys_dir = crypto.organisation_keys_dir(Path(source.config["INTAKE_KEYS_PATH"]), second)
    with source.app_context():
        stored = set(
            db.session.scalars(
                host_wide(
                    select(Attachment.stored_name).where(Attachment.organisation_id == second)
                )
            )
        )
    assert stored and keys_dir.is_dir() and _owned_rows(source, second)
    first_subjects = _subjects(source, 1)

    # never exported: refused
    assert "export" in run_intake(source, "org", "delete", SECOND, "--yes", ok=False)
    _export(source, tmp_path / "second.export")
    # a change after the export: refused again
    file_and_read_receipt(source.test_client(), f"/o/{SECOND}/complaints/new", complaint_form())
    assert "since its last export" in run_intake(source, "org", "delete", SECOND, "--yes", ok=False)
    _export(source, tmp_path / "second-again.export")

    assert "deleted" in run_intake(source, "org", "delete", SECOND, "--yes")
    assert _owned_rows(source, second) == {}
    assert not keys_dir.exists()
    assert not stored & {path.name for path in uploads.iterdir()}
    with source.app_context():
        record = db.session.scalars(select(OrganisationDeletion)).one()
        assert (record.slug, record.deleted_organisation_id) == (SECOND, second)
        assert record.exported_first and not record.pending and record.rows_deleted > 10
        # and the host's chained log says the same, and still verifies
        (entry,) = [e for e in host_audit.recent(db.session) if e.action == "organisation.deleted"]
        assert entry.organisation_slug == SECOND
        assert entry.detail == f"rows={record.rows_deleted} files={len(stored)} exported_first=yes"
        assert host_audit.verify_host(db.session, host_keyring()).ok
        # the first organisation is whole: its cases read, its chain verifies
        assert audit.verify(db.session, keyring_for(1)).ok
    assert _subjects(source, 1) == first_subjects
    # and the audit log still refuses to lose an entry of a living organisation
    with source.app_context(), pytest.raises(sa.exc.DatabaseError):
        db.session.execute(sa.text("DELETE FROM audit_log"))
    assert "no organisation" in run_intake(source, "org", "delete", SECOND, "--yes", ok=False)


def test_deleting_the_first_organisation_shreds_its_content_keys_and_keeps_backups_working(
    tmp_path: Path, postgres: Any
) -> None:
    source, second, codes = _with_second(tmp_path, postgres)
    root = Path(source.config["INTAKE_KEYS_PATH"])
    before = crypto.load_keyring(root)  # the first organisation's keys: the folder's own
    run_intake(
        source,
        "org",
        "export",
        "main",
        "-o",
        str(tmp_path / "main.export"),
        "--passphrase",
        PASSPHRASE,
    )
    assert "deleted" in run_intake(source, "org", "delete", "main", "--yes")
    after = crypto.load_keyring(root)
    # its content keys exist nowhere any more; the folder still opens the host's backups
    assert not set(before.content_keys.values()) & set(after.content_keys.values())
    assert (after.tracking_pepper, after.audit_key) == (before.tracking_pepper, before.audit_key)
    assert _owned_rows(source, 1) == {}
    # the other organisation goes on with its own keys
    client = source.test_client()
    for code in codes:
        assert client.post(f"/o/{SECOND}/track", data={"code": code}).status_code == 200
    assert "archive:" in run_intake(source, "backup", "--output", str(tmp_path))
