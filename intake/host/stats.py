"""The host's statistics: every organisation's year side by side (``/stats``, ``.csv``,
``.json`` at the root of a host of several organisations).

One query string for the three: ``fy`` (BE, Thai digits allowed), ``cases``
(``complaint``, the default, or ``tip``), ``province`` and ``district`` (Thai or English
names, as people write them), ``kind`` (the type of organisation), ``sort`` and
``order`` (``asc``/``desc``), and ``page`` for the page's table. What a person typed and
cannot be used is said beside its field on the page (400, everything kept); the open
data answers 400 with the reasons. Never a 500.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask import jsonify, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from intake import labels, validators
from intake.cache import remembered
from intake.extensions import db
from intake.models import CaseKind, OrganisationType
from intake.places import geography
from intake.places.type_names import type_name
from intake.public.statistics import MAX_FISCAL_YEAR, MIN_FISCAL_YEAR, current_fiscal_year
from intake.services import directory, host_stats
from intake.services import host_stats_open_data as open_data
from intake.spreadsheet import safe_rows

PAGE_SIZE = 100
TEXT_MAX = 100
ORDERS = ("asc", "desc")

PROBLEMS = {
    "fy": _l("ปีงบประมาณต้องเป็นตัวเลข พ.ศ. ระหว่าง %(first)d ถึง %(last)d"),
    "province": _l("ไม่พบจังหวัดนี้ โปรดเลือกจากรายการ"),
    "district": _l("ไม่พบอำเภอนี้ในจังหวัดที่เลือก"),
    "district_alone": _l("โปรดเลือกจังหวัดก่อนระบุอำเภอ"),
    "kind": _l("ไม่รู้จักประเภทหน่วยงานนี้"),
    "cases": _l("ไม่รู้จักประเภทเรื่องนี้"),
    "sort": _l("เรียงตามคอลัมน์นี้ไม่ได้"),
    "page": _l("ไม่มีหน้านี้"),
}

COLUMN_TITLES = {
    "name": _l("องค์กรปกครองส่วนท้องถิ่น"),
    "province": _l("จังหวัด"),
    "district": _l("อำเภอ"),
    "kind": _l("ประเภท"),
    "received": _l("รับเรื่อง"),
    "completed": _l("ดำเนินการแล้วเสร็จ"),
    "in_progress": _l("อยู่ระหว่างดำเนินการ"),
    "on_time": _l("ตอบภายในกำหนด"),
    "on_time_rate": _l("ร้อยละที่ตอบภายในกำหนด"),
    "satisfaction": _l("ร้อยละความพึงพอใจ"),
}


@dataclass
class HostQuery:
    """The query as typed (``typed``, kept for the form) and as understood."""

    typed: dict[str, str]
    fiscal_year: int = 0
    case_kind: CaseKind = CaseKind.COMPLAINT
    selection: host_stats.Selection = field(default_factory=host_stats.Selection)
    page: int = 1
    problems: dict[str, str] = field(default_factory=dict)

    def link_args(self, **changes: Any) -> dict[str, Any]:
        """The query in a link (only what is set), with ``changes``."""
        args = {name: value for name, value in self.typed.items() if value}
        args.update(changes)
        return {name: value for name, value in args.items() if value not in ("", None)}


def _typed() -> dict[str, str]:
    names = ("fy", "cases", "province", "district", "kind", "sort", "order", "page")
    return {name: (request.args.get(name) or "").strip()[:TEXT_MAX] for name in names}


def _whole_number(raw: str) -> int | None:
    try:
        return validators.normalize_number(raw)
    except validators.InvalidValue:
        return None


def _place(query: HostQuery) -> tuple[str, str]:
    """The province and district as stored (canonical Thai names), or problems."""
    typed_province, typed_district = query.typed["province"], query.typed["district"]
    province = geography.province(typed_province) if typed_province else None
    if typed_province and province is None:
        query.problems["province"] = str(PROBLEMS["province"])
    if not typed_district:
        return (province.name_th if province else "", "")
    if province is None:
        query.problems.setdefault("district", str(PROBLEMS["district_alone"]))
        return ("", "")
    district = geography.district(province.name_th, typed_district)
    if district is None:
        query.problems["district"] = str(PROBLEMS["district"])
        return (province.name_th, "")
    return (province.name_th, district.name_th)


def parse_query() -> HostQuery:
    query = HostQuery(_typed())
    typed = query.typed
    year = _whole_number(typed["fy"]) if typed["fy"] else current_fiscal_year()
    if year is None or not MIN_FISCAL_YEAR <= year <= MAX_FISCAL_YEAR:
        query.problems["fy"] = str(
            PROBLEMS["fy"] % {"first": MIN_FISCAL_YEAR, "last": MAX_FISCAL_YEAR}
        )
    else:
        query.fiscal_year = year
    if typed["cases"] and typed["cases"] not in {kind.value for kind in CaseKind}:
        query.problems["cases"] = str(PROBLEMS["cases"])
    elif typed["cases"]:
        query.case_kind = CaseKind(typed["cases"])
    kind = None
    if typed["kind"] and typed["kind"] not in {kind.value for kind in OrganisationType}:
        query.problems["kind"] = str(PROBLEMS["kind"])
    elif typed["kind"]:
        kind = OrganisationType(typed["kind"])
    sort = typed["sort"] or host_stats.DEFAULT_SORT
    if sort not in host_stats.SORT_COLUMNS or typed["order"] not in ("", *ORDERS):
        query.problems["sort"] = str(PROBLEMS["sort"])
    page = _whole_number(typed["page"]) if typed["page"] else 1
    if page is None or page < 1:
        query.problems["page"] = str(PROBLEMS["page"])
    else:
        query.page = page
    province, district = _place(query)
    query.selection = host_stats.Selection(
        province, district, kind, sort, descending=typed["order"] == "desc"
    )
    return query


def _figures(query: HostQuery) -> host_stats.HostStats:
    # The table of a selection is made once for its pages and the open data: at 8,000
    # organisations, filtering, sorting and rolling up is most of a page's work.
    return remembered(
        ("host", "side by side", query.fiscal_year, query.case_kind, query.selection),
        lambda: _side_by_side(query),
    )


def _side_by_side(query: HostQuery) -> host_stats.HostStats:
    organisations = remembered(
        ("host", "organisations"), lambda: host_stats.listed_organisations(db.session)
    )
    counted = remembered(
        ("host", "counted", query.fiscal_year, query.case_kind),
        lambda: host_stats.counted_by_organisation(db.session, query.fiscal_year, query.case_kind),
    )
    return host_stats.side_by_side(
        query.fiscal_year, query.case_kind, organisations, counted, query.selection
    )


def _year_choices(selected: int) -> list[int]:
    current = current_fiscal_year()
    first = remembered(("host", "first"), lambda: host_stats.first_fiscal_year(db.session))
    first = first or current
    chosen = {selected} if selected else set()
    return sorted({*range(min(first, current), current + 1), *chosen}, reverse=True)


def stats_page() -> ResponseReturnValue:
    query = parse_query()
    figures = None if query.problems else _figures(query)
    pages = 1
    rows: list[host_stats.OrganisationRow] = []
    if figures is not None:
        pages = max(1, -(-len(figures.rows) // PAGE_SIZE))
        if query.page > pages:
            query.problems["page"] = str(PROBLEMS["page"])
            figures = None
        else:
            rows = figures.rows[(query.page - 1) * PAGE_SIZE : query.page * PAGE_SIZE]
    provinces = remembered(("provinces",), lambda: directory.provinces(db.session))
    body = render_template(
        "host/stats.html",
        query=query,
        figures=figures,
        rows=rows,
        pages=pages,
        year_choices=_year_choices(query.fiscal_year),
        provinces=provinces,
        districts=geography.districts(query.selection.province),
        kinds=[(kind.value, type_name(kind)) for kind in OrganisationType],
        case_kinds=[(kind.value, labels.KIND[kind]) for kind in CaseKind],
        columns=COLUMN_TITLES,
        type_name=type_name,
        csv_header=open_data.CSV_HEADER,
    )
    return body, 400 if query.problems else 200


def _refused(query: HostQuery) -> ResponseReturnValue:
    return jsonify({"errors": query.problems}), 400


def stats_json() -> ResponseReturnValue:
    query = parse_query()
    if query.problems:
        return _refused(query)
    return jsonify(open_data.as_json(_figures(query), query.selection))


def stats_csv() -> ResponseReturnValue:
    query = parse_query()
    if query.problems:
        return _refused(query)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        safe_rows(open_data.csv_rows(_figures(query)))
    )
    response = make_response("\ufeff" + buffer.getvalue())  # BOM: Excel opens Thai CSV right
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    name = f"intake-host-stats-{query.fiscal_year}-{query.case_kind.value}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
