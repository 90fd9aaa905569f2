"""Public statistics: the page, and the same figures as JSON and CSV (open data).

The three routes read one query (``fy`` in BE, Thai digits allowed; ``half`` 1 or 2,
absent or 0 for the whole year; ``kind``) and compute the figures once through
``intake.services.stats``; anything else in the query is a 400, never a 500.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from flask import abort, current_app, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from intake import charts, labels, thaidate, validators
from intake.addresses import request_organisation
from intake.cache import TimedCache
from intake.extensions import db
from intake.i18n import current_language
from intake.models import CaseKind
from intake.public.blueprint import bp
from intake.services import figures, stats_open_data
from intake.services import stats as stats_service
from intake.spreadsheet import safe_rows

T = TypeVar("T")
MIN_FISCAL_YEAR, MAX_FISCAL_YEAR = 2500, 2700

HALF_LABELS = {
    stats_service.WHOLE_YEAR: _l("ทั้งปีงบประมาณ (ต.ค.–ก.ย.)"),
    1: _l("ครึ่งปีแรก (ต.ค.–มี.ค.)"),
    2: _l("ครึ่งปีหลัง (เม.ย.–ก.ย.)"),
}
BREAKDOWN_TITLES = {name: breakdown.title for name, breakdown in labels.BREAKDOWN.items()}
BREAKDOWN_HEADERS = {name: breakdown.column for name, breakdown in labels.BREAKDOWN.items()}


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StatsQuery:
    fiscal_year: int
    half: int
    kinds: list[CaseKind]
    kind_param: str  # "" for both kinds

    @property
    def months(self) -> list[date]:
        return stats_service.period_months(self.fiscal_year, self.half)

    def link_args(self) -> dict[str, object]:
        """The query as it goes into links (only what differs from the defaults)."""
        return {"fy": self.fiscal_year, "half": self.half or None, "kind": self.kind_param or None}


def current_fiscal_year() -> int:
    return thaidate.fiscal_year(thaidate.local_date(now()))


def _number(name: str, default: int) -> int:
    raw = request.args.get(name, "")
    if not raw.strip():
        return default
    try:
        return validators.normalize_number(raw)
    except validators.InvalidValue:
        abort(400)


def _stats_query() -> StatsQuery:
    fiscal_year = _number("fy", current_fiscal_year())
    if not MIN_FISCAL_YEAR <= fiscal_year <= MAX_FISCAL_YEAR:
        abort(400)
    half = _number("half", stats_service.WHOLE_YEAR)
    if half not in stats_service.HALVES:
        abort(400)
    kind = request.args.get("kind", "")
    if kind and kind not in {k.value for k in CaseKind}:
        abort(400)
    return StatsQuery(fiscal_year, half, [CaseKind(kind)] if kind else list(CaseKind), kind)


def _cached(key: tuple[object, ...], compute: Callable[[], T]) -> T:
    """Figures kept for INTAKE_STATS_CACHE_SECONDS in this worker (see intake.cache),
    under the organisation they are of: one worker serves every organisation of a host."""
    cache = current_app.extensions.setdefault("intake_stats_cache", TimedCache())
    organisation = request_organisation()
    owner = None if organisation is None else organisation.id
    seconds = current_app.config["INTAKE_STATS_CACHE_SECONDS"]
    return cache.get((owner, *key), seconds, compute)


def _compute(query: StatsQuery) -> dict[str, stats_service.KindStats]:
    return _cached(
        ("stats", query.fiscal_year, query.half, tuple(query.kinds)),
        lambda: stats_service.compute(db.session, query.fiscal_year, query.kinds, query.half),
    )


def _chart_month_labels(months: list[date]) -> list[str]:
    """Short month names over the year, on two lines under each group of bars."""
    if current_language() == "en":
        return [f"{thaidate.ENGLISH_MONTHS_ABBR[m.month - 1]}\n{m.year}" for m in months]
    return [f"{thaidate.THAI_MONTHS_ABBR[m.month - 1]}\n{thaidate.be_year(m)}" for m in months]


def _year_choices(selected: int) -> list[int]:
    """Every fiscal year with cases up to the current one, newest first (and the one
    asked for, so that the selector always shows the page's year)."""
    current = current_fiscal_year()
    first = _cached(("first", 0), lambda: stats_service.first_fiscal_year(db.session)) or current
    return sorted({*range(min(first, current), current + 1), selected}, reverse=True)


@bp.get("/stats")
def stats() -> ResponseReturnValue:
    query = _stats_query()
    months = query.months
    last_day = (months[-1] + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return render_template(
        "public/stats.html",
        query=query,
        fiscal_year=query.fiscal_year,
        stats=_compute(query),
        kinds=query.kinds,
        kind_param=query.kind_param,
        month_dates=months,
        period_start=months[0],
        period_end=last_day,
        fiscal_bounds=thaidate.fiscal_year_bounds(query.fiscal_year),
        year_choices=_year_choices(query.fiscal_year),
        half_labels=HALF_LABELS,
        breakdown_titles=BREAKDOWN_TITLES,
        breakdown_headers=BREAKDOWN_HEADERS,
        chart_months=_chart_month_labels(months),
        monthly_chart=charts.monthly_chart,
        monthly_rows_chart=charts.monthly_rows_chart,
        phone_chart_width=charts.ROWS_WIDTH,
        breakdown_chart=charts.breakdown_chart,
        english=current_language() == "en",
        small_cell=figures.SMALL_CELL,
        hidden_cell=figures.HIDDEN_CELL,
        csv_header=stats_open_data.CSV_HEADER,
    )


@bp.get("/stats.json")
def stats_json() -> ResponseReturnValue:
    query = _stats_query()
    return stats_open_data.as_json(query.fiscal_year, _compute(query), query.half)


@bp.get("/stats.csv")
def stats_csv() -> ResponseReturnValue:
    query = _stats_query()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = stats_open_data.csv_rows(query.fiscal_year, _compute(query), query.half)
    writer.writerows(safe_rows(rows))
    response = make_response("\ufeff" + buffer.getvalue())  # BOM: Excel opens Thai CSV right
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = "-".join(
        part
        for part in (
            "intake-stats",
            str(query.fiscal_year),
            f"h{query.half}" if query.half else "",
            query.kind_param,
        )
        if part
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
