"""The GeoReport v2 endpoints. Every answer is JSON or XML, as the path's extension asks;
every refusal is the specification's error list with the same HTTP status (400 a missing
or wrong parameter, 403 an API key that is not valid, 404 an unknown service or request).

The API key travels only in the POST body, never in a URL (URLs end up in logs), and the
request id a client reads a status with is not the tracking code, which the API never
gives out. A status answer names the service, the state and the dates, nothing of what
the person wrote.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from intake import thaidate
from intake.addresses import published_base_url
from intake.extensions import db, limiter
from intake.i18n import current_language
from intake.labels import STATUS
from intake.local_names import local_name
from intake.models import Case, Category
from intake.open311 import formats
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import open311 as service
from intake.services.keyring import current_keyring
from intake.services.settings import get_organisation
from intake.workflow import is_closed

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# Limits of what a request may carry, as the web form's (intake.public.forms).
DESCRIPTION_MAX = 5000
ADDRESS_MAX = 300
CONTACT_MAX = 200
# The changeset of what discovery and the services describe: when this API last changed.
CHANGESET = "2026-12-07T00:00:00+07:00"


def _english() -> bool:
    return current_language() == "en"


def _time(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def _key_of_request() -> str:
    """The rate limit counts per API key (its digest), so one client cannot use up another's."""
    return "open311:" + service.digest(request.form.get("api_key", ""))


def _limit() -> str:
    return str(current_app.config["INTAKE_OPEN311_LIMIT"])


@bp.get("/discovery.<any(json, xml):fmt>")
def discovery(fmt: str) -> ResponseReturnValue:
    organisation = get_organisation(db.session)
    base = published_base_url() + url_for("open311.discovery", fmt=fmt)
    return formats.record(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": organisation.hotline or local_name(organisation, _english()),
            "key_service": _("ขอรับ API key จากผู้ดูแลระบบของหน่วยงาน"),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base.rsplit("/", 1)[0],
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": list(formats.MIMETYPES.values()),
                }
            ],
        },
    )


def _service_row(category: Category) -> dict[str, Any]:
    return {
        "service_code": str(category.id),
        "service_name": local_name(category, _english()),
        "description": " / ".join(n for n in (category.name_th, category.name_en) if n),
        "metadata": False,  # no attributes beyond the specification's own fields
        "type": "realtime",
        "keywords": "",
        "group": _("เรื่องร้องเรียนทั่วไป"),
    }


@bp.get("/services.<any(json, xml):fmt>")
def services(fmt: str) -> ResponseReturnValue:
    rows = [_service_row(category) for category in service.services(db.session)]
    return formats.records(fmt, "services", "service", rows)


@bp.get("/services/<code>.<any(json, xml):fmt>")
def service_definition(code: str, fmt: str) -> ResponseReturnValue:
    category = service.service(db.session, code)
    if category is None:
        return formats.errors(fmt, 404, _("ไม่มีบริการรหัสนี้"))
    return formats.record(
        fmt, "service_definition", {"service_code": str(category.id), "attributes": []}
    )


class _BadParameter(Exception):
    pass


def _text(name: str, maximum: int, *, required: bool = False) -> str:
    raw = request.form.get(name, "")
    # The description keeps its lines; a one-line field loses runs of spaces.
    value = raw.strip() if name == "description" else " ".join(raw.split())
    if required and not value:
        raise _BadParameter(_("ต้องระบุ %(name)s", name=name))
    if len(value) > maximum:
        raise _BadParameter(_("%(name)s ยาวเกิน %(max)d ตัวอักษร", name=name, max=maximum))
    return value


def _coordinate(name: str, limit: float) -> float | None:
    raw = thaidate.to_arabic_digits(request.form.get(name, "")).strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise _BadParameter(_("%(name)s ต้องเป็นตัวเลข", name=name)) from None
    if not math.isfinite(value) or abs(value) > limit:
        raise _BadParameter(_("%(name)s อยู่นอกช่วงที่เป็นไปได้", name=name))
    return value


def _request_input() -> service.RequestInput:
    code = _text("service_code", 20, required=True)
    description = _text("description", DESCRIPTION_MAX, required=True)
    address = _text("address_string", ADDRESS_MAX)
    lat, long = _coordinate("lat", 90), _coordinate("long", 180)
    if (lat is None) != (long is None):
        raise _BadParameter(_("ต้องระบุ lat และ long คู่กัน"))
    if lat is None and not address:
        raise _BadParameter(_("ต้องระบุที่ตั้ง: lat และ long หรือ address_string"))
    name = " ".join(
        part for part in (_text("first_name", CONTACT_MAX), _text("last_name", CONTACT_MAX)) if part
    )
    reporter = {
        "name": name,
        "email": _text("email", CONTACT_MAX),
        "phone": _text("phone", CONTACT_MAX),
    }
    return service.RequestInput(
        service_code=code,
        description=description,
        address=address,
        lat=lat,
        long=long,
        reporter={k: v for k, v in reporter.items() if v},
    )


@bp.post("/requests.<any(json, xml):fmt>")
@limiter.limit(_limit, key_func=_key_of_request)
def post_request(fmt: str) -> ResponseReturnValue:
    client = service.client_for_key(db.session, request.form.get("api_key", ""))
    if client is None:
        return formats.errors(fmt, 403, _("API key ไม่ถูกต้องหรือถูกยกเลิกแล้ว"))
    try:
        data = _request_input()
    except _BadParameter as error:
        return formats.errors(fmt, 400, str(error))
    try:
        request_id, filed = service.file_request(
            db.session,
            current_keyring(),
            Path(current_app.config["INTAKE_UPLOADS_PATH"]),
            client,
            data,
            datetime.now(UTC),
        )
    except ServiceError as error:
        if error.code is Problem.CATEGORY_UNAVAILABLE:
            return formats.errors(fmt, 404, _("ไม่มีบริการรหัสนี้"))
        raise
    due = thaidate.format_date(thaidate.local_date(filed.due_at), current_language())
    notice = _(
        "รับเรื่องแล้ว เลขที่ %(reference)s หน่วยงานจะตอบภายในวันที่ %(due)s",
        reference=filed.reference,
        due=due,
    )
    return formats.records(
        fmt,
        "service_requests",
        "request",
        [{"service_request_id": request_id, "service_notice": notice, "account_id": None}],
        201,
    )


def _status_row(case: Case, request_id: str) -> dict[str, Any]:
    organisation = get_organisation(db.session)
    category = case.category
    closed = is_closed(case.status)
    updated = max(t for t in (case.received_at, case.first_response_at, case.closed_at) if t)
    return {
        "service_request_id": request_id,
        "status": "closed" if closed else "open",
        "status_notes": str(STATUS[case.status]),
        "service_name": local_name(category, _english()) if category else "",
        "service_code": str(case.category_id or ""),
        "agency_responsible": local_name(organisation, _english()),
        "service_notice": case.reference,
        "requested_datetime": _time(case.received_at),
        "updated_datetime": _time(updated),
        "expected_datetime": _time(case.due_at),
    }


@bp.get("/requests/<request_id>.<any(json, xml):fmt>")
def get_request(request_id: str, fmt: str) -> ResponseReturnValue:
    case = service.find_request(db.session, request_id)
    if case is None:
        return formats.errors(fmt, 404, _("ไม่พบคำขอนี้"))
    return formats.records(fmt, "service_requests", "request", [_status_row(case, request_id)])


@bp.errorhandler(429)
def too_many(_error: Exception) -> ResponseReturnValue:
    """A key over its limit gets the specification's error list (Flask-Limiter adds
    Retry-After and the limit's headers)."""
    fmt = (request.view_args or {}).get("fmt", formats.JSON)
    return formats.errors(fmt, 429, _("API key นี้ส่งคำขอบ่อยเกินไป โปรดรอแล้วลองใหม่"))


@bp.get("/requests.<any(json, xml):fmt>")
def list_requests(fmt: str) -> ResponseReturnValue:
    # Nobody has agreed to their complaint being listed publicly: the list is empty.
    return formats.records(fmt, "service_requests", "request", [])
