"""The staff queue and the dashboard: thin views over ``services.queue``.

The queue needs Permission.COMPLAINTS_VIEW, as the case page does; tips and other
departments' cases are left out by the service's scope (``services.visibility``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from intake.extensions import db
from intake.i18n import current_local_name
from intake.labels import KIND
from intake.models import Role
from intake.permissions import Permission, requires, visible_kinds
from intake.services import duplicates, queue
from intake.services.keyring import current_keyring
from intake.services.settings import categories_for, departments
from intake.staff.blueprint import bp
from intake.staff.queue_forms import QueueFilterForm


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("/dashboard")
@requires(Permission.DASHBOARD)
def dashboard() -> ResponseReturnValue:
    counts = queue.dashboard_counts(db.session, current_user, _now(), keyring=current_keyring())
    return render_template("staff/dashboard.html", counts=counts)


def _filter_form() -> QueueFilterForm:
    form = QueueFilterForm(formdata=request.args)
    kinds = visible_kinds(current_user.role)
    scoped = current_user.role is Role.DEPARTMENT  # their own department only, anyway
    department_choices: list[tuple[object, Any]] = [
        (d.id, current_local_name(d)) for d in departments(db.session)
    ]
    form.set_choices(
        kinds,
        [] if scoped else department_choices,
        [
            (c.id, current_local_name(c), KIND[k])
            for k in kinds
            for c in categories_for(db.session, k)
        ],
    )
    return form


def _page_url(page: int) -> str:
    """The same queue, filters kept, another page."""
    args: dict[str, Any] = request.args.to_dict()
    args["page"] = page
    return url_for("staff.cases", **args)


@bp.get("/cases")
@requires(Permission.COMPLAINTS_VIEW)
def cases() -> ResponseReturnValue:
    form = _filter_form()
    if not form.validate():
        return render_template("staff/cases.html", form=form, result=None), 422
    result = queue.search(
        db.session,
        current_user,
        form.filters(),
        request.args.get("page", 1, type=int) or 1,
        now=_now(),
        keyring=current_keyring(),
    )
    return render_template(
        "staff/cases.html",
        form=form,
        result=result,
        possible_duplicates=duplicates.flag_page(
            db.session, current_keyring(), current_user, [row.id for row in result.items]
        ),
        previous_url=_page_url(result.page - 1) if result.page > 1 else None,
        next_url=_page_url(result.page + 1) if result.page < result.pages else None,
    )
