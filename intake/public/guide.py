"""The published handling guideline (ITA), filled in from the organisation's settings.

One template holds the guideline's content; it extends the site layout for the page and
the print layout (templates/public/guide_pdf.html) for the PDF, so the two never differ.

The PDF is built from the settings alone: its absolute links start with INTAKE_BASE_URL,
never with the Host header a request carries. It is rendered once per settings version
(a digest of every setting, category and holiday it shows), language and Bangkok day, and
kept: however the requests vary, a public route cannot keep the server busy rendering.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, make_response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake import deadlines, pdf, thaidate
from intake.cache import RenderOnce
from intake.extensions import Model, db, limiter
from intake.i18n import current_language
from intake.models import CaseKind, Channel, Organisation, Role
from intake.public import bp
from intake.services.admin import is_https_url
from intake.services.settings import categories_for, extra_holidays, get_organisation
from intake.services.stats import SATISFACTION_TARGET
from intake.workflow import CLOSED, Status

PAGE_LAYOUT = "base.html"
PDF_LAYOUT = "public/guide_pdf.html"
PDF_FILENAME = "intake-guide.pdf"
# Per client: enough for anyone reading or printing.
PDF_LIMIT = "30 per minute"

# What happens at each status, in the order of the workflow (intake.workflow.Status).
STEP_DETAILS = {
    Status.RECEIVED: _l("ลงทะเบียนรับเรื่อง ออกเลขที่เรื่องและรหัสติดตามเรื่องให้ผู้แจ้งทันที"),
    Status.SCREENING: _l("เจ้าหน้าที่ตรวจสอบข้อเท็จจริงและพิจารณาว่าอยู่ในอำนาจหน้าที่หรือไม่"),
    Status.ASSIGNED: _l("ส่งเรื่องให้กองหรือหน่วยงานที่รับผิดชอบ"),
    Status.IN_PROGRESS: _l("หน่วยงานดำเนินการแก้ไข และแจ้งความคืบหน้า"),
    Status.RESOLVED: _l("แจ้งผลการดำเนินการให้ผู้ร้องเรียนทราบ"),
    Status.REJECTED: _l(
        "เรื่องที่ไม่อยู่ในอำนาจหน้าที่ หรือไม่อาจรับพิจารณาได้ จะยุติเรื่อง โดยแจ้งเหตุผลให้ผู้ร้องเรียนทราบทุกครั้ง"
    ),
    Status.REFERRED: _l(
        "เรื่องที่หน่วยงานอื่นมีอำนาจดำเนินการ จะส่งต่อไปยังหน่วยงานนั้น และแจ้งให้ผู้ร้องเรียนทราบว่าส่งต่อไปที่ใด"
    ),
}

PDF_UNAVAILABLE = _l(
    "ขณะนี้ระบบยังสร้างไฟล์ PDF ของคู่มือไม่ได้ ท่านอ่านคู่มือฉบับเต็มได้ที่หน้า "
    "“คู่มือการจัดการเรื่องร้องเรียน” ของเว็บไซต์นี้ และพิมพ์จากเบราว์เซอร์ได้ "
    "โปรดลองดาวน์โหลดอีกครั้งภายหลัง"
)

# Two languages, a day or two around midnight, a settings change: a few entries suffice.
_pdf_cache = RenderOnce(max_entries=8)


def now() -> datetime:
    return datetime.now(UTC)


def _in_reader_language(organisation: Organisation) -> dict[str, str]:
    """The settings that have an English version, in the reader's language (Thai when
    the English one is empty)."""
    english = current_language() == "en"
    pairs = {
        "officer_title": (organisation.officer_title_th, organisation.officer_title_en),
        "tip_unit_name": (organisation.tip_unit_name_th, organisation.tip_unit_name_en),
        "centre_location": (organisation.centre_location_th, organisation.centre_location_en),
        "address": (organisation.address, organisation.address_en),
    }
    return {name: ((english and en) or th or "").strip() for name, (th, en) in pairs.items()}


def public_url(endpoint: str) -> str:
    """The address of one of our pages as the organisation publishes it (INTAKE_BASE_URL),
    whatever host the current request came in on."""
    base = str(current_app.config["INTAKE_BASE_URL"])
    path = current_app.url_map.bind(urlsplit(base).netloc or "localhost").build(endpoint)
    return base + path


def _columns(row: Model) -> list[tuple[str, Any]]:
    return [(column.key, getattr(row, column.key)) for column in row.__table__.columns]


def settings_version() -> str:
    """A digest of everything from the database that the guideline shows: the settings
    row, each channel's categories and the extra holidays (they move the example's due
    date). Any change an administrator saves gives a new version, in every worker."""
    shown = [
        _columns(get_organisation(db.session)),
        [_columns(c) for kind in CaseKind for c in categories_for(db.session, kind)],
        sorted(extra_holidays(db.session)),
    ]
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def _render_guide(layout: str, at: datetime) -> str:
    organisation = get_organisation(db.session)
    return render_template(
        "public/guide.html",
        guide_layout=layout,
        for_pdf=layout == PDF_LAYOUT,
        public_url=public_url,
        font_face_css=pdf.font_face_css() if layout == PDF_LAYOUT else "",
        # The announced date when the organisation set one, else the date of this copy.
        guide_published_on=organisation.guide_published_on,
        today=thaidate.local_date(at),
        **_in_reader_language(organisation),
        # Only ever a link to an https:// page, whatever reached the database.
        facebook_url=organisation.facebook_url if is_https_url(organisation.facebook_url) else "",
        # Today's filing and its due date, as a worked example of the counting rule.
        example_due=deadlines.due_date(
            at, organisation.deadline_mode, extra_holidays(db.session), organisation.response_days
        ),
        complaint_categories=categories_for(db.session, CaseKind.COMPLAINT),
        tip_categories=categories_for(db.session, CaseKind.TIP),
        response_days=organisation.response_days,
        statuses=Status,
        main_steps=[*(status for status in Status if status not in CLOSED), Status.RESOLVED],
        closing_alternatives=[s for s in Status if s in CLOSED and s is not Status.RESOLVED],
        step_details=STEP_DETAILS,
        channels=Channel,
        legal_officer=Role.LEGAL,
        custodian=Role.CUSTODIAN,
        satisfaction_percent=int(SATISFACTION_TARGET * 100),
    )


def _pdf_key(at: datetime) -> tuple[str, str, date, str]:
    """What the PDF depends on, and nothing a request can vary beyond the language."""
    return (
        settings_version(),
        current_language(),
        thaidate.local_date(at),  # "as of" and the worked example's dates
        str(current_app.config["INTAKE_BASE_URL"]),
    )


def _guide_pdf(at: datetime) -> bytes:
    return _pdf_cache.get(_pdf_key(at), lambda: pdf.render(_render_guide(PDF_LAYOUT, at)))


@bp.get("/guide")
def guide() -> ResponseReturnValue:
    return _render_guide(PAGE_LAYOUT, now())


@bp.get("/guide.pdf")
@limiter.limit(PDF_LIMIT)
def guide_pdf() -> ResponseReturnValue:
    try:
        document = _guide_pdf(now())
    except pdf.PdfUnavailable:
        current_app.logger.warning("guide.pdf: PDF rendering is unavailable (Pango missing?)")
        page = render_template(
            "errors/error.html",
            code=503,
            title=_("ยังดาวน์โหลดคู่มือเป็น PDF ไม่ได้"),
            message=PDF_UNAVAILABLE,
        )
        return page, 503
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{PDF_FILENAME}"'
    return response
