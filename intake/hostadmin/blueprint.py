"""The host administration blueprint and its guard: every page but sign-in needs a
signed-in host administrator."""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, request, session, url_for
from flask.typing import ResponseReturnValue

from intake.extensions import db
from intake.services import host_admins

bp = Blueprint("hostadmin", __name__, url_prefix="/host")

HOST_SESSION_KEY = "host_admin"
OPEN_ENDPOINTS = frozenset({"hostadmin.login"})


@bp.before_request
def guard() -> ResponseReturnValue | None:
    signed = session.get(HOST_SESSION_KEY)
    g.host_admin = host_admins.by_session_id(db.session, signed) if signed else None
    if g.host_admin is None and request.endpoint not in OPEN_ENDPOINTS:
        return redirect(url_for("hostadmin.login"), code=303)
    return None


@bp.after_request
def not_cached(response: Response) -> Response:
    # Links shown once must not stay in a shared cache or the browser's history.
    response.headers["Cache-Control"] = "no-store"
    return response
