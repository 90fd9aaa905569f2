"""What a reveal hands over is sealed to the requester's personal key, whose private half
only their password opens: viewing asks for it, a change of password keeps the key, and
an administrator's reset, a disabled account or another role takes the key away."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from intake.extensions import db
from intake.models import (
    AuditEntry,
    Case,
    PersonalKey,
    RevealRequest,
    RevealStatus,
    Role,
    SignInFailures,
    User,
)
from intake.services import ServiceError, admin_users
from intake.services.auth import change_password, check_password
from intake.services.keyring import current_keyring
from intake.services.reveal import approve_reveal, request_reveal, view_identity
from intake.services.sign_in_throttle import PAIR_MAX_FAILURES as MAX_FAILURES
from intake.services.users import create_user, find_user, hash_password
from tests.support.builders import tip_form
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.filing import file_and_read_receipt

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)
REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงตามมาตรา 59"
PASSWORD = "legal officer password 1"
NEW_PASSWORD = "legal officer password 2"
TIPSTER = "นายผู้แจ้ง กล้าหาญ"


def _user(username: str) -> User:
    user = find_user(db.session, username)
    assert user is not None
    return user


@pytest.fixture
def case_id(app: Flask) -> str:
    """A tip with a name, a legal officer who has signed in once (so holds a key), an
    administrator and an intake officer."""
    file_and_read_receipt(
        app.test_client(), "/tips/new", tip_form(anonymous="", reporter_name=TIPSTER)
    )
    with app.app_context():
        create_user(db.session, "legal1", "นิติกร", Role.LEGAL, PASSWORD)
        create_user(db.session, "admin1", "ผู้ดูแลระบบ", Role.ADMIN, PASSWORD)
        create_user(db.session, "intake1", "เจ้าหน้าที่", Role.INTAKE, PASSWORD)
        db.session.commit()
        check_password(db.session, current_keyring(), "legal1", PASSWORD, "", NOW)
        return db.session.scalars(select(Case.id)).one()


def _approved(case_id: str) -> str:
    keyring = current_keyring()
    request = request_reveal(db.session, keyring, _user("legal1"), case_id, REASON, NOW)
    approve_reveal(db.session, keyring, _user(CUSTODIAN), CUSTODIAN_PASSPHRASE, request.id, NOW)
    return request.id


def _view(request_id: str, password: str) -> dict[str, str]:
    seen = view_identity(db.session, current_keyring(), _user("legal1"), request_id, password, NOW)
    return seen.fields


def _refusal(request_id: str, password: str) -> str:
    with pytest.raises(ServiceError) as refused:
        _view(request_id, password)
    db.session.rollback()
    return refused.value.code


def _actions(case_id: str) -> list[str]:
    query = select(AuditEntry.action).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
    return list(db.session.scalars(query))


def test_signing_in_makes_a_key_only_for_those_who_may_ask(app: Flask, case_id: str) -> None:
    with app.app_context():
        check_password(db.session, current_keyring(), "intake1", PASSWORD, "", NOW)
        check_password(db.session, current_keyring(), "admin1", PASSWORD, "", NOW)
        holders = set(db.session.scalars(select(PersonalKey.user_id)))
        assert holders == {_user("legal1").id}
        key = db.session.get(PersonalKey, _user("legal1").id)
        assert key is not None and PASSWORD.encode() not in key.private_wrapped


def _failures(username: str) -> int:
    """Wrong passwords counted for the officer from the client the tests use (none)."""
    row = db.session.get(SignInFailures, (_user(username).id, ""))
    return 0 if row is None else row.failures


def _locked(username: str) -> bool:
    row = db.session.get(SignInFailures, (_user(username).id, ""))
    return row is not None and row.locked_until is not None and row.locked_until > NOW


def test_viewing_takes_the_password_and_a_wrong_one_is_refused_audited_and_counted(
    app: Flask, case_id: str
) -> None:
    with app.app_context():
        request_id = _approved(case_id)

        assert _refusal(request_id, "not my password") == "wrong_password"
        assert _failures("legal1") == 1
        assert _actions(case_id)[-1] == "identity.view_refused"
        assert "identity.viewed" not in _actions(case_id)

        assert _view(request_id, PASSWORD) == {"name": TIPSTER}
        assert _actions(case_id)[-1] == "identity.viewed"


def test_repeated_wrong_passwords_lock_the_account_and_end_its_sessions(
    app: Flask, case_id: str
) -> None:
    with app.app_context():
        request_id = _approved(case_id)
        version = _user("legal1").session_version

        codes = [_refusal(request_id, f"guess {n}") for n in range(MAX_FAILURES)]

        assert codes == ["wrong_password"] * (MAX_FAILURES - 1) + ["locked"]
        officer = _user("legal1")
        assert _locked("legal1") and officer.session_version == version + 1
        # even the right password waits for the lock to pass
        assert _refusal(request_id, PASSWORD) == "locked"
        assert _actions(case_id).count("identity.view_refused") == MAX_FAILURES


def test_a_change_of_password_keeps_the_key_under_the_new_password(
    app: Flask, case_id: str
) -> None:
    with app.app_context():
        request_id = _approved(case_id)
        before = db.session.get(PersonalKey, _user("legal1").id)
        assert before is not None
        public = before.public_key

        change_password(db.session, _user("legal1"), PASSWORD, NEW_PASSWORD, NOW, keep_token=None)

        assert _refusal(request_id, PASSWORD) == "wrong_password"
        assert _view(request_id, NEW_PASSWORD) == {"name": TIPSTER}
        after = db.session.get(PersonalKey, _user("legal1").id)
        assert after is not None and after.public_key == public


def _reset(admin: User, user: User) -> None:
    admin_users.issue_enrolment_link(db.session, current_keyring(), admin, user.id, now=NOW)


def _disable(admin: User, user: User) -> None:
    admin_users.set_active(db.session, current_keyring(), admin, user.id, active=False, now=NOW)


def _make_intake_officer(admin: User, user: User) -> None:
    admin_users.change_role(
        db.session, current_keyring(), admin, user.id, role=Role.INTAKE, department_id=None, now=NOW
    )


@pytest.mark.parametrize("withdraw", [_reset, _disable, _make_intake_officer])
def test_an_administrators_reset_disable_or_role_change_takes_the_key_away(
    app: Flask, case_id: str, withdraw: object
) -> None:
    with app.app_context():
        keyring = current_keyring()
        running = _approved(case_id)
        pending = request_reveal(db.session, keyring, _user("legal1"), case_id, REASON, NOW).id

        withdraw(_user("admin1"), _user("legal1"))  # type: ignore[operator]

        officer = _user("legal1")
        assert db.session.get(PersonalKey, officer.id) is None
        ended = db.session.get(RevealRequest, running)
        assert ended is not None
        assert ended.status is RevealStatus.REVOKED and ended.revealed_sealed is None
        assert "reveal.revoked" in _actions(case_id)
        # a request still waiting cannot be approved: nothing could be handed over
        with pytest.raises(ServiceError) as refused:
            approve_reveal(
                db.session, keyring, _user(CUSTODIAN), CUSTODIAN_PASSPHRASE, pending, NOW
            )
        assert refused.value.code == "requester_has_no_key"
        db.session.rollback()
        still = db.session.get(RevealRequest, pending)
        assert still is not None and still.status is RevealStatus.PENDING


def test_a_legal_officer_without_a_key_cannot_ask(app: Flask, case_id: str) -> None:
    with app.app_context():
        newcomer = create_user(db.session, "legal2", "นิติกรใหม่", Role.LEGAL, PASSWORD)
        db.session.commit()
        with pytest.raises(ServiceError) as refused:
            request_reveal(db.session, current_keyring(), newcomer, case_id, REASON, NOW)
        assert refused.value.code == "no_personal_key"


def test_a_key_the_right_password_does_not_open_is_replaced_at_sign_in(
    app: Flask, case_id: str
) -> None:
    with app.app_context():
        keyring = current_keyring()
        request_id = _approved(case_id)
        officer = _user("legal1")
        old = db.session.get(PersonalKey, officer.id)
        assert old is not None
        old_public = old.public_key
        # Given a password set by a way that could not re-wrap the key
        officer.password_hash = hash_password(NEW_PASSWORD)
        db.session.commit()

        check_password(db.session, keyring, "legal1", NEW_PASSWORD, "", NOW + timedelta(hours=1))

        new = db.session.get(PersonalKey, officer.id)
        assert new is not None and new.public_key != old_public
        ended = db.session.get(RevealRequest, request_id)
        assert ended is not None and ended.status is RevealStatus.REVOKED
        assert ended.revealed_sealed is None
