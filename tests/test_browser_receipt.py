"""The receipt and the tip form as people meet them, in a real Chromium.

The receipt: the code reads as two lines (four groups, three groups) on a phone and on a
desktop, the page prints as one A4 slip, and "save to my phone" gives a text file from a
POST on the receipt itself, with the code in no address the browser ever asked for.
The tip form: the identity fields are closed while "anonymous" is ticked; a mistake sends
the form back with everything typed and tells the person to choose their files again;
with JavaScript the box and the fields move together, so the files are never lost.

Runs only in the browser tier. CSRF is on, as in production. Chromium runs in a thread of
its own (the ``chromium`` fixture); every Playwright call below runs in it. Screenshots of
each page at 375 and 1280 px go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess  # noqa: S404 (poppler's pdfinfo and pdftotext, with fixed arguments)
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.models import Attachment, Case, CaseKind
from tests.support.browser import (
    COMPLAINT_REFERENCE,
    DESKTOP,
    GROUPED_CODE,
    SCREENSHOTS,
    ChromiumThread,
    LiveServer,
    NetworkLog,
    screenshot_widths,
    serve,
    tiny_png,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

PHONE_375 = {"width": 375, "height": 812}
SUBJECT = "ไฟถนนดับหน้าโรงเรียน"
DETAILS = "ไฟถนนหน้าโรงเรียนบ้านหนองบัวดับมาสามคืนแล้ว เด็กกลับบ้านมืด"
NAME = "สมชาย ใจดี"
TIP_SUBJECT = "เรียกรับเงินในการออกใบอนุญาตก่อสร้าง"
TIP_DETAILS = "เจ้าหน้าที่ขอเงินห้าพันบาทเพื่อให้ออกใบอนุญาตเร็วขึ้น"
WHY_NOT_RECOVERABLE = "ย้อนกลับไม่ได้"
CHOOSE_AGAIN = "โปรดเลือกไฟล์อีกครั้ง"
ORGANISATION = "องค์การบริหารส่วนตำบลตัวอย่าง"


@pytest.fixture
def server(make_app: Callable[..., Any]) -> Iterator[LiveServer]:
    app = make_app(WTF_CSRF_ENABLED=True)
    with serve(app) as live:
        yield live


def poppler(tool: str) -> str:
    binary = shutil.which(tool)
    assert binary, f"poppler-utils ({tool}) is needed: apt-get install poppler-utils"
    return binary


def open_page(
    browser: Any, *, viewport: dict, javascript: bool = False, log: NetworkLog | None = None
) -> Any:
    context = browser.new_context(
        java_script_enabled=javascript,
        viewport=viewport,
        locale="th-TH",
        timezone_id="Asia/Bangkok",
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    if log is not None:
        log.attach(context)
    return context.new_page()


def submit(page: Any, path: str) -> Any:
    with (
        page.expect_navigation(),
        page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(path)) as r,
    ):
        page.click("form.filing-form button[type=submit]")
    return r.value


def code_lines(page: Any) -> float:
    """How many lines the code takes on screen: its box's height over its line height."""
    height, line = page.locator("#tracking-code").evaluate(
        "e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).lineHeight)]"
    )
    return float(height) / float(line)


# ------------------------------------------------------------------ steps (in the thread)


def file_complaint_and_keep_the_receipt(
    browser: Any, server: LiveServer, artifacts: Path
) -> dict[str, Any]:
    log = NetworkLog()
    page = open_page(browser, viewport=PHONE_375, log=log)
    seen: dict[str, Any] = {}
    try:
        page.goto(server.at("/complaints/new"))
        page.fill("#subject", SUBJECT)
        page.fill("#details", DETAILS)
        page.fill("#reporter_name", NAME)
        posted = submit(page, "/complaints/new")
        assert posted.status == 303, page.content()[:3000]
        assert page.url == server.at("/receipt")
        seen["code"] = page.locator("#tracking-code").inner_text()
        seen["reference"] = page.locator("#reference-number").inner_text().strip()
        seen["warning"] = page.locator("#code-warning").inner_text()
        seen["lines_375"] = code_lines(page)
        seen["overflow_375"] = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
        page.set_viewport_size(DESKTOP)
        seen["lines_1280"] = code_lines(page)
        page.set_viewport_size(PHONE_375)
        seen["screens"] = screenshot_widths(page, "receipt")

        # The browser's print, as the person would use it (no JavaScript needed)
        page.emulate_media(media="print")
        seen["print_screens"] = screenshot_widths(page, "receipt-print")
        seen["print_visible"] = {
            selector: page.locator(selector).first.is_visible()
            for selector in (
                ".site-header",
                ".slip-organisation",
                "#tracking-code",
                "#code-warning",
                "#how-to-follow",
                "#save-receipt",
            )
        }
        pdf = artifacts / "receipt-slip.pdf"
        page.pdf(path=str(pdf), format="A4")
        seen["pdf"] = pdf
        page.emulate_media(media="screen")

        # "Save to my phone": the button on the receipt posts, a file comes down
        with page.expect_download() as download:
            page.click("#save-receipt button[type=submit]")
        saved = artifacts / "receipt.txt"
        download.value.save_as(str(saved))
        seen["download_name"] = download.value.suggested_filename
        seen["slip"] = saved.read_text(encoding="utf-8")
        seen["urls"] = list(log.requests)
        seen["slip_request"] = [
            (r.request.method, r.status, r.headers.get("cache-control"))
            for r in log.responses
            if r.url.endswith("/receipt/slip")
        ]
        seen["leaving"] = log.leaving(server.origin)

        # The code as the page shows it, typed on /track, finds the case
        page.goto(server.at("/track"))
        page.fill("#code", seen["code"])
        page.click(".track-form button[type=submit]")
        page.wait_for_load_state()
        seen["tracked"] = page.locator("#case-status").get_attribute("data-status")
        return seen
    finally:
        page.context.close()


def tip_form_without_javascript(browser: Any, server: LiveServer, photo: Path) -> dict[str, Any]:
    page = open_page(browser, viewport=PHONE_375)
    seen: dict[str, Any] = {}
    try:
        page.goto(server.at("/tips/new"))
        seen["anonymous"] = page.locator("#anonymous").is_checked()
        seen["details_open"] = page.locator("#identity-details").get_attribute("open")
        seen["name_visible"] = page.locator("#reporter_name").is_visible()
        seen["screens"] = screenshot_widths(page, "tip-form")

        # A tipster opens the fields anyway, types a name, keeps "anonymous", adds a photo
        page.click("#identity-details summary")
        seen["name_visible_after_opening"] = page.locator("#reporter_name").is_visible()
        page.fill("#subject", TIP_SUBJECT)
        page.fill("#details", TIP_DETAILS)
        page.fill("#reporter_name", NAME)
        page.set_input_files("#attachments", str(photo))
        posted = submit(page, "/tips/new")
        seen["posted"] = posted.status
        seen["kept"] = {
            "subject": page.input_value("#subject"),
            "details": page.input_value("#details"),
            "name": page.input_value("#reporter_name"),
        }
        seen["details_open_after"] = page.locator("#identity-details").get_attribute("open")
        seen["conflict_shown"] = page.locator("#anonymous-error").is_visible()
        seen["reattach"] = page.locator("#attachments-reattach").inner_text()
        seen["summary"] = page.locator(".error-summary").inner_text()
        page.locator(".error-summary").scroll_into_view_if_needed()
        seen["error_screens"] = screenshot_widths(page, "tip-form-conflict")
        return seen
    finally:
        page.context.close()


def tip_form_with_javascript(browser: Any, server: LiveServer, photo: Path) -> dict[str, Any]:
    page = open_page(browser, viewport=PHONE_375, javascript=True)
    seen: dict[str, Any] = {}
    try:
        page.goto(server.at("/tips/new"))
        page.wait_for_load_state("load")
        name = page.locator("#reporter_name")
        details = page.locator("#identity-details")
        seen["start"] = (details.get_attribute("open"), name.is_disabled())
        page.uncheck("#anonymous")
        seen["unticked"] = (details.get_attribute("open"), name.is_disabled())
        page.fill("#subject", TIP_SUBJECT)
        page.fill("#details", TIP_DETAILS)
        page.fill("#reporter_name", NAME)
        page.set_input_files("#attachments", str(photo))
        # ...then changes their mind and ticks "anonymous" again
        page.check("#anonymous")
        seen["ticked"] = (details.get_attribute("open"), name.is_disabled())
        posted = submit(page, "/tips/new")
        seen["posted"] = posted.status
        seen["url"] = page.url
        seen["reference"] = page.locator("#reference-number").inner_text().strip()
        return seen
    finally:
        page.context.close()


# -------------------------------------------------------------------------------- tests


def test_receipt_reads_in_two_lines_prints_on_one_page_and_saves_as_a_file(
    chromium: ChromiumThread, server: LiveServer, tmp_path: Path
) -> None:
    # Given a complaint filed on a 375 px phone, without JavaScript
    seen = chromium.run(file_complaint_and_keep_the_receipt, chromium.browser, server, tmp_path)

    # Then the receipt's code is seven groups of four and takes two lines, on a phone and
    # on a desktop, and the page does not scroll sideways
    assert COMPLAINT_REFERENCE.fullmatch(seen["reference"]), seen["reference"]
    assert GROUPED_CODE.fullmatch(seen["code"]), seen["code"]
    assert round(seen["lines_375"]) == 2, seen["lines_375"]
    assert round(seen["lines_1280"]) == 2, seen["lines_1280"]
    assert seen["overflow_375"] is False
    # ...with the sentence on why it cannot be recovered
    assert WHY_NOT_RECOVERABLE in seen["warning"]
    # ...and the code as shown finds the case on /track
    assert seen["tracked"] == "received"

    # Then printed, it is a slip: the organisation, code, warning and how to follow, no
    # site header and no download button
    visible = seen["print_visible"]
    assert visible[".site-header"] is False and visible["#save-receipt"] is False
    assert visible[".slip-organisation"] and visible["#tracking-code"]
    assert visible["#code-warning"] and visible["#how-to-follow"]
    # ...on exactly one A4 page, whose text holds what the slip must say
    info = subprocess.run(  # noqa: S603
        [poppler("pdfinfo"), str(seen["pdf"])], capture_output=True, text=True, check=True
    ).stdout
    assert "Pages:           1" in info, info
    text = subprocess.run(  # noqa: S603
        [poppler("pdftotext"), "-layout", str(seen["pdf"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert seen["reference"] in text
    for group in seen["code"].split(" "):
        assert group in text, (group, text)
    assert ORGANISATION in text and "/track" in text
    # (pdftotext may break a Thai line anywhere between words)
    assert WHY_NOT_RECOVERABLE.replace(" ", "") in re.sub(r"\s+", "", text)
    shutil.copy(seen["pdf"], SCREENSHOTS / "receipt-print-slip.pdf")
    subprocess.run(  # noqa: S603
        [
            poppler("pdftoppm"),
            "-png",
            "-r",
            "60",
            "-singlefile",
            str(seen["pdf"]),
            str(SCREENSHOTS / "receipt-print-slip-pdf"),
        ],
        check=True,
    )

    # Then "save" gave a text file named receipt.txt with the reference and the code on
    # the two lines the page shows, answered by a POST that nothing may cache
    assert seen["download_name"] == "receipt.txt"
    first, second = seen["code"].split(" ")[:4], seen["code"].split(" ")[4:]
    assert f"    {' '.join(first)}\n    {' '.join(second)}\n" in seen["slip"].replace("\r", "")
    assert seen["reference"] in seen["slip"] and WHY_NOT_RECOVERABLE in seen["slip"]
    assert seen["slip_request"] == [("POST", 200, "no-store")], seen["slip_request"]
    # ...and no address the browser asked for holds the code, whole or in any group
    digits = seen["code"].replace(" ", "")
    for url in seen["urls"]:
        assert digits not in url and not any(g in url for g in seen["code"].split(" ")), url
    assert seen["leaving"] == []


def test_tip_form_keeps_identity_closed_and_asks_for_the_files_again_without_javascript(
    chromium: ChromiumThread, server: LiveServer, tmp_path: Path
) -> None:
    photo = tiny_png(tmp_path / "หลักฐาน.png")
    # Given the tip form on a phone without JavaScript
    seen = chromium.run(tip_form_without_javascript, chromium.browser, server, photo)

    # Then it starts anonymous, with the identity fields closed away
    assert seen["anonymous"] is True
    assert seen["details_open"] is None and seen["name_visible"] is False
    assert seen["name_visible_after_opening"] is True

    # When a name is typed with "anonymous" still ticked and a photo chosen, the form
    # comes back: everything typed is there, the fields open, the conflict explained
    assert seen["posted"] == 422
    assert seen["kept"] == {"subject": TIP_SUBJECT, "details": TIP_DETAILS, "name": NAME}
    assert seen["details_open_after"] is not None
    assert seen["conflict_shown"] is True
    # ...and beside the files and in the summary: choose the files again
    assert CHOOSE_AGAIN in seen["reattach"]
    assert CHOOSE_AGAIN in seen["summary"]
    with server.app.app_context():
        assert db.session.scalars(select(Case)).first() is None


def test_with_javascript_anonymous_switches_the_identity_fields_off_and_keeps_the_files(
    chromium: ChromiumThread, server: LiveServer, tmp_path: Path
) -> None:
    photo = tiny_png(tmp_path / "หลักฐาน.png")
    # Given the tip form with JavaScript on
    seen = chromium.run(tip_form_with_javascript, chromium.browser, server, photo)

    # Then "anonymous" keeps the identity fields closed and off; unticking opens them
    assert seen["start"] == (None, True)
    assert seen["unticked"][0] is not None and seen["unticked"][1] is False
    # ...and ticking it again after typing a name closes them and switches them off
    assert seen["ticked"] == (None, True)

    # Then the tip goes through at once, anonymous, with its photo: no round trip
    assert seen["posted"] == 303 and seen["url"] == server.at("/receipt")
    with server.app.app_context():
        case = db.session.scalars(select(Case)).one()
        assert case.kind is CaseKind.TIP and case.reference == seen["reference"]
        assert case.anonymous is True and case.identity_sealed is None
        files = db.session.scalars(select(Attachment).where(Attachment.case_id == case.id))
        assert len(list(files)) == 1
