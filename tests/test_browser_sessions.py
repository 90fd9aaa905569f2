"""Signing out in a real browser ends the session on the server: the cookies exported from
Chromium before sign-out, loaded into a fresh browser afterwards, open nothing.

Runs only in the browser tier (CSRF on, JavaScript off), with Chromium driven from its own
thread (the `chromium` fixture in conftest.py).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.support.browser import ChromiumThread, LiveServer, submit
from tests.support.browser_staff import open_page, sign_in_first_time

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

PAGE = "/staff/account/password"


def export_cookies(page: Any) -> list[dict[str, Any]]:
    return list(page.context.cookies())


def opens_with(browser: Any, server: LiveServer, cookies: list[dict[str, Any]]) -> str:
    """A fresh browser holding ``cookies`` asks for a staff page; returns where it lands."""
    page = open_page(browser)
    try:
        page.context.add_cookies(cookies)
        page.goto(server.at(PAGE))
        return str(page.url)
    finally:
        page.context.close()


def sign_out(page: Any) -> None:
    posted = submit(page, "form[action='/staff/logout'] button[type=submit]", "/staff/logout")
    assert posted.status == 303


def test_cookies_exported_before_sign_out_open_nothing_after(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    browser = chromium.browser
    # Given a legal officer signed in, and a copy of the browser's cookies
    officer = chromium.run(sign_in_first_time, browser, staff_server)
    try:
        stolen = chromium.run(export_cookies, officer)
        assert stolen, "the browser holds a session cookie"
        # ...which opens staff pages in another browser while the session lives
        assert chromium.run(opens_with, browser, staff_server, stolen) == staff_server.at(PAGE)

        # When the officer signs out
        chromium.run(sign_out, officer)

        # Then the copied cookies lead to the sign-in page
        landed = chromium.run(opens_with, browser, staff_server, stolen)
        assert landed == staff_server.at("/staff/login"), landed
    finally:
        chromium.run(lambda: officer.context.close())
