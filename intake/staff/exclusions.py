"""The case page's conflict-of-interest section: who a tip is hidden from, and the legal
lead's form to exclude one more person. The rule itself is ``services.visibility``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from intake.extensions import db
from intake.labels import ROLE
from intake.models import Case, CaseKind
from intake.permissions import Permission, can_view_kind, requires
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import exclusions as exclusions_service
from intake.services.exclusions import Excluded
from intake.services.keyring import current_keyring
from intake.staff.blueprint import bp

# This screen's own wording; every other refusal says the common message.
WORDING = {
    Problem.FORBIDDEN: _l("เฉพาะหัวหน้านิติกรเท่านั้นที่กันผู้มีส่วนได้เสียออกจากเรื่องได้"),
}


class ExcludeForm(FlaskForm):
    user = SelectField(_l("เจ้าหน้าที่ที่จะกันออก"), validate_choice=False)


@dataclass(frozen=True)
class ConflictPanel:
    excluded: list[Excluded]
    form: ExcludeForm | None  # legal leads only
    url: str


def _form(case: Case) -> ExcludeForm:
    form = ExcludeForm(prefix="exclude")
    people = exclusions_service.candidates(db.session, case)
    form.user.choices = [SelectChoice("", str(_l("— เลือกเจ้าหน้าที่ —")))] + [
        SelectChoice(str(u.id), f"{u.display_name} ({ROLE[u.role]})") for u in people
    ]
    return form


def conflict_panel(case: Case) -> ConflictPanel | None:
    """Shown on a tip to those who read tips; the form to legal leads."""
    if case.kind is not CaseKind.TIP or not can_view_kind(current_user.role, case.kind):
        return None
    may_exclude = exclusions_service.may_exclude(current_user, case)
    return ConflictPanel(
        excluded=exclusions_service.excluded_people(db.session, case),
        form=_form(case) if may_exclude else None,
        url=url_for("staff.exclude_from_case", case_id=case.id),
    )


@bp.post("/cases/<string(length=36):case_id>/exclusions")
@requires(Permission.TIPS_WORK)
def exclude_from_case(case_id: str) -> ResponseReturnValue:
    back = url_for("staff.case", case_id=case_id) + "#conflict-title"
    form = ExcludeForm(prefix="exclude")
    form.user.choices = []
    if not form.validate_on_submit():
        flash(str(_l("แบบฟอร์มหมดอายุ โปรดทำรายการอีกครั้ง")), "error")
        return redirect(back, code=303)
    chosen = form.user.data or ""
    try:
        exclusions_service.exclude(
            db.session,
            current_keyring(),
            current_user,
            case_id,
            int(chosen) if chosen.isdigit() else 0,
            datetime.now(UTC),
        )
    except ServiceError as error:
        if error.code is Problem.NOT_FOUND:
            abort(404)
        flash(say(error.code, WORDING), "error")
        return redirect(back, code=303)
    flash(str(_l("กันเจ้าหน้าที่ผู้นั้นออกจากเรื่องนี้แล้ว ผู้นั้นจะไม่เห็นเรื่องนี้อีก")), "success")
    return redirect(back, code=303)
