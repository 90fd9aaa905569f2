"""Conflicts of interest, seen in a real browser with JavaScript off: the tip form's
question about who the accused is, the administrator's mark on a person close to the
executive, and the legal lead's section on a tip that names a staff member. Screenshots
at 375 and 1280 px go to test-artifacts/screenshots/ (conflict-*).

Runs only in the browser tier; CSRF is on, as in production.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.models import AccusedRole, Case, Role, User
from tests.support.browser import (
    DESKTOP,
    TIP_REFERENCE,
    ChromiumThread,
    LiveServer,
    screenshot_widths,
    submit,
)
from tests.support.staff import PASSWORD, make_staff, totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

SUBJECT = "เจ้าหน้าที่พัสดุแบ่งงานจ้างให้บริษัทของญาติ"
DETAILS = "งานจ้างซ่อมถนนหมู่ 4 ถูกแบ่งเป็นสัญญาละไม่เกินห้าแสนบาท ให้บริษัทเดียวกันทุกสัญญา"


def open_page(browser: Any) -> Any:
    context = browser.new_context(
        java_script_enabled=False, viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def file_tip_naming_staff(browser: Any, server: LiveServer) -> str:
    page = open_page(browser)
    page.goto(server.at("/tips/new"))
    question = page.locator("#accused_role")
    assert question.count() == 1
    assert "ผู้บริหาร" in question.inner_text() and "บุคคลอื่น/ไม่ทราบ" in question.inner_text()
    page.fill("#subject", SUBJECT)
    page.fill("#details", DETAILS)
    page.check("#accused_role-1")  # เจ้าหน้าที่ของหน่วยงาน
    question.scroll_into_view_if_needed()
    screenshot_widths(page, "conflict-01-tip-form-question")
    page.set_viewport_size(DESKTOP)
    posted = submit(page, "form.filing-form button[type=submit]", "/tips/new")
    assert posted.status == 303, page.content()[:3000]
    return page.locator("#reference-number").inner_text().strip()


def sign_in(browser: Any, server: LiveServer, username: str) -> Any:
    """Password, then the first-time enrolment's code (the accounts are new)."""
    page = open_page(browser)
    page.goto(server.at("/staff/login"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    posted = submit(page, "form button[type=submit]", "/staff/login")
    assert posted.status == 303, page.content()[:2000]
    step = page.url.removeprefix(server.url)
    page.fill("#otp", totp_code(server.app, username))
    done = submit(page, "form button[type=submit]", step)
    assert done.status == 303, page.content()[:2000]
    return page


def mark_the_deputy(page: Any, server: LiveServer, deputy_id: int) -> None:
    page.goto(server.at(f"/staff/admin/users/{deputy_id}"))
    box = page.locator("#excluded_from_executive_tips")
    assert box.count() == 1 and not box.is_checked()
    box.check()
    posted = submit(page, "form[action$='/role'] button[type=submit]", "/role")
    assert posted.status == 303, page.content()[:3000]
    assert page.locator("#excluded_from_executive_tips").is_checked()
    page.locator("#excluded_from_executive_tips").scroll_into_view_if_needed()
    screenshot_widths(page, "conflict-02-admin-user-exclusion-setting")
    page.set_viewport_size(DESKTOP)


def exclude_on_the_case(page: Any, server: LiveServer, case_id: str, officer: str) -> str:
    page.goto(server.at(f"/staff/cases/{case_id}"))
    assert page.locator("#conflict-review").count() == 1
    assert page.locator("#accused-role").inner_text().strip() == "เจ้าหน้าที่ของหน่วยงาน"
    page.select_option("#exclude-user", label=f"{officer} (นิติกร)")
    posted = submit(page, "#exclude-form button[type=submit]", "/exclusions")
    assert posted.status == 303, page.content()[:3000]
    page.locator("#conflict").scroll_into_view_if_needed()
    screenshot_widths(page, "conflict-03-case-exclusions")
    page.set_viewport_size(DESKTOP)
    return page.locator("#excluded-people").inner_text()


def open_case(page: Any, server: LiveServer, case_id: str) -> int:
    response = page.goto(server.at(f"/staff/cases/{case_id}"))
    return int(response.status)


def close_all(browser: Any) -> None:
    for context in browser.contexts:
        context.close()


def test_the_tipster_names_a_staff_member_and_the_lead_excludes_them(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    app = staff_server.app
    make_staff(app, "lead1", Role.LEGAL)
    make_staff(app, "legal2", Role.LEGAL)
    make_staff(app, "admin1", Role.ADMIN)
    deputy_id = make_staff(app, "deputy1", Role.INTAKE)
    with app.app_context():
        lead = db.session.scalars(select(User).where(User.username == "lead1")).one()
        lead.is_lead = True
        db.session.commit()
    browser = chromium.browser
    try:
        # Given a tip whose tipster says the accused is a staff member
        reference = chromium.run(file_tip_naming_staff, browser, staff_server)
        assert TIP_REFERENCE.fullmatch(reference), reference
        with app.app_context():
            case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
            assert case.accused_role is AccusedRole.STAFF
            case_id = case.id

        # When the administrator marks a deputy as close to the executive
        admin = chromium.run(sign_in, browser, staff_server, "admin1")
        chromium.run(mark_the_deputy, admin, staff_server, deputy_id)

        # ...and the legal lead excludes the officer the tip names
        lead_page = chromium.run(sign_in, browser, staff_server, "lead1")
        listed = chromium.run(exclude_on_the_case, lead_page, staff_server, case_id, "legal2")

        # Then the officer is listed as excluded, and to them the tip does not exist
        assert "legal2" in listed
        officer = chromium.run(sign_in, browser, staff_server, "legal2")
        assert chromium.run(open_case, officer, staff_server, case_id) == 404
        with app.app_context():
            deputy = db.session.get(User, deputy_id)
            assert deputy is not None and deputy.excluded_from_executive_tips
    finally:
        chromium.run(close_all, browser)
