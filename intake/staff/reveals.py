"""Identity reveal screens: a legal officer asks with a reason, a custodian decides with
their passphrase, the requester alone reads the identity for a limited time, entering
their password again each time (it opens the key the identity is sealed to).

The rules, the audit and the cryptography live in ``intake.services.reveal``; what the
pages list (who asked, when, why) comes from ``intake.services.reveal_lists``. These
views parse forms, call a service and render; nothing from these pages goes into a URL
but a request or case id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm

from intake.extensions import db, limiter
from intake.i18n import format_datetime
from intake.models import RevealStatus
from intake.permissions import Permission, requires
from intake.privacy import client_key
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError, reveal_lists
from intake.services import reveal as reveal_service
from intake.services.filing import REPORTER_FIELDS
from intake.services.keyring import current_keyring
from intake.staff.blueprint import bp
from intake.staff.reveal_forms import (
    ApproveForm,
    RefuseForm,
    RevealRequestForm,
    RevokeForm,
    ViewIdentityForm,
)

NOTICE_LABELS = {
    "reveal.requested": _l("มีคำขอเปิดเผยตัวตนใหม่"),
    "reveal.approved": _l("คำขอเปิดเผยตัวตนของท่านได้รับอนุมัติ"),
    "reveal.refused": _l("คำขอเปิดเผยตัวตนของท่านไม่ได้รับอนุมัติ"),
}

# The tipster's identity fields, named as on the public tip form.
IDENTITY_LABELS = {
    "name": _l("ชื่อ–นามสกุล"),
    "phone": _l("หมายเลขโทรศัพท์"),
    "email": _l("อีเมล"),
    "address": _l("ที่อยู่ที่ติดต่อได้"),
    "national_id": _l("เลขประจำตัวประชาชน"),
}

# Refusals shown beside the reason of a request; any other one is a 403.
REQUEST_FIELD_PROBLEMS = {
    Problem.REASON_TOO_SHORT,
    Problem.REASON_TOO_LONG,
    Problem.ALREADY_PENDING,
    Problem.NO_PERSONAL_KEY,
}
REFUSAL_REASON_PROBLEMS = {Problem.REASON_TOO_SHORT, Problem.REASON_TOO_LONG}
PASSPHRASE_PROBLEMS = {Problem.WRONG_PASSPHRASE, Problem.PASSPHRASE_LOCKED}
DECISION_WORDING = {Problem.NOT_ALLOWED: _l("ท่านไม่มีสิทธิ์พิจารณาคำขอนี้")}
# What the custodian's decision may meet; anything else is told as "not allowed".
DECISION_PROBLEMS = {
    *PASSPHRASE_PROBLEMS,
    *REFUSAL_REASON_PROBLEMS,
    Problem.SAME_PERSON,
    Problem.NOT_PENDING,
    Problem.NOT_CUSTODIAN,
    Problem.NOT_ALLOWED,
    Problem.NO_IDENTITY,
    Problem.REQUESTER_HAS_NO_KEY,
    Problem.REQUESTER_EXCLUDED,
}

# Why the identity cannot be shown, by the request's status, and the HTTP status to say it.
UNAVAILABLE = {
    RevealStatus.PENDING: (_l("คำขอนี้ยังรอการพิจารณาจากผู้ดูแลข้อมูลตัวตน"), 403),
    RevealStatus.REFUSED: (_l("คำขอนี้ไม่ได้รับอนุมัติ จึงไม่สามารถดูข้อมูลตัวตนได้"), 403),
    RevealStatus.REVOKED: (
        _l("ผู้ดูแลข้อมูลตัวตนได้ยกเลิกการอนุมัติแล้ว ข้อมูลตัวตนที่เปิดไว้ถูกลบออกแล้ว"),
        410,
    ),
    RevealStatus.EXPIRED: (
        _l("ระยะเวลาที่อนุมัติให้ดูข้อมูลตัวตนสิ้นสุดแล้ว ข้อมูลตัวตนที่เปิดไว้ถูกลบออกแล้ว"),
        410,
    ),
}


# Refusals shown beside the password when opening an identity; any other one is a 403.
VIEW_PROBLEMS = {Problem.WRONG_PASSWORD, Problem.NO_PERSONAL_KEY}
VIEW_WORDING = {
    Problem.NO_PERSONAL_KEY: _l(
        "บัญชีของท่านไม่มีกุญแจส่วนตัวที่ข้อมูลตัวตนนี้ปิดผนึกไว้ โปรดออกจากระบบแล้วเข้าสู่ระบบใหม่"
    ),
}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NoticeLine:
    label: str
    reference: str
    at: datetime


def _notice_lines(notices: list[reveal_lists.Notice]) -> list[NoticeLine]:
    return [
        NoticeLine(str(NOTICE_LABELS.get(n.kind, n.kind)), n.reference, n.at) for n in notices
    ]


def _visible_or_404(request_id: str) -> None:
    try:
        reveal_lists.visible_request(db.session, request_id, current_user)
    except ServiceError:
        abort(404)


def _row_or_404(request_id: str, *, reasons: bool = False) -> reveal_lists.RequestRow:
    try:
        return reveal_lists.request_row(
            db.session, current_keyring(), current_user, request_id, reasons=reasons
        )
    except ServiceError:
        abort(404)


def _step_up_limit() -> str:
    """Asking for the password again is throttled like signing in."""
    return str(current_app.config["INTAKE_LOGIN_LIMIT"])


# --- the custodian's side --------------------------------------------------------------


@bp.get("/reveals")
@requires(Permission.REVEAL_DECIDE)
def reveals() -> ResponseReturnValue:
    lists = reveal_lists.custodian_lists(db.session, current_keyring(), current_user, _now())
    return render_template(
        "staff/reveals.html",
        mode="custodian",
        notices=_notice_lines(lists.notices),
        pending=lists.pending,
        running=lists.running,
    )


def _show_decision_error(error: ServiceError, approve: ApproveForm, refuse: RefuseForm) -> int:
    shown = error.code if error.code in DECISION_PROBLEMS else Problem.NOT_ALLOWED
    message = say(shown, DECISION_WORDING)
    if error.code in PASSPHRASE_PROBLEMS:
        approve.passphrase.errors = [message]
        return 422
    if error.code == Problem.REQUESTER_HAS_NO_KEY:
        flash(message, "error")
        return 409
    if error.code in REFUSAL_REASON_PROBLEMS:
        refuse.refusal_reason.errors = [message]
        return 422
    flash(message, "error")
    return 409 if error.code == Problem.NOT_PENDING else 403


@bp.route("/reveals/<string(length=36):request_id>/decide", methods=["GET", "POST"])
@requires(Permission.REVEAL_DECIDE)
def decide_reveal(request_id: str) -> ResponseReturnValue:
    _visible_or_404(request_id)
    approve, refuse = ApproveForm(), RefuseForm()
    status = 200
    if request.method == "POST":
        decision = request.form.get("decision", "")
        form: FlaskForm | None = {"approve": approve, "refuse": refuse}.get(decision)
        if form is None:
            abort(400)
        if not form.validate_on_submit():
            status = 422
        else:
            try:
                flash(_decide(request_id, approve, refuse, decision == "approve"), "success")
            except ServiceError as error:
                status = _show_decision_error(error, approve, refuse)
            else:
                return redirect(url_for("staff.reveals"), code=303)
    row = _row_or_404(request_id, reasons=True)
    return render_template(
        "staff/reveal.html", mode="decide", row=row, approve=approve, refuse=refuse
    ), status


def _decide(request_id: str, approve: ApproveForm, refuse: RefuseForm, approving: bool) -> str:
    """Calls the one service the custodian chose; returns what to tell them."""
    if approving:
        decided = reveal_service.approve_reveal(
            db.session,
            current_keyring(),
            current_user,
            approve.passphrase.data or "",
            request_id,
            _now(),
        )
        return _(
            "อนุมัติแล้ว ผู้ขอจะดูข้อมูลตัวตนได้จนถึง %(time)s",
            time=format_datetime(decided.expires_at),
        )
    reveal_service.refuse_reveal(
        db.session,
        current_keyring(),
        current_user,
        request_id,
        refuse.refusal_reason.data or "",
        _now(),
    )
    return _("บันทึกการไม่อนุมัติแล้ว ผู้ขอจะได้รับแจ้ง")


@bp.post("/reveals/<string(length=36):request_id>/revoke")
@requires(Permission.REVEAL_DECIDE)
def revoke_reveal(request_id: str) -> ResponseReturnValue:
    _visible_or_404(request_id)
    if not RevokeForm().validate_on_submit():
        abort(400)
    try:
        reveal_service.revoke_reveal(
            db.session, current_keyring(), current_user, request_id, _now()
        )
    except ServiceError as error:
        if error.code == Problem.NOT_RUNNING:
            flash(say(error.code), "info")
        else:
            abort(403)
    else:
        flash(_("ยกเลิกการอนุมัติแล้ว ข้อมูลตัวตนที่เปิดไว้ถูกลบออกแล้ว"), "success")
    return redirect(url_for("staff.reveals"), code=303)


# --- the legal officer's side ----------------------------------------------------------


# The same converter as the case pages' routes (intake/staff/cases.py): sharing their
# matcher state lets the static "reveal" win over their POST /cases/<case_id>/<action>.
@bp.route("/cases/<string(length=36):case_id>/reveal", methods=["GET", "POST"])
@requires(Permission.REVEAL_REQUEST)
def request_reveal(case_id: str) -> ResponseReturnValue:
    try:
        case = reveal_lists.sealed_tip(db.session, case_id, current_user)
    except ServiceError:
        abort(404)
    form = RevealRequestForm()
    if form.validate_on_submit():
        try:
            reveal_service.request_reveal(
                db.session, current_keyring(), current_user, case_id, form.reason.data or "", _now()
            )
        except ServiceError as error:
            if error.code in {Problem.NOT_FOUND, Problem.NO_IDENTITY}:
                abort(404)
            if error.code not in REQUEST_FIELD_PROBLEMS:
                abort(403)
            form.reason.errors = [say(error.code)]
        else:
            flash(_("ส่งคำขอแล้ว ผู้ดูแลข้อมูลตัวตนจะพิจารณาและท่านจะได้รับแจ้งผล"), "success")
            return redirect(url_for("staff.my_reveals"), code=303)
    history = reveal_lists.requests_on_tip(db.session, current_keyring(), current_user, case_id)
    status = 422 if form.errors else 200
    return render_template(
        "staff/reveal_request.html", case=case, form=form, history=history
    ), status


@bp.get("/reveals/mine")
@requires(Permission.REVEAL_REQUEST)
def my_reveals() -> ResponseReturnValue:
    lists = reveal_lists.requester_lists(db.session, current_keyring(), current_user, _now())
    notices = _notice_lines(lists.notices)
    return render_template("staff/reveals.html", mode="mine", notices=notices, mine=lists.mine)


def _unavailable(request_id: str) -> ResponseReturnValue:
    row = _row_or_404(request_id)
    message, status = UNAVAILABLE.get(row.status, UNAVAILABLE[RevealStatus.EXPIRED])
    return render_template(
        "staff/reveal.html", mode="unavailable", row=row, message=message
    ), status


def _refused(error: ServiceError, request_id: str) -> ResponseReturnValue | None:
    """What to answer when the service says no, apart from a wrong password."""
    if error.code == Problem.NOT_FOUND:
        abort(404)
    if error.code == Problem.NOT_RUNNING:
        return _unavailable(request_id)
    if error.code == Problem.SIGN_IN_LOCKED:
        # Too many wrong passwords: the account is locked and its sessions have ended.
        logout_user()
        session.clear()
        flash(_("ใส่รหัสผ่านผิดหลายครั้ง บัญชีถูกระงับชั่วคราวและออกจากระบบแล้ว"), "error")
        return redirect(url_for("staff.login"), code=303)
    if error.code not in VIEW_PROBLEMS:
        abort(403)
    return None


@bp.route("/reveals/<string(length=36):request_id>/identity", methods=["GET", "POST"])
@requires(Permission.REVEAL_REQUEST)
@limiter.limit(_step_up_limit, methods=["POST"])
def view_identity(request_id: str) -> ResponseReturnValue:
    """GET asks for the password; POST with it shows the identity, never stored anywhere."""
    form = ViewIdentityForm()
    status = 200
    try:
        reveal_service.running_request(
            db.session, current_keyring(), current_user, request_id, _now()
        )
        if form.validate_on_submit():
            seen = reveal_service.view_identity(
                db.session,
                current_keyring(),
                current_user,
                request_id,
                form.password.data or "",
                _now(),
                client=client_key(),
            )
            return _show_identity(request_id, seen)
    except ServiceError as error:
        answer = _refused(error, request_id)
        if answer is not None:
            return answer
        form.password.errors = [say(error.code, VIEW_WORDING)]
    if form.errors:
        status = 422
    row = _row_or_404(request_id)
    return render_template("staff/reveal.html", mode="step_up", row=row, form=form), status


def _show_identity(request_id: str, seen: reveal_service.RevealedIdentity) -> ResponseReturnValue:
    row = _row_or_404(request_id)
    known = [
        (str(IDENTITY_LABELS[key]), seen.fields[key])
        for key in REPORTER_FIELDS
        if seen.fields.get(key)
    ]
    others = [
        (key, value) for key, value in seen.fields.items() if key not in IDENTITY_LABELS and value
    ]
    return render_template(
        "staff/reveal.html",
        mode="identity",
        row=row,
        fields=known + others,
        expires_at=seen.expires_at,
    )
