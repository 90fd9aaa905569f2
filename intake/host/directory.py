"""The host's front page: find your organisation by name, district or province, or browse
province by province. A plain form and links: it works without JavaScript."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from intake.cache import remembered
from intake.extensions import db
from intake.services import directory as directory_service

QUERY_MAX = 200


def directory() -> ResponseReturnValue:
    text = (request.args.get("q") or "")[:QUERY_MAX]
    province = (request.args.get("province") or "")[:QUERY_MAX]
    district = (request.args.get("district") or "")[:QUERY_MAX] if province else ""
    listing = directory_service.search(db.session, text, province, district)
    return render_template(
        "host/directory.html",
        query=text,
        province=province,
        district=district,
        listing=listing,
        provinces=remembered(("provinces",), lambda: directory_service.provinces(db.session)),
        # Browsing a province: its districts, to narrow to one.
        districts=(
            remembered(
                ("districts", province), lambda: directory_service.districts(db.session, province)
            )
            if province
            else []
        ),
    )
