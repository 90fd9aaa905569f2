"""Configuration classes. Values come from the environment (12-factor).

Development may generate its secret and keys on first run; production refuses to start
while a secret or key is missing, and says which.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The configuration cannot run safely; the message names what is missing."""


def _flag(value: str | None, default: bool, name: str = "flag") -> bool:
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    # A typo must not quietly switch a protection off.
    raise ConfigError(f"{name} must be true or false, not {value!r}")


class BaseConfig:
    ENV_NAME = "base"
    TESTING = False
    DEBUG = False

    # hide_parameters: database errors must never print what people typed into a log.
    # No pool_pre_ping: intake/database.py pings only connections that sat idle.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"hide_parameters": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "intake_session"
    PERMANENT_SESSION_LIFETIME = 3600
    WTF_CSRF_TIME_LIMIT = 4 * 3600  # a long tip takes time to write
    # Flask-WTF's HTTPS check wants a Referer from the same site, but every page sends
    # Referrer-Policy: no-referrer, so browsers send none and each form over HTTPS would be
    # refused. The CSRF token and the SameSite session cookie remain the protection.
    WTF_CSRF_SSL_STRICT = False
    # Larger than any allowed upload set, so an over-limit file gets a message beside the
    # field (with everything typed kept) rather than a bare 413.
    MAX_CONTENT_LENGTH = 80 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "th"
    BABEL_DEFAULT_TIMEZONE = "Asia/Bangkok"
    LANGUAGES = ("th", "en")

    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    INTAKE_FILING_LIMIT = "10 per hour"
    INTAKE_TRACK_LIMIT = "10 per minute"
    # Open311 requests filed per client application's key.
    INTAKE_OPEN311_LIMIT = "120 per hour"
    # LINE's Messaging API and its content host (tests point both at a recorder).
    INTAKE_LINE_API_URL = "https://api.line.me"
    INTAKE_LINE_DATA_URL = "https://api-data.line.me"

    INTAKE_MAX_IMAGE_PIXELS = 40_000_000
    INTAKE_LOGIN_LIMIT = "10 per minute"
    INTAKE_SHOW_DEVELOPMENT_CODE = False
    INTAKE_STAFF_IDLE_MINUTES = 30
    INTAKE_TRACK_SESSION_MINUTES = 30
    # Public statistics are computed at most once per this many seconds per worker.
    INTAKE_STATS_CACHE_SECONDS = 60


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    # Shows the current sign-in code on the code page, so the demo logins work without
    # an authenticator app. Never in production or tests.
    INTAKE_SHOW_DEVELOPMENT_CODE = True
    INTAKE_STATS_CACHE_SECONDS = 0  # a case filed while trying it out shows at once


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestingConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    INTAKE_SHOW_DEVELOPMENT_CODE = False


CONFIGS: dict[str, type[BaseConfig]] = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def _dev_secret(instance_path: Path) -> str:
    """Development only: a secret generated once into the instance folder."""
    path = instance_path / "secret_key"
    if path.exists() and not path.read_text().strip():
        path.unlink()  # an empty file left by an interrupted first run
    if not path.exists():
        from intake.filemodes import make_private_folder  # intake imports this module

        make_private_folder(instance_path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def database_url(url: str) -> str:
    """Hosting panels hand out ``postgres://`` URLs; we speak psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def trusted_hosts(listed: str, base_url: str, env_name: str) -> list[str] | None:
    """The host names requests may carry (Flask's TRUSTED_HOSTS; any other gets 400).

    A Host header is the visitor's to choose: nothing may be built from one the
    organisation did not name. Production takes the host of INTAKE_BASE_URL unless
    INTAKE_TRUSTED_HOSTS lists them (comma-separated; ".example.org" takes its
    subdomains too); development and tests take any host unless a list is given."""
    names = [name.strip().lower() for name in listed.split(",") if name.strip()]
    if names:
        return names
    if env_name != "production":
        return None
    host = urlsplit(base_url).hostname
    if not host:
        raise ConfigError("INTAKE_BASE_URL has no host name: set it, or INTAKE_TRUSTED_HOSTS")
    return [host]


def load_config(environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None) -> dict:
    """Build the settings dict for create_app() from the environment and test overrides."""
    overrides = dict(overrides or {})
    env_name = overrides.pop("INTAKE_ENV", None) or environ.get("INTAKE_ENV", "development")
    if env_name not in CONFIGS:
        raise ConfigError(f"INTAKE_ENV must be one of {', '.join(CONFIGS)}, not {env_name!r}")
    cls = CONFIGS[env_name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}

    instance = _instance_path(
        overrides.pop("INTAKE_INSTANCE_PATH", None) or environ.get("INTAKE_INSTANCE_PATH"),
        env_name,
    )
    settings["INTAKE_INSTANCE_PATH"] = str(instance)
    settings["INTAKE_KEYS_PATH"] = str(
        Path(environ.get("INTAKE_KEYS_PATH") or instance / "keys").resolve()
    )
    settings["INTAKE_UPLOADS_PATH"] = str(
        Path(environ.get("INTAKE_UPLOADS_PATH") or instance / "uploads").resolve()
    )
    settings["SQLALCHEMY_DATABASE_URI"] = database_url(
        environ.get("DATABASE_URL") or f"sqlite:///{instance / 'intake.sqlite'}"
    )
    for key in (
        "INTAKE_FILING_LIMIT",
        "INTAKE_TRACK_LIMIT",
        "INTAKE_LOGIN_LIMIT",
        "INTAKE_OPEN311_LIMIT",
        "INTAKE_LINE_API_URL",
        "INTAKE_LINE_DATA_URL",
    ):
        if environ.get(key):
            settings[key] = environ[key]
    settings["INTAKE_TRUSTED_PROXIES"] = _count(environ, "INTAKE_TRUSTED_PROXIES")
    settings["INTAKE_TRUSTED_PROXIES_SET"] = bool(environ.get("INTAKE_TRUSTED_PROXIES", "").strip())
    settings["INTAKE_WORKER_COUNT"] = _count(environ, "INTAKE_WORKER_COUNT") or 1
    # Read by `intake backup` (its default --output) and `intake check`.
    settings["INTAKE_BACKUP_PATH"] = environ.get("INTAKE_BACKUP_PATH", "").strip()
    settings["INTAKE_BASE_URL"] = environ.get("INTAKE_BASE_URL", "http://127.0.0.1:5000").rstrip(
        "/"
    )
    # The host's own name, on the pages of an installation serving several organisations.
    settings["INTAKE_HOST_NAME"] = environ.get("INTAKE_HOST_NAME", "").strip()
    settings["INTAKE_HOST_NAME_EN"] = environ.get("INTAKE_HOST_NAME_EN", "").strip()
    for key in (
        "MAIL_SERVER",
        "MAIL_PORT",
        "MAIL_USERNAME",
        "MAIL_PASSWORD",
        "MAIL_DEFAULT_SENDER",
        "MAIL_TIMEOUT",
    ):
        if environ.get(key):
            settings[key] = environ[key]
    if environ.get("INTAKE_STATS_CACHE_SECONDS", "").strip():
        raw = environ["INTAKE_STATS_CACHE_SECONDS"].strip()
        if not raw.isdigit():
            raise ConfigError(f"INTAKE_STATS_CACHE_SECONDS must be whole seconds, not {raw!r}")
        settings["INTAKE_STATS_CACHE_SECONDS"] = int(raw)
    for key in ("MAIL_USE_TLS", "MAIL_USE_SSL"):
        settings[key] = _flag(environ.get(key), False, key)
    for key, value in environ.items():
        if key.startswith("RATELIMIT_"):
            settings[key] = _flag(value, True, key) if key == "RATELIMIT_ENABLED" else value

    secret = environ.get("SECRET_KEY", "")
    if secret and env_name == "production" and len(secret) < 32:
        raise ConfigError("SECRET_KEY is too short: use at least 32 random characters")
    if secret:
        settings["SECRET_KEY"] = secret
    elif env_name == "production" and "SECRET_KEY" not in overrides:
        raise ConfigError("SECRET_KEY is not set: production refuses to start without it")
    elif "SECRET_KEY" not in overrides:
        settings["SECRET_KEY"] = _dev_secret(instance)

    settings.update(overrides)
    if "TRUSTED_HOSTS" not in overrides:
        settings["TRUSTED_HOSTS"] = trusted_hosts(
            environ.get("INTAKE_TRUSTED_HOSTS", ""), settings["INTAKE_BASE_URL"], env_name
        )
    if env_name == "production":
        _refuse_per_worker_limits(settings)
    return settings


def _instance_path(named: str | None, env_name: str) -> Path:
    """The folder of the database, keys and uploads. An installed package lives in
    site-packages, which is no place for data, so production must name it; development
    uses ./instance under the folder it is started from (the checkout, under `make run`)."""
    if named:
        return Path(named).resolve()
    if env_name == "production":
        raise ConfigError(
            "INTAKE_INSTANCE_PATH is not set: production needs a folder of its own for the "
            "keys and uploads, e.g. /srv/intake/instance"
        )
    return (Path.cwd() / "instance").resolve()


def _count(environ: Mapping[str, str], name: str) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number (0 or more), not {raw!r}")
    return int(raw)


def _refuse_per_worker_limits(settings: Mapping[str, Any]) -> None:
    """With ``memory://`` each worker counts on its own: under N workers every limit is N
    times what it says, and which worker a request lands on decides. gunicorn.conf.py
    tells the application how many workers serve, so this fails closed rather than
    warning into a log nobody reads."""
    workers = settings["INTAKE_WORKER_COUNT"]
    storage = str(settings.get("RATELIMIT_STORAGE_URI", ""))
    if settings.get("RATELIMIT_ENABLED") and storage.startswith("memory://") and workers > 1:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI is memory:// but {workers} workers serve: each would "
            "count apart; point it at Redis (e.g. redis+unix:///run/redis/redis-server.sock)"
        )
