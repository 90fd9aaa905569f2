"""Words and number formats the PDF and the XLSX share, so the two files say the same.

Call under ``flask_babel.force_locale``: every function reads the current locale.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from intake import labels, thaidate
from intake.local_names import in_language
from intake.models import CaseKind
from intake.services.figures import SMALL_CELL, Count
from intake.services.report_periods import ReportKey
from intake.services.reports import LONG_RUNNING_DAYS, Report

KIND_NAMES = {
    CaseKind.COMPLAINT: _l("เรื่องร้องเรียน/ร้องทุกข์"),
    CaseKind.TIP: _l("เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ"),
}
PERIOD_NAMES = {
    0: _l("รอบ 12 เดือน"),
    1: _l("รอบ 6 เดือน"),
    2: _l("รอบ 6 เดือนหลัง"),
}
BREAKDOWN_TITLES = {name: breakdown.title for name, breakdown in labels.BREAKDOWN.items()}
BREAKDOWN_COLUMN = {name: breakdown.column for name, breakdown in labels.BREAKDOWN.items()}
SECTIONS = {
    "problems": _l("ปัญหาและอุปสรรค"),
    "remedies": _l("แนวทางแก้ไข"),
    "recommendations": _l("ข้อเสนอแนะ"),
}
SIGNERS = {
    "prepared": _l("จัดทำโดย"),
    "reviewed": _l("ตรวจสอบโดย"),
    "approved": _l("อนุมัติโดย"),
}


def english(language: str) -> bool:
    return language == "en"


def month(d: date, language: str) -> str:
    return thaidate.format_month(d, language)


def day(d: date | None, language: str) -> str:
    return "" if d is None else thaidate.format_date(d, language)


def short_day(d: date, language: str) -> str:
    """For narrow table cells: "10 พ.ย. 2568" / "10 Nov 2025"."""
    return thaidate.format_date(d, language, "short")


def count(value: Count) -> str:
    """A count as printed: 1,234, or "< 3" as it came."""
    return value if isinstance(value, str) else f"{value:,}"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f}"


def is_small(value: Count) -> bool:
    return value == SMALL_CELL


def kind_name(kind: CaseKind) -> str:
    return str(KIND_NAMES[kind])


def span(key: ReportKey, language: str) -> str:
    months = key.months
    return f"{month(months[0], language)} – {month(months[-1], language)}"


_NUMBER_AND_UNIT = re.compile(r"(\d[\d,.]*) (\S+)")


def keep_units(label: str) -> Markup:
    """``label`` with each number held on one line with the word after it ("15 วัน"): a
    narrow column header must not leave the unit alone on the next line."""
    return Markup(  # noqa: S704  # nosec B704 - the label is escaped; only our span is markup
        _NUMBER_AND_UNIT.sub(r'<span class="keep">\1 \2</span>', str(escape(label)))
    )


def title_parts(key: ReportKey, language: str) -> tuple[str, str, str, str]:
    """The title in the parts a line may break between, never inside (the PDF keeps each
    of the last three on one line, so "รอบ 6 เดือน" is never split after the 6): what is
    reported, the round, the months, the fiscal year."""
    head = _("รายงานผลการดำเนินงาน%(kind)s", kind=kind_name(key.kind))
    year = _("ปีงบประมาณ พ.ศ. %(year)d", year=key.fiscal_year)
    return head, str(PERIOD_NAMES[key.half]), f"({span(key, language)})", year


def title(key: ReportKey, language: str) -> str:
    """E.g. "รายงานผลการดำเนินงานเรื่องร้องเรียน/ร้องทุกข์ รอบ 6 เดือน (ตุลาคม 2568 –
    มีนาคม 2569) ปีงบประมาณ พ.ศ. 2569"."""
    return " ".join(title_parts(key, language))


def short_title(key: ReportKey, language: str) -> str:
    """For the page list and the tab: period and year, without the organisation."""
    return _(
        "%(period)s ปีงบประมาณ พ.ศ. %(year)d",
        period=str(PERIOD_NAMES[key.half]),
        year=key.fiscal_year,
    )


def organisation(report: Report, language: str) -> str:
    return report.organisation_en if english(language) else report.organisation_th


def unit(report: Report, language: str) -> str:
    return report.unit_en if english(language) else report.unit_th


def produced(report: Report, language: str) -> str:
    return _("ข้อมูล ณ วันที่ %(date)s", date=day(report.produced_on, language))


def label(item: Any, language: str) -> str:
    """A breakdown cell's or a recurring category's name in the report's language."""
    return str(in_language(item.label_th, item.label_en, english(language)))


def month_columns(response_days: int) -> list[str]:
    return [
        _("เดือน"),
        _("รับเรื่อง"),
        _("ดำเนินการแล้วเสร็จ"),
        _("อยู่ระหว่างดำเนินการ"),
        _("ตอบภายใน %(days)d วัน", days=response_days),
    ]


def received_only(kind: CaseKind, name: str) -> bool:
    """Whether a breakdown gives the number of cases alone: outcomes, and every tip
    breakdown (published tips give each line's received count only)."""
    return name == "outcome" or kind is CaseKind.TIP


def breakdown_columns(
    name: str, response_days: int, kind: CaseKind = CaseKind.COMPLAINT
) -> list[str]:
    first = str(BREAKDOWN_COLUMN[name])
    if received_only(kind, name):
        return [first, _("จำนวนเรื่อง")]
    return [first, *month_columns(response_days)[1:]]


def case_columns() -> list[str]:
    return [
        _("ที่"),
        _("เลขที่เรื่อง"),
        _("ประเภทเรื่อง"),
        _("หน่วยงาน"),
        _("วันที่รับเรื่อง"),
        _("รับมาแล้ว (วัน)"),
        _("เกินกำหนด (วัน)"),
        _("สถานะ"),
    ]


def recurring_columns() -> list[str]:
    return [_("ประเภทเรื่อง"), _("รอบนี้"), _("รอบก่อน"), _("เกิดซ้ำ")]


def cases_heading() -> str:
    return _("เรื่องที่เกินกำหนดและเรื่องที่ดำเนินการนานเกิน %(days)d วัน", days=LONG_RUNNING_DAYS)


def cases_summary(report: Report) -> str:
    cases = report.cases
    return _(
        "ณ วันที่จัดทำรายงาน มีเรื่องที่ยังไม่แล้วเสร็จและเกินกำหนดเวลาตอบ %(overdue)s เรื่อง "
        "และเรื่องที่รับไว้นานเกิน %(days)d วัน %(long)s เรื่อง",
        overdue=count(cases.overdue),
        long=count(cases.long_running),
        days=LONG_RUNNING_DAYS,
    )


def cases_more(report: Report) -> str:
    return _("และอีก %(count)s เรื่อง", count=count(report.cases.more))


def recurring_note(report: Report, language: str) -> str:
    previous = report.previous
    return _(
        "เทียบกับรอบก่อนหน้าที่มีระยะเวลาเท่ากัน (%(span)s) "
        "“เกิดซ้ำ” หมายถึงเป็นประเภทเรื่องที่มีจำนวนมากในรอบก่อนด้วย",
        span=span(previous, language),
    )


def none_received(kind: CaseKind) -> str:
    if kind is CaseKind.TIP:
        return _("ไม่มีเรื่องร้องเรียนการทุจริตและประพฤติมิชอบในรอบนี้")
    return _("ไม่มีเรื่องร้องเรียนในรอบนี้")


def on_time_sentence(report: Report) -> str:
    rate = report.stats.on_time_rate
    if rate is None:
        return ""
    return _(
        "ตอบผู้ร้อง/ผู้แจ้งภายใน %(days)d วันนับแต่วันรับเรื่อง %(count)s เรื่อง คิดเป็นร้อยละ %(rate)s",
        days=report.response_days,
        count=count(report.stats.totals["on_time"]),
        rate=percent(rate),
    )


def small_cell_note() -> str:
    return _(
        "เพื่อคุ้มครองผู้แจ้ง รายการที่มี 1–2 เรื่องแสดงเป็น “< 3” และรายการที่เล็กรองลงมา"
        "ของตารางเดียวกันแสดงเป็น “x” เพื่อไม่ให้หาตัวเลขที่ปกปิดได้จากการลบยอดรวม"
        " (ยอดรวมแสดงตามจริง)"
    )


def tip_periods_note() -> str:
    return _(
        "รายงานเรื่องแจ้งเบาะแสเผยแพร่ได้: ตัวเลขเป็นรายครึ่งปีและรายปีเท่านั้น ไม่แสดงรายเดือน"
        " ตามหลักเดียวกับสถิติที่เผยแพร่บนเว็บไซต์"
    )


def yes() -> str:
    return _("ใช่")
