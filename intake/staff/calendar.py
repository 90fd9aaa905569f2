"""The calendar the 15-day rule counts with, visible to every signed-in person."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import render_template
from flask.typing import ResponseReturnValue

from intake import thaidate
from intake.extensions import db
from intake.models import ExtraHoliday
from intake.permissions import Permission, requires
from intake.services.extra_holidays import public_holidays
from intake.services.settings import get_organisation
from intake.staff.blueprint import bp


@bp.get("/calendar")
@requires(Permission.ACCOUNT)
def calendar() -> ResponseReturnValue:
    today = thaidate.local_date(datetime.now(UTC))
    years = [today.year, today.year + 1]
    extra = db.session.scalars(
        db.select(ExtraHoliday)
        .where(ExtraHoliday.day >= date(today.year, 1, 1))
        .order_by(ExtraHoliday.day)
    ).all()
    return render_template(
        "staff/calendar.html",
        organisation=get_organisation(db.session),
        public_holidays=[h for h in public_holidays(years) if h[0] >= today],
        extra_holidays=extra,
    )
