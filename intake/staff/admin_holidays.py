"""Administration of extra holidays: the cabinet-declared days off that the working-day
count skips, shown beside the Thai public holidays it already knows.

Imported by ``intake.staff.admin``, which its routes belong with.
"""

from __future__ import annotations

from datetime import date

from flask import abort
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from intake.extensions import db
from intake.permissions import Permission, requires
from intake.services import extra_holidays
from intake.staff.admin_forms import HolidayForm, clean
from intake.staff.admin_pages import form_page, now, press_button
from intake.staff.blueprint import bp
from intake.thaidate import local_date

HOLIDAYS = "staff.admin_holidays"


@bp.route("/admin/holidays", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_holidays() -> ResponseReturnValue:
    form = HolidayForm()
    year = local_date(now()).year
    return form_page(
        "staff/admin/holidays.html",
        form,
        extra_holidays.add_holiday,
        fields=lambda: {"day": clean(form.day), "name": form.name.data or ""},
        done=_l("เพิ่มวันหยุดแล้ว"),
        back_endpoint=HOLIDAYS,
        holidays=extra_holidays.list_extra_holidays(db.session),
        public_holidays=extra_holidays.public_holidays([year, year + 1]),
    )


@bp.post("/admin/holidays/<day>/remove")
@requires(Permission.ADMIN)
def admin_holiday_remove(day: str) -> ResponseReturnValue:
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    change = extra_holidays.remove_holiday
    return press_button(HOLIDAYS, change, day=parsed, done=_l("ลบวันหยุดแล้ว"))
