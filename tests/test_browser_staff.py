"""A tip from filing to answer in a real browser with JavaScript off: the tipster files it
anonymously, a legal officer signs in with a password and a TOTP code, finds it in the
queue and works it to a resolution, and the tipster reads the answer by tracking code.

Runs only in the browser tier. CSRF is on, as in production.

Playwright's sync API allows one instance per thread, and tests/test_browser.py holds a
session-wide one. So this module drives Chromium from a thread of its own (the `chromium`
fixture in conftest.py); every Playwright call below runs in that thread.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import pytest

from tests.support.browser import (
    GROUPED_CODE,
    TIP_REFERENCE,
    ChromiumThread,
    LiveServer,
    screenshot,
    submit,
)
from tests.support.browser_staff import (
    act,
    close_all,
    file_anonymous_tip,
    offered,
    sign_in_first_time,
)
from tests.support.staff import LEGAL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

UPDATE = "นิติกรได้รับเรื่องแล้ว อยู่ระหว่างตรวจสอบเอกสารการตรวจรับงาน"
ANSWER = "ตรวจสอบแล้วพบมูลความจริง ได้ตั้งกรรมการสอบข้อเท็จจริงและส่งเรื่องให้ผู้บริหารพิจารณาโทษ"


class Step(NamedTuple):
    action: str
    status: str  # the case's status after it
    offered: list[str]  # what the page offered before it


# ------------------------------------------------------------------ steps (in the thread)


def work_the_tip(page: Any, server: LiveServer, reference: str) -> list[Step]:
    """From the dashboard to the queue to the case, then each step the page offers:
    accept, assign and start work when offered, a public update, the answer."""
    assert page.url == server.at("/staff/dashboard"), page.url
    screenshot(page, "staff-01-dashboard")
    page.get_by_role("link", name="รายการเรื่อง", exact=True).click()
    page.wait_for_url(server.at("/staff/cases"))
    screenshot(page, "staff-02-queue")
    page.get_by_role("link", name=reference, exact=True).click()
    page.wait_for_url(server.at("/staff/cases/") + "*")
    assert page.locator("#case-reference").inner_text().strip() == reference
    assert page.locator("#case-facts").get_attribute("data-status") == "received"
    screenshot(page, "staff-03-case")

    steps: list[Step] = []
    plan: list[tuple[str, dict[str, str], tuple[str, ...]]] = [
        ("accept", {}, ()),
        ("assign", {}, ("#assign-department",)),
        ("start", {}, ()),
        ("update", {"#update-message": UPDATE}, ()),
        ("resolve", {"#resolve-message": ANSWER}, ()),
    ]
    for action, text, choose in plan:
        choices = offered(page)
        if action in {"assign", "start"} and action not in choices:
            continue  # the workflow may not route a tip through a department
        steps.append(Step(action, act(page, action, text, choose), choices))
    screenshot(page, "staff-04-case-resolved")
    return steps


def track(page: Any, server: LiveServer, code: str) -> tuple[str | None, str]:
    page.goto(server.at("/track"))
    page.fill("#code", code)
    posted = submit(page, ".track-form button[type=submit]", "/track")
    assert posted.status == 200, page.content()[:3000]
    screenshot(page, "staff-05-tipster-status")
    status = page.locator("#case-status").get_attribute("data-status")
    return status, page.locator("main").inner_text()


# -------------------------------------------------------------------------------- test


def test_a_legal_officer_answers_an_anonymous_tip_without_javascript(
    chromium: ChromiumThread, staff_server: LiveServer
) -> None:
    browser = chromium.browser
    try:
        # Given an anonymous tip filed on the public form, and the code from its receipt
        tipster, reference, code = chromium.run(file_anonymous_tip, browser, staff_server)
        assert TIP_REFERENCE.fullmatch(reference), reference
        assert GROUPED_CODE.fullmatch(code), code

        # When a legal officer signs in for the first time (password, QR, code)
        officer = chromium.run(sign_in_first_time, browser, staff_server)

        # ...and works the tip from the queue to an answer, one form at a time
        steps = chromium.run(work_the_tip, officer, staff_server, reference)

        # Then the case went through the workflow, the message moved nothing, and the
        # answer closed it
        actions = [step.action for step in steps]
        update = actions.index("update")
        assert (steps[0].action, steps[0].status) == ("accept", "screening"), steps
        assert steps[update].status == steps[update - 1].status, steps
        assert (steps[-1].action, steps[-1].status) == ("resolve", "resolved"), steps

        # ...and the tipster, tracking the code, reads the update and the answer
        status, text = chromium.run(track, tipster, staff_server, code)
        assert status == "resolved"
        assert UPDATE in text and ANSWER in text
        assert LEGAL not in text  # staff names stay inside
    finally:
        chromium.run(close_all, browser)
