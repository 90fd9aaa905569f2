"""A tipster following their case in the browser, checked with axe."""

from __future__ import annotations

from typing import Any

from tests.support.browser import (
    DESKTOP,
    LiveServer,
    describe,
    screenshot,
    submit,
)
from tests.support.browser_axe import BLOCKING


def track(page: Any, server: LiveServer, code: str) -> str | None:
    page.goto(server.at("/track"))
    page.fill("#code", code)
    posted = submit(page, ".track-form button[type=submit]", "/track")
    assert posted.status == 200, page.content()[:3000]
    return page.locator("#case-status").get_attribute("data-status")


def axe_status_page(browser: Any, server: LiveServer, code: str, name: str) -> dict[str, Any]:
    """axe-core's results for the status page, tracked in a fresh context with JS on."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        java_script_enabled=True, viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        status = track(page, server, code)
        results = dict(Axe().run(page).response)
        results["_state"] = {
            "status": status,
            "reply_forms": page.locator(".reply-form").count(),
            "survey_forms": page.locator("#survey form").count(),
            "question": page.locator("#timeline .event[data-type=question]").count(),
        }
        screenshot(page, f"followup-axe-{name}")
        return results
    finally:
        context.close()


def close_all(browser: Any) -> None:
    for context in browser.contexts:
        context.close()


def assert_accessible(results: dict[str, Any]) -> None:
    assert results["testEngine"]["name"] == "axe-core" and len(results["passes"]) > 10
    for line in describe([v for v in results["violations"] if v["impact"] not in BLOCKING]):
        print(f"axe: {line}")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(describe(blocking))
