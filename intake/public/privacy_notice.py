"""The privacy notice (PDPA): legal basis, what is kept and for how long, who sees it.

The retention periods come from the settings that `intake purge` applies, so the page
says what the system does.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from intake.extensions import db
from intake.models import CaseKind
from intake.public.blueprint import bp
from intake.services.retention import MAIL_KEEP_DAYS, Periods
from intake.services.settings import get_organisation


@bp.get("/privacy")
def privacy() -> ResponseReturnValue:
    organisation = get_organisation(db.session)
    return render_template(
        "public/privacy.html",
        periods=Periods.of(organisation),
        mail_keep_days=MAIL_KEEP_DAYS,
        kinds=list(CaseKind),
        reveal_days=organisation.reveal_days,
        tell_tipster_of_reveal=organisation.tell_tipster_of_reveal,
    )
