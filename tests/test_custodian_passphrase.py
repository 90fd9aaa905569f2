"""A custodian's passphrase cannot be guessed quietly: every wrong one is audited, five in
a row refuse further tries for a growing while, and the other custodians and every
auditor are told — on the web and on the command line alike."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import AuditEntry, Notification, OutboxMessage, RevealStatus, Role, User
from intake.services import ServiceError
from intake.services.identity import add_custodian, current_identity_key, identity_private_key
from intake.services.keyring import current_keyring
from intake.services.users import create_user, find_user
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.reveals import World

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
WRONG = "not the passphrase at all"
SECOND = "second custodian's passphrase"
LOCKED_MESSAGE = "ใส่รหัสผ่านกุญแจผิดหลายครั้งเกินไป"


def _user(username: str) -> User:
    user = find_user(db.session, username)
    assert user is not None
    return user


def _with_watchers(app: Flask) -> dict[str, int]:
    """A second custodian and an auditor with work addresses; a legal officer without a
    duty to hear of it. Returns their ids."""
    with app.app_context():
        second = create_user(db.session, "somsri", "สมศรี", Role.CUSTODIAN, "pw")
        second.email = "somsri@example.org"
        auditor = create_user(db.session, "auditor1", "ผู้ตรวจ", Role.AUDITOR, "pw")
        auditor.email = "auditor@example.org"
        bystander = create_user(db.session, "exec1", "ผู้บริหาร", Role.EXECUTIVE, "pw")
        bystander.email = "exec@example.org"
        db.session.commit()
        add_custodian(
            db.session,
            current_keyring(),
            _user(CUSTODIAN),
            CUSTODIAN_PASSPHRASE,
            second,
            SECOND,
            datetime.now(UTC),
        )
        return {"somsri": second.id, "auditor1": auditor.id, "exec1": bystander.id}


def _actions(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        entries = list(db.session.scalars(query))
        for entry in entries:
            db.session.expunge(entry)
        return entries


def _alerted(app: Flask) -> set[int]:
    with app.app_context():
        query = select(Notification.user_id).where(
            Notification.kind == "custodian.passphrase_locked"
        )
        return set(db.session.scalars(query))


def _mails(app: Flask) -> int:
    with app.app_context():
        query = select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "custodian.passphrase_locked"
        )
        return db.session.scalar(query) or 0


def test_five_wrong_passphrases_on_the_web_lock_audit_and_alert(app: Flask) -> None:
    # Given a pending reveal, a second custodian and an auditor
    world = World(app)
    watchers = _with_watchers(app)
    request_id = world.ask()
    # When the custodian's account is used to try five wrong passphrases
    for _ in range(5):
        status, page = world.decide(request_id, decision="approve", passphrase=WRONG)
        assert status == 422 and "รหัสผ่านกุญแจไม่ถูกต้อง" in page
    # Then even the right passphrase is refused for now, beside the field
    status, page = world.decide(request_id, decision="approve", passphrase=CUSTODIAN_PASSPHRASE)
    assert status == 422
    assert re.search(r'id="passphrase-error"[^>]*>[^<]*' + LOCKED_MESSAGE, page)
    assert world.status_of(request_id) is RevealStatus.PENDING
    # And every failure and the lockout are audited, naming the custodian and nothing typed
    failures = _actions(app, "custodian.passphrase_failed")
    locked = _actions(app, "custodian.passphrase_locked")
    with app.app_context():
        custodian_id = _user(CUSTODIAN).id
    assert len(failures) == 5 and len(locked) == 1
    assert {entry.actor for entry in failures + locked} == {f"user:{custodian_id}"}
    assert all(WRONG not in entry.detail for entry in failures + locked)
    # And the other custodian and the auditor are told, nobody else
    assert _alerted(app) == {watchers["somsri"], watchers["auditor1"]}
    assert _mails(app) == 2


def test_the_lockout_grows_and_the_right_passphrase_clears_the_count(app: Flask) -> None:
    with app.app_context():
        keyring, custodian = current_keyring(), _user(CUSTODIAN)
        key = current_identity_key(db.session)
        assert key is not None

        def attempt(passphrase: str, at: datetime) -> str:
            try:
                identity_private_key(db.session, keyring, custodian, passphrase, key.id, at)
            except ServiceError as error:
                return error.code
            return "opened"

        # Four wrong, then the right one: the count starts again
        assert [attempt(WRONG, NOW) for _ in range(4)] == ["wrong_passphrase"] * 4
        assert attempt(CUSTODIAN_PASSPHRASE, NOW) == "opened"
        db.session.commit()
        assert [attempt(WRONG, NOW) for _ in range(4)] == ["wrong_passphrase"] * 4
        # The fifth in a row locks for 15 minutes
        assert attempt(WRONG, NOW) == "wrong_passphrase"
        assert attempt(CUSTODIAN_PASSPHRASE, NOW + timedelta(minutes=14)) == "passphrase_locked"
        # Five more after it: 30 minutes
        later = NOW + timedelta(minutes=16)
        assert [attempt(WRONG, later) for _ in range(5)] == ["wrong_passphrase"] * 5
        assert attempt(CUSTODIAN_PASSPHRASE, later + timedelta(minutes=29)) == "passphrase_locked"
        assert attempt(CUSTODIAN_PASSPHRASE, later + timedelta(minutes=31)) == "opened"


@pytest.mark.parametrize("command", ["custodian-add", "rotate-identity-key"])
def test_the_command_line_is_limited_and_audited_the_same(app: Flask, command: str) -> None:
    runner = app.test_cli_runner()
    if command == "custodian-add":
        args = ["intake", "custodian-add", "other", "--by", CUSTODIAN]
        env = {"INTAKE_GRANTING_PASSPHRASE": WRONG, "INTAKE_CUSTODIAN_PASSPHRASE": SECOND}
    else:
        args = ["intake", "rotate-identity-key", "--custodian", CUSTODIAN]
        env = {"INTAKE_CUSTODIAN_PASSPHRASE": WRONG}
    for _ in range(5):
        wrong = runner.invoke(args=args, env=env)
        assert wrong.exit_code == 1 and "does not open" in wrong.output
    right = dict(env, INTAKE_GRANTING_PASSPHRASE=CUSTODIAN_PASSPHRASE)
    if command == "rotate-identity-key":
        right = {"INTAKE_CUSTODIAN_PASSPHRASE": CUSTODIAN_PASSPHRASE}
    refused = runner.invoke(args=args, env=right)
    assert refused.exit_code == 1 and "too many wrong passphrases" in refused.output
    assert len(_actions(app, "custodian.passphrase_failed")) == 5
    assert len(_actions(app, "custodian.passphrase_locked")) == 1
