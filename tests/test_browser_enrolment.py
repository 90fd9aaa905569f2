"""Enrolment in a real browser with JavaScript off: an administrator creates a legal
officer and hands over the one-time link; the officer opens it, chooses a password, scans
the secret and confirms a code, then signs in. The administrator's pages never show a
password field or a two-factor secret; the token leaves the address bar at once.

Runs only in the browser tier, with CSRF on (the `chromium` fixture in conftest.py).
"""

from __future__ import annotations

import os
from typing import Any

import pyotp
import pytest

from intake.models import Role
from tests.support.browser import DESKTOP, ChromiumThread, LiveServer, screenshot, serve, submit
from tests.support.staff import PASSWORD, make_staff, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

ADMIN = "admin-enrol"
NEWCOMER = "somchai.j"
OWN_PASSWORD = "my own password 2569"  # noqa: S105 (a test value)


def open_page(browser: Any) -> Any:
    context = browser.new_context(
        java_script_enabled=False, viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def sign_in(page: Any, server: LiveServer, username: str, password: str, code_path: str) -> Any:
    page.goto(server.at("/staff/login"))
    page.fill("#username", username)
    page.fill("#password", password)
    posted = submit(page, "form button[type=submit]", "/staff/login")
    assert posted.status == 303, page.content()[:2000]
    assert page.url == server.at(code_path), page.url
    page.fill("#otp", totp_code(server.app, username))
    posted = submit(page, "form button[type=submit]", code_path)
    assert posted.status == 303, page.content()[:2000]
    return page


def create_account(browser: Any, server: LiveServer) -> tuple[str, str]:
    """The administrator's side; returns the link and the text of the pages seen."""
    page = sign_in(open_page(browser), server, ADMIN, PASSWORD, "/staff/login/enrol")
    page.goto(server.at("/staff/admin/users/new"))
    seen = page.content()
    page.fill("#username", NEWCOMER)
    page.fill("#display_name", "สมชาย ใจดี")
    page.select_option("#role", "legal")
    posted = submit(page, "main form button[type=submit]", "/staff/admin/users/new")
    assert posted.status == 303, page.content()[:2000]
    screenshot(page, "enrol-00-admin-link")
    seen += page.content()
    link = page.locator("#enrolment-link").inner_text().strip()
    page.context.close()
    return link, seen


def enrol(browser: Any, server: LiveServer, link: str) -> tuple[str, str]:
    """The newcomer's side: the link, the one page, then the sign-in page."""
    page = open_page(browser)
    page.goto(link)
    address = page.url
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    screenshot(page, "enrol-01-page")
    page.fill("#password", OWN_PASSWORD)
    page.fill("#confirm", OWN_PASSWORD + " typo")
    page.fill("#otp", pyotp.TOTP(secret).now())
    posted = submit(page, "form button[type=submit]", "/staff/enrol")
    assert posted.status == 422
    assert page.locator("#confirm-error").inner_text().strip() == "รหัสผ่านทั้งสองช่องไม่ตรงกัน"
    assert page.locator("#totp-secret").inner_text().replace(" ", "") == secret
    page.fill("#password", OWN_PASSWORD)
    page.fill("#confirm", OWN_PASSWORD)
    page.fill("#otp", pyotp.TOTP(secret).now())
    posted = submit(page, "form button[type=submit]", "/staff/enrol")
    assert posted.status == 303, page.content()[:2000]
    assert page.url == server.at("/staff/login"), page.url
    screenshot(page, "enrol-02-done")
    page.context.close()
    return address, secret


def sign_in_after(browser: Any, server: LiveServer) -> str:
    page = sign_in(open_page(browser), server, NEWCOMER, OWN_PASSWORD, "/staff/login/code")
    url = str(page.url)
    page.context.close()
    return url


def reuse(browser: Any, link: str) -> tuple[int, str]:
    page = open_page(browser)
    response = page.goto(link)
    status, text = response.status, page.locator("main").inner_text()
    page.context.close()
    return status, text


def test_a_newcomer_enrols_through_the_link_without_javascript(
    chromium: ChromiumThread, make_app: Any
) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    make_staff(app, ADMIN, Role.ADMIN)
    with serve(app) as server:
        app.config["INTAKE_BASE_URL"] = server.url
        browser = chromium.browser
        # Given an administrator who creates a legal officer's account
        link, admin_pages = chromium.run(create_account, browser, server)
        # Then they see a one-time link, and no password field or two-factor secret
        assert link.startswith(server.at("/staff/enrol?token="))
        assert 'type="password"' not in admin_pages and "otpauth" not in admin_pages
        # When the officer opens the link, makes a mistake, then enrols
        address, _secret = chromium.run(enrol, browser, server, link)
        # Then the token left the address bar at the first request
        assert address == server.at("/staff/enrol")
        # And they sign in with their own password and their authenticator
        assert chromium.run(sign_in_after, browser, server) == server.at("/staff/dashboard")
        # And the link does not work a second time
        status, text = chromium.run(reuse, browser, link)
        assert status == 410 and "ลิงก์ลงทะเบียนนี้ใช้ไม่ได้" in text
