"""`intake org create|list|suspend|resume`, `--org` on the commands that act on one
organisation, and `remind`/`purge` going through every organisation in one run."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from intake import create_app
from intake.crypto.keyring import organisation_keys_dir
from intake.extensions import db
from intake.models import (
    AuditEntry,
    Category,
    Department,
    HostAuditEntry,
    IdentityKey,
    Organisation,
    User,
)
from intake.organisation_scope import host_wide
from intake.services import audit
from intake.services import organisations as organisation_service
from intake.services.host_audit import verify_host
from intake.services.keyring import current_keyring, host_keyring
from tests.support.builders import complaint_form
from tests.support.filing import file_and_read_receipt
from tests.support.organisations import FIRST, add_organisation, working_for

PASSPHRASE = "a long custodian passphrase"
BAN_PHAI = [
    "--slug", "ban-phai-sao", "--name-th", "องค์การบริหารส่วนตำบลบ้านไผ่",
    "--name-en", "Ban Phai SAO", "--kind", "sao",
    "--province", "ขอนแก่น", "--district", "บ้านไผ่",
]  # fmt: skip


def _invoke(app: Flask, *args: str, **env: str):  # type: ignore[no-untyped-def]
    env.setdefault("INTAKE_CUSTODIAN_PASSPHRASE", PASSPHRASE)
    return app.test_cli_runner().invoke(args=["intake", *args], env=env)


def _organisation(app: Flask, slug: str) -> Organisation | None:
    with app.app_context():
        query = select(Organisation).where(Organisation.slug == slug)
        return db.session.scalars(host_wide(query)).first()


def _actions(app: Flask, organisation_id: int) -> list[str]:
    with working_for(app, organisation_id), app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _host_actions(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        query = select(HostAuditEntry.action, HostAuditEntry.organisation_slug)
        rows = db.session.execute(host_wide(query.order_by(HostAuditEntry.id)))
        return [(row[0], row[1]) for row in rows]


def test_org_create_opens_an_organisation_ready_to_take_cases(app: Flask) -> None:
    result = _invoke(app, "org", "create", *BAN_PHAI)
    assert result.exit_code == 0, result.output + repr(result.exception)
    created = _organisation(app, "ban-phai-sao")
    assert created is not None
    assert (created.province, created.district) == ("ขอนแก่น", "บ้านไผ่")
    assert "บ้านไผ่" in created.search_key
    # two one-time links, at the organisation's own address on the host
    links = [line for line in result.output.splitlines() if "/staff/enrol?token=" in line]
    assert len(links) == 2
    assert all("/o/ban-phai-sao/staff/enrol?token=" in line for line in links)
    with working_for(app, created.id), app.app_context():
        users = {user.username: user.role.value for user in db.session.scalars(select(User))}
        assert users == {"admin": "admin", "custodian": "custodian"}
        assert db.session.scalar(select(func.count()).select_from(IdentityKey)) == 1
        assert db.session.scalar(select(func.count()).select_from(Department)) > 0
        assert db.session.scalar(select(func.count()).select_from(Category)) > 0
        assert audit.verify(db.session, current_keyring()).ok
    assert "organisation.created" in _actions(app, created.id)
    assert _host_actions(app) == [
        ("organisation.created", "ban-phai-sao"),
        ("organisation.enrolment_issued", "ban-phai-sao"),
        ("organisation.enrolment_issued", "ban-phai-sao"),
    ]
    with app.app_context():
        assert verify_host(db.session, host_keyring()).ok
    # and it takes a complaint at its address
    client = app.test_client()
    reference, _code = file_and_read_receipt(
        client, "/o/ban-phai-sao/complaints/new", complaint_form()
    )
    assert reference


def test_org_create_says_what_is_wrong_with_each_field_and_creates_nothing(app: Flask) -> None:
    wrong = [
        "--slug", "staff", "--name-th", "อบต.ทดสอบ", "--kind", "sao",
        "--province", "ไม่มีจังหวัดนี้", "--district", "บ้านไผ่",
    ]  # fmt: skip
    result = _invoke(app, "org", "create", *wrong)
    assert result.exit_code == 2
    assert "--slug: " in result.output and "--province: " in result.output
    assert "Traceback" not in result.output
    for slug, district in (("main", "บ้านไผ่"), ("Bad_Slug", "บ้านไผ่"), ("ok-slug", "ไม่มี")):
        args = [*BAN_PHAI]
        args[1], args[-1] = slug, district
        result = _invoke(app, "org", "create", *args)
        assert result.exit_code == 2, result.output
    district_error = _invoke(app, "org", "create", *BAN_PHAI[:-1], "ไม่มี").output
    assert "--district: " in district_error
    with app.app_context():
        count = db.session.scalar(host_wide(select(func.count()).select_from(Organisation)))
        assert count == 1
    assert _host_actions(app) == []


def test_org_list_suspend_and_resume(app: Flask) -> None:
    second = add_organisation(app, "second", "เทศบาลตำบลที่สอง", province="ขอนแก่น")
    client = app.test_client()
    file_and_read_receipt(client, "/o/second/complaints/new", complaint_form())
    listing = _invoke(app, "org", "list").output.splitlines()
    assert listing[0].startswith("slug\tkind\tprovince")
    rows = {line.split("\t")[0]: line.split("\t") for line in listing[1:]}
    assert set(rows) == {"main", "second"}
    assert rows["second"][4:8] == ["active", "1", "1", "0"]
    assert rows["second"][8] == "never"

    assert _invoke(app, "org", "suspend", "second").exit_code == 0
    assert client.get("/o/second/complaints/new").status_code == 503
    assert "already" in _invoke(app, "org", "suspend", "second").output
    assert "\tsuspended\t" in _invoke(app, "org", "list").output
    assert _invoke(app, "org", "resume", "second").exit_code == 0
    assert client.get("/o/second/complaints/new").status_code == 200
    assert _invoke(app, "org", "suspend", "nowhere").exit_code == 2
    assert _host_actions(app) == [
        ("organisation.suspended", "second"),
        ("organisation.resumed", "second"),
    ]
    actions = _actions(app, second)
    assert "organisation.suspended" in actions and "organisation.resumed" in actions


def test_commands_for_one_organisation_take_org_and_refuse_to_guess(app: Flask) -> None:
    # one organisation: as before, no --org needed
    assert _invoke(app, "audit-verify").exit_code == 0
    second = add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    unchosen = _invoke(app, "audit-verify")
    assert unchosen.exit_code == 2
    assert "--org" in unchosen.output and "Traceback" not in unchosen.output
    assert _invoke(app, "audit-verify", "--org", "nowhere").exit_code == 2
    assert _invoke(app, "audit-verify", "--org", "second").exit_code == 0
    made = _invoke(app, "create-user", "--org", "second", "clerk", "--role", "intake")
    assert made.exit_code == 0, made.output
    assert "/o/second/staff/enrol?token=" in made.output
    with working_for(app, second), app.app_context():
        assert db.session.scalars(select(User).where(User.username == "clerk")).one()
    with working_for(app, FIRST), app.app_context():
        assert db.session.scalars(select(User).where(User.username == "clerk")).first() is None
    assert _invoke(app, "enrol-link", "clerk").exit_code == 2
    assert _invoke(app, "enrol-link", "--org", "second", "clerk").exit_code == 0


def test_remind_runs_for_every_active_organisation(app: Flask) -> None:
    second = add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    third = add_organisation(app, "third", "เทศบาลตำบลที่สาม")
    assert _invoke(app, "org", "suspend", "third").exit_code == 0
    result = _invoke(app, "remind")
    assert result.exit_code == 0, result.output + repr(result.exception)
    assert "[main]" in result.output and "[second]" in result.output
    assert "[third]" not in result.output
    assert "reminders.run" in _actions(app, FIRST)
    assert "reminders.run" in _actions(app, second)
    assert "reminders.run" not in _actions(app, third)
    listing = _invoke(app, "org", "list").output
    assert "never" in listing  # the suspended one
    only = _invoke(app, "remind", "--org", "second")
    assert "[second]" in only.output and "[main]" not in only.output


def test_one_organisations_failure_does_not_stop_the_others(app: Flask) -> None:
    second = add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    with working_for(app, FIRST), app.app_context():
        # The first organisation's audit chain has lost its head: its run cannot record.
        db.session.connection().execute(
            text("DELETE FROM audit_head WHERE organisation_id = :id"), {"id": FIRST}
        )
        db.session.commit()
    result = _invoke(app, "remind")
    assert result.exit_code == 1
    assert "remind FAILED for main" in result.output
    assert "reminders.run" in _actions(app, second)


def test_purge_goes_through_every_organisation(app: Flask) -> None:
    add_organisation(app, "second", "เทศบาลตำบลที่สอง")
    result = _invoke(app, "purge", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "[main]" in result.output and "[second]" in result.output
    assert result.output.count("would purge:") == 2


@pytest.fixture
def fresh_app(tmp_path: Path, postgres: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A production installation on a database of its own, made by `intake init`."""
    monkeypatch.setenv("SECRET_KEY", "p" * 40)
    monkeypatch.setattr("sys.argv", ["flask", "intake", "init"])
    if postgres is not None:
        url = postgres.create_database(f"org_init_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'prod.sqlite'}"
    app = create_app(
        {
            "INTAKE_ENV": "production",
            "INTAKE_INSTANCE_PATH": str(tmp_path / "prod"),
            "SQLALCHEMY_DATABASE_URI": url,
            "INTAKE_BASE_URL": "https://intake.example",
        }
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_init_and_check_on_a_host_of_several(fresh_app: Flask) -> None:
    app = fresh_app
    assert _invoke(app, "init", "--no-demo").exit_code == 0
    opened = _invoke(app, "org", "create", *BAN_PHAI)
    assert opened.exit_code == 0, opened.output + repr(opened.exception)
    assert "https://intake.example/o/ban-phai-sao/staff/enrol?token=" in opened.output
    # init, run again to migrate, looks after the organisation it made first
    again = _invoke(app, "init", "--no-demo")
    assert "Traceback" not in again.output and again.exception is None or isinstance(
        again.exception, SystemExit
    ), again.output + repr(again.exception)
    assert "identity key: present" in again.output
    # the deployment check: the installation once, then each organisation's own
    whole = _invoke(app, "check")
    assert whole.exit_code == 1 and isinstance(whole.exception, SystemExit), whole.output
    installation, *organisations = whole.output.split("\n[")
    assert "OK key files present and owner-only" in installation
    assert "custodian" not in installation
    by_slug = {part.split("]", 1)[0]: part.split("]", 1)[1] for part in organisations}
    assert set(by_slug) == {"main", "ban-phai-sao"}, whole.output
    for slug, lines in by_slug.items():
        assert "one custodian of the identity key" in lines, (slug, whole.output)
        assert "`remind` has never run" in lines
    # each organisation shows what is not OK; a missing key file of its own would show
    assert "key files" not in by_slug["main"] + by_slug["ban-phai-sao"]
    keys = app.config["INTAKE_KEYS_PATH"]
    with app.app_context():
        second = organisation_service.by_slug(db.session, "ban-phai-sao")
        assert second is not None
        own_keys = organisation_keys_dir(Path(keys), second.id)
    chosen = _invoke(app, "check", "--org", "ban-phai-sao")
    assert chosen.exit_code in (0, 1), chosen.output + repr(chosen.exception)
    assert isinstance(chosen.exception, SystemExit) or chosen.exception is None
    assert "custodian" in chosen.output.lower() and "[" not in chosen.output
    assert chosen.output.count("OK key files present and owner-only") == 2  # folder's, own
    shutil.rmtree(own_keys)
    missing = _invoke(app, "check").output.split("\n[ban-phai-sao]", 1)[1]
    assert f"FAIL key files missing in {own_keys}" in missing
    alone = _invoke(app, "check", "--org", "ban-phai-sao").output
    assert f"FAIL key files missing in {own_keys}" in alone
