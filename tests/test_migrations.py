"""Migrations are code: an empty database upgraded to head equals the models."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from intake import create_app
from intake.extensions import db
from intake.row_security import open_every_organisation

# Other connections, threads or processes read what these tests write.
pytestmark = pytest.mark.commits


def _fresh_app(tmp_path: Path, postgres: Any) -> Any:
    if postgres is not None:
        url = postgres.create_database(f"migrations_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    return create_app(
        {
            "INTAKE_ENV": "testing",
            "INTAKE_INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )


def test_upgrade_to_head_matches_the_models(tmp_path: Path, postgres: Any) -> None:
    app = _fresh_app(tmp_path, postgres)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_downgrade_to_base_and_up_again(tmp_path: Path, postgres: Any) -> None:
    app = _fresh_app(tmp_path, postgres)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() is not None
        db.engine.dispose()


def test_check_constraints_after_upgrade_accept_every_event_type(
    tmp_path: Path, postgres: Any
) -> None:
    """Enum CHECKs changed by a revision must really change (they are not compared above)."""
    from sqlalchemy import inspect

    from intake.models import EventType

    app = _fresh_app(tmp_path, postgres)
    with app.app_context():
        upgrade()
        checks = inspect(db.engine).get_check_constraints("case_events")
        db.engine.dispose()
    text = " ".join(str(c.get("sqltext", "")) for c in checks)
    for event_type in EventType:
        assert f"'{event_type.value}'" in text, event_type


def test_upgrading_a_database_that_holds_cases(tmp_path: Path, postgres: Any) -> None:
    """Revisions that rebuild tables (SQLite batch mode) must work with rows in them."""
    from datetime import UTC, datetime

    from intake.models import CaseKind
    from intake.services import setup
    from intake.services.filing import FilingInput, file_case
    from intake.services.keyring import current_keyring

    app = _fresh_app(tmp_path, postgres)
    with app.app_context():
        upgrade()
        setup.ensure_organisation(db.session)
        data = FilingInput(
            kind=CaseKind.COMPLAINT, subject="ก", details="ข", reporter={"name": "ค"}
        )
        file_case(db.session, current_keyring(), tmp_path / "uploads", data, datetime.now(UTC))
        db.session.remove()
        downgrade(revision="0002")
        upgrade()
        with db.engine.connect() as connection:
            open_every_organisation(connection)  # the test reads every row
            count = connection.exec_driver_sql("SELECT count(*) FROM cases").scalar()
            events = connection.exec_driver_sql("SELECT count(*) FROM case_events").scalar()
        db.engine.dispose()
    assert (count, events) == (1, 1)


def test_photos_stored_before_every_type_was_cleaned_keep_saying_so(
    tmp_path: Path, postgres: Any
) -> None:
    """Attachments carried only a "metadata removed" flag (only images had it); after the
    upgrade each says what was removed, and files kept as sent say that."""
    from datetime import UTC, datetime

    from intake.attachments import PreparedAttachment
    from intake.cleaning import AS_SENT, IMAGE_REPORT, Report
    from intake.models import CaseKind
    from intake.services import setup
    from intake.services.filing import FilingInput, file_case
    from intake.services.keyring import current_keyring

    app = _fresh_app(tmp_path, postgres)
    with app.app_context():
        upgrade()
        setup.ensure_organisation(db.session)
        files = [
            PreparedAttachment("ภาพ.jpg", "image/jpeg", b"\xff\xd8\xff clean", True),
            PreparedAttachment("เอกสาร.pdf", "application/pdf", b"%PDF-1.4 as sent", False),
        ]
        data = FilingInput(kind=CaseKind.TIP, subject="ก", details="ข", attachments=files)
        file_case(db.session, current_keyring(), tmp_path / "uploads", data, datetime.now(UTC))
        db.session.remove()
        downgrade(revision="0010")
        upgrade()
        with db.engine.connect() as connection:
            open_every_organisation(connection)  # the test reads every row
            rows = dict(
                connection.exec_driver_sql("SELECT mime, metadata_report FROM attachments").all()
            )
        db.engine.dispose()
    assert Report.decode(rows["image/jpeg"]) == IMAGE_REPORT
    assert Report.decode(rows["application/pdf"]) == AS_SENT


def test_reveals_running_at_the_upgrade_to_sealed_reveals_end_and_are_wiped(
    tmp_path: Path, postgres: Any
) -> None:
    """Revision 0015: an identity kept under the content key cannot be sealed to a key
    that does not exist yet, so a reveal running at the upgrade ends and is wiped."""
    from datetime import UTC, datetime

    from sqlalchemy import inspect, text

    from intake.models import CaseKind, RevealRequest, Role
    from intake.services import setup
    from intake.services.filing import FilingInput, file_case
    from intake.services.keyring import current_keyring
    from intake.services.users import create_user

    app = _fresh_app(tmp_path, postgres)
    with app.app_context():
        upgrade()
        setup.ensure_organisation(db.session)
        now = datetime.now(UTC)
        data = FilingInput(kind=CaseKind.TIP, subject="ก", details="ข")
        filed = file_case(db.session, current_keyring(), tmp_path / "uploads", data, now)
        legal = create_user(db.session, "legal1", "นิติกร", Role.LEGAL, "pw")
        db.session.add(
            RevealRequest(
                case_id=filed.case_id, requester_id=legal.id, reason_enc=b"r", requested_at=now
            )
        )
        db.session.commit()
        db.session.remove()
        # Given a reveal running before the upgrade, its identity under the content key
        downgrade(revision="0010")
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE reveal_requests SET status = 'approved', revealed_enc = :blob"),
                {"blob": b"an identity under the content key"},
            )
        # When the database is upgraded
        upgrade()
        with db.engine.connect() as connection:
            open_every_organisation(connection)  # the test reads every row
            rows = connection.exec_driver_sql(
                "SELECT status, revealed_sealed FROM reveal_requests"
            ).all()
            columns = {c["name"] for c in inspect(connection).get_columns("reveal_requests")}
        db.engine.dispose()
    # Then it has ended, nothing of it is kept, and the old column is gone
    assert [tuple(row) for row in rows] == [("expired", None)]
    assert "revealed_enc" not in columns
