"""/stats on a 360 px phone and a 1280 px desktop: charts fit, labels never collide, tables
scroll inside their box with the row names in sight.

Measured in Chromium, in the page as drawn: the text of every visible chart (getBoundingClientRect
of each <text>, turned ones included), each chart's box against the viewport, and the
table boxes' computed styles. The data holds long Thai category names (one with no space
to break at), complaints in every month, and tips with "< 3" and "x" lines. Screenshots of
each page at each width go to test-artifacts/screenshots/ for the reviewers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from intake.extensions import db
from intake.models import CaseKind, Category, Channel
from intake.workflow import Status
from tests.support.browser import ChromiumThread, LiveServer, NetworkLog, screenshot_widths, serve
from tests.support.browser import screenshot as save_screenshot
from tests.support.stats import COMPLAINTS, FY, OCTOBER, SUBTRACTION_TIPS, Filing, file_cases

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(os.environ.get("INTAKE_TEST_TIER") != "browser", reason="browser tier only"),
]

LONG_ROAD = "ถนน ทางเท้า และไฟฟ้าส่องสว่างในเขตชุมชนหนาแน่น"
LONG_PROCUREMENT = "การจัดซื้อจัดจ้างและการบริหารสัญญาโครงการก่อสร้างโครงสร้างพื้นฐานขององค์กรปกครองส่วนท้องถิ่น"
LONG_TIP = "การเรียกรับสินบนหรือผลประโยชน์อื่นใดจากผู้ประกอบการ ในการออกใบอนุญาตก่อสร้างอาคาร"
LONG_ROAD_EN = "Roads, footpaths and street lighting in densely populated communities"
LONG_PROCUREMENT_EN = "Procurement-and-contract-management-of-local-infrastructure-projects"
PAGES = {
    "year": f"/stats?fy={FY}",
    "half": f"/stats?fy={FY}&half=1",
    "tips-half": f"/stats?fy={FY}&half=1&kind=tip",  # a "< 3" and an "x" line
    # last: choosing English keeps it (a cookie) for the rest of the visit
    "year-en": f"/lang/en?next=%2Fstats%3Ffy%3D{FY}",
}
WIDTHS = (360, 1280)

# Every month of the year has complaints, October near thirty, so that values, month
# names and legends crowd each other.
MONTHLY = tuple(
    Filing(
        CaseKind.COMPLAINT,
        OCTOBER + timedelta(days=30.5 * month),
        month % 3,
        Channel.WEB if month % 2 else Channel.PHONE,
        status=Status.RESOLVED if n % 2 else Status.RECEIVED,
        answered_in_days=3 if n % 3 else 30,
    )
    for month in range(12)
    for n in range(2 + (month * 7) % 11 + (25 if month == 0 else 0))
)

MEASURE = """
() => {
  const view = document.documentElement.clientWidth;
  const visible = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const charts = [...document.querySelectorAll('svg.chart')].filter(visible).map(svg => {
    const texts = [...svg.querySelectorAll('text')].map(t => ({
      text: t.textContent, ...box(t.getBoundingClientRect())}));
    return {id: svg.id, ...box(svg.getBoundingClientRect()), texts};
  });
  const tables = [...document.querySelectorAll('.stats-kind table')].map(table => {
    const wrap = table.parentElement;
    const firsts = [...table.rows].map(row => getComputedStyle(row.cells[0]).position);
    let stays = null;
    if (wrap.scrollWidth > wrap.clientWidth) {
      const [first, second] = table.rows[0].cells;
      const firstBefore = first.getBoundingClientRect().left;
      const secondBefore = second.getBoundingClientRect().left;
      wrap.scrollLeft = wrap.scrollWidth;
      const moved = second.getBoundingClientRect().left < secondBefore - 1;
      stays = moved && Math.abs(first.getBoundingClientRect().left - firstBefore) < 1;
      wrap.scrollLeft = 0;
    }
    return {id: table.id, wrapped: wrap.classList.contains('table-wrap'),
            overflow: getComputedStyle(wrap).overflowX, firsts, stays,
            inside: wrap.getBoundingClientRect().right <= view + 0.5};
  });
  const scrollWidth = document.scrollingElement.scrollWidth;
  return {lang: document.documentElement.lang, view, scrollWidth, charts, tables};
}
"""


@pytest.fixture
def server(make_app: Callable[..., Any]) -> Iterator[LiveServer]:
    app = make_app()
    with app.app_context():
        for kind, index, name, english in (
            (CaseKind.COMPLAINT, 0, LONG_ROAD, LONG_ROAD_EN),
            (CaseKind.COMPLAINT, 1, LONG_PROCUREMENT, LONG_PROCUREMENT_EN),
            (CaseKind.TIP, 2, LONG_TIP, ""),
        ):
            categories = db.session.scalars(
                select(Category).where(Category.kind == kind).order_by(Category.id)
            ).all()
            categories[index].name_th = name
            categories[index].name_en = english
        db.session.commit()
    file_cases(app, *COMPLAINTS, *MONTHLY, *SUBTRACTION_TIPS)
    with serve(app) as live:
        yield live


def measure_pages(browser: Any, server: LiveServer, width: int) -> dict[str, Any]:
    context = browser.new_context(
        viewport={"width": width, "height": 800}, locale="th-TH", timezone_id="Asia/Bangkok"
    )
    network = NetworkLog().attach(context)
    seen: dict[str, Any] = {}
    try:
        page = context.new_page()
        for name, path in PAGES.items():
            response = page.goto(server.at(path))
            assert response is not None and response.status == 200
            save_screenshot(page, f"stats-layout-{name}-{width}")
            seen[name] = page.evaluate(MEASURE)
            if width == WIDTHS[0]:  # once: the page at the reviewers' two widths
                screenshot_widths(page, f"stats-{name}")
                page.set_viewport_size({"width": width, "height": 800})
        seen["leaving"] = network.leaving(server.origin)
        return seen
    finally:
        context.close()


def overlapping(texts: list[dict[str, Any]], slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of texts whose drawn boxes cross by more than ``slack`` pixels each way."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if across > slack and down > slack:
                pairs.append((a["text"], b["text"]))
    return pairs


@pytest.mark.parametrize("width", WIDTHS)
def test_statistics_fit_the_screen_and_no_chart_label_collides(
    chromium: ChromiumThread, server: LiveServer, width: int
) -> None:
    # Given a year of complaints in every month, long Thai category names and tips with
    # "< 3" and "x" lines; When /stats is opened for the year, a half and the tips alone
    seen = chromium.run(measure_pages, chromium.browser, server, width)

    assert seen["year"]["lang"] == "th" and seen["year-en"]["lang"] == "en"
    for name in PAGES:
        page = seen[name]
        assert page["view"] == width
        # Then the page never scrolls sideways
        assert page["scrollWidth"] <= width, name
        # and every chart on show lies within the viewport
        assert page["charts"], name
        for chart in page["charts"]:
            where = f"{name} {chart['id']}"
            assert chart["left"] >= 0 and chart["right"] <= width + 0.5, where
            # and none of its words leaves it or touches another
            assert chart["texts"], where
            for text in chart["texts"]:
                assert text["left"] >= chart["left"] - 0.5, (where, text)
                assert text["right"] <= chart["right"] + 0.5, (where, text)
            assert overlapping(chart["texts"]) == [], where
        # and every table scrolls inside its own box, its first column staying in sight
        for table in page["tables"]:
            where = f"{name} {table['id']}"
            assert table["wrapped"] and table["overflow"] in {"auto", "scroll"}, where
            assert set(table["firsts"]) == {"sticky"}, where
            assert table["inside"], where
            assert table["stays"] in {None, True}, where
    # and on a phone the months are drawn as rows, on a desktop as columns
    kinds = {chart["id"] for chart in seen["year"]["charts"]}
    expected = "chart-complaint-monthly-rows" if width < 768 else "chart-complaint-monthly"
    assert (
        expected in kinds
        and len(kinds & {"chart-complaint-monthly", "chart-complaint-monthly-rows"}) == 1
    )
    # and the tips' charts draw no hidden ("x") line and no month
    tip_texts = [t["text"] for chart in seen["tips-half"]["charts"] for t in chart["texts"]]
    assert tip_texts and "x" not in tip_texts
    assert not [c for c in seen["tips-half"]["charts"] if "monthly" in c["id"]]
    # and nothing is fetched from anywhere else
    assert seen["leaving"] == []
