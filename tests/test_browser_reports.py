"""A legal officer writes a report's sections and downloads it, in a real browser with
JavaScript off and CSRF on; axe-core finds nothing serious on the report pages.

Runs only in the browser tier, driving Chromium from its own thread (see
tests/test_browser_staff.py for why).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import DESKTOP, ChromiumThread, LiveServer, screenshot, submit
from tests.support.staff import LEGAL, PASSWORD, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

PROBLEMS = "เจ้าหน้าที่รับเรื่องมีน้อย ตอบผู้ร้องไม่ทันในบางสัปดาห์"
BLOCKING = {"serious", "critical"}


def open_page(browser: Any, javascript: bool) -> Any:
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport=DESKTOP,
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def sign_in(page: Any, server: LiveServer) -> None:
    """Password, then the enrolment page the first time, else the code page."""
    page.goto(server.at("/staff/login"))
    page.fill("#username", LEGAL)
    page.fill("#password", PASSWORD)
    posted = submit(page, "form button[type=submit]", "/staff/login")
    assert posted.status == 303, page.content()[:2000]
    step = page.url.removeprefix(server.origin)
    page.fill("#otp", totp_code(server.app, LEGAL))
    posted = submit(page, "form button[type=submit]", step)
    assert posted.status == 303, page.content()[:2000]


def write_and_download(browser: Any, server: LiveServer) -> dict[str, Any]:
    page = open_page(browser, javascript=False)
    try:
        sign_in(page, server)
        page.get_by_role("link", name="รายงาน", exact=True).click()
        page.wait_for_url(server.at("/staff/reports"))
        screenshot(page, "reports-01-list")
        page.locator("a[href*='half=1'][href*='kind=tip']").first.click()
        page.wait_for_url("**/staff/reports/report?*")

        page.fill("#problems", PROBLEMS)
        page.fill("#prepared_name", "นางสาวสมใจ รักงาน")
        page.fill("#prepared_on", "30 กุมภาพันธ์ 2569")
        refused = submit(page, "#narrative-form button[type=submit]", "kind=tip")
        kept = page.input_value("#problems")
        error = page.locator("#prepared_on-error").inner_text()
        screenshot(page, "reports-02-error")

        page.fill("#prepared_on", "๕ เม.ย. ๒๕๖๙")
        saved = submit(page, "#narrative-form button[type=submit]", "kind=tip")
        flash = page.locator(".flash").first.inner_text()
        shown_date = page.input_value("#prepared_on")
        screenshot(page, "reports-03-saved")

        with page.expect_download() as pdf:
            page.get_by_role("link", name="ดาวน์โหลด PDF", exact=True).click()
        with page.expect_download() as xlsx:
            page.get_by_role("link", name="ดาวน์โหลด XLSX").click()
        return {
            "refused": refused.status,
            "kept": kept,
            "error": error,
            "saved": saved.status,
            "flash": flash,
            "shown_date": shown_date,
            "pdf": pdf.value.suggested_filename,
            "pdf_head": Path(pdf.value.path()).read_bytes()[:5],
            "xlsx": xlsx.value.suggested_filename,
        }
    finally:
        page.context.close()


def scan(browser: Any, server: LiveServer) -> dict[str, list[str]]:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, javascript=True)
    found: dict[str, list[str]] = {}
    try:
        sign_in(page, server)
        page.goto(server.at("/staff/reports"))
        pages = {
            "list": None,
            "report": "/staff/reports/report?fy=2569&half=0&kind=complaint",
        }
        for name, path in pages.items():
            if path:
                page.goto(server.at(path))
            if name == "report":
                page.fill("#reviewed_on", "ไม่ใช่วันที่")
                submit(page, "#narrative-form button[type=submit]", "kind=complaint")
            violations = Axe().run(page).response["violations"]
            found[name] = [
                f"{v['impact']}: {v['id']} ({len(v['nodes'])})"
                for v in violations
                if v["impact"] in BLOCKING
            ]
        return found
    finally:
        page.context.close()


def test_a_legal_officer_writes_a_report_and_downloads_it(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    # When a legal officer opens a tip report, sends a date that does not exist, then a
    # good one, and downloads both files
    seen = chromium.run(write_and_download, chromium.browser, staff_server)

    # Then the wrong date came back beside its field with the text kept...
    assert seen["refused"] == 422
    assert seen["kept"] == PROBLEMS and "อ่านวันที่ไม่ได้" in seen["error"]
    # ...the good one was saved and is shown back in BE with the month's name
    assert seen["saved"] == 303 and "บันทึก" in seen["flash"]
    assert seen["shown_date"] == "5 เมษายน 2569"
    # ...and the files came with their names
    assert seen["pdf"].startswith("intake-report-") and seen["pdf"].endswith("-h1-tip.pdf")
    assert seen["pdf_head"] == b"%PDF-"
    assert seen["xlsx"].endswith("-h1-tip.xlsx")


def test_report_pages_have_no_serious_accessibility_violation(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    found = chromium.run(scan, chromium.browser, staff_server)
    assert found == {"list": [], "report": []}
