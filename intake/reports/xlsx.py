"""A report as an XLSX workbook (openpyxl): one sheet per table, Thai headers, counts as
numbers ("< 3" stays text), frozen header rows, a Thai-capable font.

The same report gives the same bytes: the document's dates and every zip entry's time
are the day the report was produced, never the moment the file was written.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from intake import labels
from intake.reports import text
from intake.services.report_narratives import SIGNERS
from intake.services.reports import Report
from intake.services.stats import BREAKDOWNS, COUNT_KEYS
from intake.spreadsheet import looks_like_formula

FONT_NAME = "TH Sarabun New"  # the government face; Excel and LibreOffice fall back if absent
FONT_SIZE = 14
BODY = Font(name=FONT_NAME, size=FONT_SIZE)
BOLD = Font(name=FONT_NAME, size=FONT_SIZE, bold=True)
TITLE = Font(name=FONT_NAME, size=16, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="ECEFF2")
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ROW = 5  # rows 1–3: organisation, title, date; row 5: the table's header
PERCENT = "0.0%"
MAX_WIDTH = 60


def _put(ws: Worksheet, row: int, column: int, value: Any, font: Font = BODY) -> XlCell:
    cell = ws.cell(row=row, column=column, value=value)
    if looks_like_formula(value):
        # Typed text is never a formula: a text cell, marked so that editing it in a
        # spreadsheet keeps it text (the name itself is shown as it was typed).
        cell.data_type = "s"
        cell.quotePrefix = True
    cell.font = font
    return cell


def _title_block(ws: Worksheet, report: Report, language: str) -> None:
    _put(ws, 1, 1, text.organisation(report, language), BOLD)
    _put(ws, 2, 1, text.title(report.key, language), TITLE)
    _put(ws, 3, 1, text.produced(report, language))


def _table(
    ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]], total: Sequence[Any] = ()
) -> int:
    """Header at HEADER_ROW, frozen; returns the next free row."""
    for column, name in enumerate(header, start=1):
        cell = _put(ws, HEADER_ROW, column, name, BOLD)
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    row_no = HEADER_ROW + 1
    for row in [*rows, *([total] if total else [])]:
        font = BOLD if total and row is total else BODY
        for column, value in enumerate(row, start=1):
            _put(ws, row_no, column, value, font)
        row_no += 1
    return row_no


def _widths(ws: Worksheet, minimum: int = 10) -> None:
    """Columns as wide as their longest value below the title block (Thai marks take no
    room, so characters are a generous measure)."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=HEADER_ROW):
        for cell in row:
            if cell.value is None:
                continue
            longest = max(len(line) for line in str(cell.value).split("\n"))
            widths[cell.column] = max(widths.get(cell.column, minimum), longest + 2)
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(width, MAX_WIDTH)


def _sheet(wb: Workbook, title: str, report: Report, language: str) -> Worksheet:
    # Sheet names: at most 31 characters, none of []:*?/\ (a translation may have them).
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", "-", title)[:31])
    _title_block(ws, report, language)
    return ws


def _summary(wb: Workbook, report: Report, language: str) -> None:
    ws = _sheet(wb, _("สรุป"), report, language)
    s = report.stats
    sat = s.satisfaction
    counts: list[tuple[str, Any]] = [
        (_("รับเรื่อง"), s.totals["received"]),
        (_("ดำเนินการแล้วเสร็จ"), s.totals["completed"]),
        (_("อยู่ระหว่างดำเนินการ"), s.totals["in_progress"]),
        (_("ตอบภายใน %(days)d วัน", days=report.response_days), s.totals["on_time"]),
        (_("ผู้ตอบแบบประเมินความพึงพอใจ"), sat.responses),
        (_("พึงพอใจระดับ 4–5"), sat.satisfied),
    ]
    shares: list[tuple[str, Any]] = [
        (_("อัตราการตอบภายในกำหนด"), s.on_time_rate),
        (_("สัดส่วนผู้พึงพอใจ"), sat.share),
        (_("เป้าหมายความพึงพอใจ"), sat.target_percent / 100),
    ]
    next_row = _table(ws, [_("รายการ"), _("จำนวน")], [list(row) for row in counts + shares])
    for row_no in range(next_row - len(shares), next_row):
        ws.cell(row=row_no, column=2).number_format = PERCENT
    if not s.totals["received"]:
        _put(ws, next_row + 1, 1, text.none_received(report.key.kind))
    _widths(ws)


def _months(wb: Workbook, report: Report, language: str) -> None:
    if not report.stats.months:
        _periods(wb, report, language)
        return
    ws = _sheet(wb, _("รายเดือน"), report, language)
    rows = [
        [text.month(m, language), *(getattr(r, k) for k in COUNT_KEYS)]
        for m, r in zip(report.key.months, report.stats.months, strict=True)
    ]
    total = [_("รวม"), *(report.stats.totals[k] for k in COUNT_KEYS)]
    _table(ws, text.month_columns(report.response_days), rows, total)
    _widths(ws)


def _periods(wb: Workbook, report: Report, language: str) -> None:
    """Tips: the halves and the total, never the months (the report may be published)."""
    ws = _sheet(wb, _("ช่วงเวลา"), report, language)
    rows = [
        [str(text.PERIOD_NAMES[row.half]), *(getattr(row, k) for k in COUNT_KEYS)]
        for row in report.stats.halves
    ]
    total = [_("รวม"), *(report.stats.totals[k] for k in COUNT_KEYS)]
    columns = [_("ช่วงเวลา"), *text.month_columns(report.response_days)[1:]]
    next_row = _table(ws, columns, rows, total)
    _put(ws, next_row + 1, 1, text.tip_periods_note())
    _widths(ws)


def _breakdown(wb: Workbook, report: Report, language: str, name: str) -> None:
    ws = _sheet(wb, str(text.BREAKDOWN_COLUMN[name]), report, language)
    kind = report.key.kind
    keys = ("received",) if text.received_only(kind, name) else COUNT_KEYS
    rows = [
        [text.label(cell, language), *(getattr(cell, k) for k in keys)]
        for cell in report.stats.breakdowns[name]
    ]
    next_row = _table(ws, text.breakdown_columns(name, report.response_days, kind), rows)
    if report.key.kind.value == "tip":
        _put(ws, next_row + 1, 1, text.small_cell_note())
    _widths(ws)


def _cases(wb: Workbook, report: Report, language: str) -> None:
    ws = _sheet(wb, _("เรื่องค้าง"), report, language)
    english = text.english(language)
    rows = [
        [
            index,
            row.reference,
            row.category_en if english else row.category_th,
            row.department_en if english else row.department_th,
            text.day(row.received_on, language),
            row.days_open,
            row.days_overdue,
            str(labels.STATUS[row.status]),
        ]
        for index, row in enumerate(report.cases.rows, start=1)
    ]
    next_row = _table(ws, text.case_columns(), rows)
    _put(ws, next_row + 1, 1, text.cases_summary(report))
    if report.cases.more:
        _put(ws, next_row + 2, 1, text.cases_more(report))
    _widths(ws, minimum=8)
    ws.column_dimensions["A"].width = 8


def _recurring(wb: Workbook, report: Report, language: str) -> None:
    ws = _sheet(wb, _("เรื่องเกิดซ้ำ"), report, language)
    rows = [
        [
            text.label(item, language),
            item.received,
            item.previous,
            text.yes() if item.recurring else "",
        ]
        for item in report.recurring
    ]
    next_row = _table(ws, text.recurring_columns(), rows)
    _put(ws, next_row + 1, 1, text.recurring_note(report, language))
    _widths(ws)


def _narrative(wb: Workbook, report: Report, language: str) -> None:
    ws = _sheet(wb, _("ข้อความและการลงนาม"), report, language)
    narrative = report.narrative
    rows: list[list[Any]] = [
        [str(heading), getattr(narrative, name)] for name, heading in text.SECTIONS.items()
    ]
    next_row = _table(ws, [_("หัวข้อ"), _("รายละเอียด")], rows)
    for row in ws.iter_rows(min_row=HEADER_ROW + 1, max_row=next_row - 1, max_col=2):
        for cell in row:
            cell.alignment = WRAP
    start = next_row + 1
    for column, name in enumerate([_("การลงนาม"), _("ชื่อ"), _("ตำแหน่ง"), _("วันที่")], 1):
        _put(ws, start, column, name, BOLD).fill = HEADER_FILL
    for offset, who in enumerate(SIGNERS, start=1):
        values = [
            str(text.SIGNERS[who]),
            getattr(narrative, f"{who}_name"),
            getattr(narrative, f"{who}_position"),
            text.day(getattr(narrative, f"{who}_on"), language),
        ]
        for column, value in enumerate(values, start=1):
            _put(ws, start + offset, column, value)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["D"].width = 22


def _fixed_times(data: bytes, when: datetime) -> bytes:
    """The same zip with every entry dated ``when`` (zipfile stamps the current time)."""
    stamp = (when.year, when.month, when.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def build(report: Report, language: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    _summary(wb, report, language)
    _months(wb, report, language)
    for name in BREAKDOWNS:
        _breakdown(wb, report, language, name)
    _cases(wb, report, language)
    _recurring(wb, report, language)
    _narrative(wb, report, language)
    produced = datetime.combine(report.produced_on, datetime.min.time())
    wb.properties.creator = text.organisation(report, language)
    wb.properties.title = text.title(report.key, language)
    wb.properties.created = produced
    wb.properties.modified = produced
    buffer = io.BytesIO()
    # ExcelWriter, not save_workbook: the latter stamps "modified" with the current time.
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
    ExcelWriter(wb, archive).save()
    return _fixed_times(buffer.getvalue(), produced)
