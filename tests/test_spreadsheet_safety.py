"""Text that staff typed never becomes a formula in a file the system writes: the open-data
CSV (/stats.csv) and the report workbooks (XLSX)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from intake import reports
from intake.extensions import db
from intake.models import CaseKind, Category, Department, Role, User
from intake.services import case_actions
from intake.services.filing import FilingInput, file_case
from intake.services.keyring import current_keyring
from intake.services.report_periods import ReportKey
from intake.spreadsheet import spreadsheet_safe
from tests.support.staff import make_staff

# 10:00 in Bangkok on 6 January 2026 (fiscal year 2569, first half).
RECEIVED = datetime(2026, 1, 6, 3, 0, tzinfo=UTC)
NOW = datetime(2026, 4, 20, 3, 0, tzinfo=UTC)
HYPERLINK_CATEGORY = '=HYPERLINK("http://x","y")'
COMMAND_DEPARTMENT = "+1+cmd"


def test_text_that_starts_a_formula_is_quoted_and_numbers_stay_numbers() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert spreadsheet_safe(text) == "'" + text
    assert spreadsheet_safe("ถนน = ทางเท้า") == "ถนน = ทางเท้า"
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe(-3) == -3 and spreadsheet_safe(0.5) == 0.5
    assert spreadsheet_safe(None) is None


@pytest.fixture
def hostile_names(app: Flask) -> None:
    """A complaint in a category and a department whose names an administrator typed
    as formulas, assigned so that both show in the breakdowns."""
    make_staff(app, "desk1", Role.INTAKE)
    with app.app_context():
        department = Department(name_th=COMMAND_DEPARTMENT, name_en=COMMAND_DEPARTMENT)
        category = Category(
            kind=CaseKind.COMPLAINT, name_th=HYPERLINK_CATEGORY, name_en=HYPERLINK_CATEGORY
        )
        db.session.add_all([department, category])
        db.session.commit()
        keyring = current_keyring()
        filed = file_case(
            db.session,
            keyring,
            Path(app.config["INTAKE_UPLOADS_PATH"]),
            FilingInput(
                kind=CaseKind.COMPLAINT,
                subject="ทดสอบ",
                details="ทดสอบ",
                category_id=category.id,
                received_at=RECEIVED,
            ),
            RECEIVED,
        )
        desk = db.session.scalars(db.select(User).where(User.username == "desk1")).one()
        case_actions.accept(db.session, keyring, desk, filed.case_id, now=RECEIVED)
        case_actions.assign(
            db.session, keyring, desk, filed.case_id, department_id=department.id, now=RECEIVED
        )


@pytest.mark.usefixtures("hostile_names")
def test_names_that_look_like_formulas_are_neutralised_in_the_stats_csv(
    client: FlaskClient,
) -> None:
    response = client.get("/stats.csv?fy=2569&kind=complaint")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    header = rows[0]
    labels = {(row[header.index("breakdown")], row[header.index("label_th")]) for row in rows[1:]}
    assert ("category", "'" + HYPERLINK_CATEGORY) in labels
    assert ("department", "'" + COMMAND_DEPARTMENT) in labels
    # No cell of the file starts a formula, and counts are still plain numbers
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@", "\t", "\r")]
    assert not [cell for cell in cells if cell.startswith("-")]
    received = [row[header.index("received")] for row in rows[1:]]
    assert all(value.isdigit() for value in received)


@pytest.mark.usefixtures("hostile_names")
def test_names_that_look_like_formulas_stay_text_in_the_report_workbook(app: Flask) -> None:
    with app.app_context(), app.test_request_context():
        key = ReportKey(CaseKind.COMPLAINT, 2569, 1)
        data = reports.build(db.session, key, "xlsx", NOW).data

    book = openpyxl.load_workbook(io.BytesIO(data))
    hostile = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
        and cell.value.lstrip("'") in (HYPERLINK_CATEGORY, COMMAND_DEPARTMENT)
    ]
    shown = {cell.value.lstrip("'") for cell in hostile}
    assert shown == {HYPERLINK_CATEGORY, COMMAND_DEPARTMENT}
    for cell in hostile:
        # A text cell, marked so that a spreadsheet keeps it text even when it is edited
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert not [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
