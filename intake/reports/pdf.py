"""A report as a PDF: templates/reports/report.html, rendered by WeasyPrint (intake.pdf)
in Sarabun, A4 portrait, numbered "หน้า N/M"."""

from __future__ import annotations

from typing import Any

from flask import render_template
from markupsafe import Markup

from intake import pdf
from intake.reports import charts, text
from intake.services.reports import SIGNERS, Report
from intake.services.stats import BREAKDOWNS


def html(report: Report, language: str) -> str:
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
    }
    return render_template("reports/report.html", **context)


def build(report: Report, language: str) -> bytes:
    return pdf.render(html(report, language))
