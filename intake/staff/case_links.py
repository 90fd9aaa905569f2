"""The case page's "linked cases / possible duplicates" panel and its two actions.

Kept apart from the action area: linking is not a move in the workflow, it decides which
case the others follow (``intake.services.case_links``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from intake.extensions import db
from intake.keystore import current_keyring
from intake.models import Case
from intake.permissions import WORK_PERMISSION, Permission, has_permission, requires
from intake.services import ServiceError, case_links, duplicates
from intake.services.queue import may_view
from intake.staff import bp

LINK_ERRORS = {
    "link_unknown": _l("ไม่พบเรื่องที่มีเลขที่นี้ โปรดตรวจสอบเลขที่เรื่อง"),
    "link_self": _l("เชื่อมเรื่องเข้ากับตัวเองไม่ได้"),
    "link_follower": _l("เรื่องที่ระบุเชื่อมกับเรื่องนี้อยู่แล้ว (เรื่องนี้เป็นเรื่องหลัก)"),
    "link_kind": _l("เชื่อมได้เฉพาะเรื่องร้องเรียนกับเรื่องร้องเรียน และเบาะแสกับเบาะแสเท่านั้น"),
    "link_closed": _l("เชื่อมได้เฉพาะเรื่องที่ยังไม่ปิด (เปิดเรื่องใหม่ก่อนหากจำเป็น)"),
    "link_already": _l("เรื่องนี้เชื่อมกับเรื่องหลักอยู่แล้ว โปรดยกเลิกการเชื่อมก่อน"),
    "link_none": _l("เรื่องนี้ไม่ได้เชื่อมกับเรื่องใด"),
}
FAILED = _l("ทำรายการไม่สำเร็จ โปรดลองอีกครั้ง")


class LinkForm(FlaskForm):
    reference = StringField(
        _l("เลขที่เรื่องหลัก"),
        validators=[
            DataRequired(_l("โปรดระบุเลขที่เรื่องหลัก")),
            Length(max=40, message=_l("เลขที่เรื่องยาวเกินไป")),
        ],
    )


class UnlinkForm(FlaskForm):
    pass


@dataclass(frozen=True)
class LinksPanel:
    primary: Case | None
    linked: list[Case]
    suggestions: list[duplicates.Suggestion]
    link_form: LinkForm | None  # None: this person may not link this case
    unlink_form: UnlinkForm | None


def _now() -> datetime:
    return datetime.now(UTC)


def panel(case: Case, posted: LinkForm | None = None) -> LinksPanel:
    session = db.session
    primary = session.get(Case, case.primary_case_id) if case.primary_case_id else None
    if primary is not None and not may_view(current_user, primary):
        primary = None
    linked = [c for c in case_links.followers(session, case.id) if may_view(current_user, c)]
    may_work = has_permission(current_user.role, WORK_PERMISSION[case.kind])
    workable = may_work and case.contents_purged_at is None
    suggestions = (
        duplicates.possible_duplicates(session, current_keyring(), current_user, case)
        if workable and case.primary_case_id is None
        else []
    )
    return LinksPanel(
        primary=primary,
        linked=linked,
        suggestions=suggestions,
        link_form=(posted or LinkForm()) if workable and primary is None else None,
        unlink_form=UnlinkForm() if may_work and primary is not None else None,
    )


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
        if error.code == "not_found":
            abort(404)
        if error.code == "forbidden":
            abort(403)
        form.reference.errors = [str(LINK_ERRORS.get(error.code, FAILED))]
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
        if error.code == "not_found":
            abort(404)
        if error.code == "forbidden":
            abort(403)
        flash(str(LINK_ERRORS.get(error.code, FAILED)), "error")
        return redirect(back, code=303)
    flash(str(_l("ยกเลิกการเชื่อมแล้ว เรื่องนี้ดำเนินการแยกต่อจากสถานะปัจจุบัน")), "success")
    return redirect(back, code=303)
