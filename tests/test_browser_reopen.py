"""Asking to reopen, in a real browser with JavaScript off: a complainant files a complaint
with a photo, it is answered and closed, they say the problem is not solved and send a new
photo; a legal officer sees the request on the dashboard, opens the case and reopens it;
the complainant sees the case open again with a new due date, and every file they sent in
one list with its size. Screenshots of the status page with the reopen form and of the
dashboard at 375 and 1280 px.

Runs only in the browser tier. CSRF is on, as in production.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case
from intake.services import case_actions
from intake.services.keyring import current_keyring
from intake.services.users import find_user
from tests.support.browser import (
    COMPLAINT_REFERENCE,
    ChromiumThread,
    LiveServer,
    screenshot_widths,
    submit,
    tiny_png,
)
from tests.support.browser_followup import assert_accessible, axe_status_page, close_all, track
from tests.support.browser_staff import open_page, sign_in_first_time

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

SUBJECT = "ไฟถนนหน้าโรงเรียนดับ"
DETAILS = "ไฟถนนหน้าโรงเรียนบ้านหนองดับมาสามคืนแล้ว เด็กเดินกลับบ้านลำบาก"
ANSWER = "เปลี่ยนหลอดไฟแล้วเมื่อวันที่ 5"
NOT_SOLVED = "ไฟยังดับอยู่ทุกคืน หลอดที่เปลี่ยนใช้ได้แค่คืนเดียว แนบรูปเมื่อคืนนี้"
TO_COMPLAINANT = "จะส่งช่างไฟฟ้าไปตรวจสายไฟทั้งแนวภายในสัปดาห์นี้"
FIRST_PHOTO = "first-night.png"
LATER_PHOTO = "last-night.png"


def file_complaint(browser: Any, server: LiveServer, photo: Path) -> tuple[Any, str, str]:
    page = open_page(browser)
    page.goto(server.at("/complaints/new"))
    page.fill("#subject", SUBJECT)
    page.fill("#details", DETAILS)
    page.fill("#reporter_name", "สมศรี ใจดี")
    page.fill("#reporter_phone", "0812345678")
    page.set_input_files("#attachments", str(photo))
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")
    assert posted.status == 303, page.content()[:3000]
    reference = page.locator("#reference-number").inner_text().strip()
    code = page.locator("#tracking-code").inner_text().strip()
    return page, reference, code


def close_case(server: LiveServer, reference: str) -> None:
    """Set-up, not the journey: the case was answered and closed."""
    with server.app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        officer = find_user(db.session, "legal1")
        assert officer is not None
        case_actions.resolve(
            db.session, current_keyring(), officer, case.id, message=ANSWER, now=datetime.now(UTC)
        )


def complainant_asks_to_reopen(
    page: Any, server: LiveServer, code: str, photo: Path
) -> dict[str, Any]:
    seen: dict[str, Any] = {"status": track(page, server, code)}
    seen["offer"] = page.locator("#reopen-offer").inner_text()
    page.fill("#reopen-message", NOT_SOLVED)
    page.set_input_files("#reopen-attachments", str(photo))
    seen["shots"] = screenshot_widths(page, "reopen-01-status-page-with-form")
    posted = submit(page, ".reopen-form button[type=submit]", "/track/reopen")
    seen["posted"] = posted.status
    seen["flash"] = page.locator("p.note[role=status]").all_inner_texts()
    seen["pending"] = page.locator("#reopen-pending").count()
    seen["forms"] = page.locator(".reopen-form").count()
    seen["request"] = page.locator("#timeline li:has(.event[data-type=reply])").inner_text()
    return seen


def officer_reopens_from_the_dashboard(page: Any, server: LiveServer, reference: str) -> dict:
    page.goto(server.at("/staff/dashboard"))
    seen: dict[str, Any] = {"waiting": page.locator("#reopen-waiting").inner_text()}
    seen["shots"] = screenshot_widths(page, "reopen-02-dashboard")
    page.get_by_role("link", name=reference, exact=True).first.click()
    page.wait_for_url(server.at("/staff/cases/") + "*")
    seen["request"] = page.locator("#reopen-request").inner_text()
    seen["photo_links"] = page.locator("#timeline .reply-files a[download]").all_inner_texts()
    screenshot_widths(page, "reopen-03-case-page-request")
    page.fill("#reopen-grant-message", TO_COMPLAINANT)
    posted = submit(page, "#reopen-grant button[type=submit]", "/reopen-request/grant")
    seen["posted"] = posted.status
    seen["status"] = page.locator("#case-facts").get_attribute("data-status")
    seen["request_after"] = page.locator("#reopen-request").count()
    return seen


def complainant_sees_it_reopened(page: Any, server: LiveServer) -> dict[str, Any]:
    page.goto(server.at("/track"))
    seen = {
        "status": page.locator("#case-status").get_attribute("data-status"),
        "due": page.locator("#due-at").count(),
        "text": page.locator("main").inner_text(),
        "files": page.locator("#sent-files .file-name").all_inner_texts(),
        "sizes": page.locator("#sent-files .file-size").all_inner_texts(),
        "reopen_section": page.locator("#reopen").count(),
    }
    screenshot_widths(page, "reopen-04-status-page-reopened")
    return seen


def test_a_complainant_asks_to_reopen_with_a_photo_and_the_officer_reopens(
    chromium: ChromiumThread, staff_server: LiveServer, tmp_path: Path
) -> None:
    browser = chromium.browser
    server = staff_server
    first, later = tiny_png(tmp_path / FIRST_PHOTO), tiny_png(tmp_path / LATER_PHOTO)
    try:
        # Given a complaint filed with a photo, answered and closed
        complainant, reference, code = chromium.run(file_complaint, browser, server, first)
        assert COMPLAINT_REFERENCE.fullmatch(reference), reference
        close_case(server, reference)

        # ...and axe finds nothing serious on its status page with the reopen form
        results = chromium.run(axe_status_page, browser, server, code, "reopen-form")
        assert results["_state"]["status"] == "resolved"
        assert_accessible(results)

        # When the complainant, following it, says the problem is not solved, with a photo
        seen = chromium.run(complainant_asks_to_reopen, complainant, server, code, later)

        # Then the page offered it with its deadline, took it, and now says it waits
        assert seen["status"] == "resolved"
        assert "ขอให้เปิดเรื่องนี้ใหม่ได้ภายใน" in seen["offer"]
        assert seen["posted"] == 303, seen
        assert any("ส่งคำขอให้เปิดเรื่องใหม่แล้ว" in m for m in seen["flash"]), seen["flash"]
        assert seen["pending"] == 1 and seen["forms"] == 0
        assert NOT_SOLVED in seen["request"] and "ท่านขอให้เปิดเรื่องใหม่" in seen["request"]
        assert all(path.is_file() for path in seen["shots"])

        # When a legal officer signs in, sees it on the dashboard and reopens the case
        officer = chromium.run(sign_in_first_time, browser, server)
        seen = chromium.run(officer_reopens_from_the_dashboard, officer, server, reference)

        # Then the dashboard listed it, the case page showed the message and the photo
        assert reference in seen["waiting"]
        assert NOT_SOLVED in seen["request"]
        assert any(LATER_PHOTO in link for link in seen["photo_links"]), seen["photo_links"]
        # ...and the case is open again, the request answered
        assert seen["posted"] == 303 and seen["status"] == "screening"
        assert seen["request_after"] == 0

        # And the complainant sees it reopened, a new due date, the officer's words, and
        # both photos they sent in one list with their sizes
        seen = chromium.run(complainant_sees_it_reopened, complainant, server)
        assert seen["status"] == "screening" and seen["due"] == 1
        assert TO_COMPLAINANT in seen["text"] and "legal1" not in seen["text"]
        assert seen["files"] == [FIRST_PHOTO, LATER_PHOTO], seen["files"]
        assert len(seen["sizes"]) == 2 and all("ไบต์" in s for s in seen["sizes"])
        assert seen["reopen_section"] == 0
    finally:
        chromium.run(close_all, browser)
