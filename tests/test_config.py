"""Configuration from the environment (config.load_config) and production start-up checks."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from config import ConfigError, database_url, load_config
from intake import create_app, crypto
from intake.extensions import db
from intake.services.keyring import current_keyring

PRODUCTION_SECRET = "production-secret-from-the-environment-0123456789"
_OUTER_PREFIXES = ("INTAKE_", "RATELIMIT_")
_OUTER_NAMES = ("DATABASE_URL", "SECRET_KEY")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings from the shell running the tests must not leak into these tests."""
    for name in list(os.environ):
        if name.startswith(_OUTER_PREFIXES) or name in _OUTER_NAMES:
            monkeypatch.delenv(name)


@pytest.fixture
def instance(tmp_path: Path) -> Path:
    return tmp_path / "instance"


def _dev(instance: Path, **environ: str) -> dict[str, Any]:
    return load_config(environ, {"INTAKE_INSTANCE_PATH": str(instance)})


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- secrets ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "overrides"),
    [
        pytest.param({"INTAKE_ENV": "production"}, {}, id="env-from-environment"),
        pytest.param({}, {"INTAKE_ENV": "production"}, id="env-from-overrides"),
        pytest.param({"INTAKE_ENV": "production", "SECRET_KEY": ""}, {}, id="empty-secret"),
    ],
)
def test_production_without_secret_key_refuses_and_says_so(
    instance: Path, environ: dict[str, str], overrides: dict[str, Any]
) -> None:
    # Given production settings without a SECRET_KEY
    overrides = {**overrides, "INTAKE_INSTANCE_PATH": str(instance)}
    # When the configuration is loaded
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(environ, overrides)
    # Then no secret was generated in its place
    assert not (instance / "secret_key").exists()


def test_production_uses_secret_key_from_environment(instance: Path) -> None:
    # Given production with SECRET_KEY set
    environ = {"INTAKE_ENV": "production", "SECRET_KEY": PRODUCTION_SECRET}
    # When the configuration is loaded
    settings = load_config(environ, {"INTAKE_INSTANCE_PATH": str(instance)})
    # Then it is used, production cookie settings apply, and nothing is written
    assert settings["SECRET_KEY"] == PRODUCTION_SECRET
    assert settings["ENV_NAME"] == "production"
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["PREFERRED_URL_SCHEME"] == "https"
    assert not (instance / "secret_key").exists()


def test_development_generates_its_secret_once_owner_only(instance: Path) -> None:
    # Given development with no SECRET_KEY and an instance folder that does not exist yet
    assert not instance.exists()
    # When the configuration is loaded
    first = _dev(instance)
    secret_file = instance / "secret_key"
    # Then a 64-hex-character secret is written to the instance folder, mode 0600
    assert first["ENV_NAME"] == "development"
    assert secret_file.is_file()
    assert _mode(secret_file) == 0o600
    assert len(first["SECRET_KEY"]) == 64
    assert set(first["SECRET_KEY"]) <= set("0123456789abcdef")
    assert secret_file.read_text().strip() == first["SECRET_KEY"]
    # When it is loaded again
    second = _dev(instance)
    # Then the same secret comes back
    assert second["SECRET_KEY"] == first["SECRET_KEY"]
    # And another instance folder gets a different secret
    assert _dev(instance.parent / "other")["SECRET_KEY"] != first["SECRET_KEY"]


def test_development_prefers_secret_key_from_environment(instance: Path) -> None:
    # Given development with SECRET_KEY set
    # When the configuration is loaded
    settings = _dev(instance, SECRET_KEY="dev-secret")
    # Then it is used and no file is generated
    assert settings["SECRET_KEY"] == "dev-secret"
    assert not (instance / "secret_key").exists()


def test_development_never_runs_with_an_empty_secret(instance: Path) -> None:
    # Given an empty secret file left by an interrupted first run
    instance.mkdir(parents=True)
    (instance / "secret_key").write_text("")
    # When the configuration is loaded
    try:
        settings = _dev(instance)
    except ConfigError:
        return  # refusing to start is an acceptable answer
    # Then the secret is not empty
    assert len(settings["SECRET_KEY"]) >= 32


# --- database URLs ----------------------------------------------------------------------


@pytest.mark.commits
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        pytest.param(
            "postgres://intake:pw@db.example:5432/intake",
            "postgresql+psycopg://intake:pw@db.example:5432/intake",
            id="postgres-scheme",
        ),
        pytest.param(
            "postgresql://intake:pw@db.example/intake?sslmode=require",
            "postgresql+psycopg://intake:pw@db.example/intake?sslmode=require",
            id="postgresql-scheme",
        ),
        pytest.param(
            "postgresql+psycopg://intake@/intake",
            "postgresql+psycopg://intake@/intake",
            id="already-psycopg",
        ),
        pytest.param("sqlite:////srv/intake.sqlite", "sqlite:////srv/intake.sqlite", id="sqlite"),
    ],
)
def test_database_url_speaks_psycopg_3(instance: Path, given: str, expected: str) -> None:
    # When DATABASE_URL is given as a hosting panel hands it out
    # Then SQLAlchemy gets the psycopg 3 form, and other URLs are left alone
    assert database_url(given) == expected
    assert _dev(instance, DATABASE_URL=given)["SQLALCHEMY_DATABASE_URI"] == expected


def test_default_database_is_sqlite_in_the_instance_folder(instance: Path) -> None:
    # Given no DATABASE_URL
    # When the configuration is loaded
    settings = _dev(instance)
    # Then the database is a SQLite file in the instance folder, and so are keys and uploads
    resolved = instance.resolve()
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{resolved / 'intake.sqlite'}"
    assert settings["INTAKE_INSTANCE_PATH"] == str(resolved)
    assert settings["INTAKE_KEYS_PATH"] == str(resolved / "keys")
    assert settings["INTAKE_UPLOADS_PATH"] == str(resolved / "uploads")


def test_keys_path_from_environment_is_used(instance: Path, tmp_path: Path) -> None:
    # Given INTAKE_KEYS_PATH pointing outside the instance folder
    keys = tmp_path / "mounted-keys"
    # When the configuration is loaded
    # Then the keys are looked for there
    assert _dev(instance, INTAKE_KEYS_PATH=str(keys))["INTAKE_KEYS_PATH"] == str(keys.resolve())


# --- rate limits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "enabled"),
    [
        pytest.param(None, True, id="unset"),
        pytest.param("", True, id="empty"),
        pytest.param("false", False, id="false"),
        pytest.param("False", False, id="False"),
        pytest.param("0", False, id="zero"),
        pytest.param("no", False, id="no"),
        pytest.param("off", False, id="off"),
        pytest.param("true", True, id="true"),
        pytest.param(" YES ", True, id="yes-padded"),
        pytest.param("1", True, id="one"),
    ],
)
def test_ratelimit_enabled_from_environment(
    instance: Path, value: str | None, enabled: bool
) -> None:
    # Given RATELIMIT_ENABLED set (or not) in the environment
    environ = {} if value is None else {"RATELIMIT_ENABLED": value}
    # When the configuration is loaded
    # Then rate limiting is on or off as asked, as a real boolean
    assert _dev(instance, **environ)["RATELIMIT_ENABLED"] is enabled


def test_other_ratelimit_settings_pass_through(instance: Path) -> None:
    # Given a rate-limit storage URI in the environment
    settings = _dev(instance, RATELIMIT_STORAGE_URI="redis://cache:6379/0")
    # Then it is used as given
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({}, "10 per minute", id="default"),
        pytest.param({"INTAKE_TRACK_LIMIT": "3 per minute"}, "3 per minute", id="from-env"),
        pytest.param({"INTAKE_TRACK_LIMIT": ""}, "10 per minute", id="empty-keeps-default"),
    ],
)
def test_tracking_limit_from_environment(
    instance: Path, environ: dict[str, str], expected: str
) -> None:
    # When the configuration is loaded
    # Then the tracking lookup limit comes from INTAKE_TRACK_LIMIT when set
    assert _dev(instance, **environ)["INTAKE_TRACK_LIMIT"] == expected


def test_filing_limit_from_environment(instance: Path) -> None:
    # Then INTAKE_FILING_LIMIT is read the same way
    assert _dev(instance)["INTAKE_FILING_LIMIT"] == "10 per hour"
    assert _dev(instance, INTAKE_FILING_LIMIT="2 per hour")["INTAKE_FILING_LIMIT"] == "2 per hour"


# --- environment names and overrides ----------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "overrides"),
    [
        pytest.param({"INTAKE_ENV": "staging"}, {}, id="from-environment"),
        pytest.param({}, {"INTAKE_ENV": "staging"}, id="from-overrides"),
        pytest.param({"INTAKE_ENV": "Production"}, {}, id="wrong-case"),
    ],
)
def test_unknown_environment_name_is_refused(
    instance: Path, environ: dict[str, str], overrides: dict[str, Any]
) -> None:
    # When an unknown INTAKE_ENV is given
    # Then loading refuses, naming the variable and the bad value
    with pytest.raises(ConfigError, match=r"INTAKE_ENV.*'(staging|Production)'"):
        load_config(environ, {**overrides, "INTAKE_INSTANCE_PATH": str(instance)})


@pytest.mark.parametrize(
    ("name", "testing", "secure"),
    [
        pytest.param("development", False, False, id="development"),
        pytest.param("testing", True, False, id="testing"),
    ],
)
def test_environment_names_pick_their_class(
    instance: Path, name: str, testing: bool, secure: bool
) -> None:
    # When a known environment is named
    settings = _dev(instance, INTAKE_ENV=name)
    # Then its settings apply
    assert settings["ENV_NAME"] == name
    assert settings["TESTING"] is testing
    assert settings["SESSION_COOKIE_SECURE"] is secure


def test_overrides_win_over_the_environment(instance: Path) -> None:
    # Given the environment and overrides disagreeing
    environ = {"INTAKE_ENV": "production", "INTAKE_TRACK_LIMIT": "3 per minute"}
    overrides = {
        "INTAKE_ENV": "testing",
        "INTAKE_INSTANCE_PATH": str(instance),
        "INTAKE_TRACK_LIMIT": "99 per minute",
        "SECRET_KEY": "override-secret",
    }
    # When the configuration is loaded
    settings = load_config(environ, overrides)
    # Then the overrides win, and the caller's dict is not consumed
    assert settings["ENV_NAME"] == "testing"
    assert settings["INTAKE_TRACK_LIMIT"] == "99 per minute"
    assert settings["SECRET_KEY"] == "override-secret"
    assert overrides["INTAKE_ENV"] == "testing"
    assert not (instance / "secret_key").exists()


# --- production start-up ----------------------------------------------------------------


@pytest.fixture
def production(
    instance: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    """Overrides for create_app in production, with SECRET_KEY in the environment."""
    monkeypatch.setenv("SECRET_KEY", PRODUCTION_SECRET)
    apps: list[Flask] = []
    yield {
        "INTAKE_ENV": "production",
        "INTAKE_INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'production.sqlite'}",
        "_apps": apps,
    }
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _create(production: dict[str, Any]) -> Flask:
    overrides = {key: value for key, value in production.items() if not key.startswith("_")}
    app = create_app(overrides)
    production["_apps"].append(app)
    return app


def test_production_without_key_files_refuses_and_names_them(
    production: dict[str, Any], instance: Path
) -> None:
    # Given production with a SECRET_KEY but no key files
    assert not (instance / "keys").exists()
    # When the app is created
    with pytest.raises(ConfigError) as raised:
        _create(production)
    # Then the error names both missing files and where they were looked for
    message = str(raised.value)
    assert crypto.CONTENT_KEYS_FILE in message
    assert crypto.TRACKING_PEPPER_FILE in message
    assert str((instance / "keys").resolve()) in message
    # And no keys were generated behind the operator's back
    assert crypto.missing_key_files(instance / "keys") == list(crypto.KEY_FILES)


def test_production_with_half_the_key_files_names_the_missing_one(
    production: dict[str, Any], instance: Path
) -> None:
    # Given production keys of which the pepper file is missing
    keys = instance / "keys"
    crypto.ensure_keyring(keys)
    (keys / crypto.TRACKING_PEPPER_FILE).unlink()
    # When the app is created
    with pytest.raises(ConfigError) as raised:
        _create(production)
    # Then only the missing file is named
    message = str(raised.value).split(": ", 1)[1]
    assert crypto.TRACKING_PEPPER_FILE in message
    assert crypto.CONTENT_KEYS_FILE not in message


def test_production_starts_with_keys_and_secure_cookies(
    production: dict[str, Any], instance: Path
) -> None:
    # Given key files created once in the instance folder
    keyring = crypto.ensure_keyring(instance / "keys")
    # When the production app is created
    app = _create(production)
    # Then it runs as production with secure cookies, the environment's secret and those keys
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == PRODUCTION_SECRET
    assert app.config["TESTING"] is False
    with app.app_context():
        assert current_keyring() == keyring
    # And no development secret file was written
    assert not (instance / "secret_key").exists()


def test_a_typo_in_ratelimit_enabled_is_refused_not_read_as_off(tmp_path: Path) -> None:
    from config import ConfigError, load_config

    environ = {"INTAKE_INSTANCE_PATH": str(tmp_path), "RATELIMIT_ENABLED": "ture"}
    with pytest.raises(ConfigError, match="RATELIMIT_ENABLED"):
        load_config(environ)


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    from config import ConfigError, load_config

    environ = {
        "INTAKE_ENV": "production",
        "INTAKE_INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "short",
    }
    with pytest.raises(ConfigError, match="too short"):
        load_config(environ)
