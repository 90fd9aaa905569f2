"""Reports for executives (issue 7): what they say, as PDF and XLSX, the form of their
written sections, who may have them, and the command that writes the same file.

One data set (``seed``) serves every test: complaints and tips back-dated into the first
half of fiscal year 2569 (October 2568 – March 2569), a few in the half before it, one
after it, some closed on time, one late, some still open. PDFs take most of a second to
render, so only three are made: a complaint report from the page, a tip report from the
page and from the command line.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

import intake.pdf
from intake import reports
from intake.extensions import db
from intake.models import AuditEntry, CaseKind, ReportNarrative, Role, User
from intake.reports import pdf as report_pdf
from intake.services import report_narratives
from intake.services import reports as reports_service
from intake.services import stats as stats_service
from intake.services.keyring import current_keyring
from intake.services.report_periods import ReportKey
from intake.staff import reports as staff_reports
from tests.support.queries import file_many, statements_of
from tests.support.reports import (
    LIGHTING,
    NOW,
    ROADS,
    WASTE,
    Seeded,
    seed,
)
from tests.support.staff import make_staff, sign_in, staff_client

H1 = {"fy": 2569, "half": 1}
COMPLAINTS = ReportKey(CaseKind.COMPLAINT, 2569, 1)
TIPS = ReportKey(CaseKind.TIP, 2569, 1)


PROBLEMS = "เจ้าหน้าที่รับเรื่องมีเพียงคนเดียว ทำให้ตอบผู้ร้องล่าช้าในช่วงเดือนมกราคม"
REMEDIES = "มอบหมายเจ้าหน้าที่สำรองและตั้งเตือนก่อนครบกำหนด 3 วัน"
RECOMMENDATIONS = "ควรประชาสัมพันธ์ช่องทางร้องเรียนออนไลน์ให้มากขึ้น"
PREPARER = "นางสาวดารารัตน์ ใจงาม"
PREPARER_POSITION = "นักวิเคราะห์นโยบายและแผน"
APPROVER = "นายสมทรง ช้างชนะ"


# What the first half holds, counted by hand from DATA.
COMPLAINT_TOTALS = {"received": 6, "completed": 4, "in_progress": 2, "on_time": 3}
COMPLAINT_MONTHS = [  # October 2568 … March 2569
    (2, 2, 0, 2),
    (1, 0, 1, 0),
    (0, 0, 0, 0),
    (2, 2, 0, 1),
    (0, 0, 0, 0),
    (1, 0, 1, 0),
]
TIP_TOTALS = {"received": 5, "completed": 2, "in_progress": 3, "on_time": 2}


@pytest.fixture
def seeded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Seeded:
    monkeypatch.setattr(staff_reports, "_now", lambda: NOW)
    return seed(app)


def pdf_text(data: bytes, tmp_path: Path, name: str = "report.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    completed = subprocess.run(  # noqa: S603 (fixed arguments, our own file)
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return completed.stdout


def squeeze(text: str) -> str:
    """Runs of spaces as one: -layout pads table columns."""
    return re.sub(r"[ \t]+", " ", text)


def sheet_rows(workbook: Any, title: str) -> list[list[Any]]:
    """The rows of a sheet's table (under its header row), as values."""
    sheet = workbook[title]
    return [
        list(row)
        for row in sheet.iter_rows(min_row=6, values_only=True)
        if any(value is not None for value in row)
    ]


def narrative_form(**changes: str) -> dict[str, str]:
    data = {
        "problems": PROBLEMS,
        "remedies": REMEDIES,
        "recommendations": RECOMMENDATIONS,
        "prepared_name": PREPARER,
        "prepared_position": PREPARER_POSITION,
        "prepared_on": "5 เมษายน 2569",
        "reviewed_name": "",
        "reviewed_position": "",
        "reviewed_on": "",
        "approved_name": APPROVER,
        "approved_position": "นายกองค์การบริหารส่วนตำบลตัวอย่าง",
        "approved_on": "๒๐/๔/๒๕๖๙",
    }
    data.update(changes)
    return data


def audit_details(app: Flask, action: str) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEntry.detail).where(AuditEntry.action == action))
        )


def count_rows(rows: list[list[Any]], first: str) -> list[Any]:
    """The row of a sheet whose first cell is ``first``."""
    found = [row for row in rows if row[0] == first]
    assert len(found) == 1, (first, rows)
    return found[0]


# ----------------------------------------------------------------------- the content


def test_the_report_holds_the_statistics_the_late_cases_and_recurring_categories(
    app: Flask, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the seeded cases
    with app.app_context():
        # When the complaint report of the first half is gathered on NOW
        report = reports_service.gather(db.session, COMPLAINTS, NOW)
        published = stats_service.compute(db.session, 2569, [CaseKind.COMPLAINT], 1)

        # Then its figures are the published statistics, and those are what DATA holds
        assert report.stats.totals == published["complaint"].totals == COMPLAINT_TOTALS
        months = [(r.received, r.completed, r.in_progress, r.on_time) for r in report.stats.months]
        assert months == COMPLAINT_MONTHS
        assert report.complete and report.produced_on.isoformat() == "2026-04-20"

        # ...the open cases of the period that are overdue or over 60 days old, oldest
        # first (not the one received after the period ended)
        refs = seeded.references
        cases = report.cases
        assert [row.reference for row in cases.rows] == [refs[5], refs[8]]
        november, march = cases.rows
        assert (november.days_open, november.days_overdue) == (161, 146)
        assert (march.days_open, march.days_overdue) == (26, 11)
        assert november.category_th == ROADS and november.department_th == "กองช่าง"
        assert november.received_on.isoformat() == "2025-11-10"
        assert (cases.total, cases.overdue, cases.long_running, cases.more) == (2, 2, 1, 0)

        # ...and the largest categories, with the half before's counts beside them
        recurring = [(r.label_th, r.received, r.previous, r.recurring) for r in report.recurring]
        assert recurring == [(LIGHTING, 3, 2, True), (ROADS, 2, 0, False), (WASTE, 1, 1, True)]
        assert report.previous == ReportKey(CaseKind.COMPLAINT, 2568, 2)

        # When the list may hold one row only, the tips' list says how many more there are
        monkeypatch.setattr(reports_service, "CASE_LIST_LIMIT", 1)
        tips = reports_service.case_list(db.session, TIPS, NOW)
    assert [row.reference for row in tips.rows] == [refs[12]]
    assert (tips.total, tips.more) == (3, 2)


@pytest.mark.parametrize(
    ("key", "previous", "name"),
    [
        (ReportKey(CaseKind.TIP, 2569, 1), ReportKey(CaseKind.TIP, 2568, 2), "2569-h1-tip"),
        (ReportKey(CaseKind.TIP, 2569, 2), ReportKey(CaseKind.TIP, 2569, 1), "2569-h2-tip"),
        (
            ReportKey(CaseKind.COMPLAINT, 2569, 0),
            ReportKey(CaseKind.COMPLAINT, 2568, 0),
            "2569-year-complaint",
        ),
    ],
)
def test_periods_name_their_files_and_the_period_before(
    key: ReportKey, previous: ReportKey, name: str
) -> None:
    assert key.previous() == previous
    assert key.filename("pdf") == f"intake-report-{name}.pdf"
    assert len(key.months) == (12 if key.half == 0 else 6)
    assert key.start < key.end


def test_a_tip_report_never_shows_one_or_two_in_a_breakdown_nor_a_month(
    app: Flask, seeded: Seeded
) -> None:
    # Given tips whose categories, channels and outcomes hold 1 or 2 cases
    with app.app_context(), app.test_request_context():
        # When the tip report is made, as the PDF's HTML and as a workbook
        report = reports_service.gather(db.session, TIPS, NOW)
        html = report_pdf.html(report, "th")
        book = openpyxl.load_workbook(io.BytesIO(reports.build(db.session, TIPS, "xlsx", NOW).data))

    # Then every breakdown cell of the document is hidden, 0 or 3 and more: the 4 beside
    # the 1 would give the 1 away (5 − 4), so the category table is withheld...
    tables = re.findall(r'<table class="breakdown".*?</table>', html, flags=re.S)
    recurring = re.findall(r'<table class="recurring">.*?</table>', html, flags=re.S)
    assert len(tables) == len(stats_service.BREAKDOWNS) and len(recurring) == 1
    cells = [c for t in tables + recurring for c in re.findall(r'<td class="n">(.*?)</td>', t)]
    assert "x" in cells and "4" not in cells
    assert not [c for c in cells if c.strip() in ("1", "2")], cells
    # ...and of the workbook
    values = [
        value
        for title in ("ประเภทเรื่อง", "ช่องทาง", "หน่วยงาน", "ผลการดำเนินการ", "เรื่องเกิดซ้ำ")
        for row in sheet_rows(book, title)
        for value in row[1:]
    ]
    assert "x" in values and 4 not in values
    assert not [value for value in values if value in (1, 2)], values
    # ...while the period's totals are shown as they are, and no month at all (a tip
    # report is meant for publication)
    assert re.search(r'รวม</th><td class="n">5</td><td class="n">2</td>', html)
    assert '<table class="months">' not in html and "พฤศจิกายน" not in html
    assert "รายเดือน" not in book.sheetnames
    assert count_rows(sheet_rows(book, "ช่วงเวลา"), "รวม")[1:] == [
        TIP_TOTALS[k] for k in stats_service.COUNT_KEYS
    ]


def test_an_empty_period_says_there_were_none(app: Flask) -> None:
    with app.app_context(), app.test_request_context():
        report = reports_service.gather(db.session, TIPS, NOW)
        html = report_pdf.html(report, "th")
    assert "ไม่มีเรื่องร้องเรียนการทุจริตและประพฤติมิชอบในรอบนี้" in html
    assert "<svg" not in html  # no chart of zeros


# ----------------------------------------------------------------------- the files


def test_complaint_report_with_its_narrative_as_pdf_and_xlsx(
    app: Flask, seeded: Seeded, tmp_path: Path
) -> None:
    # Given an executive who writes the report's sections, dates typed in Thai ways
    client = staff_client(app, "boss1", Role.EXECUTIVE)
    query = {**H1, "kind": "complaint"}
    assert client.get("/staff/reports/report", query_string=query).status_code == 200
    saved = client.post("/staff/reports/report", query_string=query, data=narrative_form())
    assert saved.status_code == 303
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert PROBLEMS in shown and "5 เมษายน 2569" in shown and "20 เมษายน 2569" in shown

    # When the PDF and the XLSX are downloaded
    download = "/staff/reports/download"
    pdf = client.get(download, query_string={**query, "format": "pdf"})
    xlsx = client.get(download, query_string={**query, "format": "xlsx"})

    # Then both are attachments with ASCII names
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == (
        'attachment; filename="intake-report-2569-h1-complaint.pdf"'
    )
    assert xlsx.status_code == 200 and xlsx.mimetype == reports.XLSX_MIME
    assert xlsx.headers["Content-Disposition"].endswith('"intake-report-2569-h1-complaint.xlsx"')

    # ...the PDF's text has the headings, the months in BE, the figures and the narrative
    text = pdf_text(pdf.data, tmp_path)
    flat = squeeze(text)
    for heading in ("สถิติรายเดือน", "จำแนกตามประเภทเรื่อง", "ปัญหาและอุปสรรค", "แนวทางแก้ไข"):
        assert heading in flat, heading
    assert "รายงานผลการดำเนินงานเรื่องร้องเรียน/ร้องทุกข์ รอบ 6 เดือน" in flat
    assert "(ตุลาคม 2568 – มีนาคม 2569)" in flat and "ปีงบประมาณ พ.ศ. 2569" in flat
    totals = [COMPLAINT_TOTALS[k] for k in stats_service.COUNT_KEYS]
    assert re.search(r"รวม {} {} {} {}\b".format(*totals), flat), flat
    assert re.search(r"พฤศจิกายน 2568 1 0 1 0\b", flat)
    unbroken = re.sub(r"\s+", "", text)  # the narrative wraps across lines
    for line in (PROBLEMS, REMEDIES, RECOMMENDATIONS):
        assert re.sub(r"\s+", "", line) in unbroken, line
    assert PREPARER in flat and "5 เมษายน 2569" in flat and "20 เมษายน 2569" in flat
    assert "ตรวจสอบโดย" in flat and "......" in flat  # an unsigned line left for a pen
    assert seeded.references[5] in flat and seeded.references[9] not in flat
    assert "รายละเอียดที่ไม่ควรปรากฏในรายงาน" not in flat
    assert re.search(r"หน้า 1/\d", flat)

    # ...the workbook holds the same numbers, as numbers
    book = openpyxl.load_workbook(io.BytesIO(xlsx.data))
    months = sheet_rows(book, "รายเดือน")
    assert count_rows(months, "รวม")[1:] == totals
    assert [tuple(row[1:]) for row in months[:6]] == COMPLAINT_MONTHS
    assert months[0][0] == "ตุลาคม 2568"
    assert book["รายเดือน"].freeze_panes == "A6"
    assert count_rows(sheet_rows(book, "ประเภทเรื่อง"), LIGHTING)[1] == 3
    late = [row[1] for row in sheet_rows(book, "เรื่องค้าง")[:2]]
    assert late == [seeded.references[5], seeded.references[8]]
    narrative = sheet_rows(book, "ข้อความและการลงนาม")
    assert count_rows(narrative, "ปัญหาและอุปสรรค")[1] == PROBLEMS
    assert count_rows(narrative, "จัดทำโดย")[1:] == [PREPARER, PREPARER_POSITION, "5 เมษายน 2569"]
    assert count_rows(narrative, "อนุมัติโดย")[3] == "20 เมษายน 2569"
    assert book["สรุป"]["A2"].font.name == "TH Sarabun New"

    # ...and the save and both downloads are in the audit log
    assert audit_details(app, "report.exported") == [
        "2569-h1-complaint pdf",
        "2569-h1-complaint xlsx",
    ]
    assert "2569-h1-complaint" in audit_details(app, "report.narrative_saved")


def test_a_workbook_is_the_same_bytes_and_typed_text_is_never_a_formula(app: Flask) -> None:
    # Given a narrative that an attacker made look like a formula
    with app.app_context():
        officer_id = make_staff(app, "lawyer1", Role.LEGAL)
        officer = db.session.get(User, officer_id)
        assert officer is not None
        narrative = report_narratives.Narrative(problems='=HYPERLINK("http://x.example","y")')
        report_narratives.save_narrative(
            db.session, current_keyring(), officer, COMPLAINTS, narrative, NOW
        )

        # When the workbook is made twice on the same day
        first = reports.build(db.session, COMPLAINTS, "xlsx", NOW)
        second = reports.build(db.session, COMPLAINTS, "xlsx", NOW + timedelta(hours=1))

    # Then the bytes are the same, and the text stays text
    assert first.data == second.data
    sheet = openpyxl.load_workbook(io.BytesIO(first.data))["ข้อความและการลงนาม"]
    typed = [cell for row in sheet.iter_rows() for cell in row if cell.value == narrative.problems]
    assert typed and all(cell.data_type == "s" for cell in typed)


# ----------------------------------------------------------------------- the pages


def test_only_executives_and_legal_officers_have_the_reports(app: Flask) -> None:
    # Given one account per role that is not meant to have them, and two that are
    roles = {
        "boss1": Role.EXECUTIVE,
        "lawyer1": Role.LEGAL,
        "desk1": Role.INTAKE,
        "dept1": Role.DEPARTMENT,
        "admin1": Role.ADMIN,
    }
    for username, role in roles.items():
        make_staff(app, username, role)
    pages = [
        ("/staff/reports", {}),
        ("/staff/reports/report", {**H1, "kind": "tip"}),
        ("/staff/reports/download", {**H1, "kind": "tip", "format": "xlsx"}),
    ]

    # When each asks for the list, a report and a download
    statuses = {}
    for username in roles:
        client = sign_in(app, username)
        statuses[username] = [client.get(p, query_string=q).status_code for p, q in pages]
    anonymous = [app.test_client().get(p, query_string=q) for p, q in pages]

    # Then executives and legal officers get them, the others are refused, strangers are
    # sent to sign in
    assert statuses == {
        "boss1": [200, 200, 200],
        "lawyer1": [200, 200, 200],
        "desk1": [403, 403, 403],
        "dept1": [403, 403, 403],
        "admin1": [403, 403, 403],
    }
    assert [r.status_code for r in anonymous] == [303, 303, 303]
    assert all(r.headers["Location"].endswith("/staff/login") for r in anonymous)


def test_the_list_links_every_period_and_unknown_reports_are_not_found(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_reports, "_now", lambda: NOW)
    client = staff_client(app, "boss1", Role.EXECUTIVE)

    # The list: three periods of both kinds per year; the menu leads to it
    page = client.get("/staff/reports").get_data(as_text=True)
    for year in (2569, 2568):  # this year, and the one before with its 12-month report
        for half in (0, 1, 2):
            for kind in ("complaint", "tip"):
                assert f"/staff/reports/report?fy={year}&amp;half={half}&amp;kind={kind}" in page
    assert "fy=2567" not in page and "fy=2570" not in page
    assert '<a href="/staff/reports" aria-current="page">รายงาน</a>' in page

    # Reports that cannot exist, and formats that are not offered, are not found
    wrong = [
        {"fy": "2569", "half": "3", "kind": "tip"},
        {"fy": "2569", "half": "1", "kind": "other"},
        {"fy": "69", "half": "1", "kind": "tip"},
        {"fy": "abc", "half": "1", "kind": "tip"},
        {},
    ]
    for query in wrong:
        assert client.get("/staff/reports/report", query_string=query).status_code == 404
        download = {**query, "format": "xlsx"}
        assert client.get("/staff/reports/download", query_string=download).status_code == 404
    docx = {**H1, "kind": "tip", "format": "docx"}
    assert client.get("/staff/reports/download", query_string=docx).status_code == 404


def test_wrong_input_is_shown_beside_its_field_and_nothing_is_lost(app: Flask) -> None:
    # Given a form with a date that cannot be read
    client = staff_client(app, "lawyer1", Role.LEGAL)
    target = {"query_string": {**H1, "kind": "tip"}}
    form = narrative_form(reviewed_on="31 กุมภาพันธ์ 2569", reviewed_name="นายตรวจ สอบดี")

    # When it is sent
    response = client.post("/staff/reports/report", data=form, **target)

    # Then it comes back with the error beside the date, in Thai, and every typed value
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="reviewed_on-error"' in page and "อ่านวันที่ไม่ได้" in page
    assert 'aria-describedby="reviewed_on-hint reviewed_on-error"' in page
    for value in (PROBLEMS, REMEDIES, "นายตรวจ สอบดี", "31 กุมภาพันธ์ 2569", "๒๐/๔/๒๕๖๙"):
        assert value in page, value

    # And a text over 5,000 characters is refused beside its field
    too_long = client.post(
        "/staff/reports/report", data=narrative_form(problems="ก" * 5001), **target
    )
    assert too_long.status_code == 422
    assert 'id="problems-error"' in too_long.get_data(as_text=True)

    # ...and nothing was saved
    with app.app_context():
        assert db.session.scalars(select(ReportNarrative)).all() == []


def test_saving_again_replaces_the_narrative(app: Flask) -> None:
    client = staff_client(app, "lawyer1", Role.LEGAL)
    target = {"query_string": {**H1, "kind": "tip"}}
    client.post("/staff/reports/report", data=narrative_form(), **target)
    client.post("/staff/reports/report", data=narrative_form(problems="แก้ไขใหม่"), **target)
    with app.app_context():
        rows = db.session.scalars(select(ReportNarrative)).all()
        assert [(r.kind, r.half, r.problems) for r in rows] == [(CaseKind.TIP, 1, "แก้ไขใหม่")]
        assert rows[0].prepared_on is not None and rows[0].prepared_on.isoformat() == "2026-04-05"
    form = client.get("/staff/reports/report", **target).get_data(as_text=True)
    assert 'value="5 เมษายน 2569"' in form and "แก้ไขใหม่" in form


def test_without_pdf_rendering_the_page_says_so(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a machine where WeasyPrint cannot load Pango
    def unavailable(html: str, title: str = "") -> bytes:
        raise intake.pdf.PdfUnavailable("libpango missing")

    monkeypatch.setattr(intake.pdf, "render", unavailable)
    client = staff_client(app, "boss1", Role.EXECUTIVE)

    # When a PDF is asked for
    query = {**H1, "kind": "tip", "format": "pdf"}
    response = client.get("/staff/reports/download", query_string=query)

    # Then a Thai page explains it and offers the XLSX; nothing is recorded as exported
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "ยังสร้างไฟล์ PDF ไม่ได้" in page and "format=xlsx" in page
    assert audit_details(app, "report.exported") == []


def test_the_pages_run_as_many_statements_for_many_cases_as_for_few(
    app: Flask, seeded: Seeded
) -> None:
    # Given the report pages and a download over the seeded cases
    client = staff_client(app, "boss1", Role.EXECUTIVE)
    paths = [
        "/staff/reports",
        "/staff/reports/report?fy=2569&half=1&kind=complaint",
        "/staff/reports/download?fy=2569&half=1&kind=tip&format=xlsx",
    ]
    few = {path: statements_of(app, client, path) for path in paths}

    # When twenty more cases of both kinds come in, over months, all of them open
    file_many(app, 20)

    # Then no page asks the database more often (no query per case or per category)
    assert {path: statements_of(app, client, path) for path in paths} == few


# ----------------------------------------------------------------------- the command


def test_the_command_writes_the_file_the_page_gives(
    app: Flask,
    runner: FlaskCliRunner,
    seeded: Seeded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given the tip report downloaded by a legal officer
    client = staff_client(app, "legal9", Role.LEGAL)
    query = {**H1, "kind": "tip", "format": "pdf"}
    web = client.get("/staff/reports/download", query_string=query)
    assert web.status_code == 200

    # When the command writes it, at the same instant, to the current directory
    monkeypatch.setattr("intake.cli.reports.utc_now", lambda: NOW)
    monkeypatch.chdir(tmp_path)
    tip_h1 = ["intake", "report", "--fy", "2569", "--half", "1", "--kind", "tip"]
    result = runner.invoke(args=[*tip_h1, "--format", "pdf"])

    # Then it prints only the path, and the file says what the download says
    assert result.exit_code == 0, result.output
    written = tmp_path / "intake-report-2569-h1-tip.pdf"
    assert result.output.strip() == str(written)
    from_command = pdf_text(written.read_bytes(), tmp_path, "command.pdf")
    assert from_command == pdf_text(web.data, tmp_path, "web.pdf")
    assert "< 3" in from_command and seeded.references[12] in from_command
    assert audit_details(app, "report.exported") == ["2569-h1-tip pdf"] * 2

    # When a workbook is asked for where it should go, then for the whole year by default
    target = tmp_path / "out" / "tips.xlsx"
    target.parent.mkdir()
    workbook = runner.invoke(args=[*tip_h1, "--format", "xlsx", "--output", str(target)])
    year_file = tmp_path / "year.xlsx"
    year = runner.invoke(
        args=[
            "intake",
            "report",
            "--fy",
            "2569",
            "--kind",
            "tip",
            "--format",
            "xlsx",
            "--output",
            str(year_file),
        ]
    )

    # Then they are there, with the tip totals and the period named in the title
    assert workbook.exit_code == 0 and workbook.output.strip() == str(target)
    book = openpyxl.load_workbook(target)
    assert count_rows(sheet_rows(book, "ช่วงเวลา"), "รวม")[1] == TIP_TOTALS["received"]
    assert year.exit_code == 0, year.output
    title = str(openpyxl.load_workbook(year_file)["สรุป"]["A2"].value)
    assert "รอบ 12 เดือน (ตุลาคม 2568 – กันยายน 2569)" in title


def test_the_command_refuses_a_year_that_is_not_buddhist_era(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["intake", "report", "--fy", "2026", "--kind", "tip", "--format", "xlsx"]
    )
    assert result.exit_code != 0 and "BE year" in result.output
