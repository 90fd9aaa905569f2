"""The instance folder and everything in it are owner-only, in every mode; production
refuses to start while the group or others may open the folder, the keys or the database.

Each test runs under the common umask 022, with which files would come out 0644 and
folders 0755 unless the application sets their modes itself.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from config import ConfigError
from intake import create_app, crypto, mail
from intake.extensions import db
from intake.services import setup
from intake.services.keyring import current_keyring

PRODUCTION_SECRET = "production-secret-for-the-file-mode-tests-0123456789"
NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def common_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def apps() -> Iterator[list[Flask]]:
    made: list[Flask] = []
    yield made
    for app in made:
        with app.app_context():
            db.engine.dispose()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sqlite_app(apps: list[Flask], instance: Path, env: str, **extra: Any) -> Flask:
    settings = {
        "INTAKE_ENV": env,
        "INTAKE_INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'intake.sqlite'}",
        "RATELIMIT_ENABLED": False,
        **extra,
    }
    app = create_app(settings)
    apps.append(app)
    return app


def test_development_creates_the_instance_folder_and_its_files_owner_only(
    apps: list[Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given no instance folder yet (two levels missing) and no SECRET_KEY
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "srv" / "instance"
    # When development starts, writes to its SQLite database and drops a mail in the outbox
    app = _sqlite_app(apps, instance, "development")
    with app.app_context():
        db.session.execute(text("CREATE TABLE probe (x INTEGER)"))
        db.session.execute(text("INSERT INTO probe VALUES (1)"))
        db.session.commit()
        keyring = current_keyring()
        db.create_all()
        setup.ensure_organisation(db.session)  # mail is an organisation's
        mail.queue(db.session, keyring, "test", "a@example.org", "subject", "body", NOW)
        db.session.commit()
        outbox = instance / "outbox"
        mail.deliver(db.session, keyring, {"ENV_NAME": "development"}, outbox, NOW)
        # Then every folder is 0700 and every file 0600, the database's -wal and -shm too
        folders = [tmp_path / "srv", instance, instance / "keys", outbox]
        files = [
            instance / "secret_key",
            instance / "intake.sqlite",
            instance / "intake.sqlite-wal",
            instance / "intake.sqlite-shm",
            *(instance / "keys" / name for name in crypto.KEY_FILES),
            *outbox.iterdir(),
        ]
        assert {str(path): _mode(path) for path in folders} == {str(p): 0o700 for p in folders}
        assert {str(path): _mode(path) for path in files} == {str(p): 0o600 for p in files}
        assert len(list(outbox.iterdir())) == 1


def _production_instance(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_SECRET)
    instance = tmp_path / "instance"
    crypto.ensure_keyring(instance / "keys")
    return instance


def test_production_starts_when_everything_is_owner_only(
    apps: list[Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given keys made by `intake init`'s own code, in a fresh instance folder
    instance = _production_instance(tmp_path, monkeypatch)
    # When production starts, twice (the second time with its database file present)
    _sqlite_app(apps, instance, "production")
    app = _sqlite_app(apps, instance, "production")
    # Then it runs, and what it made is owner-only
    assert app.config["ENV_NAME"] == "production"
    assert _mode(instance) == 0o700
    assert _mode(instance / "intake.sqlite") == 0o600


@pytest.mark.parametrize(
    ("relative", "mode", "fix"),
    [
        pytest.param(".", 0o755, "chmod 700", id="instance-folder"),
        pytest.param("keys", 0o750, "chmod 700", id="keys-folder"),
        pytest.param(f"keys/{crypto.CONTENT_KEYS_FILE}", 0o644, "chmod 600", id="key-file"),
        pytest.param("intake.sqlite", 0o644, "chmod 600", id="database"),
        pytest.param("intake.sqlite-wal", 0o640, "chmod 600", id="database-wal"),
    ],
)
def test_production_refuses_storage_others_may_open_and_says_how_to_fix_it(
    apps: list[Flask],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    relative: str,
    mode: int,
    fix: str,
) -> None:
    # Given a production instance in which one path is open to the group or others
    instance = _production_instance(tmp_path, monkeypatch)
    path = (instance / relative).resolve()
    if not path.exists():
        path.touch(mode=0o600)
    path.chmod(mode)
    # When production starts
    with pytest.raises(ConfigError) as raised:
        _sqlite_app(apps, instance, "production")
    # Then it refuses, naming the path, its mode and the command that fixes it
    message = str(raised.value)
    assert f"{path} is open to others (mode {mode:o})" in message
    assert f"{fix} '{path}'" in message
