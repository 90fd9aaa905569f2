"""An axe-core scan of every page a citizen (and a staff member signing in) meets.

Runs only in the browser tier. Each page is brought to the state a person sees (forms
empty and with their errors, the receipt, a closed case's status page with its survey)
with JavaScript on, because axe itself is JavaScript; the pages do not need it. A page
passes when axe finds no violation of impact "serious" or "critical"; minor and moderate
ones are printed (run with ``-s`` to read them) and written to
test-artifacts/axe/<page>.txt for the people who review the UI.

Playwright's sync API allows one instance per thread and tests/test_browser.py holds a
session-wide one, so this module drives its own Chromium from its own thread, as
tests/test_browser_staff.py does; every Playwright call runs in that thread.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.models import Case, User
from intake.models import Role as StaffRole
from intake.services import case_actions
from intake.services.keyring import current_keyring
from tests.support.browser import (
    DESKTOP,
    ChromiumThread,
    LiveServer,
    describe,
    screenshot,
    serve,
    submit,
)
from tests.support.browser_axe import BLOCKING, REPORTS
from tests.support.staff import make_staff

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]


SUBJECT = "ท่อระบายน้ำอุดตันหน้าตลาด"
DETAILS = "ท่อระบายน้ำหน้าตลาดสดอุดตัน น้ำท่วมขังทุกครั้งที่ฝนตก"
NAME = "สมหญิง ใจงาม"
TIP_SUBJECT = "เรียกรับเงินค่าต่อใบอนุญาต"
TIP_DETAILS = "เจ้าหน้าที่ขอเงินสามพันบาทเพื่อต่อใบอนุญาตให้เร็วขึ้น"


@pytest.fixture
def server(make_app: Callable[..., Any]) -> Iterator[LiveServer]:
    app = make_app(WTF_CSRF_ENABLED=True)
    with serve(app) as live:
        yield live


# ------------------------------------------------------------ pages (in the thread)


def open_page(browser: Any) -> Any:
    context = browser.new_context(
        java_script_enabled=True, viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def _goto(path: str) -> Callable[[Any, LiveServer], None]:
    def go(page: Any, server: LiveServer) -> None:
        response = page.goto(server.at(path))
        assert response is not None and response.status == 200, path

    return go


def _empty_form_sent(path: str) -> Callable[[Any, LiveServer], None]:
    def send(page: Any, server: LiveServer) -> None:
        page.goto(server.at(path))
        posted = submit(page, "form.filing-form button[type=submit]", path)
        assert posted.status == 422
        assert page.locator(".error-summary").count() == 1

    return send


def _file_complaint(page: Any, server: LiveServer) -> str:
    """Files a complaint; leaves the page on the receipt and returns the code."""
    page.goto(server.at("/complaints/new"))
    page.fill("#subject", SUBJECT)
    page.fill("#details", DETAILS)
    page.fill("#reporter_name", NAME)
    page.fill("#reporter_email", "somying@example.org")
    posted = submit(page, "form.filing-form button[type=submit]", "/complaints/new")
    assert posted.status == 303, page.content()[:2000]
    return str(page.locator("#tracking-code").inner_text())


def _file_tip(page: Any, server: LiveServer) -> str:
    page.goto(server.at("/tips/new"))
    page.fill("#subject", TIP_SUBJECT)
    page.fill("#details", TIP_DETAILS)
    posted = submit(page, "form.filing-form button[type=submit]", "/tips/new")
    assert posted.status == 303, page.content()[:2000]
    return str(page.locator("#tracking-code").inner_text())


def _track(page: Any, server: LiveServer, code: str) -> None:
    page.goto(server.at("/track"))
    page.fill("#code", code)
    posted = submit(page, ".track-form button[type=submit]", "/track")
    assert posted.status == 200, page.content()[:2000]


def _close_every_case(server: LiveServer) -> None:
    """A legal officer accepts and answers every case (they may act on both kinds)."""
    app = server.app
    with app.app_context():
        known = db.session.scalars(select(User).where(User.username == "legal1")).first()
    user_id = known.id if known is not None else make_staff(app, "legal1", StaffRole.LEGAL)
    now = datetime.now(UTC)
    with app.app_context():
        user = db.session.get(User, user_id)
        keyring = current_keyring()
        for case_id in db.session.scalars(select(Case.id)).all():
            case_actions.accept(db.session, keyring, user, case_id, note="", now=now)
            case_actions.resolve(db.session, keyring, user, case_id, message="ล้างท่อแล้ว", now=now)


def receipt(page: Any, server: LiveServer) -> None:
    _file_complaint(page, server)


def track_error(page: Any, server: LiveServer) -> None:
    page.goto(server.at("/track"))
    page.fill("#code", "1234")
    posted = submit(page, ".track-form button[type=submit]", "/track")
    assert posted.status == 422


def status_with_survey(page: Any, server: LiveServer) -> None:
    code = _file_complaint(page, server)
    _close_every_case(server)
    _track(page, server, code)
    assert page.locator("#case-status").get_attribute("data-status") == "resolved"
    assert page.locator("#survey form").count() == 1
    assert page.locator("#notices").count() == 1


def status_with_survey_errors(page: Any, server: LiveServer) -> None:
    status_with_survey(page, server)
    posted = submit(page, "#survey button[type=submit]", "/track/survey")
    assert posted.status == 422
    assert page.locator("#speed-error").count() == 1


def tip_status_with_notice_opt_in(page: Any, server: LiveServer) -> None:
    code = _file_tip(page, server)
    _track(page, server, code)
    assert page.locator("#notices-warning").count() == 1


def stats_with_answers(page: Any, server: LiveServer) -> None:
    status_with_survey(page, server)
    page.check("#speed-0")
    page.check("#fairness-1")
    page.check("#clarity-0")
    page.check("#overall-0")
    posted = submit(page, "#survey button[type=submit]", "/track/survey")
    assert posted.status == 303
    page.goto(server.at("/stats"))
    assert page.locator("#satisfaction-complaint dl").count() == 1


PAGES: dict[str, Callable[[Any, LiveServer], None]] = {
    "landing": _goto("/"),
    "complaint-form": _goto("/complaints/new"),
    "complaint-form-errors": _empty_form_sent("/complaints/new"),
    "tip-form": _goto("/tips/new"),
    "tip-form-errors": _empty_form_sent("/tips/new"),
    "receipt": receipt,
    "track": _goto("/track"),
    "track-errors": track_error,
    "status-closed-with-survey": status_with_survey,
    "status-survey-errors": status_with_survey_errors,
    "status-tip-notice-opt-in": tip_status_with_notice_opt_in,
    "guide": _goto("/guide"),
    "privacy": _goto("/privacy"),
    "stats": _goto("/stats"),
    "stats-with-satisfaction": stats_with_answers,
    "lost-code": _goto("/track/lost-code"),
    "staff-login": _goto("/staff/login"),
}

# Pages whose serious problems live in templates this work does not own; each names the
# fix. Strict: once fixed, the mark must go.
KNOWN_BUGS: dict[str, str] = {}


def scan(browser: Any, server: LiveServer, name: str) -> dict[str, Any]:
    """axe-core's results for the page (violations, and the rules that passed)."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser)
    try:
        PAGES[name](page, server)
        screenshot(page, f"axe-{name}")
        return dict(Axe().run(page).response)
    finally:
        page.context.close()


# ------------------------------------------------------------------------------ tests


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name]))
        if name in KNOWN_BUGS
        else name
        for name in PAGES
    ],
)
def test_no_serious_or_critical_accessibility_violation(
    chromium: ChromiumThread, server: LiveServer, name: str
) -> None:
    # Given the page in the state a person meets it
    # When axe-core scans it
    results = chromium.run(scan, chromium.browser, server, name)
    violations = results["violations"]

    # (the scan really ran: axe checked the page and found things that pass)
    assert results["testEngine"]["name"] == "axe-core" and len(results["passes"]) > 10
    # Then nothing serious or critical is found; the rest is printed for the reviewers
    minor = [v for v in violations if v["impact"] not in BLOCKING]
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}.txt").write_text("\n".join(describe(violations)) + "\n")
    for line in describe(minor):
        print(f"axe {name}: {line}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(describe(blocking))


def print_receipt(browser: Any, server: LiveServer) -> dict[str, bool]:
    page = open_page(browser)
    try:
        _file_complaint(page, server)
        page.emulate_media(media="print")
        screenshot(page, "receipt-print")
        return {
            selector: page.locator(selector).first.is_visible()
            for selector in (
                ".site-header",
                ".site-footer",
                "#tracking-code",
                "#reference-number",
                "#due-date",
                "#keep-code",
            )
        }
    finally:
        page.context.close()


def test_the_receipt_prints_without_the_site_header_and_footer(
    chromium: ChromiumThread, server: LiveServer
) -> None:
    # Given a receipt, printed (the browser's own print: no JavaScript needed)
    visible = chromium.run(print_receipt, chromium.browser, server)

    # Then the site's header and footer are left out, and the code and the advice stay
    assert visible[".site-header"] is False and visible[".site-footer"] is False
    assert visible["#tracking-code"] and visible["#reference-number"] and visible["#due-date"]
    assert visible["#keep-code"]
