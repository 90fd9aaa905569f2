"""Accessibility checks with axe in the browser, and the staff pages signed in for them."""

from __future__ import annotations

from typing import Any

from tests.support.browser import (
    DESKTOP,
    ROOT,
    LiveServer,
    submit,
)
from tests.support.staff import PASSWORD, totp_code

BLOCKING = {"serious", "critical"}


REPORTS = ROOT / "test-artifacts" / "axe"


def open_page(browser: Any, javascript: bool = True) -> Any:
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport=DESKTOP,
        locale="th-TH",
        timezone_id="Asia/Bangkok",
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def sign_in(page: Any, server: LiveServer, username: str) -> None:
    page.goto(server.at("/staff/login"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    posted = submit(page, "form button[type=submit]", "/staff/login")
    assert posted.status == 303, page.content()[:1000]
    page.fill("#otp", totp_code(server.app, username))
    posted = submit(page, "form button[type=submit]", "/staff/login/enrol")
    assert posted.status == 303, page.content()[:1000]
