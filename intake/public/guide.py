"""The published handling guideline (ITA), filled in from the organisation's settings."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from intake.extensions import db
from intake.models import CaseKind
from intake.public import bp
from intake.services.settings import categories_for, get_organisation
from intake.workflow import Status


@bp.get("/guide")
def guide() -> ResponseReturnValue:
    organisation = get_organisation(db.session)
    return render_template(
        "public/guide.html",
        complaint_categories=categories_for(db.session, CaseKind.COMPLAINT),
        tip_categories=categories_for(db.session, CaseKind.TIP),
        response_days=organisation.response_days,
        statuses=Status,
    )
