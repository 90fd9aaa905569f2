"""What an operator copies from deploy/ matches what the application reads: the
environment template names every variable, loads as a production configuration once its
required values are filled in, and the systemd units run commands that exist, from that
file, creating owner-only files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from config import load_config

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / "intake.env.example"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
# Where the application reads its environment: the configuration, the server settings and
# the WSGI entry point.
READERS = [ROOT / "config.py", ROOT / "gunicorn.conf.py", ROOT / "wsgi.py"]
# Read by name in a loop (MAIL_*) or by prefix (RATELIMIT_*), so not found by the pattern.
READ_BY_LIST = {
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER",
    "MAIL_TIMEOUT",
    "MAIL_USE_TLS",
    "MAIL_USE_SSL",
    "RATELIMIT_STORAGE_URI",
    "INTAKE_FILING_LIMIT",
    "INTAKE_TRACK_LIMIT",
    "INTAKE_LOGIN_LIMIT",
}
# Set by the processes themselves, never by the operator.
SET_BY_THE_SERVER = {"INTAKE_WEB_WORKER", "INTAKE_WORKER_COUNT", "PATH"}


def _template() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def _read_by_the_application() -> set[str]:
    pattern = re.compile(r"""environ(?:\.get\(|\[)\s*["']([A-Z][A-Z0-9_]+)["']""")
    names = {name for path in READERS for name in pattern.findall(path.read_text())}
    return (names | READ_BY_LIST) - SET_BY_THE_SERVER


def test_the_template_names_every_variable_the_application_reads() -> None:
    missing = _read_by_the_application() - set(_template())
    assert not missing, f"deploy/intake.env.example lacks {sorted(missing)}"


def test_the_template_filled_in_is_a_valid_production_configuration(tmp_path: Path) -> None:
    # Given the template with its required values filled in
    environ = _template()
    assert environ["INTAKE_ENV"] == "production"
    environ["SECRET_KEY"] = "x" * 64
    environ["INTAKE_INSTANCE_PATH"] = str(tmp_path / "instance")
    # When the configuration is read from it
    settings = load_config(environ)
    # Then it is production behind one proxy, limits counted in Redis, hosts from the URL
    assert settings["ENV_NAME"] == "production"
    assert settings["INTAKE_TRUSTED_PROXIES"] == 1
    assert settings["RATELIMIT_STORAGE_URI"].startswith("redis+unix://")
    assert settings["TRUSTED_HOSTS"] == ["intake.example.go.th"]
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.mark.parametrize("unit", UNITS, ids=lambda path: path.name)
def test_each_unit_reads_the_environment_file_and_creates_owner_only_files(unit: Path) -> None:
    text = unit.read_text()
    assert "EnvironmentFile=/etc/intake/intake.env" in text
    assert "UMask=0077" in text
    assert "NoNewPrivileges=true" in text


@pytest.mark.parametrize(
    "unit, command",
    [("intake-remind.service", "remind"), ("intake-backup.service", "backup")],
)
def test_the_timed_units_run_commands_that_exist(app: Flask, unit: str, command: str) -> None:
    text = (DEPLOY / "systemd" / unit).read_text()
    assert f"/venv/bin/intake {command}\n" in text
    assert (DEPLOY / "systemd" / unit.replace(".service", ".timer")).is_file()
    result = app.test_cli_runner().invoke(args=["intake", command, "--help"])
    assert result.exit_code == 0, result.output


def test_the_application_unit_serves_with_the_projects_gunicorn_settings() -> None:
    # The unit names the settings module the package carries: intake/gunicorn_conf.py is
    # the project's gunicorn.conf.py (a link in the checkout, the file itself in the wheel).
    text = (DEPLOY / "systemd" / "intake.service").read_text()
    assert "gunicorn -c python:intake.gunicorn_conf wsgi:app" in text
    assert (ROOT / "intake" / "gunicorn_conf.py").resolve() == (ROOT / "gunicorn.conf.py")
