"""`intake check`, the deployment doctor: every check both ways, each against real pieces
where it asks one (the tier's database, redis-server, an SMTP server on loopback), and the
command's exit status."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import AuditEntry
from intake.services import deploy_check as check
from intake.services.audit import ACTOR_SYSTEM, record
from tests.support.cli import run_intake
from tests.support.proxy import RedisServer, free_port

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def levels(*findings: check.Finding) -> list[str]:
    return [finding.level for finding in findings]


def test_a_line_names_the_level_what_and_the_fix() -> None:
    assert check.Finding("FAIL", "base URL x", "set it").line == "FAIL base URL x: set it"
    assert check.Finding("OK", "production mode").line == "OK production mode"


def test_production_mode_and_secret_length() -> None:
    assert levels(check.production_mode("production"), check.production_mode("development")) == [
        "OK",
        "FAIL",
    ]
    assert levels(check.secret_length("s" * 32), check.secret_length("s" * 31)) == ["OK", "FAIL"]


def test_key_files_present_and_owner_only(tmp_path: Path) -> None:
    from intake import crypto

    keys = tmp_path / "keys"
    assert check.key_files(keys).level == "FAIL"  # none yet
    crypto.ensure_keyring(keys)
    assert check.key_files(keys).level == "OK"
    loose = sorted(path for path in keys.iterdir() if path.is_file())[0]
    loose.chmod(0o644)
    finding = check.key_files(keys)
    assert finding.level == "FAIL"
    assert f"chmod 600 '{loose}'" in finding.fix


def test_the_instance_folder_is_0700(app: Flask) -> None:
    instance = Path(app.instance_path)
    assert check.instance_folder(app.config).level == "OK"
    instance.chmod(0o755)
    try:
        finding = check.instance_folder(app.config)
    finally:
        instance.chmod(0o700)
    assert finding.level == "FAIL"
    assert f"chmod 700 '{instance}'" in finding.fix


def test_database_reachable_and_at_the_latest_revision() -> None:
    assert check.database("0020", "0020", None).level == "OK"
    behind = check.database("0019", "0020", None)
    assert behind.level == "FAIL" and "intake init" in behind.fix
    assert check.database(None, "0020", "OperationalError").level == "FAIL"


def test_the_database_state_is_read_from_the_real_database(app: Flask, tmp_path: Path) -> None:
    # The suite's schema comes from the models, not from migrations: no revision recorded.
    migrations = Path(app.root_path) / "migrations"
    with app.app_context():
        current, head, error, _ = check._database_state(db.engine, migrations, NOW)
    assert (current, error) == (None, None)
    assert head is not None and check.database(current, head, error).level == "FAIL"
    from sqlalchemy import create_engine

    gone = create_engine(f"sqlite:///{tmp_path / 'missing' / 'no.sqlite'}")
    assert check._database_state(gone, migrations, NOW)[2] is not None


def test_rate_limits_counted_in_shared_storage() -> None:
    redis = "redis+unix:///run/redis/redis-server.sock"
    assert check.rate_limit_storage(True, redis, 2, None).level == "OK"
    assert check.rate_limit_storage(True, redis, 2, "ConnectionError").level == "FAIL"
    assert check.rate_limit_storage(True, "memory://", 2, None).level == "FAIL"
    assert check.rate_limit_storage(True, "memory://", 1, None).level == "WARN"
    assert check.rate_limit_storage(False, redis, 2, None).level == "FAIL"


def test_the_redis_probe_asks_a_real_redis_server() -> None:
    redis = RedisServer().start()
    try:
        assert check.probe_redis(redis.url) is None
    finally:
        redis.stop()
    assert check.probe_redis(redis.url) is not None  # stopped: unreachable


class _Quiet:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        return "250 OK"


@pytest.fixture
def smtp_port() -> Iterator[int]:
    port = free_port()
    controller = Controller(_Quiet(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_mail_configured_and_reachable(smtp_port: int) -> None:
    assert check.probe_smtp({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port}) is None
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        nobody = closed.getsockname()[1]
    error = check.probe_smtp({"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": nobody, "MAIL_TIMEOUT": 2})
    assert error is not None
    assert check.mail("127.0.0.1", None).level == "OK"
    assert check.mail("127.0.0.1", error).level == "FAIL"
    assert check.mail(None, None).level == "WARN"


def test_the_base_url_is_https() -> None:
    assert check.base_url("https://intake.example.go.th").level == "OK"
    assert check.base_url("http://intake.example.go.th").level == "FAIL"


def test_a_second_custodian_exists() -> None:
    assert levels(check.custodians(2), check.custodians(1), check.custodians(0)) == [
        "OK",
        "WARN",
        "FAIL",
    ]


def test_backups_configured_and_the_newest_archive_recent(tmp_path: Path) -> None:
    assert check.backups(None, [], NOW).level == "FAIL"
    assert check.backups(str(tmp_path / "absent"), [], NOW).level == "FAIL"
    assert check.backups(str(tmp_path), [], NOW).level == "WARN"  # a new instance
    archive = tmp_path / "intake-20260302-020000.backup"
    archive.write_bytes(b"x")
    for age, level in ((timedelta(hours=6), "OK"), (timedelta(hours=27), "FAIL")):
        stamp = (NOW - age).timestamp()
        os.utime(archive, (stamp, stamp))
        assert check.backups(str(tmp_path), [archive], NOW).level == level


def test_remind_ran_in_the_last_26_hours() -> None:
    assert check.reminders(None, NOW).level == "WARN"
    assert check.reminders(NOW - timedelta(hours=25), NOW).level == "OK"
    assert check.reminders(NOW - timedelta(hours=27), NOW).level == "FAIL"


def test_proxy_trust_is_set() -> None:
    assert check.proxy_trust(True, 1).level == "OK"
    assert check.proxy_trust(True, 0).level == "OK"  # said so: no proxy in front
    assert check.proxy_trust(False, 0).level == "FAIL"


def test_the_clock_is_in_sync_enough_for_two_factor_codes() -> None:
    assert check.clock(timedelta(seconds=3), True).level == "OK"
    assert check.clock(timedelta(seconds=-45), True).level == "FAIL"
    assert check.clock(None, False).level == "FAIL"
    assert check.clock(None, None).level == "WARN"


def test_remind_records_its_run_for_the_check(app: Flask) -> None:
    run_intake(app, "remind")
    with app.app_context():
        runs = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == check.REMINDERS_RUN)
        ).all()
    assert len(runs) == 1
    assert runs[0].actor == ACTOR_SYSTEM


def test_the_command_fails_on_a_fail_and_prints_every_line(app: Flask) -> None:
    # The suite's app is not a production deployment: the check says so and exits 1
    output = run_intake(app, "check", ok=False)
    lines = output.strip().splitlines()
    assert all(line.split(" ", 1)[0] in {"OK", "WARN", "FAIL"} for line in lines), output
    assert "FAIL running as testing: set INTAKE_ENV=production" in lines
    assert any(line.startswith("WARN `remind` has never run") for line in lines)


def test_the_command_reads_the_newest_remind_run(app: Flask) -> None:
    with app.app_context():
        from intake.services.keyring import current_keyring

        record(db.session, current_keyring(), check.REMINDERS_RUN, actor=ACTOR_SYSTEM, now=NOW)
        db.session.commit()
    output = run_intake(app, "check", ok=False)
    assert "FAIL `remind` last ran" in output  # NOW is long past


def test_init_in_production_ends_with_the_check_on_the_database_it_just_wrote(
    tmp_path: Path, postgres: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a new production instance (on SQLite a transaction left open would lock it)
    from intake import create_app

    monkeypatch.setenv("SECRET_KEY", "c" * 40)
    monkeypatch.setenv("INTAKE_CUSTODIAN_PASSPHRASE", "the first custodian's passphrase")
    monkeypatch.setattr("sys.argv", ["intake", "init"])
    url = (
        postgres.create_database("check_after_init")
        if postgres is not None
        else f"sqlite:///{tmp_path / 'prod.sqlite'}"
    )
    app = create_app(
        {
            "INTAKE_ENV": "production",
            "INTAKE_INSTANCE_PATH": str(tmp_path / "prod"),
            "SQLALCHEMY_DATABASE_URI": url,
            "INTAKE_BASE_URL": "https://intake.example.go.th",
        }
    )
    try:
        # When `intake init` runs
        output = run_intake(app, "init", "--no-demo")
    finally:
        with app.app_context():
            db.engine.dispose()
    # Then it ends with the deployment check, which reads the database init just made
    check_lines = output.split("deployment check:\n", 1)[1].splitlines()
    assert any(line.startswith("OK database reachable, at the latest") for line in check_lines)
    assert "WARN one custodian of the identity key" in output
