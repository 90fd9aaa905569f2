"""A tipster who filed anonymously may give their name and contact later, from the status
page of the tip their browser follows (``intake.services.late_identity``). Like replies,
the form acts on the followed case only: no id, no code in the form or the URL. What they
typed is sealed at once and never shown back, not even to them.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake.extensions import db, limiter
from intake.models import Case
from intake.problem_messages import say
from intake.problems import Problem
from intake.public import tracked
from intake.public.blueprint import bp
from intake.public.feedback import _session_ended, _status_page, _track_limit, now
from intake.public.followup import FLASH_CATEGORY
from intake.public.forms import LateIdentityForm
from intake.services import ServiceError, late_identity
from intake.services.keyring import current_keyring

# This screen's own wording; every other refusal says the common message.
WORDING = {
    Problem.CASE_CLOSED: _l(
        "เรื่องนี้ปิดแล้ว จึงไม่รับข้อมูลตัวตนเพิ่ม หากมีข้อมูลใหม่ โปรดยื่นเรื่องใหม่"
    ),
}


@bp.context_processor
def _identity_context() -> dict[str, Any]:
    """Lets status.html build an empty form when the route did not pass one."""
    return {"new_identity_form": lambda: LateIdentityForm(formdata=None)}


@bp.post("/track/identity")
@limiter.limit(_track_limit)
def add_identity() -> ResponseReturnValue:
    case_id = tracked.tracked_case_id()
    case = db.session.get(Case, case_id) if case_id else None
    if case is None:
        return _session_ended()
    form = LateIdentityForm()
    if not form.validate_on_submit():
        return _status_page(case, 422, identity_form=form)
    try:
        late_identity.add_identity(db.session, current_keyring(), case.id, form.identity(), now())
    except ServiceError as error:
        if error.code is Problem.NOT_FOUND:  # purged and gone meanwhile
            return _session_ended()
        flash(say(error.code, WORDING), FLASH_CATEGORY)
        return redirect(url_for("public.track", _anchor="identity-later"), code=303)
    flash(
        _("บันทึกข้อมูลตัวตนของท่านแล้ว ข้อมูลถูกปิดผนึกทันที ไม่มีผู้ใดเปิดอ่านได้จากหน้านี้"),
        FLASH_CATEGORY,
    )
    return redirect(url_for("public.track", _anchor="identity-later"), code=303)
