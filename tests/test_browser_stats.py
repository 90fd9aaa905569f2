"""/stats in Chromium: axe-core, a phone-width layout that does not overflow, charts drawn.

Runs only in the browser tier, with a fiscal year of complaints and tips so that every
chart and table is on the page. Like tests/test_accessibility.py, it drives its own
Chromium from its own thread (the ``chromium`` fixture). Screenshots go to
test-artifacts/screenshots/ for the people who review the UI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.support.browser import (
    DESKTOP,
    PHONE,
    ROOT,
    ChromiumThread,
    LiveServer,
    NetworkLog,
    describe,
    serve,
)
from tests.support.browser import screenshot as save_screenshot
from tests.support.stats import COMPLAINTS, FY, SUBTRACTION_TIPS, file_cases

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

BLOCKING = {"serious", "critical"}
REPORTS = ROOT / "test-artifacts" / "axe"
SIZES = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture
def server(make_app: Callable[..., Any]) -> Iterator[LiveServer]:
    app = make_app()
    file_cases(app, *COMPLAINTS, *SUBTRACTION_TIPS)
    with serve(app) as live:
        yield live


def visit(browser: Any, server: LiveServer, language: str, size: str) -> dict[str, Any]:
    """Open /stats as a person would and gather what the test judges."""
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport=SIZES[size], locale="th-TH", timezone_id="Asia/Bangkok")
    context.add_cookies([{"name": "lang", "value": language, "url": server.url}])
    network = NetworkLog().attach(context)
    try:
        page = context.new_page()
        response = page.goto(server.at(f"/stats?fy={FY}"))
        assert response is not None and response.status == 200
        save_screenshot(page, f"stats-{language}-{size}")
        # The page draws the months twice (columns, rows for a phone) and shows one.
        charts = page.locator("svg.chart:visible")
        boxes = [charts.nth(i).bounding_box() for i in range(charts.count())]
        return {
            "axe": dict(Axe().run(page).response),
            "lang": page.get_attribute("html", "lang"),
            "overflow": page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            ),
            "chart_boxes": boxes,
            "leaving": network.leaving(server.origin),
        }
    finally:
        context.close()


# Thai on a phone (where tables and the year's chart must scroll inside the page) and
# English on a desktop (the two-column breakdowns): each language, each layout, once.
@pytest.mark.parametrize(("language", "size"), [("th", "phone"), ("en", "desktop")])
def test_the_statistics_page_has_no_serious_accessibility_violation(
    chromium: ChromiumThread, server: LiveServer, language: str, size: str
) -> None:
    # Given a fiscal year with complaints and tips, so that every chart and table shows
    # When /stats is opened in Chromium and scanned by axe-core
    seen = chromium.run(visit, chromium.browser, server, language, size)
    results = seen["axe"]

    # (the scan really ran, on the page in the language asked for)
    assert results["testEngine"]["name"] == "axe-core" and len(results["passes"]) > 10
    assert seen["lang"] == language
    # Then nothing serious or critical is found; the rest is written for the reviewers
    violations = results["violations"]
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"stats-{language}-{size}.txt").write_text("\n".join(describe(violations)) + "\n")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], "\n".join(describe(blocking))
    # and the nine charts are drawn (complaints: months and four breakdowns; tips: the
    # four breakdowns, never by month)
    boxes = seen["chart_boxes"]
    assert len(boxes) == 9 and all(box and box["height"] > 50 for box in boxes)
    # and the page itself never scrolls sideways (wide tables and charts scroll inside)
    assert seen["overflow"] <= 0
    # and nothing is fetched from anywhere else
    assert seen["leaving"] == []
