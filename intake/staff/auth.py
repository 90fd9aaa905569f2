"""Sign-in (password, then TOTP, with enrolment on first use), sign-out, password change."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from intake.extensions import db, limiter
from intake.models import User
from intake.permissions import Permission, open_route, requires
from intake.privacy import client_key
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import auth as auth_service
from intake.services.keyring import current_keyring
from intake.services.settings import get_organisation
from intake.services.staff_sessions import end_session
from intake.staff.blueprint import STAFF_SESSION_KEY, bp
from intake.staff.forms import CodeForm, LoginForm, PasswordChangeForm
from intake.staff.qr_code import qr_svg

PENDING_KEY = "staff_pending_user"
PENDING_SECONDS = 300

# Changing one's own password: the current one was wrong (not the sign-in wording).
PASSWORD_CHANGE_WORDING = {Problem.SIGN_IN_REFUSED: _l("รหัสผ่านไม่ถูกต้อง")}


def _now() -> datetime:
    return datetime.now(UTC)


def _login_limit() -> str:
    return str(current_app.config["INTAKE_LOGIN_LIMIT"])


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not pending or _now().timestamp() - pending["at"] > PENDING_SECONDS:
        return None
    return auth_service.pending_user(db.session, pending["id"])


def _development_code(user: User) -> str | None:
    if current_app.config["ENV_NAME"] != "development":
        return None  # belt and braces: the setting alone must not expose codes
    if not current_app.config["INTAKE_SHOW_DEVELOPMENT_CODE"]:
        return None
    return auth_service.development_code(current_keyring(), user, _now())


@bp.route("/login", methods=["GET", "POST"])
@open_route
@limiter.limit(_login_limit, methods=["POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("staff.home"), code=303)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = auth_service.check_password(
                db.session,
                current_keyring(),
                form.username.data or "",
                form.password.data or "",
                client_key(),
                _now(),
            )
        except ServiceError:
            # One message for a wrong password, an unknown or disabled account and a client
            # that tried too often: telling them apart would tell which usernames exist.
            form.password.errors = [say(Problem.SIGN_IN_REFUSED)]
        else:
            session.clear()
            session[PENDING_KEY] = {"id": user.get_id(), "at": _now().timestamp()}
            target = "staff.two_factor" if user.totp_confirmed else "staff.enrol"
            return redirect(url_for(target), code=303)
    status = 422 if form.errors else 200
    return render_template("staff/login.html", form=form), status


def _finish_code_step(form: CodeForm, user: User) -> ResponseReturnValue | None:
    try:
        token = auth_service.check_code(
            db.session, current_keyring(), user, form.otp.data or "", client_key(), _now()
        )
    except ServiceError as error:
        form.otp.errors = [say(error.code)]
        return None
    session.clear()
    session.permanent = True
    login_user(user)
    session[STAFF_SESSION_KEY] = token
    return redirect(url_for("staff.home"), code=303)


@bp.route("/login/code", methods=["GET", "POST"])
@open_route
@limiter.limit(_login_limit, methods=["POST"])
def two_factor() -> ResponseReturnValue:
    user = _pending_user()
    if user is None:
        return redirect(url_for("staff.login"), code=303)
    form = CodeForm()
    if form.validate_on_submit() and (done := _finish_code_step(form, user)):
        return done
    status = 422 if form.errors else 200
    return render_template(
        "staff/two_factor.html", form=form, development_code=_development_code(user)
    ), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@open_route
@limiter.limit(_login_limit, methods=["POST"])
def enrol() -> ResponseReturnValue:
    """First sign-in: show the secret as a QR code and as a URI, then ask for a code."""
    user = _pending_user()
    if user is None or user.totp_confirmed:
        return redirect(url_for("staff.login"), code=303)
    form = CodeForm()
    if form.validate_on_submit() and (done := _finish_code_step(form, user)):
        return done
    uri = auth_service.provisioning_uri(
        current_keyring(), user, get_organisation(db.session).name_en
    )
    qr = qr_svg(uri)
    status = 422 if form.errors else 200
    return render_template(
        "staff/enrol.html", form=form, uri=uri, qr=qr, development_code=_development_code(user)
    ), status


@bp.post("/logout")
@requires(Permission.ACCOUNT)
def logout() -> ResponseReturnValue:
    end_session(db.session, session.get(STAFF_SESSION_KEY), _now())
    logout_user()
    session.clear()
    flash(_("ออกจากระบบแล้ว"), "info")
    return redirect(url_for("staff.login"), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Permission.ACCOUNT)
def change_password() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            auth_service.change_password(
                db.session,
                current_user,
                form.current.data or "",
                form.new.data or "",
                _now(),
                keep_token=session.get(STAFF_SESSION_KEY),
            )
        except ServiceError as error:
            field = form.current if error.code is Problem.SIGN_IN_REFUSED else form.new
            field.errors = [say(error.code, PASSWORD_CHANGE_WORDING)]
        else:
            login_user(current_user)  # this session keeps going with the new version
            flash(_("เปลี่ยนรหัสผ่านแล้ว อุปกรณ์อื่นที่เข้าสู่ระบบไว้จะถูกออกจากระบบ"), "success")
            return redirect(url_for("staff.home"), code=303)
    status = 422 if form.errors else 200
    return render_template("staff/password.html", form=form), status


@bp.get("/")
@requires(Permission.ACCOUNT)
def home() -> ResponseReturnValue:
    """Where each role starts."""
    from intake.permissions import has_permission

    role = current_user.role
    for permission, endpoint in (
        (Permission.DASHBOARD, "staff.dashboard"),
        (Permission.REVEAL_DECIDE, "staff.reveals"),
        (Permission.ADMIN, "staff.admin_users"),
        (Permission.AUDIT, "staff.audit_log"),
    ):
        if has_permission(role, permission) and endpoint in current_app.view_functions:
            return redirect(url_for(endpoint), code=303)
    return render_template("staff/home.html")
