"""The public statistics page and its open data: one query, the same figures everywhere.

Cases are filed through the real service (and, for tips, the public form), then moved to
their outcome on the model as a staff action would leave them; the tallies follow in the
same flush. The page's tables are read back with the standard HTML parser and compared
with /stats.json and /stats.csv for the same query.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup
from sqlalchemy import select

from intake import charts, suppression, thaidate
from intake.extensions import db
from intake.models import CaseKind, Category, Channel
from intake.services.figures import HIDDEN_CELL, SMALL_CELL, Cell
from intake.workflow import Status
from tests.support.stats import (
    APRIL,
    COMPLAINTS,
    FY,
    OCTOBER,
    SUBTRACTION_TIPS,
    Filing,
    file_cases,
)

BREAKDOWN_NAMES = ("category", "channel", "department", "outcome")
COUNTS = ("received", "completed", "in_progress", "on_time")


TIPS = (
    Filing(CaseKind.TIP, OCTOBER, 0, status=Status.RESOLVED),
    Filing(CaseKind.TIP, OCTOBER, 1),
    Filing(CaseKind.TIP, APRIL, 1),
    Filing(CaseKind.TIP, APRIL, 1, Channel.LETTER),
)


# ------------------------------------------------------------------ reading the page


class Tables(HTMLParser):
    """Rows of the page's tables by table id, each keyed by its data-month, data-half
    or data-key."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self.row_labels: dict[str, dict[str, str]] = {}
        self._table: str | None = None
        self._row: str | None = None
        self._cell: list[str] | None = None
        self._cells: list[str] = []
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            self._table = found.get("id") or ""
            self.tables[self._table] = {}
            self.row_labels[self._table] = {}
        elif tag == "tr" and self._table is not None:
            self._row = found.get("data-month") or found.get("data-half") or found.get("data-key")
            self._cells = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell).strip()
            if tag == "th":
                self._label = text
            else:
                self._cells.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table][self._row] = self._cells
            self.row_labels[self._table][self._row] = self._label
            self._row = None
        elif tag == "table":
            self._table = None


def read_tables(page: str) -> Tables:
    parser = Tables()
    parser.feed(page)
    return parser


def figure(text: str) -> int | str | None:
    if text == "":
        return None  # not published (a tip breakdown gives received counts only)
    return text if text in (SMALL_CELL, HIDDEN_CELL) else int(text.replace(",", ""))


def padded(values: list[Any]) -> list[Any]:
    """A tip breakdown line on the page has its received count only."""
    return [*values, *[None] * (len(COUNTS) - len(values))]


def page_figures(tables: Tables, kind: str) -> dict[str, Any]:
    """Months (complaints) or halves (tips over a year), totals and breakdowns."""
    monthly = tables.tables.get(f"monthly-{kind}", {})
    periods = tables.tables.get(f"periods-{kind}", {})
    return {
        "months": {
            key: [figure(v) for v in values] for key, values in monthly.items() if key != "total"
        },
        "halves": {
            key: [figure(v) for v in values] for key, values in periods.items() if key != "total"
        },
        "totals": [figure(v) for v in (monthly or periods)["total"]],
        "breakdowns": {
            name: {
                key: padded([figure(v) for v in values])
                for key, values in tables.tables[f"{kind}-{name}"].items()
            }
            for name in BREAKDOWN_NAMES
        },
    }


def json_figures(data: dict[str, Any], kind: str) -> dict[str, Any]:
    stats = data["kinds"][kind]
    return {
        "months": {row["month"]: [row[k] for k in COUNTS] for row in stats.get("months", [])},
        "halves": {str(row["half"]): [row[k] for k in COUNTS] for row in stats.get("halves", [])},
        "totals": [stats["totals"][k] for k in COUNTS],
        "breakdowns": {
            name: {cell["key"]: [cell[k] for k in COUNTS] for cell in cells}
            for name, cells in stats["breakdowns"].items()
        },
    }


def read_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def csv_figures(rows: list[dict[str, str]], kind: str) -> dict[str, Any]:
    mine = [r for r in rows if r["kind"] == kind]
    total = next(r for r in mine if r["breakdown"] == "total")
    return {
        "months": {
            r["key"]: [figure(r[k]) for k in COUNTS] for r in mine if r["breakdown"] == "month"
        },
        "halves": {
            r["key"]: [figure(r[k]) for k in COUNTS] for r in mine if r["breakdown"] == "half"
        },
        "totals": [figure(total[k]) for k in COUNTS],
        "breakdowns": {
            name: {r["key"]: [figure(r[k]) for k in COUNTS] for r in mine if r["breakdown"] == name}
            for name in BREAKDOWN_NAMES
        },
    }


# ------------------------------------------------------------------------------ tests


def test_the_page_shows_buddhist_era_months_a_total_row_and_every_breakdown(
    app: Flask, client: FlaskClient
) -> None:
    # Given complaints across FY 2569 in several categories, channels and outcomes
    file_cases(app, *COMPLAINTS)

    # When the public opens the complaint statistics of FY 2569
    response = client.get(f"/stats?fy={FY}&kind=complaint")
    page = response.get_data(as_text=True)
    tables = read_tables(page)

    # Then the monthly table runs ตุลาคม 2568 … กันยายน 2569 with a รวม row
    assert response.status_code == 200
    labels = tables.row_labels["monthly-complaint"]
    assert labels["2025-10"] == "ตุลาคม 2568" and labels["2026-09"] == "กันยายน 2569"
    assert list(labels)[:12] == [f"{m:%Y-%m}" for m in thaidate.fiscal_months(FY)]
    assert labels["total"] == "รวม"
    assert tables.tables["monthly-complaint"]["total"] == ["6", "4", "2", "3"]
    assert tables.tables["monthly-complaint"]["2025-10"] == ["2", "2", "0", "2"]
    # and the on-time column says the organisation's number of days
    assert "ตอบภายใน 15 วัน" in page
    assert "ร้อยละของเรื่องที่ตอบภายในกำหนด: 50.0" in page
    # and the breakdowns name categories, channels, departments and outcomes
    categories = tables.row_labels["complaint-category"].values()
    assert "ถนน ทางเท้า สะพาน" in categories and "ไม่ระบุ" in categories
    channels = tables.row_labels["complaint-channel"]
    assert channels["web"] == "เว็บไซต์" and channels["damrongdham"] == "ส่งต่อจากศูนย์ดำรงธรรม"
    assert "สำนักปลัด" in tables.row_labels["complaint-department"].values()
    outcomes = tables.row_labels["complaint-outcome"]
    assert outcomes["resolved"] == "ดำเนินการแล้วเสร็จ"
    assert outcomes["rejected"] == "ไม่รับพิจารณา/ยุติเรื่อง"
    assert outcomes["referred"] == "ส่งต่อหน่วยงานภายนอก"
    assert outcomes["open"] == "อยู่ระหว่างดำเนินการ"
    assert tables.tables["complaint-outcome"]["resolved"][0] == "2"
    # and only the complaint section is shown
    assert 'id="stats-tip"' not in page


@pytest.mark.parametrize("half", [0, 1, 2])
def test_page_json_and_csv_give_the_same_figures(
    app: Flask, client: FlaskClient, half: int
) -> None:
    # Given complaints and tips of FY 2569
    file_cases(app, *COMPLAINTS, *TIPS)
    query = f"fy={FY}&half={half}"

    # When the page, the JSON and the CSV are read for the same query
    tables = read_tables(client.get(f"/stats?{query}").get_data(as_text=True))
    data = client.get(f"/stats.json?{query}").get_json()
    rows = read_csv(client.get(f"/stats.csv?{query}").data)

    # Then every month, half, total and breakdown cell agrees, for both kinds
    assert data["fiscal_year"] == FY and data["half"] == (half or None)
    for kind in ("complaint", "tip"):
        shown = page_figures(tables, kind)
        assert shown == json_figures(data, kind) == csv_figures(rows, kind)
    # complaints month by month; tips never, but a whole year of them by half
    assert len(page_figures(tables, "complaint")["months"]) == (12 if half == 0 else 6)
    tips = page_figures(tables, "tip")
    assert tips["months"] == {} and "months" not in data["kinds"]["tip"]
    assert tips["halves"] == ({"1": [2, 1, 1, 1], "2": [2, 0, 2, 0]} if half == 0 else {})
    assert {r["half"] for r in rows} == {str(half) if half else ""}


def test_each_half_has_its_six_months(app: Flask, client: FlaskClient) -> None:
    file_cases(app, *COMPLAINTS)

    first = client.get(f"/stats.json?fy={FY}&half=1&kind=complaint").get_json()
    second = client.get(f"/stats.json?fy={FY}&half=2&kind=complaint").get_json()
    whole = client.get(f"/stats.json?fy={FY}&kind=complaint").get_json()

    first_months = [row["month"] for row in first["kinds"]["complaint"]["months"]]
    second_months = [row["month"] for row in second["kinds"]["complaint"]["months"]]
    assert first_months == ["2025-10", "2025-11", "2025-12", "2026-01", "2026-02", "2026-03"]
    assert second_months == ["2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09"]
    assert [len(whole["kinds"]["complaint"]["months"])] == [12]
    received = [d["kinds"]["complaint"]["totals"]["received"] for d in (first, second, whole)]
    assert received == [4, 2, 6]
    # and the page says which half it shows
    page = client.get(f"/stats?fy={FY}&half=2&kind=complaint").get_data(as_text=True)
    assert "ครึ่งปีหลัง (เม.ย.–ก.ย.)" in page and "1 เมษายน 2569 – 30 กันยายน 2569" in page
    assert len(read_tables(page).tables["monthly-complaint"]) == 7  # six months and รวม


def tip_categories(app: Flask) -> list[str]:
    with app.app_context():
        ids = db.session.scalars(
            select(Category.id).where(Category.kind == CaseKind.TIP).order_by(Category.id)
        )
        return [str(i) for i in ids]


def published_tips(client: FlaskClient, fmt: str, half: int) -> tuple[dict[str, Any], int]:
    """The tip category lines ({key: received as published}) and the period's total
    received, as one format gives them."""
    query = f"fy={FY}&kind=tip&half={half}"
    if fmt == "json":
        tips = client.get(f"/stats.json?{query}").get_json()["kinds"]["tip"]
        assert "months" not in tips
        lines = {c["key"]: c["received"] for c in tips["breakdowns"]["category"]}
        return lines, tips["totals"]["received"]
    if fmt == "csv":
        rows = read_csv(client.get(f"/stats.csv?{query}").data)
        assert not [r for r in rows if r["breakdown"] == "month"]
        shown = csv_figures(rows, "tip")
        return {k: v[0] for k, v in shown["breakdowns"]["category"].items()}, shown["totals"][0]
    page = client.get(f"/stats?{query}").get_data(as_text=True)
    tip_section = page.split('id="stats-tip"', 1)[1].split('id="data-dictionary"', 1)[0]
    assert "data-month" not in tip_section and 'id="monthly-tip"' not in page
    shown = page_figures(read_tables(page), "tip")
    return {k: v[0] for k, v in shown["breakdowns"]["category"].items()}, shown["totals"][0]


@pytest.mark.parametrize("fmt", ["json", "csv", "page"])
def test_a_lone_tip_cannot_be_worked_out_by_subtraction(
    app: Flask, client: FlaskClient, fmt: str
) -> None:
    # Given one tip in a category beside 5 and 8 in others, and 3 more in the next half
    file_cases(app, *SUBTRACTION_TIPS)
    lone, five, eight = tip_categories(app)[:3]

    # When the first half, the second half and the year are read in one format
    first, first_total = published_tips(client, fmt, 1)
    second, second_total = published_tips(client, fmt, 2)
    year, year_total = published_tips(client, fmt, 0)

    # Then the totals are the real counts
    assert (first_total, second_total, year_total) == (14, 7, 21)
    # and in the first half the lone tip is "< 3", the next-smallest line is hidden too,
    # and total − shown lines leaves a sum that the "< 3" could take as 1 or as 2
    assert first[lone] == SMALL_CELL and first[five] == HIDDEN_CELL and first[eight] == 8
    hidden_sum = first_total - sum(v for v in first.values() if isinstance(v, int))
    assert hidden_sum == 6  # 1 + 5, or 2 + 4: the old rule left 14 - 5 - 8 = 1 here
    lines = list(first.values())
    possible = suppression.possible_values(lines, first_total)
    assert possible[list(first).index(lone)] == {1, 2}
    # and the year shows a line only where both halves show it, so year − half gives
    # nothing hidden back (the old rule showed 4 here, beside the second half's 3)
    assert second[lone] == 3 and year[lone] == HIDDEN_CELL
    for key, value in year.items():
        if isinstance(value, int):
            assert value == first.get(key, 0) + second.get(key, 0)
            assert isinstance(first.get(key, 0), int) and isinstance(second.get(key, 0), int)
    # and nothing published anywhere is a 1 or a 2
    for shown in (first, second, year):
        assert not {1, 2} & {v for v in shown.values() if isinstance(v, int)}


def test_tip_figures_never_come_by_month(app: Flask, client: FlaskClient) -> None:
    # Given tips in both halves
    file_cases(app, *SUBTRACTION_TIPS)

    for half in (0, 1, 2):
        # When the statistics are read for the year or a half
        data = client.get(f"/stats.json?fy={FY}&half={half}").get_json()
        rows = read_csv(client.get(f"/stats.csv?fy={FY}&half={half}").data)
        page = client.get(f"/stats?fy={FY}&half={half}").get_data(as_text=True)
        # Then tips carry no month, while complaints keep theirs
        assert "months" not in data["kinds"]["tip"] and "months" in data["kinds"]["complaint"]
        assert not [r for r in rows if r["kind"] == "tip" and r["breakdown"] == "month"]
        tip_section = page.split('id="stats-tip"', 1)[1].split('id="data-dictionary"', 1)[0]
        assert "data-month" not in tip_section and "chart-tip-monthly" not in page
        # and a tip breakdown line gives its received count and nothing that could be
        # subtracted from the line's count (how many closed, how many on time)
        for cells in data["kinds"]["tip"]["breakdowns"].values():
            for cell in cells:
                assert (cell["completed"], cell["in_progress"], cell["on_time"]) == (None,) * 3
        # and a whole year gives its two halves, each as the half itself gives it
        if half == 0:
            halves = data["kinds"]["tip"]["halves"]
            assert [row["received"] for row in halves] == [14, 7]
            tables = read_tables(page)
            assert tables.tables["periods-tip"]["1"][0] == "14"
            assert tables.row_labels["periods-tip"]["2"] == "ครึ่งปีหลัง (เม.ย.–ก.ย.)"
            half_rows = [r for r in rows if r["kind"] == "tip" and r["breakdown"] == "half"]
            assert [(r["key"], r["received"]) for r in half_rows] == [("1", "14"), ("2", "7")]


def test_the_tip_page_explains_the_rule_and_draws_no_hidden_line(
    app: Flask, client: FlaskClient
) -> None:
    file_cases(app, *SUBTRACTION_TIPS)

    page = client.get(f"/stats?fy={FY}&half=1&kind=tip").get_data(as_text=True)

    assert "รายการที่เล็กรองลงมาของตารางเดียวกันถูกปกปิดด้วย" in page
    chart = page.split('id="chart-tip-category"', 1)[1].split("</svg>", 1)[0]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    # the 8 is drawn, the "< 3" hatched, the hidden 5 not at all
    assert "8" in texts and "&lt; 3" in texts and "x" not in texts and "5" not in texts


def test_charts_are_accessible_images_with_title_and_description(
    app: Flask, client: FlaskClient
) -> None:
    file_cases(app, *COMPLAINTS, *SUBTRACTION_TIPS)

    page = client.get(f"/stats?fy={FY}&half=1").get_data(as_text=True)

    svgs = re.findall(r"<svg [^>]*>.*?</svg>", page, flags=re.DOTALL)
    # complaints: the months (as columns, and as rows for a phone) and four breakdowns;
    # tips: four breakdowns, no months
    assert len(svgs) == 10
    for svg in svgs:
        head = svg.split(">", 1)[0]
        assert 'role="img"' in head and "viewBox=" in head
        labelled = re.search(r'aria-labelledby="([^"]+) ([^"]+)"', head)
        assert labelled is not None
        title_id, desc_id = labelled.groups()
        assert f'<title id="{title_id}">' in svg and f'<desc id="{desc_id}">' in svg
        assert "foreignObject" not in svg and "var(--" not in svg and "<script" not in svg
    # and each chart points to its table, the text alternative
    assert 'href="#monthly-complaint"' in page and 'id="monthly-complaint"' in page
    assert 'href="#tip-channel"' in page and 'id="tip-channel"' in page


def test_charts_escape_labels_and_never_draw_a_small_count() -> None:
    cells = [
        Cell("1", "<script>alert(1)</script>", "A & B", 7, 7, 0, 7),
        Cell("2", "เล็ก", "Small", SMALL_CELL, SMALL_CELL, 0, SMALL_CELL),
        Cell("3", "ซ่อน", "Hidden", HIDDEN_CELL, HIDDEN_CELL, HIDDEN_CELL, HIDDEN_CELL),
    ]

    thai = charts.breakdown_chart(cells, "ชื่อ <b>", "คำอธิบาย “< 3”")
    english = charts.breakdown_chart(cells, "Title", "Description", english=True)

    assert isinstance(thai, Markup)
    assert "<script>" not in thai and "&lt;script&gt;" in thai
    assert "<title id=" in thai and "ชื่อ &lt;b&gt;" in thai and "“&lt; 3”" in thai
    assert "A &amp; B" in english and "Small" in english and "เล็ก" not in english
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", thai)
    assert "&lt; 3" in texts and "7" in texts
    # a line hidden with a small one has no bar: its length would give its count away
    assert "ซ่อน" not in thai and "x" not in texts


def test_the_selector_keeps_the_choices_and_the_downloads_carry_them(
    app: Flask, client: FlaskClient
) -> None:
    file_cases(app, COMPLAINTS[0])

    page = client.get(f"/stats?fy={FY}&half=2&kind=tip").get_data(as_text=True)

    assert re.search(rf'<option value="{FY}" selected>{FY}</option>', page)
    assert re.search(r'<option value="2" selected>', page)
    assert re.search(r'<option value="tip" selected>', page)
    for path in ("/stats.csv", "/stats.json"):
        assert f'href="{path}?fy={FY}&amp;half=2&amp;kind=tip"' in page
    # and the years run from the first with cases to the current one
    current = thaidate.fiscal_year(thaidate.local_date(datetime.now(UTC)))
    years = [int(y) for y in re.findall(r'<option value="(\d{4})"', page)]
    assert years == list(range(max(current, FY), FY - 1, -1))


def test_a_year_typed_in_thai_digits_is_read(app: Flask, client: FlaskClient) -> None:
    response = client.get("/stats", query_string={"fy": "๒๕๖๙", "half": "๑"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ปีงบประมาณ 2569" in page and "ครึ่งปีแรก (ต.ค.–มี.ค.)" in page


BAD_QUERIES = (
    {"fy": "abc"},
    {"fy": "3000"},
    {"fy": "-2569"},
    {"half": "3"},
    {"half": "x"},
    {"half": "1.5"},
    {"kind": "other"},
)


def test_a_bad_query_is_refused_with_400(client: FlaskClient) -> None:
    # One app for every case: building one per case would cost seconds for nothing.
    for path in ("/stats", "/stats.json", "/stats.csv"):
        for query in BAD_QUERIES:
            status = client.get(path, query_string=query).status_code
            assert status == 400, (path, query, status)


def test_the_csv_is_utf8_with_a_bom_and_names_the_year_and_half(
    app: Flask, client: FlaskClient
) -> None:
    file_cases(app, COMPLAINTS[0])

    response = client.get(f"/stats.csv?fy={FY}&half=1&kind=complaint")

    assert response.status_code == 200
    assert response.data.startswith("\ufeff".encode())
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert f"intake-stats-{FY}-h1-complaint.csv" in response.headers["Content-Disposition"]
    rows = read_csv(response.data)
    assert rows[0]["label_th"] == "ตุลาคม 2568" and rows[0]["received"] == "1"
    whole = client.get(f"/stats.csv?fy={FY}")
    assert f'filename="intake-stats-{FY}.csv"' in whole.headers["Content-Disposition"]


def test_a_period_without_cases_says_so_and_draws_no_chart(client: FlaskClient) -> None:
    page = client.get(f"/stats?fy={FY}").get_data(as_text=True)

    assert '<p class="empty-stats">ไม่มีเรื่องร้องเรียน</p>' in page
    assert '<p class="empty-stats">ไม่มีเรื่องแจ้งเบาะแสการทุจริต</p>' in page
    assert "<svg" not in page
    # and the tables are still there, with zeros, for ITA (tips by half-year)
    tables = read_tables(page)
    assert tables.tables["monthly-complaint"]["total"] == ["0", "0", "0", "0"]
    assert tables.tables["periods-tip"]["total"] == ["0", "0", "0", "0"]
    assert tables.tables["periods-tip"]["1"] == ["0", "0", "0", "0"]


def test_the_data_dictionary_defines_the_figures_and_the_open_data(client: FlaskClient) -> None:
    page = client.get(f"/stats?fy={FY}").get_data(as_text=True)

    dictionary = page.split('id="data-dictionary"', 1)[1]
    assert "1 ตุลาคม 2568 ถึง 30 กันยายน 2569" in dictionary
    assert "ครึ่งปีแรกคือเดือนตุลาคมถึงมีนาคม" in dictionary
    for column in ("fiscal_year", "breakdown", "label_th", "on_time", "satisfaction_share"):
        assert f"<code>{column}</code>" in dictionary
    assert "<code>on_time_rate</code>" in dictionary
    assert "<code>halves</code>" in dictionary
    assert "ไม่ต้องขออนุญาต" in dictionary
    # and it states the tip rule: halves and years, never months; complementary
    # suppression; the year made of the published halves
    rule = dictionary.split('id="suppression-rule"', 1)[1].split("</dd>", 1)[0]
    assert "ไม่เผยแพร่รายเดือน" in dictionary.split('id="tip-periods-rule"', 1)[1]
    assert "การปกปิดเสริม" in rule and "ทั้งสองครึ่งปี" in rule


def test_the_data_dictionary_states_the_tip_rule_in_english(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")

    page = client.get(f"/stats?fy={FY}").get_data(as_text=True)

    dictionary = page.split('id="data-dictionary"', 1)[1]
    assert "never by month" in dictionary.split('id="tip-periods-rule"', 1)[1]
    rule = dictionary.split('id="suppression-rule"', 1)[1].split("</dd>", 1)[0]
    assert "complementary suppression" in rule and "both halves" in rule
