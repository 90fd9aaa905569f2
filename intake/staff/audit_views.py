"""The audit log, for auditors: entries newest first, filters, and the chain's state.

Auditors see who did what, when, and to which case by its reference number: never a
case's contents, which their role cannot open anyway.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue

from intake.extensions import db
from intake.permissions import Permission, requires
from intake.services import audit_search
from intake.services.keyring import current_keyring
from intake.staff.admin_forms import AuditFilterForm, clean
from intake.staff.blueprint import bp

FILTER_NAMES = ("action", "actor", "date_from", "date_to", "reference")


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def _filters(form: AuditFilterForm) -> audit_search.AuditFilters:
    return audit_search.AuditFilters(
        action=form.action.data or "",
        actor=form.actor.data or "",
        date_from=clean(form.date_from),
        date_to=clean(form.date_to),
        reference=form.reference.data or "",
    )


def _page_url(page: int) -> str:
    kept: dict[str, Any] = {
        name: request.args[name] for name in FILTER_NAMES if request.args.get(name)
    }
    return url_for("staff.audit_log", page=page, **kept)


@bp.get("/audit")
@requires(Permission.AUDIT)
def audit_log() -> ResponseReturnValue:
    form = AuditFilterForm(formdata=request.args)
    valid = form.validate()
    filters = _filters(form) if valid else audit_search.AuditFilters()
    result = audit_search.audit_log_page(
        db.session, current_keyring(), filters, _page_number() if valid else 1
    )
    return render_template(
        "staff/audit.html", form=form, result=result, page_url=_page_url
    ), 200 if valid else 422
