"""axe-core on the published guideline, in Thai and in English (ITA asks every agency to
publish it; it must be readable by everyone, with a screen reader too).

Runs only in the browser tier, on its own Chromium thread (see tests/test_accessibility.py
for why). A page passes when axe finds no violation of impact "serious" or "critical".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from browser_support import (
    DESKTOP,
    SMALL_PHONE,
    ChromiumThread,
    LiveServer,
    describe,
    screenshot,
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


def scan_guide(browser: Any, server: LiveServer, language: str, viewport: dict) -> dict[str, Any]:
    """axe-core's results for /guide in ``language``, and what the page said about itself."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(
        java_script_enabled=True, viewport=viewport, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        if language == "en":
            # The language switch in the header, as a reader would use it
            page.goto(server.at("/guide"))
            page.click("nav.lang a[hreflang=en]")
        else:
            page.goto(server.at("/guide"))
        screenshot(page, f"guide-{language}-{viewport['width']}")
        results = dict(Axe().run(page).response)
        results["lang"] = page.locator("html").get_attribute("lang")
        results["width"] = page.evaluate("() => document.documentElement.scrollWidth")
        results["pdf_link"] = page.locator("a#guide-pdf").get_attribute("href")
        return results
    finally:
        context.close()


@pytest.mark.parametrize(
    ("language", "viewport"),
    [("th", SMALL_PHONE), ("en", DESKTOP)],
    ids=["th-small-phone", "en-desktop"],
)
def test_the_guide_has_no_serious_accessibility_violation(
    chromium: ChromiumThread, server: LiveServer, language: str, viewport: dict
) -> None:
    # Given the guideline, in the reader's language
    # When axe-core scans it
    results = chromium.run(scan_guide, chromium.browser, server, language, viewport)

    # (the scan really ran, on the page in that language)
    assert results["testEngine"]["name"] == "axe-core" and len(results["passes"]) > 10
    assert results["lang"] == language
    assert results["pdf_link"] == "/guide.pdf"
    # Then nothing serious or critical is found, and nothing sticks out sideways
    violations = results["violations"]
    for line in describe([v for v in violations if v["impact"] not in BLOCKING]):
        print(f"axe guide-{language}: {line}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(describe(blocking))
    assert results["width"] <= viewport["width"]
