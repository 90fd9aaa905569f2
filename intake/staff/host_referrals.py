"""Referring a case to another organisation on the host: the officer's form (find the
organisation with the directory's search, give a public reason) and the custodian's step
that moves a tip's identity. The rules, the copy and the audit are
``intake.services.host_referral``; these views parse, call and render. Only a case or
referral id and the search words go into a URL: never the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from intake.extensions import db
from intake.models import Case, HostReferral
from intake.permissions import Permission, requires
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import host_referral as referral_service
from intake.services.case_work import MAX_TEXT
from intake.services.organisations import serves_several
from intake.staff.blueprint import bp

REQUIRED = _l("โปรดกรอกช่องนี้")
REFERRED = _l("ส่งต่อเรื่องไปยังหน่วยงานที่เลือกแล้ว")
WAITING = _l("บันทึกการส่งต่อแล้ว รอผู้ดูแลข้อมูลตัวตนย้ายข้อมูลตัวตนของผู้แจ้งไปยังหน่วยงานที่รับเรื่อง")
MOVED = _l("ย้ายข้อมูลตัวตนและส่งต่อเรื่องแล้ว หน่วยงานของท่านไม่เก็บสำเนาที่อ่านได้ไว้")
RECEIVER_PROBLEMS = frozenset(
    {
        Problem.RECEIVER_REQUIRED,
        Problem.RECEIVER_SAME,
        Problem.RECEIVER_SUSPENDED,
        Problem.RECEIVER_CANNOT_SEAL,
    }
)


class HostReferralForm(FlaskForm):
    organisation = IntegerField(_l("หน่วยงานที่จะรับเรื่องต่อ"), validators=[Optional()])
    reason = TextAreaField(
        _l("เหตุผลที่ส่งต่อ (ผู้ร้อง/ผู้แจ้งจะเห็นข้อความนี้)"),
        validators=[DataRequired(REQUIRED), Length(max=MAX_TEXT)],
    )


class MoveIdentityForm(FlaskForm):
    passphrase = PasswordField(
        _l("รหัสผ่านกุญแจของผู้ดูแลข้อมูลตัวตน (passphrase)"),
        validators=[DataRequired(REQUIRED), Length(max=1024)],
    )


@dataclass(frozen=True)
class ReferralPanel:
    """What the case page says about referring on the host."""

    url: str | None  # the form, when this person may refer the case now
    waiting: bool  # a referral waits for a custodian


def host_referral_panel(case: Case) -> ReferralPanel | None:
    """For the case page: None on an installation of one organisation."""
    if not serves_several(db.session):
        return None
    waiting = referral_service.pending_for_case(db.session, case.id) is not None
    allowed = not waiting and referral_service.may_refer(current_user, case)
    url = url_for("staff.refer_on_host", case_id=case.id) if allowed else None
    return ReferralPanel(url, waiting) if url or waiting else None


def _now() -> datetime:
    return datetime.now(UTC)


def _uploads() -> Path:
    return Path(current_app.config["INTAKE_UPLOADS_PATH"])


def _form_page(case: Case, form: HostReferralForm, code: int = 200) -> ResponseReturnValue:
    text = (request.values.get("q") or "").strip()[:200]
    found = referral_service.receivers(db.session, text) if text else []
    return (
        render_template(
            "staff/refer_on_host.html",
            case=case,
            form=form,
            q=text,
            found=found,
            searched=bool(text),
        ),
        code,
    )


def _case_or_404(case_id: str) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or not referral_service.may_refer(current_user, case):
        abort(404)  # never confirm that a hidden case exists
    return case


@bp.route("/cases/<string(length=36):case_id>/refer-on-host", methods=["GET", "POST"])
@requires(Permission.CASES_REFER_ON_HOST)
def refer_on_host(case_id: str) -> ResponseReturnValue:
    case = _case_or_404(case_id)
    form = HostReferralForm()
    if request.method == "GET":
        return _form_page(case, form)
    if not form.validate_on_submit():
        return _form_page(case, form, 422)
    try:
        referral = referral_service.refer(
            db.session,
            current_user,
            case_id,
            to_organisation_id=form.organisation.data,
            reason=form.reason.data or "",
            uploads=_uploads(),
            now=_now(),
        )
    except ServiceError as error:
        return _refused(case_id, form, error)
    flash(str(REFERRED if referral.new_case_id else WAITING), "success")
    return redirect(url_for("staff.case", case_id=case_id), code=303)


def _refused(case_id: str, form: HostReferralForm, error: ServiceError) -> ResponseReturnValue:
    if error.code in (Problem.NOT_FOUND, Problem.FORBIDDEN):
        abort(404 if error.code is Problem.NOT_FOUND else 403)
    case = _case_or_404(case_id)
    if error.code in RECEIVER_PROBLEMS:
        form.organisation.errors = [say(error.code)]
    else:
        form.reason.errors = [say(error.code)]
    return _form_page(case, form, 422)


@bp.get("/referrals")
@requires(Permission.REVEAL_DECIDE)
def host_referrals() -> ResponseReturnValue:
    rows = [_row(referral) for referral in referral_service.waiting(db.session, current_user)]
    return render_template("staff/host_referrals.html", rows=rows, form=MoveIdentityForm())


def _row(referral: HostReferral) -> dict[str, Any]:
    receiver = referral_service.receiver_of(db.session, referral)
    return {
        "id": referral.id,
        "reference": referral.case.reference,
        "receiver": receiver.name_th if receiver else "",
        "requested_at": referral.requested_at,
        "reason": referral_service.reason_of(db.session, referral),
    }


@bp.post("/referrals/<string(length=36):referral_id>")
@requires(Permission.REVEAL_DECIDE)
def move_referral_identity(referral_id: str) -> ResponseReturnValue:
    form = MoveIdentityForm()
    if form.validate_on_submit():
        try:
            referral_service.move_identity(
                db.session,
                current_user,
                form.passphrase.data or "",
                referral_id,
                uploads=_uploads(),
                now=_now(),
            )
        except ServiceError as error:
            if error.code is Problem.NOT_FOUND:
                abort(404)
            form.passphrase.errors = [say(error.code)]
        else:
            flash(str(MOVED), "success")
            return redirect(url_for("staff.host_referrals"), code=303)
    rows = [_row(referral) for referral in referral_service.waiting(db.session, current_user)]
    page = render_template("staff/host_referrals.html", rows=rows, form=form, failed=referral_id)
    return page, 422
