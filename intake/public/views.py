"""Public views: thin. Validate with a form, call one service, redirect (303) or render."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from intake.attachments import ALLOWED_DESCRIPTION, Limits, limits_for
from intake.errors import RETRY_AFTER_SECONDS
from intake.extensions import db, limiter
from intake.i18n import LANG_COOKIE, current_language, current_local_name
from intake.local_names import in_language, local_name
from intake.models import AccusedRole, CaseKind, Category, Organisation
from intake.organisation_scope import working_organisation
from intake.problem_messages import say
from intake.problems import Problem
from intake.public import receipt_slip
from intake.public.blueprint import bp
from intake.public.forms import ComplaintForm, TipForm
from intake.public.kept_pages import kept_page
from intake.redirects import safe_next
from intake.services import ServiceError, public_tokens
from intake.services.filing import FilingInput, file_case, sent_files
from intake.services.keyring import current_keyring
from intake.services.settings import (
    DEFAULT_ORGANISATION,
    categories_for,
    get_organisation,
    host_organisation,
)

RECEIPT_KEY = "receipt"
# A receipt not looked at within this time is gone (the redirect to it is immediate).
RECEIPT_VALID = timedelta(hours=1)


def now() -> datetime:
    return datetime.now(UTC)


def _filing_limit() -> str:
    return str(current_app.config["INTAKE_FILING_LIMIT"])


def _track_limit() -> str:
    return str(current_app.config["INTAKE_TRACK_LIMIT"])


@bp.app_context_processor
def _organisation_context() -> dict[str, Any]:
    host_page = g.get("organisation", False) is None
    try:
        organisation = (
            host_organisation(
                current_app.config["INTAKE_HOST_NAME"], current_app.config["INTAKE_HOST_NAME_EN"]
            )
            if host_page
            else get_organisation(db.session)
        )
    except SQLAlchemyError:
        # Error pages must still render when the database is what failed.
        db.session.rollback()
        organisation = Organisation(id=0, **DEFAULT_ORGANISATION)
    english = current_language() == "en"
    return {
        "host_page": host_page,
        "organisation": organisation,
        "organisation_name": local_name(organisation, english),
        "unit_name": in_language(organisation.unit_name_th, organisation.unit_name_en, english),
        "office_hours": in_language(
            organisation.office_hours, organisation.office_hours_en, english
        ),
        # Tips are handled by their own unit: what a tipster reads names it, not the
        # general complaint centre.
        "tip_unit_name": in_language(
            organisation.tip_unit_name_th, organisation.tip_unit_name_en, english
        )
        or _("ฝ่ายนิติการ"),
    }


@bp.get("/")
def landing() -> ResponseReturnValue:
    return kept_page(
        "landing", get_organisation(db.session), lambda: render_template("public/landing.html")
    )


def _limits(organisation: Organisation) -> Limits:
    return limits_for(
        organisation.max_attachments,
        organisation.max_attachment_mb,
        current_app.config["INTAKE_MAX_IMAGE_PIXELS"],
    )


def _prepare_form(
    form: ComplaintForm | TipForm, kind: CaseKind, categories: list[Category] | None = None
) -> Organisation:
    organisation = get_organisation(db.session)
    offered = categories_for(db.session, kind) if categories is None else categories
    form.category.choices = [("", _("— เลือกประเภทเรื่อง —"))] + [
        (c.id, current_local_name(c)) for c in offered
    ]
    # Held for the request: the session keeps loaded rows only while something refers
    # to them, and filing reads the chosen category again.
    form.offered_categories = offered
    form.attachment_limits = _limits(organisation)
    # A photo's GPS can point at the person who took it: tips always lose it.
    form.scrub_images = kind is CaseKind.TIP or organisation.strip_image_metadata
    # A document's author or a video's GPS can too: tips lose metadata of every type.
    form.clean_all_types = kind is CaseKind.TIP
    return organisation


def _filing_input(form: ComplaintForm | TipForm, kind: CaseKind) -> FilingInput:
    reporter = {
        "name": form.reporter_name.data or "",
        "phone": form.clean("reporter_phone") or "",
        "email": form.clean("reporter_email") or "",
        "address": form.reporter_address.data or "",
        "national_id": form.clean("reporter_national_id") or "",
    }
    return FilingInput(
        kind=kind,
        subject=form.subject.data or "",
        details=form.details.data or "",
        category_id=form.category.data,
        location=form.location.data or "",
        incident_date=form.clean("incident_date"),
        accused=form.accused.data or "" if isinstance(form, TipForm) else "",
        accused_role=(
            AccusedRole(form.accused_role.data)
            if isinstance(form, TipForm) and form.accused_role.data
            else None
        ),
        anonymous=isinstance(form, TipForm) and bool(form.anonymous.data),
        reporter=reporter,
        attachments=form.prepared_attachments,
    )


def _form_page(
    form_class: type[ComplaintForm | TipForm], kind: CaseKind, template: str
) -> ResponseReturnValue:
    """A filing form: as first shown from this worker's kept copy; posted, checked."""
    if request.method != "GET":
        return _file(form_class(), kind, template)
    categories = categories_for(db.session, kind)

    def render() -> str:
        form = form_class()
        _prepare_form(form, kind, categories)
        return _render_form(form, template)

    return kept_page(template, get_organisation(db.session), render, categories)


def _render_form(form: ComplaintForm | TipForm, template: str) -> str:
    files_chosen = request.method == "POST" and any(
        getattr(f, "filename", "") for f in request.files.getlist("attachments")
    )
    return render_template(
        template,
        form=form,
        allowed_files=ALLOWED_DESCRIPTION,
        limits=form.attachment_limits,
        files_need_reattaching=files_chosen and bool(form.errors),
    )


def _file(form: ComplaintForm | TipForm, kind: CaseKind, template: str) -> ResponseReturnValue:
    _prepare_form(form, kind)
    storage_failed = False
    if form.validate_on_submit():
        try:
            filed = file_case(
                db.session,
                current_keyring(),
                Path(current_app.config["INTAKE_UPLOADS_PATH"]),
                _filing_input(form, kind),
                now(),
            )
        except ServiceError as error:
            _show_service_error(form, error)
            storage_failed = error.code is Problem.STORAGE_UNAVAILABLE
        else:
            receipt = {
                "id": public_tokens.new_token_id(),
                "issued": now().timestamp(),
                "reference": filed.reference,
                "code": filed.tracking_code,
                "kind": filed.kind.value,
                "received_at": filed.received_at.isoformat(),
                "due_at": filed.due_at.isoformat(),
                # Ids only: names and reports would not fit the session cookie.
                "files": list(filed.attachment_ids),
                # The session cookie is the whole host's: the receipt is this organisation's.
                "organisation": working_organisation(db.session),
            }
            session[_receipt_key()] = public_tokens.seal(
                current_keyring(), receipt, purpose="receipt"
            )
            return redirect(url_for("public.receipt"), code=303)
    # 503 when the fault is ours (the upload folder), 422 when the form needs correcting.
    status = 503 if storage_failed else 422 if request.method == "POST" else 200
    return _render_form(form, template), status


def _show_service_error(form: ComplaintForm | TipForm, error: ServiceError) -> None:
    if error.code is Problem.IDENTITY_UNAVAILABLE and isinstance(form, TipForm):
        form.anonymous.errors = [
            _("ขณะนี้ระบบยังรับข้อมูลตัวตนไม่ได้ โปรดเลือกไม่ประสงค์ออกนาม หรือติดต่อศูนย์รับเรื่องโดยตรง")
        ]
    elif error.code is Problem.STORAGE_UNAVAILABLE:
        form.attachments.errors = [say(error.code)]
    else:
        form.category.errors = [*form.category.errors, say(error.code)]


@bp.route("/complaints/new", methods=["GET", "POST"])
@limiter.limit(_filing_limit, methods=["POST"])
def new_complaint() -> ResponseReturnValue:
    return _form_page(ComplaintForm, CaseKind.COMPLAINT, "public/complaint_form.html")


@bp.route("/tips/new", methods=["GET", "POST"])
@limiter.limit(_filing_limit, methods=["POST"])
def new_tip() -> ResponseReturnValue:
    return _form_page(TipForm, CaseKind.TIP, "public/tip_form.html")


def _receipt_key() -> str:
    return f"{RECEIPT_KEY}:{working_organisation(db.session)}"


@bp.get("/receipt")
def receipt() -> ResponseReturnValue:
    # Each organisation's receipt under its own name: the session cookie is the whole
    # host's, and another organisation's page (another keyring) must leave it be.
    data = public_tokens.opened(current_keyring(), session.get(_receipt_key()), purpose="receipt")
    if data is not None and data.get("organisation") != working_organisation(db.session):
        abort(410)  # filed at another organisation of the host: left for its own page
    session.pop(_receipt_key(), None)
    if data is None:
        abort(410)
    # Shown once: an older copy of the cookie that still holds the receipt shows nothing.
    issued = datetime.fromtimestamp(float(data.get("issued", 0)), UTC)
    expires = issued + RECEIPT_VALID
    if not isinstance(data.get("id"), str) or expires <= now():
        abort(410)
    if not public_tokens.use_up(db.session, data["id"], expires_at=expires, now=now()):
        abort(410)
    slip = receipt_slip.SlipForm(slip=receipt_slip.remember(data, now()))
    return render_template(
        "public/receipt.html",
        slip_form=slip,
        files=sent_files(db.session, current_keyring(), data.get("files", [])),
        **receipt_slip.slip_context(data),
    )


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    try:
        # One round trip, outside any transaction: the database answers, and nothing in
        # it is read, so no session, organisation or transaction is needed.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any database failure means "not healthy"; the type is logged
        current_app.logger.warning("healthz: database check failed: %s", type(error).__name__)
        return (
            {"status": "error", "database": "unavailable"},
            503,
            {"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    return {"status": "ok", "database": "ok"}


@bp.get("/lang/<code>")
def set_language(code: str) -> Response:
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    # ``next`` is a path within the pages the link was on: on an organisation's pages
    # under /o/<slug>, within that organisation, not at the host's root.
    target = request.script_root + safe_next(request.args.get("next"))
    response = make_response(redirect(target, code=303))
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
