"""The officer's side in a real browser with JavaScript off: the case page shows one next
step and asks before rejecting; the interim notice is written in parts and the
complainant reads a paragraph; the queue starts with the most urgent open case and folds
its filters. Screenshots at 375 and 1280 px go to test-artifacts/screenshots/officer-*.

Runs only in the browser tier, with CSRF on, from the `chromium` fixture's own thread.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from intake import thaidate
from intake.extensions import db
from intake.models import Case, CaseKind
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.workflow import Status
from tests.support.browser import ChromiumThread, LiveServer, screenshot_widths, submit
from tests.support.browser_axe import open_page, sign_in
from tests.support.staff import LEGAL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

REASON = "รอผลรังวัดแนวเขตจากสำนักงานที่ดินจังหวัด"
PROGRESS = "ช่างลงพื้นที่ตรวจแล้ว และส่งหนังสือขอรังวัดแล้ว"


def _file(
    server: LiveServer, subject: str, status: Status = Status.RECEIVED, due_in: float = 12
) -> tuple[str, str]:
    """A complaint in ``status``, due ``due_in`` days from now: (case id, tracking code)."""
    app = server.app
    now = datetime.now(UTC)
    with app.app_context():
        filed = file_case(
            db.session,
            current_keyring(),
            Path(app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(kind=CaseKind.COMPLAINT, subject=subject, details="รายละเอียดของเรื่อง"),
            now,
        )
        case = db.session.get(Case, filed.case_id)
        assert case is not None
        case.status = status
        case.due_at = now + timedelta(days=due_in)
        case.closed_at = now if status is Status.RESOLVED else None
        db.session.commit()
        return filed.case_id, filed.tracking_code


def _status(page: Any) -> str:
    return str(page.locator("#case-facts").get_attribute("data-status"))


def _typed_in_thai(days_ahead: int) -> str:
    day = thaidate.local_date(datetime.now(UTC)) + timedelta(days=days_ahead)
    typed = f"{day.day}/{day.month}/{thaidate.be_year(day)}"
    return typed.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))


def case_page_and_reject(browser: Any, server: LiveServer, case_id: str) -> dict[str, Any]:
    page = open_page(browser, javascript=False)
    sign_in(page, server, LEGAL)
    page.goto(server.at(f"/staff/cases/{case_id}"))
    seen: dict[str, Any] = {
        "primary": page.locator("#case-actions .button-primary:visible").count(),
        "primary_form": page.locator("#next-step form").get_attribute("id"),
        "note_hidden": not page.locator("#action-note").is_visible(),
        "reject_hidden": not page.locator("#action-reject").is_visible(),
    }
    screenshot_widths(page, "officer-case-page")

    # reject without ticking "confirm"
    page.click("#closing-actions > summary")
    page.click("#panel-reject > summary")
    page.fill("#reject-reason", "เรื่องนี้อยู่ในอำนาจของศาลปกครอง")
    posted = submit(page, "#action-reject button[type=submit]", "/reject")
    seen["unconfirmed"] = posted.status
    seen["confirm_error"] = page.locator("#reject-confirm-error").inner_text()
    seen["reason_kept"] = page.locator("#reject-reason").input_value()
    seen["status_after_unconfirmed"] = _status(page)
    screenshot_widths(page, "officer-reject-confirm")

    page.check("#reject-confirm")
    posted = submit(page, "#action-reject button[type=submit]", "/reject")
    seen["confirmed"] = posted.status
    seen["status_after_confirmed"] = _status(page)
    page.context.close()
    return seen


def test_the_case_page_shows_one_next_step_and_reject_asks_to_confirm(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    # Given a complaint just received
    case_id, _code = _file(staff_server, "ไฟถนนดับหน้าโรงเรียน")

    # When a legal officer opens it and tries to reject it
    seen = chromium.run(case_page_and_reject, chromium.browser, staff_server, case_id)

    # Then one action is primary (accepting it), the rest fold away
    assert seen["primary"] == 1 and seen["primary_form"] == "action-accept"
    assert seen["note_hidden"] and seen["reject_hidden"]
    # ...rejecting without "confirm" changes nothing and says why beside the box
    assert seen["unconfirmed"] == 422
    assert "โปรดทำเครื่องหมายยืนยันก่อน" in seen["confirm_error"]
    assert seen["reason_kept"] == "เรื่องนี้อยู่ในอำนาจของศาลปกครอง"
    assert seen["status_after_unconfirmed"] == "received"
    # ...and with it, the case is rejected
    assert (seen["confirmed"], seen["status_after_confirmed"]) == (303, "rejected")


def interim_notice(browser: Any, server: LiveServer, case_id: str, code: str) -> dict[str, Any]:
    page = open_page(browser, javascript=False)
    sign_in(page, server, LEGAL)
    page.goto(server.at(f"/staff/cases/{case_id}"))
    seen: dict[str, Any] = {"primary_form": page.locator("#next-step form").get_attribute("id")}
    seen["prefilled"] = [
        page.locator(f"#interim-{name}").input_value()
        for name in ("reason", "progress", "expected_date", "date_reason", "message")
    ]
    page.locator("#next-step").scroll_into_view_if_needed()
    screenshot_widths(page, "officer-interim-form")

    # the old template, sent as it was
    page.fill("#interim-reason", "[เหตุผล]")
    page.fill("#interim-progress", "[ความคืบหน้า]")
    page.fill("#interim-expected_date", "[วันที่]")
    posted = submit(page, "#action-interim button[type=submit]", "/interim")
    seen["template"] = posted.status
    seen["errors"] = page.locator("#action-interim p.error").count()
    screenshot_widths(page, "officer-interim-errors")

    page.fill("#interim-reason", REASON)
    page.fill("#interim-progress", PROGRESS)
    page.fill("#interim-expected_date", _typed_in_thai(10))
    posted = submit(page, "#action-interim button[type=submit]", "/interim")
    seen["sent"] = posted.status
    page.context.close()

    public = open_page(browser, javascript=False)
    public.goto(server.at("/track"))
    public.fill("#code", code)
    posted = submit(public, ".track-form button[type=submit]", "/track")
    entry = public.locator("#timeline li", has=public.locator('[data-type="interim_notice"]'))
    seen["paragraph"] = entry.locator("p.message").inner_text()
    entry.scroll_into_view_if_needed()
    screenshot_widths(public, "officer-interim-status-page")
    public.context.close()
    return seen


def test_the_interim_notice_is_written_in_parts_and_read_as_a_paragraph(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    # Given a case being worked on whose complainant must hear from us tomorrow
    case_id, code = _file(staff_server, "ถนนทรุดตัวหน้าวัด", Status.IN_PROGRESS, due_in=1)

    seen = chromium.run(interim_notice, chromium.browser, staff_server, case_id, code)

    # Then explaining the delay is the next step, and nothing is pre-filled
    assert seen["primary_form"] == "action-interim"
    assert seen["prefilled"] == ["", "", "", "", ""]
    # ...the template text is refused, each part saying why
    assert seen["template"] == 422 and seen["errors"] >= 3
    # ...the real parts go (a date typed in Thai digits and a BE year)
    assert seen["sent"] == 303
    # ...and the complainant reads one Thai paragraph with Buddhist-era dates
    paragraph = seen["paragraph"]
    assert paragraph.startswith(f"เรื่องของท่านยังดำเนินการไม่แล้วเสร็จ เนื่องจาก{REASON}")
    assert PROGRESS in paragraph and " 25" in paragraph and "[" not in paragraph


def queue(browser: Any, server: LiveServer) -> dict[str, Any]:
    page = open_page(browser, javascript=False)
    sign_in(page, server, LEGAL)
    page.goto(server.at("/staff/cases"))
    seen = {
        "references": page.locator("#case-list a.reference").all_inner_texts(),
        "filters_open": page.locator("#queue-filters").get_attribute("open"),
    }
    page.set_viewport_size({"width": 375, "height": 900})
    seen["phone_status_visible"] = page.locator("#status").is_visible()
    seen["phone_list_top"] = page.locator("#case-list").bounding_box()["y"]
    screenshot_widths(page, "officer-queue")
    page.context.close()
    return seen


def test_the_queue_starts_with_the_most_urgent_open_case(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    files = {
        name: _file(staff_server, subject, status, due_in)
        for name, subject, status, due_in in [
            ("later", "ขอติดตั้งไฟกิ่งซอย 4", Status.SCREENING, 12),
            ("closed", "ขยะตกค้างตลาดนัด", Status.RESOLVED, -30),
            ("soon", "ท่อระบายน้ำอุดตันหน้าบ้านเลขที่ 12", Status.ASSIGNED, 1.5),
            ("overdue", "น้ำประปาไม่ไหลสามวัน", Status.IN_PROGRESS, -3),
        ]
    }
    with staff_server.app.app_context():
        reference = {
            name: db.session.get(Case, case_id).reference  # type: ignore[union-attr]
            for name, (case_id, _code) in files.items()
        }

    seen = chromium.run(queue, chromium.browser, staff_server)

    assert seen["references"] == [reference[n] for n in ("overdue", "soon", "later")]
    assert seen["filters_open"] is None
    assert seen["phone_status_visible"] is False  # folded behind the toggle on a phone
    assert seen["phone_list_top"] < 900  # the list starts on the first screen
