"""The two actions of the case page's "linked cases / possible duplicates" panel; the
panel itself is ``intake.staff.case_links_panel``.

Kept apart from the action area: linking is not a move in the workflow, it decides which
case the others follow (``intake.services.case_links``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intake.extensions import db
from intake.permissions import Permission, requires
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError, case_links
from intake.services.keyring import current_keyring
from intake.staff.blueprint import bp
from intake.staff.case_links_panel import LinkForm, UnlinkForm


def _now() -> datetime:
    return datetime.now(UTC)


@bp.post("/cases/<string(length=36):case_id>/link")
@requires(Permission.COMPLAINTS_WORK)
def link_case(case_id: str) -> ResponseReturnValue:
    from intake.staff.cases import render_case_page

    form = LinkForm()
    back = url_for("staff.case", case_id=case_id)
    if not form.validate_on_submit():
        return render_case_page(case_id, link_form=form, status=422)
    try:
        case_links.link(
            db.session,
            current_keyring(),
            current_user,
            case_id,
            form.reference.data or "",
            now=_now(),
        )
    except ServiceError as error:
        if error.code == Problem.NOT_FOUND:
            abort(404)
        if error.code == Problem.FORBIDDEN:
            abort(403)
        form.reference.errors = [say(error.code)]
        return render_case_page(case_id, link_form=form, status=422)
    flash(str(_l("เชื่อมเรื่องแล้ว เรื่องนี้จะเปลี่ยนสถานะตามเรื่องหลัก")), "success")
    return redirect(back, code=303)


@bp.post("/cases/<string(length=36):case_id>/unlink")
@requires(Permission.COMPLAINTS_WORK)
def unlink_case(case_id: str) -> ResponseReturnValue:
    back = url_for("staff.case", case_id=case_id)
    if not UnlinkForm().validate_on_submit():
        flash(str(_l("แบบฟอร์มหมดอายุ โปรดทำรายการอีกครั้ง")), "error")
        return redirect(back, code=303)
    try:
        case_links.unlink(db.session, current_keyring(), current_user, case_id, now=_now())
    except ServiceError as error:
        if error.code == Problem.NOT_FOUND:
            abort(404)
        if error.code == Problem.FORBIDDEN:
            abort(403)
        flash(say(error.code), "error")
        return redirect(back, code=303)
    flash(str(_l("ยกเลิกการเชื่อมแล้ว เรื่องนี้ดำเนินการแยกต่อจากสถานะปัจจุบัน")), "success")
    return redirect(back, code=303)
