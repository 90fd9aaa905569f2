"""axe-core on the main staff pages, each signed in as the role that uses it, and a
complaint filed with the keyboard alone.

Runs only in the browser tier, with CSRF on. Staff sign in through the real pages
(password, then the enrolment code). A page passes when axe finds no violation of impact
"serious" or "critical"; the rest is written to test-artifacts/axe/staff-<page>.txt.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from intake.extensions import db
from intake.models import CaseKind, Role
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from tests.support.browser import ChromiumThread, LiveServer, describe, screenshot
from tests.support.browser_axe import BLOCKING, REPORTS, open_page, sign_in
from tests.support.staff import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

# Who uses which page: (username, role, paths). "{case}" is a tip's case page.
STAFF_PAGES: list[tuple[str, Role, list[str]]] = [
    (
        "legal-axe",
        Role.LEGAL,
        [
            "/staff/dashboard",
            "/staff/cases",
            "/staff/cases?kind=tip&sort=due",
            "{case}",
            "/staff/cases/new",
            "/staff/calendar",
            "/staff/reveals/mine",
            "/staff/account/password",
        ],
    ),
    (
        "admin-axe",
        Role.ADMIN,
        [
            "/staff/admin/users",
            "/staff/admin/users/new",
            "/staff/admin/settings",
            "/staff/admin/departments",
            "/staff/admin/categories",
            "/staff/admin/holidays",
            "/staff/admin/mail",
            "/staff/admin/open311",
            "/staff/admin/line",
        ],
    ),
    ("auditor-axe", Role.AUDITOR, ["/staff/audit"]),
    ("custodian-axe", Role.CUSTODIAN, ["/staff/reveals"]),
]


def scan_role(browser: Any, server: LiveServer, username: str, paths: list[str]) -> dict:
    """axe-core's results for each page, signed in as ``username``."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser)
    try:
        sign_in(page, server, username)
        results = {}
        for path in paths:
            response = page.goto(server.at(path))
            assert response is not None and response.status == 200, (path, response)
            name = path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-")
            screenshot(page, f"axe-staff-{name}")
            results[name] = dict(Axe().run(page).response)
        return results
    finally:
        page.context.close()


def _tip_case_path(server: LiveServer) -> str:
    now = datetime.now(UTC)
    with server.app.app_context():
        filed = file_case(
            db.session,
            current_keyring(),
            Path(server.app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(
                kind=CaseKind.TIP,
                subject="เรียกรับเงินค่าต่อใบอนุญาต",
                details="เจ้าหน้าที่ขอเงินสามพันบาทเพื่อต่อใบอนุญาตให้เร็วขึ้น",
            ),
            now,
        )
    return f"/staff/cases/{filed.case_id}"


@pytest.mark.parametrize(
    ("username", "role", "paths"), STAFF_PAGES, ids=[p[0] for p in STAFF_PAGES]
)
def test_main_staff_pages_have_no_serious_accessibility_violation(
    chromium: ChromiumThread,
    staff_server: LiveServer,
    username: str,
    role: Role,
    paths: list[str],
) -> None:
    # Given a case to look at and a person of the role that uses these pages
    case = _tip_case_path(staff_server)
    make_staff(staff_server.app, username, role)
    wanted = [path.replace("{case}", case) for path in paths]
    # When axe-core scans each page they use
    results = chromium.run(scan_role, chromium.browser, staff_server, username, wanted)
    # Then nothing serious or critical is found on any of them
    REPORTS.mkdir(parents=True, exist_ok=True)
    blocking = []
    assert len(results) == len(wanted)
    for name, result in results.items():
        assert result["testEngine"]["name"] == "axe-core" and len(result["passes"]) > 10
        violations = result["violations"]
        (REPORTS / f"staff-{name}.txt").write_text("\n".join(describe(violations)) + "\n")
        serious = [v for v in violations if v["impact"] in BLOCKING]
        blocking += [f"{name}: {line}" for line in describe(serious)]
    assert blocking == [], "\n".join(blocking)


def file_with_the_keyboard(browser: Any, server: LiveServer) -> dict[str, Any]:
    """Tab from the top of the page to each field, type, and send with Enter: no mouse."""
    page = open_page(browser, javascript=False)
    try:
        page.goto(server.at("/complaints/new"))
        focused: list[str] = []

        def tab_to(element_id: str, limit: int = 40) -> None:
            for _ in range(limit):
                page.keyboard.press("Tab")
                current = page.evaluate(
                    "document.activeElement.id || document.activeElement.className"
                )
                focused.append(str(current))
                if current == element_id:
                    return
            raise AssertionError(f"Tab never reached #{element_id}: {focused}")

        tab_to("subject")
        page.keyboard.type("ไฟถนนดับทั้งซอย")
        tab_to("details")
        page.keyboard.type("ไฟถนนในซอย 5 ดับทั้งซอยมาหนึ่งสัปดาห์")
        tab_to("reporter_name")
        page.keyboard.type("สมศรี มีสุข")
        tab_to("reporter_phone")
        page.keyboard.type("๐๘๑-๒๓๔-๕๖๗๘")  # Thai digits, as people type them
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Enter in a field sends the form
        screenshot(page, "keyboard-receipt")
        return {
            "first_stop": focused[0],
            "url": page.url,
            "reference": page.locator("#reference-number").inner_text().strip(),
        }
    finally:
        page.context.close()


def test_a_complaint_can_be_filed_with_the_keyboard_alone(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    result = chromium.run(file_with_the_keyboard, chromium.browser, staff_server)
    # The first Tab lands on the skip link; the form is sent and the receipt shown
    assert "skip" in result["first_stop"], result
    assert result["url"].endswith("/receipt") and result["reference"].startswith("รร-")
