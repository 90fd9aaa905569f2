"""The staff blueprint and what stands in front of every staff page: the guard (deny by
default: every route names a permission, or is refused), the sign-in loader and the menu.
The view modules register their routes on ``bp``; ``intake.staff`` gathers them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from intake.extensions import db, login_manager
from intake.models import User
from intake.permissions import OPEN_ATTRIBUTE, PERMISSION_ATTRIBUTE, has_permission
from intake.services.staff_sessions import load_session_user

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The id of the server-side session (``services.staff_sessions``) in the cookie.
STAFF_SESSION_KEY = "staff_session"


@bp.before_request
def guard() -> ResponseReturnValue | None:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return None  # not found follows
    if getattr(view, OPEN_ATTRIBUTE, False):
        return None
    permission = getattr(view, PERMISSION_ATTRIBUTE, None)
    if permission is None:
        abort(403)  # a staff route that declares nothing is open to no one
    if not current_user.is_authenticated:
        if g.get("staff_session_idle"):
            logout_user()
            session.clear()
            flash(_("หมดเวลาการใช้งานเนื่องจากไม่มีการใช้งานนาน โปรดเข้าสู่ระบบอีกครั้ง"), "info")
        return redirect(url_for("staff.login"), code=303)
    if not has_permission(current_user.role, permission):
        abort(403)
    return None


def _load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the cookie's user id must match a live server-side session.
    On the host's own pages (no organisation) nobody is an organisation's staff: the
    cookie is the installation's, and those pages must not look an account up."""
    if g.get("organisation", False) is None:
        return None
    idle = timedelta(minutes=current_app.config["INTAKE_STAFF_IDLE_MINUTES"])
    user, ended_idle = load_session_user(
        db.session, user_id, session.get(STAFF_SESSION_KEY), datetime.now(UTC), idle
    )
    if ended_idle:
        g.staff_session_idle = True
    return user


MENU = (
    ("staff.dashboard", "dashboard", _l("ภาพรวม")),
    ("staff.cases", "cases", _l("รายการเรื่อง")),
    ("staff.register_case", "register", _l("ลงทะเบียนเรื่อง")),
    ("staff.reveals", "reveals", _l("คำขอเปิดเผยตัวตน")),
    ("staff.my_reveals", "reveals", _l("คำขอเปิดเผยตัวตนของฉัน")),
    ("staff.host_referrals", "reveals", _l("เรื่องที่รอส่งต่อ")),
    ("staff.reports", "reports", _l("รายงาน")),
    ("staff.admin_users", "admin", _l("ผู้ใช้")),
    ("staff.admin_settings", "admin", _l("ตั้งค่า")),
    ("staff.audit_log", "audit", _l("บันทึกการตรวจสอบ")),
    ("staff.calendar", "account", _l("ปฏิทินวันหยุด")),
    ("staff.change_password", "account", _l("รหัสผ่าน")),
)


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    current: bool


@bp.app_context_processor
def _menu() -> dict[str, Any]:
    def staff_menu() -> list[MenuItem]:
        if not current_user.is_authenticated:
            return []
        items = []
        for endpoint, _section, label in MENU:
            view = current_app.view_functions.get(endpoint)
            permission = getattr(view, PERMISSION_ATTRIBUTE, None) if view else None
            if permission is not None and has_permission(current_user.role, permission):
                items.append(MenuItem(url_for(endpoint), str(label), request.endpoint == endpoint))
        return items

    return {"staff_menu": staff_menu}


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "staff.login"
    login_manager.session_protection = "basic"

    login_manager.user_loader(_load_user)

    app.register_blueprint(bp)
