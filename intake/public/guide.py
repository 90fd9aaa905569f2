"""The published handling guidelines (ITA), filled in from the organisation's settings.

Two documents: the guideline for general complaints (/guide) and, apart from it, the one
for corruption and misconduct tips (/guide/tips) — the anti-corruption action plan asks
that the manual for corruption complaints be separate from the general one, each naming
its own responsible unit, steps and time frames.

One template holds each guideline's content; it extends the site layout for the page and
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

from intake import deadlines, pdf, thaidate, thaidigits
from intake.addresses import published_base_url
from intake.cache import RenderOnce
from intake.extensions import Model, db, limiter
from intake.i18n import current_language
from intake.local_names import in_language
from intake.models import CaseKind, Channel, Organisation, Role
from intake.public.blueprint import bp
from intake.public.guide_text import PDF_UNAVAILABLE, STEPS
from intake.services.organisation_settings import is_https_url
from intake.services.settings import categories_for, extra_holidays, get_organisation
from intake.services.stats import SATISFACTION_TARGET
from intake.workflow import CLOSED, Status

PAGE_LAYOUT = "base.html"
PDF_LAYOUT = "public/guide_pdf.html"
PDF_FILENAME = "intake-guide.pdf"
TIPS_PDF_FILENAME = "intake-guide-tips.pdf"
COMPLAINTS = "complaints"
TIPS = "tips"
TEMPLATES = {COMPLAINTS: "public/guide.html", TIPS: "public/guide_tips.html"}
# Per client: enough for anyone reading or printing.
PDF_LIMIT = "30 per minute"

# Two guidelines, two languages, a day or two around midnight, a settings change.
_pdf_cache = RenderOnce(max_entries=16)


def now() -> datetime:
    return datetime.now(UTC)


def _in_reader_language(organisation: Organisation) -> dict[str, str]:
    """The settings that have an English version, in the reader's language (Thai when
    the English one is empty)."""
    english = current_language() == "en"
    pairs = {
        "officer_title": (organisation.officer_title_th, organisation.officer_title_en),
        "tip_unit_name": (organisation.tip_unit_name_th, organisation.tip_unit_name_en),
        "tip_location": (organisation.tip_location_th, organisation.tip_location_en),
        "centre_location": (organisation.centre_location_th, organisation.centre_location_en),
        "address": (organisation.address, organisation.address_en),
    }
    return {name: in_language(th, en, english).strip() for name, (th, en) in pairs.items()}


def public_url(endpoint: str) -> str:
    """The address of one of our pages as the organisation publishes it (its own host
    name, or INTAKE_BASE_URL with its /o/<slug> prefix on a host of several), whatever
    host the current request came in on."""
    base = str(current_app.config["INTAKE_BASE_URL"])
    path = current_app.url_map.bind(urlsplit(base).netloc or "localhost").build(endpoint)
    return published_base_url() + path


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


def thai_digits_in_pdf(organisation: Organisation) -> bool:
    """Thai numerals in the Thai PDFs when the organisation chose them (never in English)."""
    return bool(organisation.pdf_thai_digits) and current_language() == "th"


def _render_guide(which: str, layout: str, at: datetime) -> str:
    organisation = get_organisation(db.session)
    for_pdf = layout == PDF_LAYOUT
    published_on = (
        organisation.tip_guide_published_on if which == TIPS else organisation.guide_published_on
    )
    return render_template(
        TEMPLATES[which],
        guide_layout=layout,
        for_pdf=for_pdf,
        public_url=public_url,
        font_face_css=pdf.font_face_css() if for_pdf else "",
        # CSS counters (page numbers, the contents) in the digits the text is printed in.
        counter_style="thai" if for_pdf and thai_digits_in_pdf(organisation) else "decimal",
        # The announced date when the organisation set one, else the date of this copy.
        guide_published_on=published_on,
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
        step_details={
            status: step.tip if which == TIPS else step.complaint for status, step in STEPS.items()
        },
        channels=Channel,
        legal_officer=Role.LEGAL,
        custodian=Role.CUSTODIAN,
        satisfaction_percent=int(SATISFACTION_TARGET * 100),
    )


def _pdf_key(which: str, at: datetime) -> tuple[str, str, str, date, str]:
    """What the PDF depends on, and nothing a request can vary beyond the language."""
    return (
        which,
        settings_version(),
        current_language(),
        thaidate.local_date(at),  # "as of" and the worked example's dates
        str(current_app.config["INTAKE_BASE_URL"]),
    )


def _build_pdf(which: str, at: datetime) -> bytes:
    html = _render_guide(which, PDF_LAYOUT, at)
    if thai_digits_in_pdf(get_organisation(db.session)):
        html = thaidigits.in_html(html)
    return pdf.render(html)


def _guide_pdf(which: str, at: datetime) -> bytes:
    return _pdf_cache.get(_pdf_key(which, at), lambda: _build_pdf(which, at))


@bp.get("/guide")
def guide() -> ResponseReturnValue:
    return _render_guide(COMPLAINTS, PAGE_LAYOUT, now())


@bp.get("/guide/tips")
def guide_tips() -> ResponseReturnValue:
    return _render_guide(TIPS, PAGE_LAYOUT, now())


@bp.get("/guide.pdf")
@limiter.limit(PDF_LIMIT)
def guide_pdf() -> ResponseReturnValue:
    return _pdf_response(COMPLAINTS, PDF_FILENAME)


@bp.get("/guide/tips.pdf")
@limiter.limit(PDF_LIMIT)
def guide_tips_pdf() -> ResponseReturnValue:
    return _pdf_response(TIPS, TIPS_PDF_FILENAME)


def _pdf_response(which: str, filename: str) -> ResponseReturnValue:
    try:
        document = _guide_pdf(which, now())
    except pdf.PdfUnavailable:
        current_app.logger.warning("guide PDF: PDF rendering is unavailable (Pango missing?)")
        page = render_template(
            "errors/error.html",
            code=503,
            title=_("ยังดาวน์โหลดคู่มือเป็น PDF ไม่ได้"),
            message=PDF_UNAVAILABLE,
        )
        return page, 503
    response = make_response(document)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
