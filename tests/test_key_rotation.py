"""Content-key rotation: a new key, everything re-encrypted, resumable, old keys retired."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from intake import crypto
from intake.attachments import PreparedAttachment
from intake.extensions import db
from intake.models import (
    Attachment,
    AuditEntry,
    Case,
    CaseEvent,
    CaseKind,
    Channel,
    EventType,
    RevealRequest,
    User,
    new_id,
)
from intake.services import ciphertext_scan, keys
from intake.services import keyring as keystore
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Status
from tests.support.builders import complaint_form

NOW = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)  # fiscal year 2569
MANY = 2_000
BATCH = 150  # several batches per table
SMALL_BATCH = 50  # several batches of files too, with few of them


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retirement normally waits for workers to reload the key file; here nobody is."""
    monkeypatch.setattr(keys, "RETIRE_GRACE_SECONDS", 0)


@dataclass
class Filed:
    """What was written, in the clear, to compare with what decrypts after rotation."""

    subjects: dict[str, str] = field(default_factory=dict)  # case id → subject
    details: dict[str, str] = field(default_factory=dict)
    bodies: dict[str, str] = field(default_factory=dict)  # case event id → body
    names: dict[str, str] = field(default_factory=dict)  # attachment id → file name
    files: dict[str, bytes] = field(default_factory=dict)  # attachment id → bytes
    totp: dict[int, str] = field(default_factory=dict)  # user id → secret
    reasons: dict[str, str] = field(default_factory=dict)  # reveal request id → reason


def _paths(app: Flask) -> tuple[Path, Path]:
    return Path(app.config["INTAKE_KEYS_PATH"]), Path(app.config["INTAKE_UPLOADS_PATH"])


def file_many(app: Flask, count: int, *, every_attachment: int = 100) -> Filed:
    """``count`` cases: one through file_case, the rest in bulk through the same helpers.

    Every fifth case gets a staff note (``case_events.body_enc``), every
    ``every_attachment``-th an attached file; one user has a TOTP secret and one case a
    reveal request, so that every kind of encrypted column is there.
    """
    filed = Filed()
    keys_dir, uploads = _paths(app)
    with app.app_context():
        keyring = current_keyring()
        first = file_case(
            db.session,
            keyring,
            uploads,
            FilingInput(
                kind=CaseKind.COMPLAINT,
                subject="เรื่องแรก",
                details="รายละเอียดแรก",
                location="หมู่ 1",
                reporter={"name": "สมหญิง", "phone": "0812345678"},
                attachments=[PreparedAttachment("หลักฐาน.txt", "text/plain", b"first file", False)],
            ),
            NOW,
        )
        filed.subjects[first.case_id] = "เรื่องแรก"
        filed.details[first.case_id] = "รายละเอียดแรก"
        attachment = db.session.scalars(sa.select(Attachment)).one()
        filed.names[attachment.id] = "หลักฐาน.txt"
        filed.files[attachment.id] = b"first file"

        def enc(value: str | bytes, table: str, column: str, row_id: str) -> bytes:
            return crypto.encrypt_field(keyring, value, table=table, column=column, row_id=row_id)

        cases: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        attachments: list[dict[str, Any]] = []
        for n in range(1, count):
            case_id = new_id()
            subject, details = f"เรื่องที่ {n}", f"รายละเอียด {n} " + "ก" * (n % 50)
            filed.subjects[case_id], filed.details[case_id] = subject, details
            cases.append(
                {
                    "id": case_id,
                    "kind": CaseKind.TIP if n % 2 else CaseKind.COMPLAINT,
                    "channel": Channel.WEB,
                    "status": Status.RECEIVED,
                    "reference": f"bulk-{n:06d}",
                    "fiscal_year": 2569,
                    "sequence": 1000 + n,
                    "tracking_digest": crypto.tracking_digest(keyring, f"{n:028d}"),
                    "subject_enc": enc(subject, "cases", "subject", case_id),
                    "details_enc": enc(details, "cases", "details", case_id),
                    "location_enc": enc(f"หมู่ {n}", "cases", "location", case_id) if n % 3 else None,
                    "received_at": NOW,
                    "first_due_at": NOW,
                    "due_at": NOW,
                }
            )
            events.append(
                {
                    "id": new_id(),
                    "case_id": case_id,
                    "at": NOW,
                    "type": EventType.FILED,
                    "to_status": Status.RECEIVED,
                }
            )
            if n % 5 == 0:
                event_id = new_id()
                body = f"บันทึก {n}"
                filed.bodies[event_id] = body
                events.append(
                    {
                        "id": event_id,
                        "case_id": case_id,
                        "at": NOW,
                        "type": EventType.NOTE,
                        "public": n % 10 == 0,
                        "body_enc": enc(body, "case_events", "body", event_id),
                    }
                )
            if n % every_attachment == 0:
                attachment_id, stored_name, data = new_id(), os.urandom(16).hex(), os.urandom(n)
                name = f"ไฟล์ {n}.pdf"
                filed.names[attachment_id], filed.files[attachment_id] = name, data
                (uploads / stored_name).write_bytes(enc(data, "attachments", "data", attachment_id))
                attachments.append(
                    {
                        "id": attachment_id,
                        "case_id": case_id,
                        "name_enc": enc(name, "attachments", "name", attachment_id),
                        "mime": "application/pdf",
                        "size": len(data),
                        "stored_name": stored_name,
                    }
                )
        db.session.execute(sa.insert(Case), cases)
        db.session.execute(sa.insert(CaseEvent), events)
        if attachments:
            db.session.execute(sa.insert(Attachment), attachments)

        user = db.session.scalars(sa.select(User).order_by(User.id)).first()
        assert user is not None
        user.totp_secret_enc = enc("JBSWY3DPEHPK3PXP", "users", "totp_secret", str(user.id))
        filed.totp[user.id] = "JBSWY3DPEHPK3PXP"
        request_id = new_id()
        reason = "ต้องติดต่อผู้แจ้งเพื่อขอเอกสารเพิ่มเติมในการสอบสวน"
        db.session.add(
            RevealRequest(
                id=request_id,
                case_id=first.case_id,
                requester_id=user.id,
                reason_enc=enc(reason, "reveal_requests", "reason", request_id),
                requested_at=NOW,
            )
        )
        filed.reasons[request_id] = reason
        db.session.commit()
    return filed


def rotate(app: Flask, *, batch_size: int = BATCH, **options: Any) -> keys.RotationReport:
    keys_dir, uploads = _paths(app)
    with app.app_context():
        return keys.rotate_content_key(
            db.session, current_keyring(), keys_dir, uploads, batch_size=batch_size, **options
        )


def retire(app: Flask) -> list[str]:
    keys_dir, uploads = _paths(app)
    with app.app_context():
        return keys.retire_old_keys(db.session, current_keyring(), keys_dir, uploads)


def saved_keyring(app: Flask) -> crypto.Keyring:
    return crypto.load_keyring(_paths(app)[0])


def key_ids(app: Flask) -> tuple[Counter[str], Counter[str]]:
    """Key ids of every encrypted column value, and of every attachment file."""
    values: Counter[str] = Counter()
    files: Counter[str] = Counter()
    _, uploads = _paths(app)
    with app.app_context():
        for model, names in ciphertext_scan.encrypted_columns():
            table = model.__table__
            for row in db.session.execute(sa.select(*[table.c[n] for n in names])):
                values.update(crypto.ciphertext_key_id(blob) for blob in row if blob is not None)
        for stored_name in db.session.scalars(sa.select(Attachment.stored_name)):
            files[crypto.ciphertext_key_id((uploads / stored_name).read_bytes())] += 1
        db.session.rollback()
    return values, files


def assert_everything_reads(app: Flask, filed: Filed, keyring: crypto.Keyring) -> None:
    """Every value written decrypts to what was written, with ``keyring`` alone."""
    _, uploads = _paths(app)

    def text(blob: bytes | None, table: str, column: str, row_id: str) -> str:
        assert blob is not None
        return crypto.decrypt_text(keyring, blob, table=table, column=column, row_id=row_id)

    with app.app_context():
        cases = db.session.execute(sa.select(Case.id, Case.subject_enc, Case.details_enc)).all()
        assert {c.id: text(c.subject_enc, "cases", "subject", c.id) for c in cases} == (
            filed.subjects
        )
        assert {c.id: text(c.details_enc, "cases", "details", c.id) for c in cases} == (
            filed.details
        )
        events = db.session.execute(
            sa.select(CaseEvent.id, CaseEvent.body_enc).where(CaseEvent.body_enc.is_not(None))
        ).all()
        assert {e.id: text(e.body_enc, "case_events", "body", e.id) for e in events} == (
            filed.bodies
        )
        attachments = db.session.scalars(sa.select(Attachment)).all()
        assert {a.id: text(a.name_enc, "attachments", "name", a.id) for a in attachments} == (
            filed.names
        )
        opened = {
            a.id: crypto.decrypt_field(
                keyring,
                (uploads / a.stored_name).read_bytes(),
                table="attachments",
                column="data",
                row_id=a.id,
            )
            for a in attachments
        }
        assert opened == filed.files
        for user_id, secret in filed.totp.items():
            user = db.session.get(User, user_id)
            assert user is not None
            assert text(user.totp_secret_enc, "users", "totp_secret", str(user_id)) == secret
        for request_id, reason in filed.reasons.items():
            request = db.session.get(RevealRequest, request_id)
            assert request is not None
            assert text(request.reason_enc, "reveal_requests", "reason", request_id) == reason
        db.session.rollback()


class Interrupted(KeyboardInterrupt):
    """Ctrl-C, arriving between two batches."""


def interrupt_after(batches: int) -> keys.Progress:
    calls: list[int] = []

    def progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) >= batches:
            raise Interrupted

    return progress


def interrupt_in_files(files: int) -> keys.Progress:
    """Ctrl-C after the first batch of files (progress counts rows first, then files)."""

    def progress(done: int, total: int) -> None:
        if done > total - files:
            raise Interrupted

    return progress


# --- discovery ----------------------------------------------------------------------


def test_encrypted_columns_are_found_in_the_models_without_a_list() -> None:
    # Given the models, When the encrypted columns are discovered
    found = {model.__tablename__: names for model, names in ciphertext_scan.encrypted_columns()}
    # Then every *_enc column of every table is there, and nothing else
    assert found["cases"] == [
        "subject_enc",
        "details_enc",
        "location_enc",
        "accused_enc",
        "contact_enc",
        "line_user_enc",
        "notice_address_enc",
    ]
    assert found["line_accounts"] == ["secret_enc", "token_enc"]
    assert found["line_events"] == ["body_enc"] and found["line_chats"] == ["draft_enc"]
    assert found["line_messages"] == ["body_enc"]
    assert found["satisfaction"] == ["comment_enc"]  # keyed by case_id, not id
    assert found["case_events"] == ["body_enc"]
    assert found["attachments"] == ["name_enc"]
    assert found["users"] == ["totp_secret_enc"]
    assert set(found["reveal_requests"]) >= {"reason_enc", "decision_reason_enc"}
    # what a reveal hands over is sealed to the requester, never under the content key
    assert not any("revealed" in name for name in found["reveal_requests"])
    assert all(name.endswith("_enc") for names in found.values() for name in names)
    assert "audit_log" not in found and "identity_keys" not in found


def test_the_line_account_keys_read_after_a_rotation_and_a_retirement(app: Flask) -> None:
    # Given a connected LINE Official Account, its keys under c1
    from intake.models import Role, User
    from intake.services import line_account
    from tests.support.staff import make_staff

    admin_id = make_staff(app, "rotation-admin", Role.ADMIN)
    with app.app_context():
        admin = db.session.get(User, admin_id)
        assert admin is not None
        line_account.connect(
            db.session, current_keyring(), admin, channel_secret="a-channel-secret",
            access_token="a-long-lived-token", now=NOW,
        )  # fmt: skip
    # When the content key is rotated and the old one retired
    rotate(app)
    assert retire(app) == ["c1"]
    # Then the account's keys still open, under the new key only
    with app.app_context():
        row = line_account.account(db.session)
        assert row is not None
        keyring = saved_keyring(app)
        assert line_account.secret(keyring, row) == "a-channel-secret"
        assert line_account.token(keyring, row) == "a-long-lived-token"
        assert crypto.ciphertext_key_id(row.secret_enc) == "c2"


def test_new_content_key_ids_count_up_and_never_reuse_a_retired_id() -> None:
    # Given a keyring whose c1 and c2 have been retired
    keyring = crypto.generate_keyring()
    for _ in range(2):
        keyring = crypto.add_content_key(keyring)
    keyring = crypto.retire_content_keys(keyring, keep=set())
    assert list(keyring.content_keys) == ["c3"]
    # When another key is added
    added = crypto.add_content_key(keyring)
    # Then it is c4, active, next to c3; the original keyring is unchanged
    assert added.active_content_key == "c4"
    assert set(added.content_keys) == {"c3", "c4"}
    assert added.content_keys["c4"] != added.content_keys["c3"]
    assert set(keyring.content_keys) == {"c3"}


# --- rotation -----------------------------------------------------------------------


def test_rotating_puts_every_ciphertext_of_2000_cases_under_a_new_key(app: Flask) -> None:
    # Given 2,000 filed cases with notes, attachments, a TOTP secret and a reveal request
    filed = file_many(app, MANY)
    values_before, files_before = key_ids(app)
    assert set(values_before) == {"c1"} and set(files_before) == {"c1"}
    with app.app_context():
        updated_before = dict(db.session.execute(sa.select(Case.id, Case.updated_at)).all())
        db.session.rollback()
    calls: list[tuple[int, int]] = []

    # When the content key is rotated
    started = time.perf_counter()
    report = rotate(app, progress=lambda done, total: calls.append((done, total)))
    elapsed = time.perf_counter() - started

    # Then a new key c2 is active and saved, and the old one is still there
    assert report.new_key_id == "c2" == report.active_key_id
    keyring = saved_keyring(app)
    assert keyring.active_content_key == "c2"
    assert set(keyring.content_keys) == {"c1", "c2"}
    # And every value and every file now carries c2, and reads as it was written
    values_after, files_after = key_ids(app)
    assert values_after == Counter({"c2": sum(values_before.values())})
    assert files_after == Counter({"c2": len(filed.files)})
    assert_everything_reads(app, filed, keyring)
    # And the report counts what was done
    assert report.values_reencrypted == sum(values_before.values())
    assert report.files_reencrypted == len(filed.files) > 10
    assert report.rows_reencrypted >= MANY + len(filed.bodies) + len(filed.names)
    assert report.missing_files == ()
    # And progress went up batch by batch to the total
    assert len(calls) > 20
    assert [done for done, _ in calls] == sorted({done for done, _ in calls})
    assert calls[-1][0] == calls[-1][1]
    # And rotation is not an edit of the cases
    with app.app_context():
        assert dict(db.session.execute(sa.select(Case.id, Case.updated_at)).all()) == (
            updated_before
        )
        # And it is in the audit log, by key id
        entry = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "key.content_rotated")
        ).one()
        assert (entry.actor, entry.detail) == ("system", "new key c2")
        dialect = db.engine.dialect.name
    print(f"\nrotating {MANY} cases on {dialect}: {elapsed:.2f} s")


@pytest.mark.parametrize("phase", ["rows", "files"])
def test_an_interrupted_rotation_resumes_without_adding_a_third_key(app: Flask, phase: str) -> None:
    # Given filed cases and a rotation stopped (Ctrl-C) after a few batches of rows, or
    # once the rows were done and some of the files were not
    filed = file_many(app, 600, every_attachment=10)
    assert len(filed.files) > SMALL_BATCH  # so that the files come in more than one batch
    progress = interrupt_after(5) if phase == "rows" else interrupt_in_files(len(filed.files))
    with pytest.raises(Interrupted):
        rotate(app, batch_size=SMALL_BATCH, progress=progress)
    values, files = key_ids(app)
    if phase == "rows":
        assert values["c1"] > 0 and values["c2"] > 0
        assert set(files) == {"c1"}
    else:
        assert set(values) == {"c2"}
        assert files["c1"] > 0 and files["c2"] > 0
    # And what was done is readable with the saved keyring, which already holds c2
    assert saved_keyring(app).active_content_key == "c2"
    assert_everything_reads(app, filed, saved_keyring(app))

    # When the rotation is run again
    report = rotate(app, batch_size=SMALL_BATCH)

    # Then it resumed: no new key, c2 still active, and the rest is re-encrypted
    assert report.new_key_id is None
    assert report.active_key_id == "c2"
    keyring = saved_keyring(app)
    assert set(keyring.content_keys) == {"c1", "c2"}
    assert report.values_reencrypted == values["c1"]
    assert report.files_reencrypted == files["c1"]
    values_after, files_after = key_ids(app)
    assert set(values_after) == {"c2"} and set(files_after) == {"c2"}
    assert_everything_reads(app, filed, keyring)


def test_a_rotation_killed_inside_a_batch_keeps_nothing_of_that_batch(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given filed cases and a rotation that dies in the middle of its third batch of cases
    filed = file_many(app, 500)
    with app.app_context():
        case_ids = list(db.session.scalars(sa.select(Case.id).order_by(Case.id)))
        db.session.rollback()
    dies_at = case_ids[2 * BATCH + 10]
    encrypt = crypto.encrypt_field

    def dying(*args: Any, **kwargs: Any) -> bytes:
        if (kwargs["table"], kwargs["row_id"]) == ("cases", dies_at):
            raise Interrupted
        return encrypt(*args, **kwargs)

    monkeypatch.setattr(crypto, "encrypt_field", dying)
    with pytest.raises(Interrupted):
        rotate(app)
    monkeypatch.setattr(crypto, "encrypt_field", encrypt)
    # Then the first two batches of cases are under c2, the batch that died and the rest
    # are untouched under c1
    with app.app_context():
        subject_keys = [
            crypto.ciphertext_key_id(blob)
            for blob in db.session.scalars(sa.select(Case.subject_enc).order_by(Case.id))
        ]
        db.session.rollback()
    assert subject_keys == ["c2"] * (2 * BATCH) + ["c1"] * (500 - 2 * BATCH)
    assert_everything_reads(app, filed, saved_keyring(app))

    # When run again, Then it finishes under the same key
    assert rotate(app).new_key_id is None
    values_after, _ = key_ids(app)
    assert set(values_after) == {"c2"}
    assert_everything_reads(app, filed, saved_keyring(app))


def test_rotating_again_after_a_finished_rotation_adds_the_next_key(app: Flask) -> None:
    # Given a finished rotation to c2
    filed = file_many(app, 50, every_attachment=10)
    rotate(app)
    # When rotated again
    report = rotate(app)
    # Then c3 is added and everything moves to it
    assert report.new_key_id == "c3"
    assert report.values_reencrypted == sum(key_ids(app)[0].values())
    assert set(key_ids(app)[0]) == {"c3"} and set(key_ids(app)[1]) == {"c3"}
    assert_everything_reads(app, filed, saved_keyring(app))


def test_a_keyring_that_is_not_the_one_in_the_key_files_is_refused(app: Flask) -> None:
    # Given a keyring in memory that differs from the key files (say, one that missed a
    # rotation done elsewhere)
    file_many(app, 5, every_attachment=2)
    keys_dir, uploads = _paths(app)
    before = (keys_dir / crypto.CONTENT_KEYS_FILE).read_bytes()
    with app.app_context():
        # When it is used to rotate, Then nothing is written over the key files
        with pytest.raises(keys.KeyRotationError, match="does not match the key files"):
            keys.rotate_content_key(db.session, crypto.generate_keyring(), keys_dir, uploads)
    assert (keys_dir / crypto.CONTENT_KEYS_FILE).read_bytes() == before
    assert set(key_ids(app)[0]) == {"c1"}


def test_two_rotations_at_once_are_refused(app: Flask) -> None:
    # Given another rotation holding the keys folder
    file_many(app, 5)
    keys_dir, _ = _paths(app)
    fd = os.open(keys_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # When a second one starts, Then it is refused before adding a key
        with pytest.raises(keys.KeyRotationError, match="another key rotation"):
            rotate(app)
        with pytest.raises(keys.KeyRotationError, match="another key rotation"):
            retire(app)
    finally:
        os.close(fd)
    assert set(saved_keyring(app).content_keys) == {"c1"}


def test_a_missing_attachment_file_is_reported_not_fatal(app: Flask) -> None:
    # Given a case whose attachment's file has gone
    filed = file_many(app, 30, every_attachment=10)
    _, uploads = _paths(app)
    with app.app_context():
        gone = db.session.scalars(sa.select(Attachment).order_by(Attachment.id)).first()
        assert gone is not None
        gone_id = gone.id
        (uploads / gone.stored_name).unlink()
        db.session.rollback()
    # When rotated, Then the rest is rotated and the missing file is named by attachment id
    report = rotate(app)
    assert report.missing_files == (gone_id,)
    assert report.files_reencrypted == len(filed.files) - 1


# --- retirement ---------------------------------------------------------------------


def test_retiring_is_refused_while_anything_uses_the_old_key_and_works_after(
    app: Flask,
) -> None:
    # Given a rotation interrupted after two batches
    filed = file_many(app, 200, every_attachment=25)
    with pytest.raises(Interrupted):
        rotate(app, progress=interrupt_after(2))
    keys_dir, _ = _paths(app)
    saved = (keys_dir / crypto.CONTENT_KEYS_FILE).read_bytes()

    # When the old keys are retired, Then it is refused, naming the key, and nothing changes
    with pytest.raises(keys.KeysStillInUse, match="under content key.* c1") as refused:
        retire(app)
    assert refused.value.values["c1"] > 0
    assert refused.value.files["c1"] == len(filed.files)
    assert (keys_dir / crypto.CONTENT_KEYS_FILE).read_bytes() == saved

    # When the rotation is finished and the old keys retired
    rotate(app)
    retired = retire(app)

    # Then c1 is gone from the saved key file, and everything reads with the reloaded keyring
    assert retired == ["c1"]
    document = json.loads((keys_dir / crypto.CONTENT_KEYS_FILE).read_text())
    assert document["active"] == "c2" and set(document["keys"]) == {"c2"}
    reloaded = crypto.load_keyring(keys_dir)
    assert set(reloaded.content_keys) == {"c2"}
    assert_everything_reads(app, filed, reloaded)
    # And the tracking pepper and audit key were kept
    with app.app_context():
        assert reloaded.tracking_pepper == current_keyring().tracking_pepper
        entries = db.session.scalars(
            sa.select(AuditEntry.detail).where(AuditEntry.action == "key.content_retired")
        ).all()
        assert entries == ["retired c1"]
    # And retiring again has nothing to do
    assert retire(app) == []


def test_a_straggler_filed_under_the_old_key_blocks_retirement_until_rotated(
    app: Flask,
) -> None:
    # Given a finished rotation, and then a worker that had not yet reloaded the keys files a
    # case with an attachment under c1
    filed = file_many(app, 40, every_attachment=20)
    stale = saved_keyring(app)
    rotate(app)
    _, uploads = _paths(app)
    with app.app_context():
        late = file_case(
            db.session,
            stale,
            uploads,
            FilingInput(
                kind=CaseKind.TIP,
                subject="มาช้า",
                details="ยื่นด้วยกุญแจเก่า",
                attachments=[PreparedAttachment("late.txt", "text/plain", b"late", False)],
            ),
            NOW,
        )
        late_attachment = db.session.scalars(
            sa.select(Attachment).where(Attachment.case_id == late.case_id)
        ).one()
        filed.subjects[late.case_id], filed.details[late.case_id] = "มาช้า", "ยื่นด้วยกุญแจเก่า"
        filed.names[late_attachment.id], filed.files[late_attachment.id] = "late.txt", b"late"
        db.session.rollback()
    # When retiring, Then it is refused: two values and one file are still under c1
    with pytest.raises(keys.KeysStillInUse) as refused:
        retire(app)
    assert refused.value.values == Counter({"c1": 3})  # subject, details, attachment name
    assert refused.value.files == Counter({"c1": 1})
    # When the rotation is run again, Then it resumes (no c3), and retirement goes through
    report = rotate(app)
    assert (report.new_key_id, report.values_reencrypted, report.files_reencrypted) == (
        None,
        3,
        1,
    )
    assert retire(app) == ["c1"]
    assert_everything_reads(app, filed, saved_keyring(app))


def test_retiring_waits_for_workers_to_reload_a_new_key_file(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a rotation just finished
    file_many(app, 3)
    rotate(app)
    keys_dir, _ = _paths(app)
    saved_at = (keys_dir / crypto.CONTENT_KEYS_FILE).stat().st_mtime
    monkeypatch.setattr(keys, "RETIRE_GRACE_SECONDS", 0.5)
    # When the old key is retired at once
    assert retire(app) == ["c1"]
    # Then it waited until the new key file was old enough for every worker to have it
    assert time.time() - saved_at >= 0.45  # file times may be a few ms behind the clock


# --- the running application --------------------------------------------------------


def _file_through_the_form(client: FlaskClient) -> None:
    response = client.post("/complaints/new", data=complaint_form())
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _newest_case_key(app: Flask) -> tuple[str, str]:
    with app.app_context():
        case = db.session.scalars(sa.select(Case).order_by(Case.created_at.desc())).first()
        assert case is not None
        result = case.id, crypto.ciphertext_key_id(case.subject_enc)
        db.session.rollback()
    return result


def test_a_running_app_files_under_the_rotated_key(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a running app that has filed a case under c1
    _file_through_the_form(client)
    first_id, first_key = _newest_case_key(app)
    assert first_key == "c1"
    # When the content key is rotated by another process (the service, on the app's keys)
    monkeypatch.setattr(keystore, "RELOAD_INTERVAL_SECONDS", 0)
    report = rotate(app)
    assert report.new_key_id == "c2"
    # Then the next filing through the web form is encrypted under c2
    _file_through_the_form(client)
    second_id, second_key = _newest_case_key(app)
    assert second_id != first_id and second_key == "c2"
    # And the app's keyring has both keys, and the first case still reads
    with app.app_context():
        keyring = current_keyring()
        assert keyring.active_content_key == "c2"
        first = db.session.get(Case, first_id)
        assert first is not None
        assert crypto.ciphertext_key_id(first.subject_enc) == "c2"
        subject = crypto.decrypt_text(
            keyring, first.subject_enc, table="cases", column="subject", row_id=first_id
        )
        assert subject == complaint_form()["subject"]


def test_the_keyring_is_reloaded_only_after_the_check_interval(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a worker that looked at the key file just now, with a long check interval
    monkeypatch.setattr(keystore, "RELOAD_INTERVAL_SECONDS", 3600)
    with app.app_context():
        before = current_keyring()
    # When the key file is rotated
    rotate(app)
    with app.app_context():
        # Then within the interval the worker keeps its keyring (no stat per request)
        assert current_keyring() is before
        # And once the interval has passed it loads the new one
        monkeypatch.setattr(keystore, "RELOAD_INTERVAL_SECONDS", 0)
        assert current_keyring().active_content_key == "c2"
        # And an unchanged file is not loaded again
        again = current_keyring()
        assert current_keyring() is again


def test_a_key_file_that_does_not_load_keeps_the_keyring_in_use(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a running app
    monkeypatch.setattr(keystore, "RELOAD_INTERVAL_SECONDS", 0)
    keys_dir, _ = _paths(app)
    with app.app_context():
        before = current_keyring()
        # When its content-key file is replaced by something broken
        (keys_dir / crypto.CONTENT_KEYS_FILE).write_text("{not json")
        # Then it goes on with the keys it holds
        assert current_keyring() is before
        # And when the file is right again, it is loaded
        crypto.save_keyring(crypto.add_content_key(before), keys_dir)
        assert current_keyring().active_content_key == "c2"


# --- command line -------------------------------------------------------------------


def test_the_command_rotates_and_retires(app: Flask) -> None:
    # Given filed cases with attachments
    filed = file_many(app, 60, every_attachment=10)
    values, files = key_ids(app)
    runner = app.test_cli_runner()
    # When `flask intake rotate-keys --retire --batch-size 7` runs
    result = runner.invoke(args=["intake", "rotate-keys", "--retire", "--batch-size", "7"])
    # Then it says what it did
    assert result.exit_code == 0, result.output
    total = sum(values.values())
    assert f"content key c2 added; {total} values and {len(filed.files)} files" in result.output
    assert "retired content keys: c1" in result.output
    # And the key file holds c2 alone, under which everything reads
    keyring = saved_keyring(app)
    assert set(keyring.content_keys) == {"c2"}
    assert_everything_reads(app, filed, keyring)
    assert key_ids(app) == (Counter({"c2": total}), Counter({"c2": files.total()}))

    # When it runs again without --retire, Then c3 comes and c2 stays
    again = runner.invoke(args=["intake", "rotate-keys"])
    assert again.exit_code == 0, again.output
    assert "content key c3 added" in again.output
    assert set(saved_keyring(app).content_keys) == {"c2", "c3"}


def test_the_command_reports_a_refusal_as_an_error(app: Flask) -> None:
    # Given another rotation running on the same keys
    keys_dir, _ = _paths(app)
    fd = os.open(keys_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # When the command runs, Then it fails with the reason and no traceback
        result = app.test_cli_runner().invoke(args=["intake", "rotate-keys"])
    finally:
        os.close(fd)
    assert result.exit_code == 1
    assert "another key rotation" in result.output
    assert "Traceback" not in result.output
