"""An expired reveal is wiped soon after its time is up — on the next request of any kind
that comes after a worker's sweep interval — without anyone viewing it or running
`intake remind`; on SQLite its bytes leave the database file and the write-ahead log."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from intake import reveal_sweep
from intake.extensions import db
from intake.models import AuditEntry, Case, RevealRequest, RevealStatus, Role
from intake.services.keyring import current_keyring
from intake.services.reveal import approve_reveal, request_reveal
from intake.services.users import find_user
from tests.support.builders import tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.database import database_files
from tests.support.filing import file_and_read_receipt
from tests.support.staff import staff_client

REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงตามมาตรา 59"


def _approved_reveal(app: Flask) -> tuple[str, bytes]:
    """A named tip whose identity the custodian handed to a legal officer, with the time
    of the approval already up; returns the request and its sealed copy."""
    file_and_read_receipt(
        app.test_client(), "/tips/new", tip_form(anonymous="", reporter_name="นายผู้แจ้ง")
    )
    staff_client(app, "legal1", Role.LEGAL)  # signing in makes the officer's key
    now = datetime.now(UTC)
    with app.app_context():
        keyring = current_keyring()
        legal, custodian = find_user(db.session, "legal1"), find_user(db.session, CUSTODIAN)
        assert legal is not None and custodian is not None
        case_id = db.session.scalars(select(Case.id)).one()
        request = request_reveal(db.session, keyring, legal, case_id, REASON, now)
        approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, request.id, now)
        request.expires_at = now - timedelta(seconds=1)
        db.session.commit()
        assert request.revealed_sealed is not None
        return request.id, request.revealed_sealed


def _request(app: Flask, request_id: str) -> RevealRequest:
    found = db.session.get(RevealRequest, request_id)
    assert found is not None
    return found


def _a_sweep_interval_passes(app: Flask) -> None:
    app.extensions[reveal_sweep.EXTENSION].next_at = time.monotonic() - 1


def db_is_sqlite(app: Flask) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "sqlite"


def _bytes_on_disk(app: Flask) -> bytes:
    return b"".join(path.read_bytes() for path in database_files(app))


@pytest.mark.commits
@pytest.mark.parametrize("path", ["/", "/healthz", "/staff/login"])
def test_the_next_request_after_the_interval_wipes_an_expired_reveal(app: Flask, path: str) -> None:
    request_id, sealed = _approved_reveal(app)
    if db_is_sqlite(app):
        assert sealed in _bytes_on_disk(app)  # the control: the scan below can see it
    _a_sweep_interval_passes(app)

    response = app.test_client().get(path)

    assert response.status_code == 200
    with app.app_context():
        request = _request(app, request_id)
        assert request.status is RevealStatus.EXPIRED and request.revealed_sealed is None
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
        assert list(actions)[-1] == "reveal.expired"
        assert "identity.viewed" not in list(db.session.scalars(select(AuditEntry.action)))
    if db_is_sqlite(app):
        # zeroed in the file (secure_delete), and the log that held the old page emptied
        assert sealed not in _bytes_on_disk(app)


def test_a_worker_sweeps_at_most_once_per_interval(app: Flask) -> None:
    request_id, _sealed = _approved_reveal(app)  # signing in swept a moment ago

    assert app.test_client().get("/").status_code == 200

    with app.app_context():
        assert _request(app, request_id).status is RevealStatus.APPROVED
    schedule = app.extensions[reveal_sweep.EXTENSION]
    assert schedule.next_at - time.monotonic() <= reveal_sweep.SWEEP_SECONDS
    assert not schedule.due()


@pytest.mark.commits
def test_sqlite_zeroes_what_is_deleted(app: Flask) -> None:
    """secure_delete: a wiped value does not stay behind in the file's free space."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("sqlite tier only: PostgreSQL relies on what was wiped being sealed")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
