"""Administration: the outbox, message by message (see ``intake.services.outbox`` for
what it shows and why no recipient is among it).

Imported by ``intake.staff.admin``, which its routes belong with.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intake import mail
from intake.extensions import db
from intake.permissions import Permission, requires
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import outbox as outbox_service
from intake.services.keyring import current_keyring
from intake.staff.admin_forms import ConfirmForm
from intake.staff.blueprint import bp

KIND_LABELS = {
    "reminder.due_soon": _l("เตือนเรื่องใกล้ครบกำหนด (เจ้าหน้าที่)"),
    "reminder.overdue": _l("แจ้งเรื่องเกินกำหนด (หัวหน้า)"),
    "complainant.update": _l("แจ้งความคืบหน้าแก่ผู้แจ้ง"),
}
STATE_HEADINGS = {
    mail.WAITING: _l("รอส่ง"),
    mail.FAILED: _l("ส่งไม่สำเร็จ (ระบบจะไม่ส่งซ้ำเอง)"),
    mail.SENT: _l("ส่งแล้ว (ล่าสุด)"),
}


def _now() -> datetime:
    return datetime.now(UTC)


@bp.get("/admin/mail")
@requires(Permission.ADMIN)
def admin_mail() -> ResponseReturnValue:
    return render_template(
        "staff/admin/mail.html",
        by_state=outbox_service.overview(db.session),
        kind_labels=KIND_LABELS,
        state_headings=STATE_HEADINGS,
        confirm=ConfirmForm(),
    )


@bp.post("/admin/mail/<message_id>/retry")
@requires(Permission.ADMIN)
def admin_mail_retry(message_id: str) -> ResponseReturnValue:
    back = url_for("staff.admin_mail")
    if not ConfirmForm().validate_on_submit():
        flash(_("แบบฟอร์มหมดอายุ โปรดลองอีกครั้ง"), "error")
        return redirect(back, 303)
    try:
        outbox_service.retry(
            db.session, current_keyring(), current_user._get_current_object(), message_id, _now()
        )
    except ServiceError as error:
        db.session.rollback()
        if error.code == Problem.NOT_FOUND:
            abort(404)
        flash(say(error.code), "error")
    else:
        flash(_("จะส่งข้อความนี้อีกครั้งในรอบส่งอีเมลครั้งถัดไป"), "success")
    return redirect(back, 303)
