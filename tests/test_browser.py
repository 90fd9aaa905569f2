"""A citizen's journeys in a real browser: Chromium through Playwright, against a live server.

Runs only in the browser tier (``INTAKE_TEST_TIER=browser``, ``-m browser``). CSRF is on,
as in production, so every form is posted the way a person's browser posts it. Most
journeys run with JavaScript off: the public pages must work without it.

Screenshots for people reviewing the UI go to test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from intake.crypto import decrypt_text
from intake.extensions import db
from intake.models import Case
from intake.services.keyring import current_keyring
from tests.support.browser import (
    CHROMIUM_ARGS,
    COMPLAINT_REFERENCE,
    DESKTOP,
    ENGLISH_DATE,
    GROUPED_CODE,
    PHONE,
    SMALL_PHONE,
    THAI_DATE,
    TIP_REFERENCE,
    LiveServer,
    NetworkLog,
    break_check_digit,
    chromium_path,
    screenshot,
    serve,
    submit,
    tiny_png,
    translated,
)
from tests.support.builders import VALID_NATIONAL_ID

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

SUBJECT = "ไฟถนนดับหน้าโรงเรียน"
DETAILS = "ไฟถนนหน้าโรงเรียนบ้านหนองบัวดับมาสามคืนแล้ว เด็กกลับบ้านมืด"
NAME = "สมชาย ใจดี"
PHONE_THAI_DIGITS = "๐๘๑-๒๓๔-๕๖๗๘"
TIP_SUBJECT = "เรียกรับเงินในการออกใบอนุญาตก่อสร้าง"
TIP_DETAILS = "เจ้าหน้าที่ขอเงินห้าพันบาทเพื่อให้ออกใบอนุญาตเร็วขึ้น"

RECEIPT_SHOWN_ONCE = "แสดงได้เพียงครั้งเดียว"
CHECK_THE_CODE = "รหัสนี้มีตัวเลขที่พิมพ์ผิด"
INVALID_NATIONAL_ID = "เลขประจำตัวประชาชนไม่ถูกต้อง"
REQUIRED = "โปรดกรอกช่องนี้"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the session (Playwright allows one sync_playwright per process)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if not Path(executable).is_file():
        pytest.fail(f"browser tier needs Chromium at {executable} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def live_server(make_app: Callable[..., Any]) -> Iterator[LiveServer]:
    """The app on a real socket, with CSRF protection on, on a fresh SQLite database."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with serve(app) as server:
        yield server


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh context (own cookies); contexts close before the server stops."""
    contexts: list[Any] = []

    def open_page(
        *, javascript: bool = False, viewport: dict | None = None, log: NetworkLog | None = None
    ) -> Any:
        context = browser.new_context(
            java_script_enabled=javascript,
            viewport=viewport or DESKTOP,
            locale="th-TH",
            timezone_id="Asia/Bangkok",
        )
        contexts.append(context)
        context.set_default_timeout(15_000)
        if log is not None:
            log.attach(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return tiny_png(tmp_path / "ไฟดับ.png")


# ---------------------------------------------------------------------------- helpers


def thai_complaint_journey(
    page: Any, server: LiveServer, photo: Path, shots: str | None = None
) -> tuple[str, str]:
    """From the landing page to a receipt, as a Thai speaker on a phone would.
    Returns (reference, grouped code) read off the receipt."""
    page.goto(server.at("/"))
    if shots:
        screenshot(page, f"{shots}-01-landing")
    page.get_by_role("link", name="ยื่นเรื่องร้องเรียน").click()
    page.wait_for_url(server.at("/complaints/new"))

    page.fill("#subject", SUBJECT)
    page.fill("#details", DETAILS)
    page.fill("#reporter_name", NAME)
    page.locator("#reporter_phone").press_sequentially(PHONE_THAI_DIGITS)
    page.set_input_files("#attachments", str(photo))
    if shots:
        screenshot(page, f"{shots}-02-complaint-form-filled")
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")
    assert posted.status == 303, f"filing refused ({posted.status}): {page.content()[:3000]}"
    assert page.url == server.at("/receipt")

    reference = page.locator("#reference-number").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    if shots:
        screenshot(page, f"{shots}-03-receipt")
    return reference, code


def track(page: Any, field: str, code: str, button: str) -> Any:
    page.fill(field, code)
    return submit(page, button, "/track")


def html_lang(page: Any) -> str | None:
    return page.locator("html").get_attribute("lang")


# Elements that stick out past the right edge of the screen, widest first.
OVERFLOWING = """() => {
  const edge = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .map(el => [el, el.getBoundingClientRect()])
    .filter(([el, box]) => box.right > edge + 0.5 && !el.closest(".table-wrap"))
    .sort((a, b) => b[1].right - a[1].right)
    .map(([el, box]) => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
                        + `${el.className ? "." + el.className : ""} (${box.width}px)`);
}"""


# --------------------------------------------------------------------------- journeys


def test_thai_complaint_on_a_phone_without_javascript_then_tracked(
    new_page: Callable[..., Any], live_server: LiveServer, photo: Path
) -> None:
    # Given a Thai speaker on a phone whose browser runs no JavaScript
    page = new_page(viewport=PHONE)

    # When they file a complaint with a photo, typing their phone number in Thai digits
    reference, code = thai_complaint_journey(page, live_server, photo, shots="th-phone")

    # Then the receipt gives a complaint reference, a 28-digit code in groups, a due date
    assert html_lang(page) == "th"
    assert COMPLAINT_REFERENCE.fullmatch(reference), reference
    assert GROUPED_CODE.fullmatch(code), code
    assert THAI_DATE.fullmatch(page.locator("#due-date").inner_text().strip())
    # and the photo and the phone number reached the case
    with live_server.app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        assert [a.mime for a in case.attachments] == ["image/png"]
        contact = decrypt_text(
            current_keyring(),
            case.contact_enc or b"",
            table="cases",
            column="contact",
            row_id=case.id,
        )
        assert json.loads(contact) == {"name": NAME, "phone": "0812345678"}

    # When they reload the receipt
    reloaded = page.reload()

    # Then it is gone: shown once only
    assert reloaded is not None and reloaded.status == 410
    assert RECEIPT_SHOWN_ONCE in page.locator("main").inner_text()
    assert page.locator("#tracking-code").count() == 0
    screenshot(page, "th-phone-04-receipt-gone")

    # When they track it, typing the code with dashes instead of spaces
    page.goto(live_server.at("/track"))
    posted = track(page, "#code", code.replace(" ", "-"), "form.track-form button[type=submit]")

    # Then they see the case, just received
    assert posted.status == 200
    assert page.locator("#case-status").get_attribute("data-status") == "received"
    assert reference in page.locator("main").inner_text()
    screenshot(page, "th-phone-05-status")


def test_anonymous_tip_without_javascript_tracked_from_the_landing_page(
    new_page: Callable[..., Any], live_server: LiveServer
) -> None:
    # Given the tip form, with "anonymous" checked as it comes
    page = new_page()
    page.goto(live_server.at("/"))
    page.locator(".channel-tip a.button").click()
    page.wait_for_url(live_server.at("/tips/new"))
    assert page.locator("#anonymous").is_checked()
    screenshot(page, "th-desktop-01-tip-form")

    # When they describe what happened and send it, leaving "anonymous" checked
    page.fill("#subject", TIP_SUBJECT)
    page.fill("#details", TIP_DETAILS)
    posted = submit(page, "form.filing-form button[type=submit]", "/tips/new")

    # Then the receipt numbers it as a tip
    assert posted.status == 303, page.content()[:3000]
    reference = page.locator("#reference-number").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    assert TIP_REFERENCE.fullmatch(reference), reference
    assert GROUPED_CODE.fullmatch(code), code
    screenshot(page, "th-desktop-02-tip-receipt")
    with live_server.app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        assert case.anonymous is True and case.contact_enc is None

    # When they track it from the landing page's tracking box
    page.goto(live_server.at("/"))
    posted = track(page, "#landing-code", code, ".track-box button[type=submit]")

    # Then they see it, just received
    assert posted.status == 200
    assert page.locator("#case-status").get_attribute("data-status") == "received"
    assert reference in page.locator("h1").inner_text()
    screenshot(page, "th-desktop-03-tip-status")


def test_english_complaint_without_javascript_then_tracked(
    new_page: Callable[..., Any], live_server: LiveServer
) -> None:
    app = live_server.app
    # Given a visitor on the (Thai) landing page
    page = new_page()
    page.goto(live_server.at("/"))
    assert html_lang(page) == "th"

    # When they switch to English with the header link
    with page.expect_navigation(url=live_server.at("/")):
        page.locator("nav.lang a[hreflang=en]").click()

    # Then they are back on the same page, now in English, and it stays so as they move on
    assert html_lang(page) == "en"
    assert page.locator("nav.lang [aria-current]").inner_text().strip() == "English"
    assert "Example Subdistrict Administrative Organization" in page.locator(".brand").inner_text()
    file_label = translated(app, "ยื่นเรื่องร้องเรียน", "en")
    assert page.locator(".channel-complaint a.button").inner_text().strip() == file_label
    screenshot(page, "en-01-landing")

    page.locator(".channel-complaint a.button").click()
    page.wait_for_url(live_server.at("/complaints/new"))
    assert html_lang(page) == "en"
    screenshot(page, "en-02-complaint-form")

    # When they send the form empty first
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")

    # Then the errors are beside the fields, in the page's language
    assert posted.status == 422
    assert page.locator("#subject-error").is_visible()
    assert page.locator("#reporter_name-error").is_visible()
    assert page.locator("#subject-error").inner_text().strip() == translated(app, REQUIRED, "en")
    screenshot(page, "en-03-complaint-form-errors")

    # When they fill it in and send it again (a fresh CSRF token came with the error page)
    page.fill("#subject", "Street light out in front of the school")
    page.fill(
        "#details",
        "The street light in front of Ban Nong Bua school has been out for three nights.",
    )
    page.fill("#reporter_name", "Somchai Jaidee")
    page.fill("#reporter_phone", "081 234 5678")
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")

    # Then the receipt is in English, with the due date in English
    assert posted.status == 303, page.content()[:3000]
    assert html_lang(page) == "en"
    reference = page.locator("#reference-number").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    assert COMPLAINT_REFERENCE.fullmatch(reference), reference
    assert GROUPED_CODE.fullmatch(code), code
    assert ENGLISH_DATE.fullmatch(page.locator("#due-date").inner_text().strip())
    screenshot(page, "en-04-receipt")

    # When they follow the receipt's link to tracking and enter the code as shown
    page.locator(".receipt a.button[href='/track']").click()
    page.wait_for_url(live_server.at("/track"))
    posted = track(page, "#code", code, "form.track-form button[type=submit]")

    # Then the status page, in English, shows the case as received
    assert posted.status == 200
    assert html_lang(page) == "en"
    assert page.locator("#case-status").get_attribute("data-status") == "received"
    assert reference in page.locator("h1").inner_text()
    screenshot(page, "en-05-status")

    # and the tip form is in English too (for the reviewers' screenshots)
    page.goto(live_server.at("/tips/new"))
    assert html_lang(page) == "en"
    screenshot(page, "en-06-tip-form")


def test_bad_input_shows_errors_beside_the_fields_and_keeps_what_was_typed(
    new_page: Callable[..., Any], live_server: LiveServer
) -> None:
    # Given the complaint form in a browser without JavaScript
    page = new_page(viewport=PHONE)
    page.goto(live_server.at("/complaints/new"))

    # When they leave the subject empty and mistype their national ID (check digit wrong)
    page.fill("#details", DETAILS)
    page.fill("#reporter_name", NAME)
    page.fill("#reporter_national_id", VALID_NATIONAL_ID[:-1] + "9")
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")

    # Then nothing is filed and the form comes back with the errors beside those fields
    assert posted.status == 422
    assert page.url == live_server.at("/complaints/new")
    assert page.locator("#reference-number").count() == 0
    subject_error = page.locator("#subject-error")
    id_error = page.locator("#reporter_national_id-error")
    assert subject_error.is_visible() and REQUIRED in subject_error.inner_text()
    assert id_error.is_visible() and INVALID_NATIONAL_ID in id_error.inner_text()
    assert page.locator("#reporter_national_id").get_attribute("aria-invalid") == "true"
    assert "reporter_national_id-error" in (
        page.locator("#reporter_national_id").get_attribute("aria-describedby") or ""
    )
    assert page.locator(".error-summary").is_visible()
    # and what they typed is still there
    assert page.locator("#details").input_value() == DETAILS
    assert page.locator("#reporter_name").input_value() == NAME
    assert page.locator("#reporter_national_id").input_value() == VALID_NATIONAL_ID[:-1] + "9"
    screenshot(page, "th-phone-06-complaint-form-errors")
    with live_server.app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_mistyped_tracking_code_says_check_the_code(
    new_page: Callable[..., Any], live_server: LiveServer, photo: Path
) -> None:
    # Given a filed complaint and its code with one digit mistyped
    page = new_page()
    _reference, code = thai_complaint_journey(page, live_server, photo)
    mistyped = break_check_digit(code)
    assert len(mistyped) == 28 and mistyped != code.replace(" ", "")

    # When they track with the mistyped code
    page.goto(live_server.at("/track"))
    posted = track(page, "#code", mistyped, "form.track-form button[type=submit]")

    # Then they are told to check the code, beside the field, and see no case
    assert posted.status == 422
    error = page.locator("#code-error")
    assert error.is_visible() and CHECK_THE_CODE in error.inner_text()
    assert page.locator("#code").get_attribute("aria-invalid") == "true"
    assert page.locator("#code").input_value() == mistyped
    assert page.locator("#case-status").count() == 0
    screenshot(page, "th-desktop-04-track-error")


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/track",
        "/guide",
        "/privacy",
        "/stats",
        "/complaints/new",
        "/tips/new",
    ],
)
def test_public_pages_fit_a_small_phone_screen(
    new_page: Callable[..., Any], live_server: LiveServer, path: str
) -> None:
    # Given a small phone (JavaScript on only to measure the layout)
    page = new_page(viewport=SMALL_PHONE, javascript=True)

    # When a public page is opened
    page.goto(live_server.at(path))

    # Then nothing sticks out sideways (wide tables scroll inside their own box)
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert page_width <= SMALL_PHONE["width"], page.evaluate(OVERFLOWING)[:6]


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_no_request_leaves_the_machine_and_every_page_is_private(
    new_page: Callable[..., Any], live_server: LiveServer, photo: Path, javascript: bool
) -> None:
    # Given a browser that logs every request it makes
    log = NetworkLog()
    page = new_page(viewport=PHONE, javascript=javascript, log=log)

    # When a complaint is filed, its receipt reloaded and the case tracked
    _reference, code = thai_complaint_journey(page, live_server, photo)
    page.reload()
    page.goto(live_server.at("/track"))
    track(page, "#code", code, "form.track-form button[type=submit]")
    assert page.locator("#case-status").count() == 1

    # Then every request went to the app itself, and none failed (e.g. blocked by CSP)
    assert log.requests, "no requests were recorded"
    assert log.leaving(live_server.origin) == []
    assert log.failed == []
    # and every response carries the CSP, and every page forbids caching
    assert log.responses
    for response in log.responses:
        assert response.url.startswith(live_server.origin + "/")
        headers = response.headers
        assert "default-src 'none'" in headers.get("content-security-policy", ""), response.url
    documents = log.documents()
    paths = {d.url.removeprefix(live_server.origin) for d in documents}
    assert {"/", "/complaints/new", "/receipt", "/track"} <= paths
    for document in documents:
        assert document.headers.get("cache-control") == "no-store", document.url
