"""Staff sign in with a password and a TOTP code; failures lock; sessions end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask

from intake.models import Role
from tests.support.staff import PASSWORD, make_staff, sign_in, staff_client, totp_code


def test_sign_in_needs_password_then_code_and_enrolment_shows_the_qr(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    client = app.test_client()
    assert client.get("/staff/").status_code == 303  # not signed in: to the sign-in page
    first = client.post("/staff/login", data={"username": "noi", "password": PASSWORD})
    assert first.headers["Location"].endswith("/staff/login/enrol")
    enrol = client.get("/staff/login/enrol").get_data(as_text=True)
    assert "otpauth://totp/" in enrol and "<svg" in enrol
    assert client.get("/staff/").status_code == 303  # the password alone is not enough
    assert client.post("/staff/login/enrol", data={"otp": "000000"}).status_code == 422
    code = totp_code(app, "noi")
    assert client.post("/staff/login/enrol", data={"otp": code}).status_code == 303
    assert client.get("/staff/account/password").status_code == 200


def test_a_code_is_accepted_once(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    now = datetime.now(UTC) + timedelta(seconds=30)
    code = totp_code(app, "noi", now)
    client = app.test_client()
    client.post("/staff/login", data={"username": "noi", "password": PASSWORD})
    assert client.post("/staff/login/enrol", data={"otp": code}).status_code == 303
    other = app.test_client()
    other.post("/staff/login", data={"username": "noi", "password": PASSWORD})
    again = other.post("/staff/login/code", data={"otp": code})
    assert again.status_code == 422
    assert "ถูกใช้ไปแล้ว" in again.get_data(as_text=True)


def test_wrong_password_says_nothing_about_which_part(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    client = app.test_client()
    wrong_user = client.post("/staff/login", data={"username": "nobody", "password": PASSWORD})
    wrong_pass = client.post("/staff/login", data={"username": "noi", "password": "x" * 12})
    assert wrong_user.status_code == wrong_pass.status_code == 422
    message = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
    assert message in wrong_user.get_data(as_text=True)
    assert message in wrong_pass.get_data(as_text=True)
    assert 'value="noi"' in wrong_pass.get_data(as_text=True)


def test_five_failures_lock_that_client_out_with_the_same_message(app: Flask) -> None:
    make_staff(app, "noi", Role.INTAKE)
    client = app.test_client()
    for _ in range(5):
        client.post("/staff/login", data={"username": "noi", "password": "wrong password!"})
    locked = client.post("/staff/login", data={"username": "noi", "password": PASSWORD})
    assert locked.status_code == 422
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง หรือลองผิดหลายครั้งเกินไป" in locked.get_data(as_text=True)


def test_sign_in_is_throttled_per_client(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(RATELIMIT_ENABLED=True, INTAKE_LOGIN_LIMIT="3 per minute")
    client = app.test_client()
    codes = [
        client.post("/staff/login", data={"username": "x", "password": "y"}).status_code
        for _ in range(4)
    ]
    assert codes == [422, 422, 422, 429]


def test_changing_the_password_signs_out_other_sessions(app: Flask) -> None:
    laptop = staff_client(app, "noi", Role.INTAKE)
    phone = sign_in(app, "noi")
    changed = laptop.post(
        "/staff/account/password",
        data={
            "current": PASSWORD,
            "new": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert changed.status_code == 303
    assert laptop.get("/staff/account/password").status_code == 200
    assert phone.get("/staff/account/password").status_code == 303


def test_an_idle_session_ends(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(INTAKE_STAFF_IDLE_MINUTES=0)
    client = staff_client(app, "noi", Role.INTAKE)
    response = client.get("/staff/account/password")
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/login")


def test_create_user_command_prints_the_provisioning_uri(app: Flask) -> None:
    result = app.test_cli_runner().invoke(
        args=["intake", "create-user", "somchai", "--role", "legal"],
        env={"INTAKE_PASSWORD": "a long enough password"},
    )
    assert result.exit_code == 0, result.output
    assert "otpauth://totp/" in result.output and "somchai" in result.output
    refused = app.test_cli_runner().invoke(
        args=["intake", "create-user", "dept", "--role", "department"],
        env={"INTAKE_PASSWORD": "a long enough password"},
    )
    assert refused.exit_code == 1 and "--department" in refused.output
