"""Reports for executives: the list of periods, a page per report with its written
sections and sign-off, and the PDF and XLSX downloads.

A report is named in the query string (``?fy=2569&half=1&kind=tip``); anything else is
404. The figures are aggregates (tip cells of 1–2 hidden) and the case list carries
references only, which is why executives, who never read cases, may see them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from intake import reports, validators
from intake.extensions import db
from intake.i18n import current_language
from intake.models import CaseKind
from intake.pdf import PdfUnavailable
from intake.permissions import Permission, requires
from intake.problem_messages import say
from intake.reports import text
from intake.services import ServiceError, report_narratives
from intake.services import reports as reports_service
from intake.services.keyring import current_keyring
from intake.services.report_periods import ReportKey
from intake.staff.blueprint import bp
from intake.staff.report_forms import NarrativeForm

HALVES_LISTED = (1, 2, 0)  # the order of a year's rows: first half, second half, whole year


def _now() -> datetime:
    return datetime.now(UTC)


def _key() -> ReportKey:
    """The report named by the query string, or 404."""
    try:
        fiscal_year = validators.normalize_number(request.args.get("fy", ""))
        half = validators.normalize_number(request.args.get("half", ""))
        kind = CaseKind(request.args.get("kind", ""))
        return ReportKey(kind, fiscal_year, half)
    except (validators.InvalidValue, ValueError, ServiceError):
        abort(404)


def _language() -> str:
    language = current_language()
    return language if language in reports.LANGUAGES else "th"


def _args(key: ReportKey) -> dict[str, Any]:
    return {"fy": key.fiscal_year, "half": key.half, "kind": key.kind.value}


@bp.get("/reports", endpoint="reports")
@requires(Permission.REPORTS)
def reports_list() -> ResponseReturnValue:
    now = _now()
    years = reports_service.available_years(db.session, now)
    saved = report_narratives.saved_keys(db.session)
    rows = [
        [ReportKey(kind, year, half) for kind in CaseKind]
        for year in years
        for half in HALVES_LISTED
    ]
    return render_template(
        "staff/reports.html", rows=rows, saved=saved, now=now, t=text, language=_language()
    )


@bp.route("/reports/report", methods=["GET", "POST"])
@requires(Permission.REPORTS)
def report() -> ResponseReturnValue:
    key = _key()
    form = NarrativeForm()
    if form.validate_on_submit():
        try:
            report_narratives.save_narrative(
                db.session, current_keyring(), current_user, key, form.narrative(), _now()
            )
        except ServiceError as error:
            flash(say(error.code), "error")
        else:
            flash(_("บันทึกข้อความในรายงานแล้ว"), "success")
            return redirect(url_for("staff.report", **_args(key)), 303)
    page = reports_service.gather(db.session, key, _now(), current_user)
    if request.method == "GET":
        form.fill(page.narrative)
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "staff/reports_page.html",
            form=form,
            report=page,
            key=key,
            args=_args(key),
            formats=reports.FORMATS,
            t=text,
            language=_language(),
            thai_digits=reports.thai_digits(db.session, _language(), None),
        ),
        status,
    )


@bp.get("/reports/download")
@requires(Permission.REPORTS)
def report_download() -> ResponseReturnValue:
    key = _key()
    fmt = request.args.get("format", "")
    digits = request.args.get("digits") or None
    if fmt not in reports.FORMATS or (digits is not None and digits not in reports.DIGITS):
        abort(404)
    try:
        file = reports.export(
            db.session, current_keyring(), current_user, key, fmt, _now(), _language(), digits
        )
    except PdfUnavailable:
        db.session.rollback()
        page = render_template("staff/reports_unavailable.html", key=key, args=_args(key))
        return page, 503
    response = make_response(file.data)
    response.headers["Content-Type"] = file.mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
