"""Staff accounts and signed-in clients for tests, through the real sign-in pages."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from intake import crypto
from intake.extensions import db
from intake.models import Department, Role, User
from intake.services.auth import register_user
from intake.services.keyring import current_keyring

TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
PASSWORD = "a staff password 1"
STEP_MARGIN_SECONDS = 3.0  # a sign-in's requests finish well within this
LEGAL = "legal1"  # the legal officer of the browser journeys


def make_staff(app: Flask, username: str, role: Role, department: str | None = None) -> int:
    """Create a user (department by Thai name for department officers); returns the id."""
    with app.app_context():
        department_id = None
        if role is Role.DEPARTMENT:
            query = select(Department.id)
            if department:
                query = query.where(Department.name_th == department)
            department_id = db.session.scalars(query.order_by(Department.id)).first()
        created = register_user(
            db.session, current_keyring(), username, username, role, PASSWORD, "Test", department_id
        )
        return created.user.id


def totp_code(app: Flask, username: str, at: datetime | None = None) -> str:
    """The code at ``at``; by default the earliest still-valid code not used yet."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        secret = crypto.decrypt_text(
            current_keyring(),
            user.totp_secret_enc or b"",
            table="users",
            column="totp_secret",
            row_id=str(user.id),
        )
        last_step = user.totp_last_step
    totp = pyotp.TOTP(secret)
    if at is not None:
        return totp.at(at)
    # The earliest valid step is one behind: if a 30-second step ended between choosing it
    # and the server checking it, it would be two behind and refused. Near the end of a
    # step, wait for the next one.
    left = totp.interval - time.time() % totp.interval
    if left < STEP_MARGIN_SECONDS:
        time.sleep(left + 0.05)
    current = totp.timecode(datetime.now(UTC))
    step = max(current - 1, (last_step or 0) + 1)
    return totp.generate_otp(step)


def sign_in(
    app: Flask, username: str, client: FlaskClient | None = None, prefix: str = ""
) -> FlaskClient:
    """Password, then a TOTP code, as a person would; asserts it worked. ``prefix``: an
    organisation's address on a host (``/o/<slug>``)."""
    client = client or app.test_client()
    response = client.post(
        f"{prefix}/staff/login", data={"username": username, "password": PASSWORD}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    code = totp_code(app, username)
    step = client.post(response.headers["Location"], data={"otp": code})
    assert step.status_code == 303, step.get_data(as_text=True)[:800]
    return client


def staff_client(
    app: Flask, username: str, role: Role, department: str | None = None
) -> FlaskClient:
    make_staff(app, username, role, department)
    return sign_in(app, username)


# With CSRF on, as in production: each form posted with the token of its own page.


def csrf_token(page: str) -> str:
    found = TOKEN.search(page)
    assert found, f"no csrf_token in the page: {page[:800]}"
    return found.group(1)


def token_of(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_token(response.get_data(as_text=True))


def sign_in_with_tokens(app: Flask, username: str) -> FlaskClient:
    """Password, then the TOTP code, each posted with the token of the page it came from."""
    client = app.test_client()
    token = token_of(client, "/staff/login")
    response = client.post(
        "/staff/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    code_page = response.headers["Location"]
    token = token_of(client, code_page)
    done = client.post(code_page, data={"otp": totp_code(app, username), "csrf_token": token})
    assert done.status_code == 303, done.get_data(as_text=True)[:800]
    return client
