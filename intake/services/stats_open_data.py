"""The published statistics as open data: ``/stats.json`` (each kind's figures as
computed, with the satisfaction target) and ``/stats.csv`` (one row per month or half,
per total, and per breakdown line, with Thai and English names side by side)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from intake import thaidate
from intake.services.figures import (
    COUNT_KEYS,
    SATISFACTION_KEYS,
    SATISFACTION_TARGET,
    WHOLE_YEAR,
    KindStats,
    Satisfaction,
)


def _satisfaction_json(answers: Satisfaction) -> dict[str, Any]:
    return {
        "responses": answers.responses,
        "satisfied": answers.satisfied,
        "share": answers.share,
        "target": float(SATISFACTION_TARGET),
        "target_met": answers.target_met,
    }


def _kind_json(kind_stats: KindStats) -> dict[str, Any]:
    """One kind's figures; published tips carry no ``months`` (a whole year of tips
    carries its two ``halves`` instead)."""
    shown: dict[str, Any] = {}
    if kind_stats.months:
        shown["months"] = [asdict(r) for r in kind_stats.months]
    if kind_stats.halves:
        shown["halves"] = [asdict(r) for r in kind_stats.halves]
    return {
        **shown,
        "totals": kind_stats.totals,
        "on_time_rate": kind_stats.on_time_rate,
        "breakdowns": {
            name: [asdict(cell) for cell in cells] for name, cells in kind_stats.breakdowns.items()
        },
        "satisfaction": _satisfaction_json(kind_stats.satisfaction),
        **(
            {"reopen_requests": kind_stats.reopen_requests}
            if kind_stats.reopen_requests is not None
            else {}
        ),
    }


def as_json(fiscal_year: int, stats: dict[str, KindStats], half: int = WHOLE_YEAR) -> dict:
    return {
        "fiscal_year": fiscal_year,
        "half": half or None,
        "kinds": {kind: _kind_json(s) for kind, s in stats.items()},
    }


HALF_NAMES = {
    1: ("ครึ่งปีแรก (ต.ค.–มี.ค.)", "First half (Oct–Mar)"),
    2: ("ครึ่งปีหลัง (เม.ย.–ก.ย.)", "Second half (Apr–Sep)"),
}

CSV_HEADER = [
    "fiscal_year",
    "half",
    "kind",
    "breakdown",
    "key",
    "label_th",
    "label_en",
    *COUNT_KEYS,
    *(f"satisfaction_{key}" for key in SATISFACTION_KEYS),
]


def csv_rows(
    fiscal_year: int, stats: dict[str, KindStats], half: int = WHOLE_YEAR
) -> list[list[Any]]:
    """The open-data table, long format: ``breakdown`` is ``month`` (key 2025-10; never
    for tips), ``half`` (key 1 or 2; tips over a whole year), ``total`` (which also
    carries the period's satisfaction), ``category``, ``channel``, ``department`` or
    ``outcome``. Satisfaction columns are empty except on the total."""
    rows: list[list[Any]] = [CSV_HEADER]
    blank = [""] * len(SATISFACTION_KEYS)
    period = half or ""
    for kind, kind_stats in stats.items():
        for row in kind_stats.months:
            year, month = (int(p) for p in row.month.split("-"))
            first = date(year, month, 1)
            rows.append(
                [
                    fiscal_year,
                    period,
                    kind,
                    "month",
                    row.month,
                    thaidate.format_month(first, "th"),
                    thaidate.format_month(first, "en"),
                    *(getattr(row, k) for k in COUNT_KEYS),
                    *blank,
                ]
            )
        for half_row in kind_stats.halves:
            rows.append(
                [
                    fiscal_year,
                    period,
                    kind,
                    "half",
                    half_row.half,
                    HALF_NAMES[half_row.half][0],
                    HALF_NAMES[half_row.half][1],
                    *(getattr(half_row, k) for k in COUNT_KEYS),
                    *blank,
                ]
            )
        answers = kind_stats.satisfaction
        rows.append(
            [
                fiscal_year,
                period,
                kind,
                "total",
                "",
                "รวม",
                "Total",
                *(kind_stats.totals[k] for k in COUNT_KEYS),
                answers.responses,
                answers.satisfied,
                "" if answers.share is None else answers.share,
            ]
        )
        for name, cells in kind_stats.breakdowns.items():
            for cell in cells:
                rows.append(
                    [
                        fiscal_year,
                        period,
                        kind,
                        name,
                        cell.key,
                        cell.label_th,
                        cell.label_en,
                        *(getattr(cell, k) for k in COUNT_KEYS),
                        *blank,
                    ]
                )
    return rows
