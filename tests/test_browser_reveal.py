"""A legal officer opens a revealed identity in a real browser: the page asks for their
password first (a wrong one is refused beside the field), then shows the identity; the
password page has no serious accessibility violation.

Runs only in the browser tier, with CSRF on, signing in through the real pages (which
makes the officer's personal key).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from intake.extensions import db
from intake.models import CaseKind
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.reveal import approve_reveal, request_reveal
from intake.services.users import find_user
from tests.support.browser import ChromiumThread, LiveServer, describe, screenshot, submit
from tests.support.browser_axe import BLOCKING, open_page, sign_in
from tests.support.custodian import CUSTODIAN, CUSTODIAN_PASSPHRASE
from tests.support.staff import LEGAL, PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

TIPSTER = "นายผู้แจ้ง กล้าหาญ"
REASON = "ต้องสอบปากคำผู้แจ้งเพื่อยืนยันข้อเท็จจริงก่อนส่งเรื่องให้ ป.ป.ช. พิจารณา"


def _approved_for_the_officer(server: LiveServer) -> str:
    """A named tip, asked for by the legal officer and approved by the custodian."""
    now = datetime.now(UTC)
    with server.app.app_context():
        keyring = current_keyring()
        filed = file_case(
            db.session,
            keyring,
            Path(server.app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(
                kind=CaseKind.TIP,
                subject="เรียกรับเงินค่าใบอนุญาต",
                details="เจ้าหน้าที่ขอเงินสามพันบาทเพื่อออกใบอนุญาตให้เร็วขึ้น",
                reporter={"name": TIPSTER},
            ),
            now,
        )
        legal, custodian = find_user(db.session, LEGAL), find_user(db.session, CUSTODIAN)
        assert legal is not None and custodian is not None
        asked = request_reveal(db.session, keyring, legal, filed.case_id, REASON, now)
        approve_reveal(db.session, keyring, custodian, CUSTODIAN_PASSPHRASE, asked.id, now)
        return asked.id


def open_the_identity(browser: Any, server: LiveServer) -> dict[str, Any]:
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser)
    try:
        sign_in(page, server, LEGAL)
        request_id = _approved_for_the_officer(server)
        path = f"/staff/reveals/{request_id}/identity"
        page.goto(server.at("/staff/reveals/mine"))
        with page.expect_navigation():
            page.click(f"a[href='{path}']")
        asked_first = TIPSTER not in page.content()
        axe = dict(Axe().run(page).response)
        screenshot(page, "reveal-step-up")

        page.fill("#password", "not my password")
        refused = submit(page, "#step-up button[type=submit]", path)
        error = page.locator("#password-error").inner_text()
        refused_shows = TIPSTER in page.content()

        page.fill("#password", PASSWORD)
        shown = submit(page, "#step-up button[type=submit]", path)
        screenshot(page, "reveal-identity")
        return {
            "asked_first": asked_first,
            "axe": axe,
            "refused": refused.status,
            "error": error,
            "refused_shows": refused_shows,
            "shown": shown.status,
            "identity": page.locator("#revealed-identity").inner_text(),
        }
    finally:
        page.context.close()


def test_the_identity_opens_only_after_the_password_is_entered_again(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    result = chromium.run(open_the_identity, chromium.browser, staff_server)

    assert result["asked_first"]
    assert result["refused"] == 422 and "รหัสผ่านไม่ถูกต้อง" in result["error"]
    assert not result["refused_shows"]
    assert result["shown"] == 200 and TIPSTER in result["identity"]
    serious = [v for v in result["axe"]["violations"] if v["impact"] in BLOCKING]
    assert serious == [], "\n".join(describe(serious))
