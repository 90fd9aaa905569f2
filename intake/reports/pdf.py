"""A report as a PDF: templates/reports/report.html, rendered by WeasyPrint (intake.pdf)
in Sarabun, A4 portrait, numbered "หน้า N/M", in Arabic or Thai numerals."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from intake import pdf, thaidigits
from intake.reports import charts, text
from intake.services.report_narratives import SIGNERS
from intake.services.reports import Report
from intake.services.stats import BREAKDOWNS


def html(report: Report, language: str, thai_digits: bool = False) -> str:
    """The document's HTML (under ``force_locale(language)``)."""
    chart_set: dict[str, Markup] = charts.for_report(report, language)
    context: dict[str, Any] = {
        "report": report,
        "language": language,
        "t": text,
        "font_css": Markup(pdf.font_face_css()),  # noqa: S704  # nosec B704 - our own @font-face rules
        "font_family": pdf.FONT_FAMILY,
        "charts": chart_set,
        "breakdowns": BREAKDOWNS,
        "signers": SIGNERS,
        # CSS counters (the page numbers) in the digits the text is printed in.
        "counter_style": "thai" if thai_digits else "decimal",
    }
    document = render_template("reports/report.html", **context)
    return thaidigits.in_html(document) if thai_digits else document


def build(report: Report, language: str, thai_digits: bool = False) -> bytes:
    return pdf.render(html(report, language, thai_digits))
