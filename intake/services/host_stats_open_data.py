"""The host's statistics as open data: ``/stats.json`` and ``/stats.csv`` at the host's
root. Each organisation is named by its code (its slug, as in ``/o/<code>/``), which
stays when its names change. The fields are listed here once, and the page's data
dictionary shows the same list.

JSON: ``fiscal_year``, ``case_kind``, ``filters`` (province, district, kind: what was
asked), ``organisations`` (in the order asked for), ``provinces`` (the roll-ups, by
name) and ``total``; every figure carries ``FIGURE_FIELDS``, a satisfaction count may be
"< 3" or "x" for tips (see ``intake.services.host_stats``).

CSV: one row per organisation, then per province, then the total (``level``).
"""

from __future__ import annotations

from typing import Any

from intake.services.figures import SATISFACTION_TARGET
from intake.services.host_stats import (
    COUNTS,
    Figures,
    HostStats,
    OrganisationRow,
    RollUp,
    Selection,
)

ORGANISATION_FIELDS = ("code", "name_th", "name_en", "kind", "province", "district")
FIGURE_FIELDS = (*COUNTS, "on_time_rate", "satisfaction")
SATISFACTION_FIELDS = ("responses", "satisfied", "share", "target", "target_met")

CSV_HEADER = [
    "fiscal_year",
    "case_kind",
    "level",  # organisation, province or total
    *ORGANISATION_FIELDS,
    "organisations",
    *COUNTS,
    "on_time_rate",
    "satisfaction_responses",
    "satisfaction_satisfied",
    "satisfaction_share",
]


def _figures_json(figures: Figures) -> dict[str, Any]:
    answers = figures.satisfaction
    return {
        **{name: getattr(figures, name) for name in COUNTS},
        "on_time_rate": figures.on_time_rate,
        "satisfaction": {
            "responses": answers.responses,
            "satisfied": answers.satisfied,
            "share": answers.share,
            "target": float(SATISFACTION_TARGET),
            "target_met": answers.target_met,
        },
    }


def _organisation_json(row: OrganisationRow) -> dict[str, Any]:
    return {
        "code": row.slug,
        "name_th": row.name_th,
        "name_en": row.name_en,
        "kind": row.kind.value,
        "province": row.province,
        "district": row.district,
        **_figures_json(row.figures),
    }


def _roll_up_json(roll_up: RollUp) -> dict[str, Any]:
    return {
        "province": roll_up.province,
        "organisations": roll_up.organisations,
        **_figures_json(roll_up.figures),
    }


def as_json(stats: HostStats, selection: Selection) -> dict[str, Any]:
    return {
        "fiscal_year": stats.fiscal_year,
        "case_kind": stats.case_kind.value,
        "filters": {
            "province": selection.province or None,
            "district": selection.district or None,
            "kind": selection.kind.value if selection.kind else None,
        },
        "organisations": [_organisation_json(row) for row in stats.rows],
        "provinces": [_roll_up_json(roll_up) for roll_up in stats.provinces],
        "total": _roll_up_json(stats.total),
    }


def _figure_cells(figures: Figures) -> list[Any]:
    answers = figures.satisfaction
    rate = figures.on_time_rate
    return [
        *(getattr(figures, name) for name in COUNTS),
        "" if rate is None else rate,
        answers.responses,
        answers.satisfied,
        "" if answers.share is None else answers.share,
    ]


def csv_rows(stats: HostStats) -> list[list[Any]]:
    start = [stats.fiscal_year, stats.case_kind.value]
    rows: list[list[Any]] = [CSV_HEADER]
    for row in stats.rows:
        place = [row.slug, row.name_th, row.name_en, row.kind.value, row.province, row.district]
        rows.append([*start, "organisation", *place, 1, *_figure_cells(row.figures)])
    for roll_up in [*stats.provinces, stats.total]:
        level = "province" if roll_up.province else "total"
        place = ["", "", "", "", roll_up.province, ""]
        rows.append([*start, level, *place, roll_up.organisations, *_figure_cells(roll_up.figures)])
    return rows
