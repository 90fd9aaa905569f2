"""Deciding on a complainant's request to reopen a closed case, from the case page, and
the requests waiting for a decision on the dashboard.

The case page and the dashboard read their part through context functions
(``reopen_request_panel``, ``reopen_board``), so the views that render them need not
know about requests. Who may decide is who may reopen: the service checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, g, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from intake import thaidate
from intake.extensions import db
from intake.models import Case, CaseKind
from intake.permissions import Permission, requires, visible_kinds
from intake.problem_messages import MESSAGE, say
from intake.problems import Problem
from intake.services import ServiceError, reopen_figures, reopen_requests
from intake.services.case_work import MAX_TEXT, available_actions
from intake.services.keyring import current_keyring
from intake.services.visibility import may_view
from intake.staff.blueprint import bp
from intake.staff.case_forms import TOO_LONG
from intake.workflow import Action

DECISIONS = ("grant", "decline")
DONE = {
    "grant": _l("เปิดเรื่องใหม่ตามคำขอแล้ว เริ่มนับระยะเวลาแจ้งผลใหม่"),
    "decline": _l("แจ้งเหตุผลที่ไม่เปิดเรื่องใหม่ถึงผู้ร้อง/ผู้แจ้งแล้ว เรื่องยังคงปิดอยู่"),
}
ANSWER_REQUIRED = _l("โปรดเขียนเหตุผลที่ไม่เปิดเรื่องใหม่ ผู้ร้อง/ผู้แจ้งจะเห็นข้อความนี้")
# This screen's own wording; every other refusal says the common message.
WORDING = {
    # The request was answered meanwhile, so the case may have moved on.
    Problem.NOT_ALLOWED_MOVE: MESSAGE[Problem.NO_REOPEN_REQUEST],
    Problem.TEXT_TOO_LONG: TOO_LONG,
}


class GrantForm(FlaskForm):
    message = TextAreaField(
        _l("ข้อความถึงผู้ร้อง/ผู้แจ้ง"),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG)],
    )


class DeclineForm(FlaskForm):
    message = TextAreaField(
        _l("เหตุผลที่ไม่เปิดเรื่องใหม่ (ผู้ร้อง/ผู้แจ้งเห็น)"),
        validators=[DataRequired(ANSWER_REQUIRED), Length(max=MAX_TEXT, message=TOO_LONG)],
    )


def _form(decision: str, *, posted: bool = False) -> FlaskForm:
    form_class = GrantForm if decision == "grant" else DeclineForm
    prefix = f"reopen-{decision}"
    return form_class(prefix=prefix) if posted else form_class(formdata=None, prefix=prefix)


@dataclass(frozen=True)
class RequestPanel:
    request: reopen_requests.PendingRequest
    may_decide: bool
    grant_form: FlaskForm
    decline_form: FlaskForm


def reopen_request_panel(case: Case) -> RequestPanel | None:
    """The pending request of the case on the page, with its forms if this person may
    decide; a form just refused (``g.reopen_posted``) keeps its errors."""
    pending = reopen_requests.pending_for_staff(db.session, current_keyring(), case)
    if pending is None:
        return None
    posted: dict[str, FlaskForm] = g.get("reopen_posted", {})
    may_decide = Action.REOPEN in available_actions(current_user, case)
    return RequestPanel(
        pending,
        may_decide,
        posted.get("grant") or _form("grant"),
        posted.get("decline") or _form("decline"),
    )


@dataclass(frozen=True)
class ReopenBoard:
    waiting: list[reopen_requests.WaitingRequest]
    figures: dict[str, reopen_figures.ReopenFigures]  # by kind, this fiscal year
    fiscal_year: int


def reopen_board() -> ReopenBoard:
    """For the dashboard: requests waiting on cases this person may see, and this fiscal
    year's requests by outcome for each kind they count."""
    now = datetime.now(UTC)
    kinds = visible_kinds(current_user.role)
    waiting = [
        case
        for case in reopen_requests.pending_cases(db.session)
        if may_view(current_user, case)
    ]
    fiscal_year = thaidate.fiscal_year(thaidate.local_date(now))
    first, last = thaidate.fiscal_year_bounds(fiscal_year)
    counted = kinds or list(CaseKind)  # executives count every kind
    return ReopenBoard(
        reopen_requests.waiting(db.session, waiting),
        {kind.value: reopen_figures.figures(db.session, kind, first, last) for kind in counted},
        fiscal_year,
    )


@bp.app_context_processor
def _reopen_context() -> dict[str, Any]:
    return {"reopen_request_panel": reopen_request_panel, "reopen_board": reopen_board}


@bp.post("/cases/<string(length=36):case_id>/reopen-request/<decision>")
@requires(Permission.COMPLAINTS_WORK)
def decide_reopen_request(case_id: str, decision: str) -> ResponseReturnValue:
    from intake.staff.cases import FORM_EXPIRED, render_case_page

    if decision not in DECISIONS:
        abort(404)
    back = url_for("staff.case", case_id=case_id)
    form = _form(decision, posted=True)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash(str(FORM_EXPIRED), "error")
            return redirect(back, code=303)
        g.reopen_posted = {decision: form}
        return render_case_page(case_id, status=422)
    args = (db.session, current_keyring(), current_user, case_id)
    message = form.message.data or ""
    try:
        if decision == "grant":
            reopen_requests.grant(*args, message=message, now=datetime.now(UTC))
        else:
            reopen_requests.decline(*args, message=message, now=datetime.now(UTC))
    except ServiceError as error:
        if error.code == Problem.NOT_FOUND:
            abort(404)
        if error.code == Problem.FORBIDDEN:
            abort(403)
        if error.code == Problem.MESSAGE_REQUIRED:
            form.message.errors = [str(ANSWER_REQUIRED)]
            g.reopen_posted = {decision: form}
            return render_case_page(case_id, status=422)
        flash(say(error.code, WORDING), "error")
        return redirect(back, code=303)
    flash(str(DONE[decision]), "success")
    return redirect(back, code=303)
