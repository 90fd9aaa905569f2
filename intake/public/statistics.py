"""Public statistics: the page, and the same figures as JSON and CSV (open data)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from flask import abort, make_response, render_template, request
from flask.typing import ResponseReturnValue

from intake import thaidate, validators
from intake.extensions import db
from intake.models import CaseKind
from intake.public import bp
from intake.services import stats as stats_service


def now() -> datetime:
    return datetime.now(UTC)


def _stats_query() -> tuple[int, list[CaseKind]]:
    current = thaidate.fiscal_year(thaidate.local_date(now()))
    try:
        fiscal_year = validators.normalize_number(request.args.get("fy", "") or str(current))
    except validators.InvalidValue:
        abort(400)
    if not 2500 <= fiscal_year <= 2700:
        abort(400)
    kind = request.args.get("kind", "")
    if kind and kind not in {k.value for k in CaseKind}:
        abort(400)
    return fiscal_year, [CaseKind(kind)] if kind else list(CaseKind)


@bp.get("/stats")
def stats() -> ResponseReturnValue:
    fiscal_year, kinds = _stats_query()
    data = stats_service.monthly(db.session, fiscal_year, kinds)
    return render_template(
        "public/stats.html",
        fiscal_year=fiscal_year,
        stats=data,
        kinds=kinds,
        kind_param=request.args.get("kind", ""),
        month_dates=thaidate.fiscal_months(fiscal_year),
    )


@bp.get("/stats.json")
def stats_json() -> ResponseReturnValue:
    fiscal_year, kinds = _stats_query()
    return stats_service.as_json(fiscal_year, stats_service.monthly(db.session, fiscal_year, kinds))


@bp.get("/stats.csv")
def stats_csv() -> ResponseReturnValue:
    fiscal_year, kinds = _stats_query()
    data = stats_service.monthly(db.session, fiscal_year, kinds)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(stats_service.csv_rows(fiscal_year, data))
    response = make_response("\ufeff" + buffer.getvalue())  # BOM: Excel opens Thai CSV right
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="intake-stats-{fiscal_year}.csv"'
    )
    return response
