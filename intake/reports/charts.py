"""The report's charts (intake.charts), titled and described in the report's language.

A period with no case gets no chart: the table says "none" and a chart of zeros would
say nothing more.
"""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup

from intake import charts, thaidate
from intake.reports import text
from intake.services.figures import BREAKDOWNS, HIDDEN_CELL
from intake.services.reports import Report


def month_labels(report: Report, language: str) -> list[str]:
    """Two lines per month: "ต.ค.\\n2568" / "Oct\\n2025"."""
    if text.english(language):
        return [f"{thaidate.ENGLISH_MONTHS_ABBR[m.month - 1]}\n{m.year}" for m in report.key.months]
    return [
        f"{thaidate.THAI_MONTHS_ABBR[m.month - 1]}\n{thaidate.be_year(m)}"
        for m in report.key.months
    ]


def for_report(report: Report, language: str) -> dict[str, Markup]:
    """{"monthly": svg, "category": svg, ...}; empty when nothing was received."""
    if not report.stats.totals.get("received"):
        return {}
    key = report.key.slug
    result = {}
    if report.stats.months:  # a tip report has none: tips are published by half-year
        result["monthly"] = charts.monthly_chart(
            report.stats,
            month_labels(report, language),
            _("แผนภูมิจำนวนเรื่องรายเดือน"),
            _(
                "แผนภูมิแท่งแสดงจำนวนเรื่องที่รับ ดำเนินการแล้วเสร็จ และตอบภายในกำหนด "
                "ของแต่ละเดือน ตัวเลขเดียวกันอยู่ในตารางสถิติรายเดือน"
            ),
            chart_id=f"chart-{key}-monthly",
        )
    for name in BREAKDOWNS:
        # Lines with no case stay in the table; in a chart they are only noise, and a
        # line hidden with a small one ("x") has no length to draw.
        cells = [
            cell for cell in report.stats.breakdowns[name] if cell.received not in (0, HIDDEN_CELL)
        ]
        if not cells:
            continue
        heading = str(text.BREAKDOWN_TITLES[name])
        result[name] = charts.breakdown_chart(
            cells,
            _("แผนภูมิจำนวนเรื่อง%(by)s", by=heading),
            _("แผนภูมิแท่งแสดงจำนวนเรื่องที่รับ%(by)s ตัวเลขเดียวกันอยู่ในตารางข้างต้น", by=heading),
            english=text.english(language),
            chart_id=f"chart-{key}-{name}",
        )
    return result
