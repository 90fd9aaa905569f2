"""The two published guidelines in a real browser: axe-core in Thai and in English (ITA asks
every agency to publish them; they must be readable by everyone, with a screen reader too),
and each at phone and desktop width, reached from its own channel.

Runs only in the browser tier, on its own Chromium thread (see tests/test_accessibility.py
for why). A page passes when axe finds no violation of impact "serious" or "critical".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.browser import (
    DESKTOP,
    SMALL_PHONE,
    ChromiumThread,
    LiveServer,
    describe,
    screenshot,
    screenshot_widths,
    serve,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

BLOCKING = {"serious", "critical"}


@pytest.fixture
def server(make_app: Callable[..., Any]) -> Iterator[LiveServer]:
    with serve(make_app()) as live:
        yield live


def scan_guide(
    browser: Any, server: LiveServer, language: str, viewport: dict, path: str = "/guide"
) -> dict[str, Any]:
    """axe-core's results for ``path`` in ``language``, and what the page said about itself."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        java_script_enabled=True, viewport=viewport, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(server.at(path))
        if language == "en":
            # The language switch in the header, as a reader would use it
            page.click("nav.lang a[hreflang=en]")
        name = path.strip("/").replace("/", "-")
        screenshot(page, f"{name}-{language}-{viewport['width']}")
        results = dict(Axe().run(page).response)
        results["lang"] = page.locator("html").get_attribute("lang")
        results["width"] = page.evaluate("() => document.documentElement.scrollWidth")
        results["pdf_link"] = page.locator("a#guide-pdf").get_attribute("href")
        return results
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "language", "viewport"),
    [
        ("/guide", "th", SMALL_PHONE),
        ("/guide", "en", DESKTOP),
        ("/guide/tips", "th", SMALL_PHONE),
        ("/guide/tips", "en", DESKTOP),
    ],
    ids=["th-small-phone", "en-desktop", "tips-th-small-phone", "tips-en-desktop"],
)
def test_the_guide_has_no_serious_accessibility_violation(
    chromium: ChromiumThread, server: LiveServer, path: str, language: str, viewport: dict
) -> None:
    # Given a guideline, in the reader's language
    # When axe-core scans it
    results = chromium.run(scan_guide, chromium.browser, server, language, viewport, path)

    # (the scan really ran, on the page in that language)
    assert results["testEngine"]["name"] == "axe-core" and len(results["passes"]) > 10
    assert results["lang"] == language
    assert results["pdf_link"] == f"{path}.pdf"
    # Then nothing serious or critical is found, and nothing sticks out sideways
    violations = results["violations"]
    for line in describe([v for v in violations if v["impact"] not in BLOCKING]):
        print(f"axe guide-{language}: {line}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(describe(blocking))
    assert results["width"] <= viewport["width"]


def walk_to_the_guidelines(browser: Any, server: LiveServer) -> dict[str, Any]:
    """From each form to its guideline, and from one guideline to the other, as a reader
    without JavaScript would; each guideline screenshot at phone and desktop width."""
    context = browser.new_context(
        java_script_enabled=False, viewport=DESKTOP, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    seen: dict[str, Any] = {}
    try:
        page = context.new_page()
        page.goto(server.at("/tips/new"))
        page.click("#tip-guide a")
        seen["from_tip_form"] = page.url.removeprefix(server.origin)
        seen["tips_title"] = page.locator("h1#guide-title").inner_text()
        seen["tips_unit"] = page.locator("#guide-tip-unit").inner_text()
        seen["tips_widths"] = _widths(page, "guide-tips")
        page.click("#guide-other a")
        seen["to_general"] = page.url.removeprefix(server.origin)
        page.goto(server.at("/complaints/new"))
        page.click("#complaint-guide a")
        seen["from_complaint_form"] = page.url.removeprefix(server.origin)
        seen["general_title"] = page.locator("h1#guide-title").inner_text()
        seen["general_widths"] = _widths(page, "guide")
        return seen
    finally:
        context.close()


def _widths(page: Any, name: str) -> list[tuple[int, int]]:
    """Screenshots at each width, then (viewport width, page width) at each: nothing may
    stick out sideways."""
    measured = []
    for path in screenshot_widths(page, name):
        assert path.stat().st_size > 0
        width = int(path.stem.rsplit("-", 1)[1])
        page.set_viewport_size({"width": width, "height": DESKTOP["height"]})
        measured.append((width, page.evaluate("() => document.documentElement.scrollWidth")))
    return measured


def test_each_form_leads_to_its_own_guideline_at_any_width(
    chromium: ChromiumThread, server: LiveServer
) -> None:
    # When a reader follows the guideline link on each form, and then the other guideline
    seen = chromium.run(walk_to_the_guidelines, chromium.browser, server)

    # Then the tip form leads to the tip guideline, which names the tip unit
    assert seen["from_tip_form"] == "/guide/tips"
    assert seen["tips_title"] == "คู่มือการจัดการเรื่องร้องเรียนการทุจริตและประพฤติมิชอบ"
    assert seen["tips_unit"].strip()
    # And the complaint form to the general guideline, and the two point at each other
    assert seen["from_complaint_form"] == "/guide" and seen["to_general"] == "/guide"
    assert seen["general_title"] == "คู่มือการจัดการเรื่องร้องเรียน/ร้องทุกข์"
    # And at 375 and 1280 px nothing sticks out sideways
    for viewport, page_width in [*seen["tips_widths"], *seen["general_widths"]]:
        assert page_width <= viewport, (viewport, page_width)
