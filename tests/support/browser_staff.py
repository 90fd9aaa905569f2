"""A legal officer's steps in the browser: signing in the first time, acting on a case."""

from __future__ import annotations

from typing import Any

from tests.support.browser import (
    DESKTOP,
    LiveServer,
    screenshot,
    submit,
)
from tests.support.staff import LEGAL, PASSWORD, totp_code

TIP_SUBJECT = "เรียกรับเงินค่าตรวจรับงานก่อสร้างถนน"


TIP_DETAILS = "ผู้ควบคุมงานขอเงินสองหมื่นบาทก่อนลงนามตรวจรับงานถนนหมู่ 5"


def open_page(browser: Any) -> Any:
    """A fresh context (own cookies), JavaScript off, in Thai in Bangkok."""
    context = browser.new_context(
        java_script_enabled=False, viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def file_anonymous_tip(browser: Any, server: LiveServer) -> tuple[Any, str, str]:
    page = open_page(browser)
    page.goto(server.at("/tips/new"))
    assert page.locator("#anonymous").is_checked()
    page.fill("#subject", TIP_SUBJECT)
    page.fill("#details", TIP_DETAILS)
    posted = submit(page, "form.filing-form button[type=submit]", "/tips/new")
    assert posted.status == 303, page.content()[:3000]
    reference = page.locator("#reference-number").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    return page, reference, code


def sign_in_first_time(browser: Any, server: LiveServer) -> Any:
    """Password, then the enrolment page (the QR code), then a code from the app."""
    page = open_page(browser)
    page.goto(server.at("/staff/login"))
    page.fill("#username", LEGAL)
    page.fill("#password", PASSWORD)
    posted = submit(page, "form button[type=submit]", "/staff/login")
    assert posted.status == 303, page.content()[:2000]
    assert page.url == server.at("/staff/login/enrol")
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "staff-00-enrol")
    page.fill("#otp", totp_code(server.app, LEGAL))
    posted = submit(page, "form button[type=submit]", "/staff/login/enrol")
    assert posted.status == 303, page.content()[:2000]
    return page


def act(page: Any, action: str, text: dict[str, str], choose: tuple[str, ...]) -> str:
    """Fill one action's form on the case page (text fields; drop-downs: the first real
    option) and send it; returns the case's status after."""
    form = f"#action-{action}"
    assert page.locator(form).count() == 1, f"the case page offers no {action!r}"
    unfold(page, action)
    for selector, value in text.items():
        page.fill(selector, value)
    for selector in choose:
        page.select_option(selector, index=1)
    url = page.url
    posted = submit(page, f"{form} button[type=submit]", f"/{action}")
    assert posted.status == 303, page.content()[:3000]
    assert page.url == url, page.url
    return str(page.locator("#case-facts").get_attribute("data-status"))


def unfold(page: Any, action: str) -> None:
    """Open the folded groups and the panel that hold an action's form (no JavaScript:
    a click on a <details> summary opens it natively)."""
    for group in ("#more-actions", "#closing-actions", f"#panel-{action}"):
        details = page.locator(group)
        if details.count() and details.get_attribute("open") is None:
            page.click(f"{group} > summary")


def offered(page: Any) -> list[str]:
    forms = page.locator("form.action-form").evaluate_all("els => els.map(e => e.id)")
    return [form_id.removeprefix("action-") for form_id in forms]


def close_all(browser: Any) -> None:
    for context in browser.contexts:
        context.close()
