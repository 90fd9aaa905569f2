"""What a complainant or tipster sees on the status page at the end of a case, when we are
late, and when they give their identity later — in a real browser, JavaScript off, CSRF on,
at 375 px and 1280 px (screenshots under test-artifacts/screenshots/status-*).

Cases are filed and moved through the services (the staff side has browser tests of its
own); what is checked here is the page people read.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from intake.extensions import db
from intake.models import Case, CaseKind, User
from intake.services import case_actions
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.settings import get_organisation
from intake.services.users import find_user
from tests.support.browser import DESKTOP, ChromiumThread, LiveServer, screenshot_widths, submit
from tests.support.browser_followup import assert_accessible, axe_status_page
from tests.support.staff import LEGAL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

COMPLETED = "ดำเนินการเสร็จ"
REASON = "เรื่องนี้เป็นข้อพิพาทเรื่องที่ดินระหว่างเอกชน ซึ่งอยู่นอกอำนาจหน้าที่ขององค์การบริหารส่วนตำบล"
NAME = "นางสาวกล้าหาญ ใจซื่อ"


def _file(server: LiveServer, kind: CaseKind, days_ago: int = 0) -> tuple[str, str]:
    """A web filing received ``days_ago`` days ago; returns (case id, tracking code)."""
    app = server.app
    with app.app_context():
        filed = file_case(
            db.session,
            current_keyring(),
            Path(app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(
                kind=kind,
                subject="ไฟถนนดับ" if kind is CaseKind.COMPLAINT else "เรียกรับเงินค่าใบอนุญาต",
                details="รายละเอียดของเรื่อง",
                anonymous=kind is CaseKind.TIP,
                reporter={} if kind is CaseKind.TIP else {"name": "สมชาย ใจดี"},
            ),
            datetime.now(UTC) - timedelta(days=days_ago),
        )
        return filed.case_id, filed.tracking_code


def _legal(server: LiveServer) -> User:
    user = find_user(db.session, LEGAL)
    assert user is not None
    return user


def _close(server: LiveServer, case_id: str, how: str) -> None:
    with server.app.app_context():
        keyring, legal, now = current_keyring(), _legal(server), datetime.now(UTC)
        if how == "resolved":
            case_actions.resolve(
                db.session, keyring, legal, case_id, message="ตั้งกรรมการสอบข้อเท็จจริงแล้ว", now=now
            )
        elif how == "rejected":
            case_actions.reject(db.session, keyring, legal, case_id, reason=REASON, now=now)
        else:
            case_actions.refer(
                db.session,
                keyring,
                legal,
                case_id,
                destination="nacc",
                message="เรื่องเกี่ยวกับผู้บริหารท้องถิ่น จึงส่งให้ ป.ป.ช. พิจารณา",
                now=now,
            )


# ------------------------------------------------------------------ steps (in the thread)


def _context(browser: Any) -> Any:
    context = browser.new_context(
        java_script_enabled=False, viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    return context


def read_status(browser: Any, server: LiveServer, code: str, name: str) -> dict[str, Any]:
    context = _context(browser)
    page = context.new_page()
    try:
        page.goto(server.at("/"))
        page.fill("#landing-code", code)
        posted = submit(page, ".track-box button[type=submit]", "/track")
        assert posted.status == 200, page.content()[:2000]
        screenshot_widths(page, f"status-{name}")
        main = page.locator("main")
        return {
            "status": page.locator("#case-status").get_attribute("data-status"),
            "text": main.inner_text(),
            "outcome": page.locator("#outcome").all_inner_texts(),
            "overdue": page.locator("#overdue").all_inner_texts(),
            "forms": [form.get_attribute("action") for form in page.locator("main form").all()],
            "hotline": page.locator("#overdue a[href^='tel:']").count(),
        }
    finally:
        context.close()


def landing(browser: Any, server: LiveServer) -> dict[str, Any]:
    context = _context(browser)
    page = context.new_page()
    try:
        page.goto(server.at("/"))
        screenshot_widths(page, "status-landing")
        return {
            "contact": page.locator("#landing-contact").inner_text(),
            "footer": page.locator("#footer-contact").inner_text(),
            "tel": page.locator("#landing-contact a[href^='tel:']").get_attribute("href"),
        }
    finally:
        context.close()


def give_identity(browser: Any, server: LiveServer, code: str) -> dict[str, Any]:
    context = _context(browser)
    page = context.new_page()
    seen: dict[str, Any] = {}
    try:
        page.goto(server.at("/track"))
        page.fill("#code", code)
        submit(page, ".track-form button[type=submit]", "/track")
        page.locator("#identity-later").scroll_into_view_if_needed()
        screenshot_widths(page, "status-identity-form")
        # A name and a phone number with too few digits: told beside the field, kept
        page.fill("#reporter_name", NAME)
        page.fill("#reporter_phone", "081")
        refused = submit(page, ".identity-form button[type=submit]", "/track/identity")
        seen["refused"] = refused.status
        seen["error"] = page.locator("#reporter_phone-error").inner_text()
        seen["kept"] = page.locator("#reporter_name").input_value()
        screenshot_widths(page, "status-identity-error")
        page.fill("#reporter_phone", "081-234-5678")
        sent = submit(page, ".identity-form button[type=submit]", "/track/identity")
        seen["sent"] = sent.status
        seen["added"] = page.locator("#identity-added").inner_text()
        seen["forms"] = page.locator(".identity-form").count()
        seen["text"] = page.locator("main").inner_text()
        screenshot_widths(page, "status-identity-added")
        return seen
    finally:
        context.close()


# -------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("how", ["resolved", "rejected", "referred"])
def test_each_closed_state_says_what_happened_and_what_next(
    chromium: ChromiumThread, staff_server: LiveServer, how: str
) -> None:
    # Given a tip closed in one of the three ways
    case_id, code = _file(staff_server, CaseKind.TIP)
    _close(staff_server, case_id, how)

    # When the tipster looks it up
    seen = chromium.run(read_status, chromium.browser, staff_server, code, how)
    assert_accessible(chromium.run(axe_status_page, chromium.browser, staff_server, code, how))

    # Then the page names the outcome in its own words, says what to do next, and offers
    # only what still works: the survey, asking to reopen (within its window) and "leave"
    assert seen["status"] == how
    assert len(seen["outcome"]) == 1
    if how != "resolved":
        assert COMPLETED not in seen["text"]
    if how == "rejected":
        assert REASON in seen["outcome"][0] and "ยื่นเรื่องใหม่" in seen["outcome"][0]
    if how == "referred":
        assert "ป.ป.ช." in seen["outcome"][0] and "1205" in seen["outcome"][0]
    assert set(seen["forms"]) == {
        "/track/survey#survey",
        "/track/reopen#reopen",
        "/track/leave",
    }, seen["forms"]


def test_an_overdue_case_says_we_are_late(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    with staff_server.app.app_context():
        get_organisation(db.session).hotline = "0 4300 0000"
        db.session.commit()
    _, code = _file(staff_server, CaseKind.COMPLAINT, days_ago=20)
    seen = chromium.run(read_status, chromium.browser, staff_server, code, "overdue")
    assert seen["status"] == "received"
    assert len(seen["overdue"]) == 1 and "ล่าช้า" in seen["overdue"][0]
    assert seen["hotline"] == 1 and "ครั้งถัดไป" not in seen["text"]


def test_the_landing_page_shows_how_to_reach_us(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    seen = chromium.run(landing, chromium.browser, staff_server)
    assert seen["tel"] == "tel:043000000"
    for text in (seen["contact"], seen["footer"]):
        assert "0 4300 0000" in text and "@example-sao" in text and "08:30" in text


def test_an_anonymous_tipster_gives_their_identity_later(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    case_id, code = _file(staff_server, CaseKind.TIP)
    # axe finds nothing serious on the page with the form
    assert_accessible(
        chromium.run(axe_status_page, chromium.browser, staff_server, code, "identity-form")
    )
    seen = chromium.run(give_identity, chromium.browser, staff_server, code)
    assert seen["refused"] == 422 and "โทรศัพท์" in seen["error"] and seen["kept"] == NAME
    assert seen["sent"] == 303 and seen["forms"] == 0
    assert "รวมทั้งตัวท่านเอง" in seen["added"] and NAME not in seen["text"]
    with staff_server.app.app_context():
        case = db.session.get(Case, case_id)
        assert case is not None and case.identity_sealed is not None
