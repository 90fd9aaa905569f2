"""Following one case by its tracking code: the status page, replies, leaving.

POST /track with a correct code shows the case and remembers it in this browser's session
(``intake.public.tracked``: the case id, encrypted, with a short idle limit), so GET /track
shows it again and the person can reply without typing the code twice. The status page is
the POST's own answer, as the public contract says ("POST field code → status page"): a
client without a cookie jar still gets it. The code travels only in that POST body; every
other route here knows the case from the session alone, and no URL, title or log line
ever carries the code or the case id.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from intake import tracking
from intake.addresses import organisation_tracking_page
from intake.attachments import ALLOWED_DESCRIPTION, PreparedAttachment
from intake.extensions import db, limiter
from intake.models import CaseKind
from intake.problem_messages import say
from intake.problems import Problem
from intake.public import tracked
from intake.public.blueprint import bp
from intake.public.forms import TOO_LONG, TrackForm, _FilingForm, _strip
from intake.public.views import _filing_limit, _limits, _track_limit, now
from intake.services import ServiceError
from intake.services import followup as followup_service
from intake.services.keyring import current_keyring
from intake.services.public_status import PublicStatus
from intake.services.settings import get_organisation

FLASH_CATEGORY = "followup"  # the survey and notices partials show their own categories
TRACK_MESSAGES = {
    "empty": _l("โปรดกรอกรหัสติดตามเรื่อง"),
    "characters": _l("รหัสติดตามเรื่องประกอบด้วยตัวเลขเท่านั้น โปรดตรวจสอบอีกครั้ง"),
    "length": _l("รหัสติดตามเรื่องมี 28 หลัก โปรดตรวจสอบว่าพิมพ์ครบทุกหลัก"),
    "check": _l("รหัสนี้มีตัวเลขที่พิมพ์ผิด โปรดตรวจสอบรหัสอีกครั้ง"),
}
NOT_FOUND = _l("ไม่พบเรื่องที่ตรงกับรหัสนี้ โปรดตรวจสอบรหัสอีกครั้ง หรือติดต่อศูนย์รับเรื่องร้องเรียน")
SESSION_ENDED = _l(
    "หมดเวลาการเปิดดูเรื่องแล้ว ข้อความของท่านยังไม่ถูกส่ง โปรดกรอกรหัสติดตามเรื่องอีกครั้ง แล้วส่งข้อความใหม่"
)
REPLY_SENT = _l("ส่งข้อความของท่านถึงเจ้าหน้าที่แล้ว")
LEFT = _l("ออกจากเรื่องแล้ว เบราว์เซอร์นี้ไม่ได้จำเรื่องของท่านไว้อีกต่อไป")
# The reply form's own wording; other refusals say the common message beside the text.
REPLY_WORDING = {
    Problem.TEXT_TOO_LONG: _l("ยาวเกินไป (ไม่เกิน %(max)d ตัวอักษร)", max=followup_service.REPLY_MAX),
}


class ReplyForm(_FilingForm):
    """The complainant's message; files are checked exactly as at filing (the base form)."""

    allowed_files = ALLOWED_DESCRIPTION

    message = TextAreaField(
        _l("ข้อความของท่าน"),
        validators=[
            DataRequired(_l("โปรดเขียนข้อความ")),
            Length(max=followup_service.REPLY_MAX, message=TOO_LONG),
        ],
        filters=[_strip],
    )


def _reply_form(kind: CaseKind, *, posted: bool = False) -> ReplyForm:
    form = ReplyForm() if posted else ReplyForm(formdata=None)
    form.attachment_limits = _limits(get_organisation(db.session))
    form.scrub_images = followup_service.scrubs_images(db.session, kind)
    form.clean_all_types = kind is CaseKind.TIP  # as at filing
    return form


@bp.context_processor
def _reply_context() -> dict[str, Any]:
    """Lets status.html render its reply form when another route (the survey, e-mail
    notices) renders the page with nothing but ``status``."""
    return {"new_reply_form": _reply_form}


def render_status(
    status: PublicStatus,
    *,
    code: int = 200,
    reply_form: ReplyForm | None = None,
    reply_refused: bool = False,
    **extra: Any,
) -> ResponseReturnValue:
    """The followed case's page; ``reply_form`` carries the errors of a refused reply.
    Other follow-up routes (the survey, e-mail notices) pass their own forms in ``extra``
    to show their errors."""
    form = reply_form or _reply_form(status.kind)
    files_chosen = request.method == "POST" and any(
        getattr(f, "filename", "") for f in request.files.getlist("attachments")
    )
    return (
        render_template(
            "public/status.html",
            status=status,
            case_closed=not status.accepts_replies,
            reply_form=form,
            reply_refused=reply_refused,
            files_need_reattaching=files_chosen and bool(form.errors),
            **extra,
        ),
        code,
    )


def _code_form(form: TrackForm | None = None, code: int = 200, notice: Any = None) -> Any:
    return render_template("public/track.html", form=form or TrackForm(), notice=notice), code


def _followed() -> tuple[str, PublicStatus] | None:
    """The case this session follows and its status, if any (renews the idle time)."""
    case_id = tracked.tracked_case_id()
    if case_id is None:
        return None
    status = followup_service.followed_status(db.session, current_keyring(), case_id, now())
    if status is None:
        tracked.forget()
        return None
    return case_id, status


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit(_track_limit, methods=["POST"])
def track() -> ResponseReturnValue:
    form = TrackForm()
    if request.method == "GET":
        followed = _followed()
        return render_status(followed[1]) if followed is not None else _code_form(form)
    if not form.validate_on_submit():
        return _code_form(form, 422)
    try:
        found = followup_service.find_followed(
            db.session, current_keyring(), form.code.data or "", now()
        )
    except tracking.CodeFormatError as exc:
        form.code.errors = [str(TRACK_MESSAGES[exc.reason])]
        return _code_form(form, 422)
    if found is None:
        moved = followup_service.moved_away(db.session, form.code.data or "", now())
        if moved is not None:
            link = organisation_tracking_page(moved.organisation)
            return render_template("public/moved.html", moved=moved, link=link)
        form.code.errors = [str(NOT_FOUND)]
        return _code_form(form, 404)
    tracked.remember(found.case_id)
    return render_status(found.status)


def send_to_followed_case(
    send: Callable[..., None], case_id: str, message: str, files: list[PreparedAttachment]
) -> tuple[ServiceError, PublicStatus | None] | None:
    """Sends ``message`` and ``files`` with ``send`` (``services.followup.post_reply`` or
    ``services.reopen_requests.ask``, which take the same arguments); None when it went,
    otherwise why not and the case's status now (None when the session stopped following
    it meanwhile)."""
    uploads = Path(current_app.config["INTAKE_UPLOADS_PATH"])
    try:
        keyring = current_keyring()
        send(db.session, keyring, uploads, case_id, message=message, files=files, now=now())
    except ServiceError as error:
        latest = _followed()
        return error, latest[1] if latest is not None else None
    return None


@bp.post("/track/reply")
@limiter.limit(_filing_limit)
def track_reply() -> ResponseReturnValue:
    followed = _followed()
    if followed is None:
        return _code_form(code=401, notice=SESSION_ENDED)
    case_id, status = followed
    if not status.accepts_replies:
        return render_status(status, code=409, reply_refused=True)
    form = _reply_form(status.kind, posted=True)
    if not form.validate_on_submit():
        return render_status(status, code=422, reply_form=form)
    message = form.message.data or ""
    refused = send_to_followed_case(
        followup_service.post_reply, case_id, message, form.prepared_attachments
    )
    if refused is not None:
        error, latest = refused
        if latest is None:
            return _code_form(code=401, notice=SESSION_ENDED)
        if error.code is Problem.CASE_CLOSED:  # closed while they were writing
            return render_status(latest, code=409, reply_refused=True)
        if error.code is Problem.STORAGE_UNAVAILABLE:
            form.attachments.errors = [say(error.code)]
            return render_status(latest, code=503, reply_form=form)
        form.message.errors = [say(error.code, REPLY_WORDING)]
        return render_status(latest, code=422, reply_form=form)
    flash(str(REPLY_SENT), FLASH_CATEGORY)
    return redirect(url_for("public.track"), code=303)


@bp.post("/track/leave")
def track_leave() -> ResponseReturnValue:
    tracked.forget()
    flash(str(LEFT), FLASH_CATEGORY)
    return redirect(url_for("public.track"), code=303)
