"""Asking to reopen the followed case when it closed but the problem is not solved.

Like a reply, it acts on the case this browser follows (``intake.public.tracked``) and
its files go through the same checks and cleaning as at filing; the rules (the window
after closing, one request at a time, purged cases) are the service's.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from intake.attachments import ALLOWED_DESCRIPTION
from intake.extensions import db, limiter
from intake.models import CaseKind
from intake.problem_messages import say
from intake.problems import Problem
from intake.public.blueprint import bp
from intake.public.followup import (
    FLASH_CATEGORY,
    SESSION_ENDED,
    _code_form,
    _followed,
    render_status,
    send_to_followed_case,
)
from intake.public.forms import TOO_LONG, _FilingForm, _strip
from intake.public.views import _filing_limit, _limits
from intake.services import followup as followup_service
from intake.services import reopen_requests
from intake.services.settings import get_organisation

REQUEST_SENT = _l(
    "ส่งคำขอให้เปิดเรื่องใหม่แล้ว เจ้าหน้าที่จะพิจารณาและแจ้งผลที่หน้านี้ หากเปิดเรื่องใหม่ จะเริ่มนับระยะเวลาแจ้งผลใหม่"
)
# Refusals that are not about a field: the page then says where things stand.
REFUSED = {
    Problem.REOPEN_PENDING,
    Problem.REOPEN_WINDOW_CLOSED,
    Problem.CASE_NOT_CLOSED,
    Problem.CASE_PURGED,
}
# This screen's own wording; every other refusal says the common message.
WORDING = {
    Problem.CASE_PURGED: _l(
        "เรื่องนี้ถูกลบเนื้อหาแล้วตามระยะเวลาเก็บรักษาข้อมูล จึงขอให้เปิดใหม่ไม่ได้ โปรดยื่นเรื่องใหม่"
    ),
    Problem.MESSAGE_REQUIRED: _l("โปรดบอกว่าปัญหาใดยังไม่ได้รับการแก้ไข"),
    Problem.TEXT_TOO_LONG: _l(
        "ยาวเกินไป (ไม่เกิน %(max)d ตัวอักษร)", max=reopen_requests.MESSAGE_MAX
    ),
}


class ReopenForm(_FilingForm):
    """Why the problem is not solved, and photos or files that show it."""

    allowed_files = ALLOWED_DESCRIPTION

    message = TextAreaField(
        _l("ปัญหาใดยังไม่ได้รับการแก้ไข"),
        validators=[
            DataRequired(WORDING[Problem.MESSAGE_REQUIRED]),
            Length(max=reopen_requests.MESSAGE_MAX, message=TOO_LONG),
        ],
        filters=[_strip],
    )


def reopen_form(kind: CaseKind, *, posted: bool = False) -> ReopenForm:
    # A prefix keeps its field ids apart from the reply form's on the same page.
    form = ReopenForm(prefix="reopen") if posted else ReopenForm(formdata=None, prefix="reopen")
    form.attachment_limits = _limits(get_organisation(db.session))
    form.scrub_images = followup_service.scrubs_images(db.session, kind)
    form.clean_all_types = kind is CaseKind.TIP  # as at filing and in replies
    return form


@bp.context_processor
def _reopen_context() -> dict[str, Any]:
    return {"new_reopen_form": reopen_form}


def _refused_form(status: Any, code: int, form: ReopenForm) -> ResponseReturnValue:
    """The page again with the form's errors; chosen files must be chosen again."""
    chosen = any(getattr(f, "filename", "") for f in request.files.getlist("reopen-attachments"))
    return render_status(status, code=code, reopen_form=form, reopen_reattach=chosen)


@bp.post("/track/reopen")
@limiter.limit(_filing_limit)
def track_reopen() -> ResponseReturnValue:
    followed = _followed()
    if followed is None:
        return _code_form(code=401, notice=SESSION_ENDED)
    case_id, status = followed
    form = reopen_form(status.kind, posted=True)
    if not form.validate_on_submit():
        return _refused_form(status, 422, form)
    message = form.message.data or ""
    refused = send_to_followed_case(
        reopen_requests.ask, case_id, message, form.prepared_attachments
    )
    if refused is not None:
        error, latest = refused
        if latest is None:
            return _code_form(code=401, notice=SESSION_ENDED)
        if error.code in REFUSED:
            return render_status(latest, code=409, reopen_refused=say(error.code, WORDING))
        if error.code is Problem.STORAGE_UNAVAILABLE:
            form.attachments.errors = [say(error.code)]
            return _refused_form(latest, 503, form)
        form.message.errors = [say(error.code, WORDING)]
        return _refused_form(latest, 422, form)
    flash(str(REQUEST_SENT), FLASH_CATEGORY)
    return redirect(url_for("public.track", _anchor="reopen"), code=303)
