"""The enrolment page: a person sets their own password and enrols two-factor through the
one-time link they were given. Nobody else sees either.

The link's token arrives once, in the query string; it is kept sealed in the session and
the browser is sent on to the same page without it, so it leaves the address bar (and
whatever is later copied from it) at the first request.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from intake.extensions import db, limiter
from intake.models import User
from intake.permissions import open_route
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import auth as auth_service
from intake.services import enrolment as enrolment_service
from intake.services.keyring import current_keyring
from intake.services.settings import get_organisation
from intake.staff.blueprint import bp
from intake.staff.forms import EnrolmentForm
from intake.staff.qr_code import qr_svg

PENDING_KEY = "staff_enrolment"

# Refusals shown beside a field of the form; any other one means the link cannot be used.
FIELD = {Problem.WEAK_PASSWORD: "password", Problem.WRONG_TWO_FACTOR_CODE: "otp"}
WORDING = {
    Problem.WEAK_PASSWORD: _l("อย่างน้อย 10 ตัวอักษร"),
    Problem.WRONG_TWO_FACTOR_CODE: _l(
        "รหัสยืนยันไม่ถูกต้องหรือหมดอายุ โปรดตรวจว่าสแกนคิวอาร์โค้ดบนหน้านี้แล้ว รอรหัสใหม่แล้วลองอีกครั้ง"
    ),
}


def _now() -> datetime:
    return datetime.now(UTC)


def _login_limit() -> str:
    return str(current_app.config["INTAKE_LOGIN_LIMIT"])


def _link_error(code: Problem) -> ResponseReturnValue:
    session.pop(PENDING_KEY, None)
    message = say(code if code is Problem.ENROLMENT_EXPIRED else Problem.ENROLMENT_INVALID)
    return render_template("staff/enrol_link.html", error=message), 410


def _page(form: EnrolmentForm, user: User, secret: str, status: int) -> ResponseReturnValue:
    organisation = get_organisation(db.session).name_en
    uri = auth_service.totp_uri(secret, user.username, organisation)
    qr = qr_svg(uri)
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return render_template(
        "staff/enrol_link.html", form=form, user=user, uri=uri, qr=qr, secret=grouped
    ), status


@bp.route("/enrol", methods=["GET", "POST"])
@open_route
@limiter.limit(_login_limit)
def enrolment() -> ResponseReturnValue:
    keyring = current_keyring()
    token = request.args.get("token")
    if token is not None and request.method == "GET":
        # Whatever this browser was doing before, it now enrols this person only.
        session.clear()
        session[PENDING_KEY] = enrolment_service.start(keyring, token)
        return redirect(url_for("staff.enrolment"), code=303)
    try:
        pending = enrolment_service.open_pending(keyring, session.get(PENDING_KEY, ""))
        user = enrolment_service.find_pending(db.session, keyring, pending.token, _now())
    except ServiceError as error:
        return _link_error(error.code)
    form = EnrolmentForm()
    if form.validate_on_submit():
        try:
            enrolment_service.complete(
                db.session,
                keyring,
                pending,
                password=form.password.data or "",
                code=form.otp.data or "",
                now=_now(),
            )
        except ServiceError as error:
            if error.code not in FIELD:
                return _link_error(error.code)
            form[FIELD[error.code]].errors = [say(error.code, WORDING)]
        else:
            session.pop(PENDING_KEY, None)
            flash(_("ตั้งรหัสผ่านและการยืนยันตัวตนสองขั้นตอนเรียบร้อยแล้ว โปรดเข้าสู่ระบบ"), "success")
            return redirect(url_for("staff.login"), code=303)
    return _page(form, user, pending.secret, 422 if form.errors else 200)
