"""Sign-in throttling cannot be used to lock someone else out, and says nothing about
which usernames exist: failures lock one (account, client) pair; the account as a whole
is only slowed down, and never for a client its owner has signed in from before."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake.extensions import db
from intake.models import AuditEntry, Role, User
from intake.services import ServiceError
from intake.services import auth as auth_service
from intake.services.keyring import current_keyring
from tests.support.staff import PASSWORD, make_staff, sign_in, totp_code

ERROR = re.compile(r'<p class="error" id="password-error">([^<]*)</p>')
WRONG = "wrong password!"


def client_at(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(client: FlaskClient, username: str, password: str) -> tuple[int, str]:
    """The status and the message beside the password field."""
    response = client.post("/staff/login", data={"username": username, "password": password})
    found = ERROR.search(response.get_data(as_text=True))
    return response.status_code, found.group(1) if found else ""


def test_five_failures_from_one_client_do_not_lock_out_another(app: Flask) -> None:
    # Given an attacker at one address who tries five wrong passwords
    make_staff(app, "legal_lead", Role.LEGAL)
    attacker = client_at(app, "192.0.2.66")
    for _ in range(5):
        assert attempt(attacker, "legal_lead", WRONG)[0] == 422
    # Then the attacker is locked out, even with the right password
    assert attempt(attacker, "legal_lead", PASSWORD)[0] == 422
    # But the officer at their own desk signs in as usual
    officer = client_at(app, "198.51.100.7")
    response = officer.post("/staff/login", data={"username": "legal_lead", "password": PASSWORD})
    assert response.status_code == 303


def test_every_refusal_reads_the_same(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    make_staff(app, "gone", Role.INTAKE)
    with app.app_context():
        gone = db.session.scalars(select(User).where(User.username == "gone")).one()
        gone.active = False
        db.session.commit()
    wrong = attempt(client_at(app, "192.0.2.1"), "noi", WRONG)
    unknown = attempt(client_at(app, "192.0.2.2"), "nobody", PASSWORD)
    disabled = attempt(client_at(app, "192.0.2.3"), "gone", PASSWORD)
    locker = client_at(app, "192.0.2.4")
    for _ in range(5):
        attempt(locker, "noi", WRONG)
    locked = attempt(locker, "noi", PASSWORD)
    assert wrong[1]
    assert wrong == unknown == disabled == locked


def test_many_clients_slow_the_account_down_but_not_a_client_its_owner_used(app: Flask) -> None:
    # Given an officer who signed in from her office before
    make_staff(app, "noi", Role.INTAKE)
    office = sign_in(app, "noi", client_at(app, "198.51.100.7"))
    office.post("/staff/logout")
    # When ten addresses each try one wrong password within a minute
    for number in range(10):
        assert attempt(client_at(app, f"192.0.2.{number + 10}"), "noi", WRONG)[0] == 422
    # Then a new address is asked to wait, even with the right password
    assert attempt(client_at(app, "192.0.2.99"), "noi", PASSWORD)[0] == 422
    # While the office signs in as usual, password and code
    first = office.post("/staff/login", data={"username": "noi", "password": PASSWORD})
    assert first.status_code == 303
    assert office.post("/staff/login/code", data={"otp": totp_code(app, "noi")}).status_code == 303


def test_the_slow_down_passes_after_a_minute_and_locks_nothing(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    now = datetime.now(UTC)
    with app.test_request_context():
        keyring = current_keyring()
        for number in range(10):
            try:
                auth_service.check_password(
                    db.session, keyring, "noi", WRONG, f"client-{number}", now
                )
            except ServiceError:
                pass
        refused = None
        try:
            auth_service.check_password(db.session, keyring, "noi", PASSWORD, "newcomer", now)
        except ServiceError as error:
            refused = error.code
        assert refused == "invalid"
        later = now + timedelta(minutes=1, seconds=1)
        user = auth_service.check_password(db.session, keyring, "noi", PASSWORD, "newcomer", later)
        assert user.username == "noi"


def test_a_locked_pair_opens_again_after_fifteen_minutes(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    now = datetime.now(UTC)
    with app.test_request_context():
        keyring = current_keyring()
        for _ in range(5):
            try:
                auth_service.check_password(db.session, keyring, "noi", WRONG, "attacker", now)
            except ServiceError:
                pass
        soon = now + timedelta(minutes=14)
        try:
            auth_service.check_password(db.session, keyring, "noi", PASSWORD, "attacker", soon)
            raise AssertionError("the pair should still be locked")
        except ServiceError as error:
            assert error.code == "invalid"
        after = now + timedelta(minutes=15, seconds=1)
        assert auth_service.check_password(db.session, keyring, "noi", PASSWORD, "attacker", after)


def test_each_failure_is_audited_without_the_address(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    attacker = client_at(app, "192.0.2.66")
    for _ in range(3):
        attempt(attacker, "noi", WRONG)
    with app.app_context():
        entries = list(
            db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sign_in_failed"))
        )
        from intake.models import SignInFailures

        stored = [row.client for row in db.session.scalars(select(SignInFailures))]
    assert len(entries) == 3
    assert all("192.0.2" not in entry.detail + entry.actor for entry in entries)
    assert stored and all("192.0.2" not in client for client in stored)


def test_old_rows_go_and_a_stale_pair_starts_afresh(app: Flask) -> None:
    from intake.models import SignInFailures
    from intake.services import sign_in_throttle as throttle

    make_staff(app, "noi", Role.INTAKE)
    now = datetime.now(UTC)
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == "noi")).one()
        for client in ("old-a", "old-b", "office"):
            throttle.record_failure(db.session, user, client, now)
        db.session.commit()
        later = now + timedelta(minutes=20)
        assert not throttle.refused(db.session, user, "office", later)  # loads the stale row
        throttle.record_success(db.session, user, "office", later)
        db.session.commit()
        rows = {row.client: row for row in db.session.scalars(select(SignInFailures))}
        assert set(rows) == {"office"}
        assert rows["office"].failures == 0 and rows["office"].trusted_until is not None
