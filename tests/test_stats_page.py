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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from builders import tip_form
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup
from sqlalchemy import select
from test_public_filing import file_and_read_receipt

from intake import charts, thaidate
from intake.extensions import db
from intake.keystore import current_keyring
from intake.models import Case, CaseKind, Category, Channel, Department
from intake.services.cases import FilingInput, file_case
from intake.services.stats import SMALL_CELL, Cell
from intake.workflow import CLOSED, Status

FY = 2569
NOW = datetime(2026, 9, 30, 9, tzinfo=UTC)  # 16:00 in Bangkok, the last day of FY 2569
OCTOBER = datetime(2025, 10, 1, 2, tzinfo=UTC)  # 09:00 in Bangkok, the first day
NOVEMBER = datetime(2025, 11, 14, 3, tzinfo=UTC)
APRIL = datetime(2026, 4, 2, 3, tzinfo=UTC)
SEPTEMBER = datetime(2026, 9, 1, 3, tzinfo=UTC)
BREAKDOWN_NAMES = ("category", "channel", "department", "outcome")
COUNTS = ("received", "completed", "in_progress", "on_time")


@dataclass
class Filing:
    kind: CaseKind
    at: datetime
    category: int | None = None  # index among the kind's demo categories
    channel: Channel = Channel.WEB
    department: int | None = None  # index among the demo departments (else the category's)
    status: Status = Status.RECEIVED
    answered_in_days: int = 3


def file_cases(app: Flask, *filings: Filing, now: datetime = NOW) -> None:
    with app.app_context():
        keyring = current_keyring()
        uploads = Path(app.config["INTAKE_UPLOADS_PATH"])
        departments = list(db.session.scalars(select(Department).order_by(Department.id)))
        for filing in filings:
            categories = list(
                db.session.scalars(
                    select(Category).where(Category.kind == filing.kind).order_by(Category.id)
                )
            )
            category_id = None if filing.category is None else categories[filing.category].id
            data = FilingInput(
                kind=filing.kind,
                subject="ก",
                details="ข",
                channel=filing.channel,
                category_id=category_id,
                received_at=filing.at,
            )
            filed = file_case(db.session, keyring, uploads, data, now)
            case = db.session.get(Case, filed.case_id)
            assert case is not None
            if filing.department is not None:
                case.department_id = departments[filing.department].id
            case.status = filing.status
            if filing.status in CLOSED:
                case.closed_at = filing.at + timedelta(days=filing.answered_in_days)
                case.first_response_at = case.closed_at
            db.session.commit()


COMPLAINTS = (
    Filing(CaseKind.COMPLAINT, OCTOBER, 0, Channel.WEB, status=Status.RESOLVED),
    Filing(CaseKind.COMPLAINT, OCTOBER, 0, Channel.PHONE, status=Status.REJECTED),
    Filing(
        CaseKind.COMPLAINT, NOVEMBER, 3, Channel.LETTER, status=Status.RESOLVED, answered_in_days=40
    ),
    Filing(CaseKind.COMPLAINT, NOVEMBER, 3, Channel.WALK_IN, status=Status.REFERRED),
    Filing(CaseKind.COMPLAINT, APRIL, 6, Channel.DAMRONGDHAM, department=0),
    Filing(CaseKind.COMPLAINT, SEPTEMBER, None, Channel.EMAIL),
)
TIPS = (
    Filing(CaseKind.TIP, OCTOBER, 0, status=Status.RESOLVED),
    Filing(CaseKind.TIP, OCTOBER, 1),
    Filing(CaseKind.TIP, APRIL, 1),
    Filing(CaseKind.TIP, APRIL, 1, Channel.LETTER),
)


# ------------------------------------------------------------------ reading the page


class Tables(HTMLParser):
    """Rows of the page's tables by table id, each keyed by its data-month/data-key."""

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
            self._row = found.get("data-month") or found.get("data-key")
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


def figure(text: str) -> int | str:
    return text if text == SMALL_CELL else int(text.replace(",", ""))


def page_figures(tables: Tables, kind: str) -> dict[str, Any]:
    monthly = tables.tables[f"monthly-{kind}"]
    return {
        "months": {
            key: [figure(v) for v in values] for key, values in monthly.items() if key != "total"
        },
        "totals": [figure(v) for v in monthly["total"]],
        "breakdowns": {
            name: {
                key: [figure(v) for v in values]
                for key, values in tables.tables[f"{kind}-{name}"].items()
            }
            for name in BREAKDOWN_NAMES
        },
    }


def json_figures(data: dict[str, Any], kind: str) -> dict[str, Any]:
    stats = data["kinds"][kind]
    return {
        "months": {row["month"]: [row[k] for k in COUNTS] for row in stats["months"]},
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

    # Then every month, total and breakdown cell agrees, for both kinds
    assert data["fiscal_year"] == FY and data["half"] == (half or None)
    for kind in ("complaint", "tip"):
        shown = page_figures(tables, kind)
        assert shown == json_figures(data, kind) == csv_figures(rows, kind)
        assert len(shown["months"]) == (12 if half == 0 else 6)
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


def test_tip_breakdown_cells_of_one_or_two_show_as_less_than_three(
    app: Flask, client: FlaskClient
) -> None:
    # Given two tips filed on the public form in one category, and three more (one
    # closed) in another
    with app.app_context():
        procurement, bribery = db.session.scalars(
            select(Category.id).where(Category.kind == CaseKind.TIP).order_by(Category.id).limit(2)
        )
    for _ in range(2):
        file_and_read_receipt(client, "/tips/new", tip_form(category=str(procurement)))
    at = datetime.now(UTC)
    file_cases(
        app,
        Filing(CaseKind.TIP, at, 1),
        Filing(CaseKind.TIP, at, 1),
        Filing(CaseKind.TIP, at, 1, status=Status.RESOLVED, answered_in_days=0),
        now=at,
    )
    fiscal_year = thaidate.fiscal_year(thaidate.local_date(at))

    # When the statistics of that fiscal year are read in every form
    query = f"fy={fiscal_year}&kind=tip"
    page = client.get(f"/stats?{query}").get_data(as_text=True)
    tables = read_tables(page)
    data = client.get(f"/stats.json?{query}").get_json()
    rows = read_csv(client.get(f"/stats.csv?{query}").data)

    # Then no breakdown cell shows 1 or 2, and the small ones say "< 3"
    shown = page_figures(tables, "tip")
    cells = [
        v
        for name in BREAKDOWN_NAMES
        for values in shown["breakdowns"][name].values()
        for v in values
    ]
    assert SMALL_CELL in cells and not {1, 2} & {c for c in cells if isinstance(c, int)}
    assert shown["breakdowns"]["category"][str(procurement)] == [SMALL_CELL, 0, SMALL_CELL, 0]
    assert shown["breakdowns"]["category"][str(bribery)] == [3, *[SMALL_CELL] * 3]
    json_cells = [
        cell[k]
        for cells in data["kinds"]["tip"]["breakdowns"].values()
        for cell in cells
        for k in COUNTS
    ]
    assert SMALL_CELL in json_cells and 1 not in json_cells and 2 not in json_cells
    csv_cells = [r[k] for r in rows if r["breakdown"] not in ("month", "total") for k in COUNTS]
    assert SMALL_CELL in csv_cells and "1" not in csv_cells and "2" not in csv_cells
    # and the monthly total is the real count (never hidden)
    assert shown["totals"][0] == 5 == data["kinds"]["tip"]["totals"]["received"]
    # and the page explains the rule, and the chart draws no 1 or 2 either
    assert "ช่องที่มี 1–2 เรื่องแสดงเป็น" in page
    chart = page.split('id="chart-tip-category"', 1)[1].split("</svg>", 1)[0]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    assert "&lt; 3" in texts and "3" in texts and "1" not in texts and "2" not in texts


def test_charts_are_accessible_images_with_title_and_description(
    app: Flask, client: FlaskClient
) -> None:
    file_cases(app, *COMPLAINTS, *TIPS)

    page = client.get(f"/stats?fy={FY}").get_data(as_text=True)

    svgs = re.findall(r"<svg [^>]*>.*?</svg>", page, flags=re.DOTALL)
    assert len(svgs) == 10  # per kind: the months and four breakdowns
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
    ]

    thai = charts.breakdown_chart(cells, "ชื่อ <b>", "คำอธิบาย “< 3”")
    english = charts.breakdown_chart(cells, "Title", "Description", english=True)

    assert isinstance(thai, Markup)
    assert "<script>" not in thai and "&lt;script&gt;" in thai
    assert "<title id=" in thai and "ชื่อ &lt;b&gt;" in thai and "“&lt; 3”" in thai
    assert "A &amp; B" in english and "Small" in english and "เล็ก" not in english
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", thai)
    assert "&lt; 3" in texts and "7" in texts


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
    # and the monthly tables are still there, with zeros, for ITA
    tables = read_tables(page)
    assert tables.tables["monthly-tip"]["total"] == ["0", "0", "0", "0"]


def test_the_data_dictionary_defines_the_figures_and_the_open_data(client: FlaskClient) -> None:
    page = client.get(f"/stats?fy={FY}").get_data(as_text=True)

    dictionary = page.split('id="data-dictionary"', 1)[1]
    assert "1 ตุลาคม 2568 ถึง 30 กันยายน 2569" in dictionary
    assert "ครึ่งปีแรกคือเดือนตุลาคมถึงมีนาคม" in dictionary
    for column in ("fiscal_year", "breakdown", "label_th", "on_time", "satisfaction_share"):
        assert f"<code>{column}</code>" in dictionary
    assert "<code>on_time_rate</code>" in dictionary
    assert "ไม่ต้องขออนุญาต" in dictionary
