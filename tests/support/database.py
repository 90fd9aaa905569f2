"""Each test's database: a fresh schema, or on PostgreSQL a transaction rolled back at the end.

Creating every table for every test is most of a short test's time on PostgreSQL. There the
schema is created once and each test runs inside one outer transaction on one connection;
the application's sessions join it through SAVEPOINTs (SQLAlchemy's "joining a session into
an external transaction"), so their commits stay invisible to everyone else and vanish with
the rollback. A test whose data another connection, thread or process must see (a live
server, a backup's snapshot, concurrency, database files read from disk) is marked
``@pytest.mark.commits`` and gets real commits on a freshly created schema, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask_sqlalchemy.session import Session
from sqlalchemy import text
from sqlalchemy.engine import Connection, Transaction

from intake.demo.reference_data import add_demo_reference_data
from intake.extensions import db
from intake.models import Role
from intake.services import setup
from intake.services.identity import create_identity_key
from intake.services.keyring import current_keyring
from intake.services.users import create_user
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE

RESTART_SEQUENCES = text(
    "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c"
    " JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE c.relkind = 'S' AND n.nspname = current_schema()"
)


def seed(app: Flask) -> None:
    """What every test instance starts with: the organisation, reference data, a custodian
    holding the identity key."""
    with app.app_context():
        setup.ensure_organisation(db.session)
        add_demo_reference_data(db.session)
        custodian = create_user(db.session, CUSTODIAN, "ผู้ดูแลข้อมูลตัวตน", Role.CUSTODIAN, "pw")
        create_identity_key(
            db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, datetime.now(UTC)
        )


def recreate_schema(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
        db.create_all()


@dataclass
class SharedSchema:
    """The session's PostgreSQL schema: empty and current, or left with committed rows."""

    empty: bool = False

    def make_empty(self, app: Flask) -> None:
        if not self.empty:
            recreate_schema(app)
            self.empty = True


class _JoinedSession(Session):
    """Every statement goes to the test's connection, whatever table it names (Flask-
    SQLAlchemy's own choice would take a fresh connection from the engine)."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind


class RolledBackDatabase:
    """The application's sessions joined to one outer transaction, rolled back by ``end``."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        with app.app_context():
            self.connection: Connection = db.engine.connect()
        self._outer: Transaction = self.connection.begin()
        # Sequences ignore rollbacks: restarted, ids start at 1 as on a fresh schema.
        self.connection.execute(RESTART_SEQUENCES)
        self._original_session = db.session
        db.session = db._make_scoped_session(
            {
                "class_": _JoinedSession,
                "bind": self.connection,
                "join_transaction_mode": "create_savepoint",
            }
        )

    def end(self) -> None:
        with self._app.app_context():
            db.session.remove()
        db.session = self._original_session
        self._outer.rollback()
        self.connection.close()


def database_files(app: Flask) -> list[Path]:
    """Files that hold the database's bytes, for leak tests."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            base = Path(db.engine.url.database or "")
            return [p for p in base.parent.glob(base.name + "*") if p.is_file()]
        db.session.execute(text("CHECKPOINT"))
        db.session.commit()
    return []
