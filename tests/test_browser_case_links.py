"""Duplicates in a real browser with JavaScript off: two people report the same broken
street light; an officer sees the second report suggested as a duplicate of the first on
the case page, links it, and works the first; each complainant, tracking their own code,
reads the progress, and the linked one reads that the reports are handled together.

Runs only in the browser tier, with CSRF on. Chromium runs in a thread of its own (see
tests/test_browser_staff.py); every Playwright call below runs in it.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from intake import thaidate
from tests.support.browser import ChromiumThread, LiveServer, screenshot_widths, submit
from tests.support.browser_staff import act, close_all, open_page, sign_in_first_time

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

SUBJECT = "ไฟส่องสว่างดับทั้งซอย"
LOCATION = "ซอย 5 หน้าวัดหนองบัว"
UPDATE_FOR_ALL = "กองช่างรับเรื่องแล้ว จะเปลี่ยนหลอดไฟภายในสัปดาห์นี้"


def file_lamp_complaint(browser: Any, server: LiveServer, name: str) -> tuple[Any, str, str]:
    page = open_page(browser)
    page.goto(server.at("/complaints/new"))
    page.fill("#subject", SUBJECT)
    page.fill("#details", "มืดมากตอนกลางคืน เด็กกลับบ้านไม่ปลอดภัย")
    page.select_option("#category", index=1)
    page.fill("#location", LOCATION)
    page.fill("#reporter_name", name)
    page.fill("#reporter_phone", "0812345678")
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")
    assert posted.status == 303, page.content()[:3000]
    reference = page.locator("#reference-number").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    return page, reference, code


def open_case(page: Any, server: LiveServer, reference: str) -> None:
    page.goto(server.at("/staff/cases"))
    page.get_by_role("link", name=reference, exact=True).click()
    page.wait_for_url(server.at("/staff/cases/") + "*")


def queue_marks(page: Any, server: LiveServer) -> int:
    page.goto(server.at("/staff/cases"))
    screenshot_widths(page, "case-links-00-queue")
    return int(page.locator("[data-possible-duplicate]").count())


def link_as_suggested(page: Any, server: LiveServer, reference: str, primary: str) -> str:
    open_case(page, server, reference)
    suggested = page.locator("#possible-duplicates").inner_text()
    assert primary in suggested and "หน้าวัดหนองบัว" in suggested, suggested
    screenshot_widths(page, "case-links-01-suggested")
    posted = submit(page, f"#possible-duplicates button:has-text('{primary}')", "/link")
    assert posted.status == 303, page.content()[:3000]
    screenshot_widths(page, "case-links-02-linked")
    return page.locator("#linked-to").inner_text()


def work_the_primary(page: Any, server: LiveServer, primary: str) -> str:
    open_case(page, server, primary)
    assert page.locator("#linked-cases").count() == 1
    act(page, "accept", {}, ())
    expected = thaidate.local_date(datetime.now(UTC)) + timedelta(days=7)
    parts = {
        "#interim-reason": "รอหลอดไฟจากผู้รับจ้าง",
        "#interim-progress": "กองช่างตรวจจุดที่ไฟดับแล้ว",
        "#interim-expected_date": f"{expected.day}/{expected.month}/{thaidate.be_year(expected)}",
        "#interim-message": UPDATE_FOR_ALL,
    }
    status = act(page, "interim", parts, ())
    screenshot_widths(page, "case-links-03-primary-worked")
    return status


def track(page: Any, server: LiveServer, code: str, shots: str | None) -> tuple[str, str]:
    page.goto(server.at("/track"))
    page.fill("#code", code)
    posted = submit(page, ".track-form button[type=submit]", "/track")
    assert posted.status == 200, page.content()[:3000]
    if shots:
        screenshot_widths(page, shots)
    status = page.locator("#case-status").get_attribute("data-status")
    return str(status), page.locator("main").inner_text()


def test_an_officer_links_two_complaints_and_each_complainant_reads_the_progress(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    browser = chromium.browser
    try:
        # Given two people who report the same broken street light
        first, primary, first_code = chromium.run(
            file_lamp_complaint, browser, staff_server, "สมชาย"
        )
        second, duplicate, second_code = chromium.run(
            file_lamp_complaint, browser, staff_server, "สมหญิง"
        )
        officer = chromium.run(sign_in_first_time, browser, staff_server)

        # When the officer sees both marked in the queue as possible duplicates
        assert chromium.run(queue_marks, officer, staff_server) == 2

        # ...and links the second to the first, as the case page suggests
        linked = chromium.run(link_as_suggested, officer, staff_server, duplicate, primary)
        assert primary in linked

        # ...and works the first one only
        assert chromium.run(work_the_primary, officer, staff_server, primary) == "screening"

        # Then each complainant reads the progress on their own page
        status, text = chromium.run(track, first, staff_server, first_code, None)
        assert status == "screening" and UPDATE_FOR_ALL in text
        status, text = chromium.run(
            track, second, staff_server, second_code, "case-links-04-linked-status"
        )
        assert status == "screening" and UPDATE_FOR_ALL in text
        assert "ดำเนินการรวมกันเป็นเรื่องเดียว" in text
        # ...without a word of the other report
        assert primary not in text and "สมชาย" not in text
    finally:
        chromium.run(close_all, browser)
