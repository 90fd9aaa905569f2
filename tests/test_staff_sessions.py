"""Staff sessions end on the server: a copy of the cookie taken before sign-out (or before
the account was disabled, the password changed or two-factor reset) opens nothing after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from intake.extensions import db
from intake.models import Role, User
from tests.support.staff import PASSWORD, make_staff, sign_in, staff_client

COOKIE = "intake_session"
PAGE = "/staff/account/password"


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of ``client``'s session cookie, as a thief would."""
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie.value)
    return thief


def _user_id(app: Flask, username: str) -> int:
    with app.app_context():
        return db.session.scalars(select(User.id).where(User.username == username)).one()


def _open_sessions(app: Flask, username: str) -> int:
    from intake.models import StaffSession

    with app.app_context():
        query = select(func.count(StaffSession.id)).where(
            StaffSession.user_id == _user_id(app, username), StaffSession.ended_at.is_(None)
        )
        return db.session.scalar(query) or 0


def test_a_cookie_copied_before_sign_out_is_refused_after_it(app: Flask) -> None:
    client = staff_client(app, "noi", Role.INTAKE)
    thief = copy_of(app, client)
    assert thief.get(PAGE).status_code == 200  # the copy works while the session lives
    assert client.post("/staff/logout").status_code == 303
    after = thief.get(PAGE)
    assert after.status_code == 303 and after.headers["Location"].endswith("/staff/login")
    assert _open_sessions(app, "noi") == 0


def test_signing_out_on_one_device_leaves_the_others_signed_in(app: Flask) -> None:
    laptop = staff_client(app, "noi", Role.INTAKE)
    phone = sign_in(app, "noi")
    laptop.post("/staff/logout")
    assert phone.get(PAGE).status_code == 200
    assert _open_sessions(app, "noi") == 1


def test_disabling_an_account_ends_its_sessions_and_copies(app: Flask) -> None:
    admin = staff_client(app, "boss", Role.ADMIN)
    officer = staff_client(app, "noi", Role.INTAKE)
    thief = copy_of(app, officer)
    user_id = _user_id(app, "noi")
    assert admin.post(f"/staff/admin/users/{user_id}/disable").status_code == 303
    assert officer.get(PAGE).status_code == 303
    assert thief.get(PAGE).status_code == 303
    assert _open_sessions(app, "noi") == 0
    # Enabling again does not bring an old session back.
    assert admin.post(f"/staff/admin/users/{user_id}/enable").status_code == 303
    assert thief.get(PAGE).status_code == 303


def test_a_new_enrolment_link_ends_every_session_of_the_user(app: Flask) -> None:
    admin = staff_client(app, "boss", Role.ADMIN)
    officer = staff_client(app, "noi", Role.INTAKE)
    thief = copy_of(app, officer)
    user_id = _user_id(app, "noi")
    assert admin.post(f"/staff/admin/users/{user_id}/enrolment").status_code == 303
    assert officer.get(PAGE).status_code == 303
    assert thief.get(PAGE).status_code == 303
    assert _open_sessions(app, "noi") == 0


def test_a_password_change_ends_the_other_sessions_and_their_copies(app: Flask) -> None:
    laptop = staff_client(app, "noi", Role.INTAKE)
    phone = sign_in(app, "noi")
    phone_copy = copy_of(app, phone)
    new = "a brand new password"
    changed = laptop.post(PAGE, data={"current": PASSWORD, "new": new, "confirm": new})
    assert changed.status_code == 303
    assert laptop.get(PAGE).status_code == 200  # the session that changed it goes on
    assert phone.get(PAGE).status_code == 303
    assert phone_copy.get(PAGE).status_code == 303
    assert _open_sessions(app, "noi") == 1


def test_an_idle_session_ends_on_the_server_not_only_in_the_cookie(app: Flask) -> None:
    # Given a signed-in session and a copy of its cookie
    client = staff_client(app, "noi", Role.INTAKE)
    thief = copy_of(app, client)
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    token = _session_token(app, cookie.value)
    user_id = f"{_user_id(app, 'noi')}:1"
    from intake.services.staff_sessions import load_session_user

    # When the session is next used 31 minutes later (the idle limit is 30)
    later = datetime.now(UTC) + timedelta(minutes=31)
    with app.app_context():
        user, idle = load_session_user(db.session, user_id, token, later, timedelta(minutes=30))
    # Then the server has ended it: neither the cookie nor its copy opens a page any more
    assert user is None and idle
    assert client.get(PAGE).status_code == 303
    assert thief.get(PAGE).status_code == 303
    assert _open_sessions(app, "noi") == 0


def _request_with(app: Flask, cookie_value: str):  # type: ignore[no-untyped-def]
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    builder = EnvironBuilder(headers={"Cookie": f"{COOKIE}={cookie_value}"})
    return Request(builder.get_environ())


def _session_token(app: Flask, cookie_value: str) -> str:
    opened = app.session_interface.open_session(app, _request_with(app, cookie_value))
    assert opened is not None
    return str(opened["staff_session"])


def test_the_database_keeps_only_a_digest_of_the_session_id(app: Flask) -> None:
    client = staff_client(app, "noi", Role.INTAKE)
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    from intake.models import StaffSession

    token = _session_token(app, cookie.value)
    with app.app_context():
        digests = list(db.session.scalars(select(StaffSession.digest)))
    assert digests and token not in digests and len(token) >= 40


def test_the_password_step_alone_starts_no_session(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    client = app.test_client()
    client.post("/staff/login", data={"username": "noi", "password": PASSWORD})
    assert _open_sessions(app, "noi") == 0
