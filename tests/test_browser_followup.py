"""A question and its answer in a real browser with JavaScript off: a tipster files a tip
anonymously, a legal officer asks them a question, the tipster answers on the status page
(with a photo), the officer reads it and resolves the case, and the tipster rates the
service. axe-core (which needs JavaScript, so in a context of its own) checks the status
page with the reply form and the closed case's page with the survey.

Runs only in the browser tier. CSRF is on, as in production. Chromium runs in a thread of
its own (see tests/test_browser_staff.py); every Playwright call below runs in it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    GROUPED_CODE,
    TIP_REFERENCE,
    ChromiumThread,
    LiveServer,
    screenshot,
    submit,
    tiny_png,
)
from tests.support.browser_followup import assert_accessible, axe_status_page, close_all, track
from tests.support.browser_staff import act, file_anonymous_tip, offered, sign_in_first_time
from tests.support.staff import LEGAL

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

QUESTION = "ท่านทราบวันที่ผู้ควบคุมงานขอเงินหรือไม่ และมีพยานอยู่ด้วยหรือเปล่า"
REPLY = "ขอเงินเมื่อวันที่ 3 มีนาคม ที่หน้าสำนักงานโยธา มีผู้รับเหมาอีกสองคนเห็นเหตุการณ์"
ANSWER = "ตรวจสอบแล้วพบมูลความจริง ได้ตั้งกรรมการสอบข้อเท็จจริงเรื่องการเรียกรับเงินแล้ว"
PHOTO = "receipt-photo.png"


# ------------------------------------------------------------------ steps (in the thread)


def open_case(page: Any, server: LiveServer, reference: str) -> str:
    page.get_by_role("link", name="รายการเรื่อง", exact=True).click()
    page.wait_for_url(server.at("/staff/cases"))
    page.get_by_role("link", name=reference, exact=True).click()
    page.wait_for_url(server.at("/staff/cases/") + "*")
    assert page.locator("#case-reference").inner_text().strip() == reference
    return str(page.locator("#case-facts").get_attribute("data-status"))


def accept_and_ask(page: Any) -> tuple[str, str, list[str]]:
    accepted = act(page, "accept", {}, ())
    choices = offered(page)
    asked = act(page, "question", {"#question-message": QUESTION}, ())
    question = page.locator("#timeline li[data-type=question]")
    assert question.count() == 1 and QUESTION in question.inner_text()
    screenshot(page, "followup-01-officer-asked")
    return accepted, asked, choices


def tipster_reads_and_replies(
    page: Any, server: LiveServer, code: str, photo: Path
) -> dict[str, Any]:
    seen: dict[str, Any] = {"status": track(page, server, code)}
    seen["question"] = page.locator("#timeline li:has(.event[data-type=question])").inner_text()
    seen["answer_link"] = page.locator("#timeline a[href='#reply-title']").count()
    page.fill(".reply-form #message", REPLY)
    page.set_input_files(".reply-form input[type=file]", str(photo))
    posted = submit(page, ".reply-form button[type=submit]", "/track/reply")
    seen["posted"] = posted.status
    seen["url"] = page.url
    seen["flash"] = page.locator("p.note[role=status]").all_inner_texts()
    seen["reply"] = page.locator("#timeline li:has(.event[data-type=reply])").inner_text()
    screenshot(page, "followup-02-tipster-replied")
    return seen


def officer_reads_reply_and_resolves(page: Any) -> dict[str, Any]:
    page.reload()
    seen: dict[str, Any] = {}
    reply = page.locator("#timeline li[data-type=reply]")
    seen["reply"] = reply.inner_text() if reply.count() == 1 else None
    links = reply.locator(".reply-files a[download]")
    seen["links"] = links.all_inner_texts()
    if links.count():
        href = str(links.first.get_attribute("href"))
        got = page.context.request.get(page.url.split("/staff/")[0] + href)
        seen["download"] = (got.status, got.body()[:8])
    seen["steps"] = []
    for action in ("assign", "start"):
        if "resolve" in offered(page):
            break
        if action in offered(page):
            choose = ("#assign-department",) if action == "assign" else ()
            seen["steps"].append((action, act(page, action, {}, choose)))
    seen["offered"] = offered(page)
    seen["status"] = act(page, "resolve", {"#resolve-message": ANSWER}, ())
    screenshot(page, "followup-03-officer-resolved")
    return seen


def tipster_sees_answer_and_rates(page: Any, server: LiveServer) -> dict[str, Any]:
    page.goto(server.at("/track"))  # the session still follows the case
    seen: dict[str, Any] = {
        "status": page.locator("#case-status").get_attribute("data-status"),
        "text": page.locator("main").inner_text(),
        "survey_forms": page.locator("#survey form").count(),
    }
    for name, score in (("speed", 5), ("fairness", 4), ("clarity", 5), ("overall", 5)):
        page.check(f"input[name={name}][value='{score}']")
    posted = submit(page, "#survey button[type=submit]", "/track/survey")
    seen["posted"] = posted.status
    seen["flash"] = page.locator("p.note[role=status]").all_inner_texts()
    seen["answered"] = page.locator("#survey-answered").count()
    seen["survey_forms_after"] = page.locator("#survey form").count()
    screenshot(page, "followup-04-tipster-rated")
    return seen


# -------------------------------------------------------------------------------- test


def test_a_tipster_answers_a_question_and_rates_the_answer_without_javascript(
    chromium: ChromiumThread, staff_server: LiveServer, tmp_path: Path
) -> None:
    browser = chromium.browser
    server = staff_server
    photo = tiny_png(tmp_path / PHOTO)
    try:
        # Given an anonymous tip filed on the public form, and the code from its receipt
        tipster, reference, code = chromium.run(file_anonymous_tip, browser, server)
        assert TIP_REFERENCE.fullmatch(reference), reference
        assert GROUPED_CODE.fullmatch(code), code

        # When a legal officer signs in (password, TOTP), opens it from the queue,
        # accepts it and asks the tipster a question
        officer = chromium.run(sign_in_first_time, browser, server)
        assert chromium.run(open_case, officer, server, reference) == "received"
        accepted, asked, choices = chromium.run(accept_and_ask, officer)
        assert accepted == "screening"
        assert "question" in choices, choices

        # Then the tipster, typing the code, reads the question and may answer it
        seen = chromium.run(tipster_reads_and_replies, tipster, server, code, photo)
        assert seen["status"] == asked
        assert QUESTION in seen["question"]
        assert seen["answer_link"] == 1

        # ...and their reply, with the photo, is sent and shown back to them
        assert seen["posted"] == 303, seen
        assert seen["url"] == server.at("/track"), seen["url"]
        assert seen["flash"], seen
        assert REPLY in seen["reply"]
        assert PHOTO in seen["reply"], seen["reply"]

        # ...and axe finds nothing serious on the status page with a question and the form
        results = chromium.run(axe_status_page, browser, server, code, "question")
        assert results["_state"]["reply_forms"] == 1 and results["_state"]["question"] == 1
        assert_accessible(results)

        # When the officer reloads the case: the reply and a link to the photo are there
        seen = chromium.run(officer_reads_reply_and_resolves, officer)
        assert seen["reply"] is not None and REPLY in seen["reply"], seen
        assert seen["links"] and PHOTO in seen["links"][0], seen["links"]
        assert seen["download"] == (200, b"\x89PNG\r\n\x1a\n"), seen["download"]
        # ...and the answer closes the case
        assert seen["status"] == "resolved", seen

        # ...and axe finds nothing serious on the closed case's page with its survey
        results = chromium.run(axe_status_page, browser, server, code, "closed-survey")
        assert results["_state"]["status"] == "resolved"
        assert results["_state"]["survey_forms"] == 1
        assert_accessible(results)

        # Then the tipster, still following the case, reads the answer and rates it
        seen = chromium.run(tipster_sees_answer_and_rates, tipster, server)
        assert seen["status"] == "resolved"
        assert ANSWER in seen["text"] and REPLY in seen["text"]
        assert LEGAL not in seen["text"]  # staff names stay inside
        assert seen["survey_forms"] == 1
        assert seen["posted"] == 303
        assert seen["answered"] == 1 and seen["survey_forms_after"] == 0
        assert any("ขอบคุณ" in message for message in seen["flash"]), seen["flash"]
    finally:
        chromium.run(close_all, browser)
