"""Fixtures: an app per test on a fresh database, on SQLite or a real PostgreSQL.

The tier comes from INTAKE_TEST_TIER (set by tests/tiers.py): ``sqlite`` (default),
``postgresql`` (a throwaway cluster started here, one per test session), ``browser`` or
``production`` (the installed wheel behind nginx, on that same kind of cluster).
On PostgreSQL each test runs in a transaction rolled back at its end unless it is marked
``commits`` (see tests/support/database.py). Helpers live in tests/support/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from intake import create_app, crypto
from intake.extensions import db
from intake.models import Role
from intake.services import users as users_service
from tests.support import custodian
from tests.support.database import RolledBackDatabase, SharedSchema, recreate_schema, seed

TIER = os.environ.get("INTAKE_TEST_TIER", "sqlite")
LOCK_TIMEOUT = "60s"  # far above any wait the concurrency tests make on purpose

# scrypt at its production cost takes a noticeable fraction of a second and 128 MiB per
# wrap; the suite sets up a custodian for every test, so it uses the lowest cost the
# unwrapping code accepts. tests/test_identity.py checks the production cost itself
# (custodian.PRODUCTION_SCRYPT_N, read before this line).
assert custodian.PRODUCTION_SCRYPT_N == crypto.sealing.SCRYPT_N
crypto.sealing.SCRYPT_N = 2**14
# Likewise for staff passwords: every staff test hashes and checks several.
users_service.PASSWORD_METHOD = "pbkdf2:sha256:1000"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Any]:
    """The session's PostgreSQL server, or None outside the postgresql tier."""
    if TIER not in ("postgresql", "production"):
        yield None
        return
    from tests.support.pgserver import PostgresServer, find_pg_bin

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
    if postgres is None:
        return None
    url = postgres.create_database("intake_test")
    # A test that waits on the locks of its own rolled-back transaction (DDL or writes on a
    # second connection, when it should be marked ``commits``) fails instead of hanging.
    postgres.execute(f"ALTER DATABASE intake_test SET lock_timeout = '{LOCK_TIMEOUT}'")
    return url


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


@pytest.fixture(scope="session")
def shared_schema() -> SharedSchema:
    return SharedSchema()


@pytest.fixture
def make_app(
    tmp_path: Path,
    postgres_url: str | None,
    shared_schema: SharedSchema,
    request: pytest.FixtureRequest,
) -> Iterator[Any]:
    """Build an app with extra settings; its database starts empty but for demo data."""
    apps: list[Flask] = []
    rolled_back: list[RolledBackDatabase] = []
    commits = postgres_url is None or request.node.get_closest_marker("commits") is not None

    def build(**extra: Any) -> Flask:
        instance = tmp_path / "instance"
        app = create_app(_overrides(instance, _database_url(tmp_path, postgres_url), **extra))
        if not apps:
            if commits:
                shared_schema.empty = False
                recreate_schema(app)
            else:
                shared_schema.make_empty(app)
                rolled_back.append(RolledBackDatabase(app))
            seed(app)
        apps.append(app)
        return app

    yield build
    for database in rolled_back:
        database.end()
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


# --- browser tier -------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Chromium driven from a thread of its own (tests/test_browser.py holds the main
    thread's Playwright instance, and the sync API allows one per thread)."""
    from tests.support.browser import ChromiumThread, chromium_path

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
    from tests.support.browser import serve
    from tests.support.staff import LEGAL, make_staff

    app = make_app(WTF_CSRF_ENABLED=True)
    make_staff(app, LEGAL, Role.LEGAL)
    with serve(app) as server:
        yield server
