"""One-time enrolment links: a person sets their own password and two-factor; the link
works once, expires, is stored only as a keyed digest, and is never left in the address."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from intake import crypto
from intake.extensions import db
from intake.models import AuditEntry, Role, User
from intake.services import enrolment
from intake.services.keyring import current_keyring
from intake.services.users import create_user
from tests.support.browser import serve
from tests.support.enrol import enrol, link_in_output, open_link, secret_on, token_of
from tests.support.staff import PASSWORD, sign_in

BASE_URL = "https://intake.nongbua.go.th"
EXPIRED = "ลิงก์ลงทะเบียนนี้หมดอายุแล้ว"
USED = "ลิงก์ลงทะเบียนนี้ใช้ไม่ได้"


def _issue(app: Flask, username: str, now: datetime | None = None) -> str:
    """A new account (or an existing one) with a link issued at ``now``; returns the URL."""
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            user = create_user(db.session, username, username, Role.LEGAL, None)
        issued = enrolment.issue_link(
            db.session,
            current_keyring(),
            user,
            actor="system",
            now=now or datetime.now(UTC),
        )
        return issued.url(app.config["INTAKE_BASE_URL"])


def _actions(app: Flask, *actions: str) -> list[str]:
    with app.app_context():
        query = select(AuditEntry.action).where(AuditEntry.action.in_(actions))
        return list(db.session.scalars(query.order_by(AuditEntry.id)))


def _user(app: Flask, username: str) -> User:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.username == username)).one()
        db.session.expunge(user)
        return user


def test_a_link_enrols_once_and_the_person_then_signs_in(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(INTAKE_BASE_URL=BASE_URL)
    # Given a legal officer's link, with its token of at least 128 random bits
    url = _issue(app, "somchai")
    assert url.startswith(f"{BASE_URL}/staff/enrol?token=")
    token = token_of(url)
    assert len(token) >= 32  # 24 bytes of url-safe base64
    # ...stored only as its keyed digest
    stored = _user(app, "somchai")
    with app.app_context():
        assert stored.enrolment_digest == crypto.enrolment_digest(current_keyring(), token)
    assert token not in str(stored.enrolment_digest)
    # When the person enrols through it
    enrol(app, url)
    # Then the link is spent and they sign in with their password and authenticator
    assert _user(app, "somchai").enrolment_digest is None
    signed_in = sign_in(app, "somchai")
    assert signed_in.get("/staff/dashboard").status_code == 200
    assert _actions(app, "user.enrolment_issued", "user.enrolled", "user.signed_in") == [
        "user.enrolment_issued",
        "user.enrolled",
        "user.signed_in",
    ]
    # And a second use of the same link fails, with a Thai message
    again = app.test_client()
    page = open_link(again, url)
    assert USED in page
    assert again.get("/staff/enrol").status_code == 410
    # ...and leaves their account as it was
    password_step = app.test_client().post(
        "/staff/login", data={"username": "somchai", "password": PASSWORD}
    )
    assert password_step.headers["Location"].endswith("/staff/login/code")


def test_an_expired_link_fails_and_the_expiry_is_audited(app: Flask) -> None:
    # Given a link issued 73 hours ago (links last 72)
    url = _issue(app, "somsri", now=datetime.now(UTC) - timedelta(hours=73))
    # When the person opens it
    client = app.test_client()
    page = open_link(client, url)
    # Then it is refused as expired, and cleared
    assert EXPIRED in page
    assert _user(app, "somsri").enrolment_digest is None
    assert _actions(app, "user.enrolment_expired") == ["user.enrolment_expired"]
    # And nobody can sign in to the account
    refused = app.test_client().post(
        "/staff/login", data={"username": "somsri", "password": PASSWORD}
    )
    assert refused.status_code == 422


def test_remind_clears_links_past_their_time(app: Flask) -> None:
    _issue(app, "old", now=datetime.now(UTC) - timedelta(hours=80))
    _issue(app, "fresh")
    result = app.test_cli_runner().invoke(args=["intake", "remind"])
    assert result.exit_code == 0, result.output
    assert "enrolment links expired: 1" in result.output
    assert _user(app, "old").enrolment_digest is None
    assert _user(app, "fresh").enrolment_digest is not None


def test_mistakes_are_shown_beside_their_fields_and_the_link_still_works(app: Flask) -> None:
    url = _issue(app, "noi")
    client = app.test_client()
    page = open_link(client, url)
    secret = secret_on(page)
    # When the passwords differ, the code is wrong, or the password is short
    attempts = [
        ({"password": PASSWORD, "confirm": PASSWORD + "x", "otp": "000000"}, "confirm"),
        ({"password": PASSWORD, "confirm": PASSWORD, "otp": "12345"}, "otp"),
        ({"password": "short", "confirm": "short", "otp": "123456"}, "password"),
    ]
    for data, field_id in attempts:
        response = client.post("/staff/enrol", data=data)
        text = response.get_data(as_text=True)
        # Then the page comes back with a Thai message beside the field
        assert response.status_code == 422, text[:800]
        assert f'id="{field_id}-error"' in text, (field_id, text[:3000])
        # ...showing the same secret, so the authenticator need not be set up again
        assert secret_on(text) == secret
    # And the link still works
    code = pyotp.TOTP(secret).now()
    done = client.post(
        "/staff/enrol", data={"password": PASSWORD, "confirm": PASSWORD, "otp": code}
    )
    assert done.status_code == 303
    assert sign_in(app, "noi")


def test_the_enrolment_page_without_a_link_explains_itself(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/staff/enrol").status_code == 410
    forged = client.get("/staff/enrol?token=not-a-real-token")
    assert forged.status_code == 303
    page = client.get("/staff/enrol")
    assert page.status_code == 410 and USED in page.get_data(as_text=True)


def test_create_user_prints_an_enrolment_link_by_default(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(INTAKE_BASE_URL=BASE_URL)
    # When an operator creates an account without INTAKE_PASSWORD
    result = app.test_cli_runner().invoke(
        args=["intake", "create-user", "somchai", "--role", "legal"], env={"INTAKE_PASSWORD": ""}
    )
    # Then it prints a link on the public address and no two-factor secret
    assert result.exit_code == 0, result.output
    assert "otpauth" not in result.output
    url = link_in_output(result.output)
    assert url.startswith(f"{BASE_URL}/staff/enrol?token=")
    # And the person enrols through it and signs in
    enrol(app, url)
    assert sign_in(app, "somchai")
    # And `enrol-link` issues a fresh link that replaces any earlier one
    fresh = app.test_cli_runner().invoke(args=["intake", "enrol-link", "somchai"])
    assert fresh.exit_code == 0, fresh.output
    assert link_in_output(fresh.output) != url
    unknown = app.test_cli_runner().invoke(args=["intake", "enrol-link", "nobody"])
    assert unknown.exit_code == 1 and "no user nobody" in unknown.output


def test_create_user_with_intake_password_keeps_the_provisioning_path(app: Flask) -> None:
    # When a provisioning script sets INTAKE_PASSWORD
    result = app.test_cli_runner().invoke(
        args=["intake", "create-user", "bot", "--role", "legal"],
        env={"INTAKE_PASSWORD": PASSWORD},
    )
    # Then the password is set and the otpauth:// URI printed, with no link
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/" in result.output and "/staff/enrol" not in result.output
    step = app.test_client().post("/staff/login", data={"username": "bot", "password": PASSWORD})
    assert step.status_code == 303 and step.headers["Location"].endswith("/staff/login/enrol")


@pytest.mark.commits
def test_the_token_stays_out_of_the_logs_and_the_address(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a link, followed on a live development server that logs each request
    caplog.set_level(logging.DEBUG)
    url = _issue(app, "somchai")
    token = token_of(url)
    with serve(app) as server:
        parts = urlsplit(url)
        request = urllib.request.Request(server.at(f"{parts.path}?{parts.query}"))  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request)  # noqa: S310 (loopback)
        redirect.value.close()
    # Then the browser is sent on to an address without the token
    assert redirect.value.code == 303
    assert redirect.value.headers["Location"] == "/staff/enrol"
    # And no log line carries it
    log_text = "\n".join(record.getMessage() for record in caplog.records)
    assert "/staff/enrol" in log_text
    assert token not in log_text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
