"""Planted identities and contents never appear in plain text: not in the database
files (WAL included), not under the instance folder, not in any log line."""

from __future__ import annotations

import io
import logging
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.support.builders import complaint_form, tip_form
from tests.support.database import database_files
from tests.support.filing import file_and_read_receipt
from tests.support.leaks import leak_hits, scan_tree

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits

NAME = "ZZNAMEMARKERQ สมศรี มาร์กเกอร์"
PHONE = "081-999-1357"
PHONE_NORMAL = "0819991357"
NATIONAL_ID = "3100600123450"
EMAIL = "zzmailmarker@example.org"
ADDRESS = "ZZADDRMARKER บ้านเลขที่ 99/9"
DETAILS = "ZZDETAILMARKER รายละเอียดลับมาก"
ACCUSED = "ZZACCUSEDMARKER นายผู้ถูกกล่าวหา"
SUBJECT = "ZZSUBJECTMARKER เรื่องทดสอบ"
FILE_NAME = "ZZFILENAMEMARKER หลักฐาน.txt"
FILE_BODY = "ZZFILEBODYMARKER เนื้อหาไฟล์\n"

MARKERS = [
    "ZZNAMEMARKERQ",
    "สมศรี มาร์กเกอร์",
    PHONE,
    PHONE_NORMAL,
    NATIONAL_ID,
    EMAIL,
    "ZZADDRMARKER",
    "ZZDETAILMARKER",
    "รายละเอียดลับมาก",
    "ZZACCUSEDMARKER",
    "ZZSUBJECTMARKER",
    "ZZFILENAMEMARKER",
    "ZZFILEBODYMARKER",
    "เนื้อหาไฟล์",
]


def _planted(form: dict[str, Any]) -> dict[str, Any]:
    form.update(
        subject=SUBJECT,
        details=DETAILS,
        reporter_name=NAME,
        reporter_phone=PHONE,
        reporter_national_id=NATIONAL_ID,
        reporter_email=EMAIL,
        reporter_address=ADDRESS,
        attachments=(io.BytesIO(FILE_BODY.encode()), FILE_NAME),
    )
    return form


def _serve_and_track(app: Flask, codes: list[str]) -> None:
    """Go through the real development server too, so its request log is checked."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        for code in codes:
            body = urllib.parse.urlencode({"code": code}).encode()
            with urllib.request.urlopen(f"{base}/track", data=body) as response:  # noqa: S310
                assert b'id="case-status"' in response.read()
        with urllib.request.urlopen(f"{base}/tips/new") as response:  # noqa: S310
            response.read()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_planted_identity_and_content_cannot_be_found_anywhere(
    app: Flask, postgres: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = app.test_client()

    _, complaint_code = file_and_read_receipt(client, "/complaints/new", _planted(complaint_form()))
    tip = _planted(tip_form(anonymous="", accused=ACCUSED))
    _, tip_code = file_and_read_receipt(client, "/tips/new", tip)
    codes = [complaint_code, tip_code]
    _serve_and_track(app, codes)

    needles = MARKERS + [c.replace(" ", "") for c in codes] + codes
    files = database_files(app)  # SQLite: the file, -wal, -shm; PostgreSQL: CHECKPOINT
    instance = Path(app.instance_path)
    assert any(instance.rglob("*")), "the instance folder should hold keys and uploads"
    assert (instance / "uploads").is_dir() and any((instance / "uploads").iterdir())

    leaks = scan_tree(instance, needles)
    for path in files:
        hits = leak_hits(path.read_bytes(), needles)
        if hits:
            leaks[str(path)] = hits
    if postgres is not None:
        leaks.update(scan_tree(Path(postgres.data_dir), needles))
    assert leaks == {}

    log_text = "\n".join(record.getMessage() for record in caplog.records)
    assert "GET /tips/new" in log_text, "the server's request log should have been captured"
    assert leak_hits(log_text.encode(), needles) == []
    assert "127.0.0.1" not in log_text


REASON = "ZZREASONMARKER ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริง"


def test_markers_stay_hidden_through_reveal_and_both_key_rotations(
    app: Flask, postgres: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import select

    from intake.extensions import db
    from intake.models import Case, Role
    from intake.services import keyring as keystore
    from intake.services import keys
    from intake.services.identity import rotate_identity_key
    from intake.services.keyring import current_keyring
    from intake.services.personal_keys import ensure_personal_key
    from intake.services.reveal import approve_reveal, request_reveal, view_identity
    from intake.services.users import create_user, find_user
    from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE

    caplog.set_level(logging.DEBUG)
    # The status page decrypts the tipster's file names: the server must pick up the
    # rotated key at once, as a worker does within a second of a rotation.
    monkeypatch.setattr(keystore, "RELOAD_INTERVAL_SECONDS", 0)
    client = app.test_client()
    tip = _planted(tip_form(anonymous="", accused=ACCUSED))
    _, code = file_and_read_receipt(client, "/tips/new", tip)
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        legal = create_user(db.session, "legal", "นิติกร", Role.LEGAL, "pw")
        ensure_personal_key(db.session, keyring, legal, "pw", now)  # as signing in does
        db.session.commit()
        custodian = find_user(db.session, CUSTODIAN)
        assert custodian is not None
        case_id = db.session.scalars(select(Case.id)).one()
        request = request_reveal(db.session, keyring, legal, case_id, REASON, now)
        approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, request.id, now)
        seen = view_identity(db.session, keyring, legal, request.id, "pw", now)
        assert seen.fields["name"] == NAME
        keys.rotate_content_key(
            db.session,
            keyring,
            Path(app.config["INTAKE_KEYS_PATH"]),
            Path(app.config["INTAKE_UPLOADS_PATH"]),
        )
        rotate_identity_key(db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, now)
    _serve_and_track(app, [code])

    needles = [*MARKERS, "ZZREASONMARKER", code, code.replace(" ", "")]
    leaks = scan_tree(Path(app.instance_path), needles)
    for path in database_files(app):
        hits = leak_hits(path.read_bytes(), needles)
        if hits:
            leaks[str(path)] = hits
    if postgres is not None:
        leaks.update(scan_tree(Path(postgres.data_dir), needles))
    assert leaks == {}
    log_text = "\n".join(record.getMessage() for record in caplog.records)
    assert leak_hits(log_text.encode(), needles) == []
    assert "127.0.0.1" not in log_text
