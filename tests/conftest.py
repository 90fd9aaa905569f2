"""Fixtures: an app per test on a fresh database, on SQLite or a real PostgreSQL.

The tier comes from INTAKE_TEST_TIER (set by tests/tiers.py): ``sqlite`` (default),
``postgresql`` (a throwaway cluster started here, one per test session), ``browser`` or
``production`` (the installed wheel behind nginx, on that same kind of cluster).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).parent))

from intake import create_app, crypto  # noqa: E402
from intake.demo.reference_data import add_demo_reference_data  # noqa: E402
from intake.extensions import db  # noqa: E402
from intake.models import Role  # noqa: E402
from intake.services import setup  # noqa: E402
from intake.services import users as users_service  # noqa: E402
from intake.services.identity import create_identity_key  # noqa: E402
from intake.services.keyring import current_keyring  # noqa: E402
from intake.services.users import create_user  # noqa: E402

TIER = os.environ.get("INTAKE_TEST_TIER", "sqlite")

CUSTODIAN = "custodian"
CUSTODIAN_PASSPHRASE = "correct horse battery staple"
# scrypt at its production cost takes a noticeable fraction of a second and 128 MiB per
# wrap; the suite sets up a custodian for every test, so it uses the lowest cost the
# unwrapping code accepts. tests/test_identity.py checks the production cost itself.
PRODUCTION_SCRYPT_N = crypto.sealing.SCRYPT_N
crypto.sealing.SCRYPT_N = 2**14
# Likewise for staff passwords: every staff test hashes and checks several.
users_service.PASSWORD_METHOD = "pbkdf2:sha256:1000"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """The session's PostgreSQL server, or None outside the postgresql tier."""
    if TIER not in ("postgresql", "production"):
        yield None
        return
    from pgserver import PostgresServer, find_pg_bin

    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.fail("postgresql tier requested but no PostgreSQL binaries were found")
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres: Any) -> str | None:
    return postgres.create_database("intake_test") if postgres is not None else None


def _overrides(instance: Path, database_url: str, **extra: Any) -> dict[str, Any]:
    settings = {
        "INTAKE_ENV": "testing",
        "INTAKE_INSTANCE_PATH": str(instance),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    settings.update(extra)
    return settings


def _database_url(tmp_path: Path, postgres_url: str | None) -> str:
    return postgres_url or f"sqlite:///{tmp_path / 'instance' / 'intake.sqlite'}"


def _reset_schema(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
        db.create_all()
        setup.ensure_organisation(db.session)
        add_demo_reference_data(db.session)
        custodian = create_user(db.session, CUSTODIAN, "ผู้ดูแลข้อมูลตัวตน", Role.CUSTODIAN, "pw")
        create_identity_key(
            db.session, current_keyring(), custodian, CUSTODIAN_PASSPHRASE, datetime.now(UTC)
        )


@pytest.fixture
def make_app(tmp_path: Path, postgres_url: str | None) -> Iterator[Any]:
    """Build an app with extra settings; its database starts empty but for demo data."""
    apps: list[Flask] = []

    def build(**extra: Any) -> Flask:
        instance = tmp_path / "instance"
        app = create_app(_overrides(instance, _database_url(tmp_path, postgres_url), **extra))
        if not apps:
            _reset_schema(app)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Any) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """`flask --app wsgi ...` as an operator types it, on the test's app."""
    return app.test_cli_runner()


@pytest.fixture
def app_context(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def database_files(app: Flask) -> list[Path]:
    """Files that hold the database's bytes, for leak tests."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            base = Path(db.engine.url.database or "")
            return [p for p in base.parent.glob(base.name + "*") if p.is_file()]
        db.session.execute(text("CHECKPOINT"))
        db.session.commit()
    return []


# --- browser tier -------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium driven from a thread of its own (tests/test_browser.py holds the main
    thread's Playwright instance, and the sync API allows one per thread)."""
    from browser_support import ChromiumThread, chromium_path

    if not Path(chromium_path()).is_file():
        pytest.fail(f"browser tier needs Chromium at {chromium_path()} (apt-get install chromium)")
    driver = ChromiumThread()
    driver.start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture
def staff_server(make_app: Any) -> Iterator[Any]:
    """The app with CSRF on, serving, with a legal officer's account made beforehand."""
    from browser_support import serve
    from staff_support import LEGAL, make_staff

    app = make_app(WTF_CSRF_ENABLED=True)
    make_staff(app, LEGAL, Role.LEGAL)
    with serve(app) as server:
        yield server
