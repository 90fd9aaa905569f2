"""Administration of the LINE Official Account: connect it with its channel secret and
access token (kept encrypted, never shown again), see the webhook address to give LINE,
disconnect.

Imported by ``intake.staff``, with the other administration pages.
"""

from __future__ import annotations

from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length

from intake.addresses import published_base_url
from intake.extensions import db
from intake.permissions import Permission, requires
from intake.services import line_account
from intake.staff.admin_pages import form_page, press_button
from intake.staff.blueprint import bp

LINE = "staff.admin_line"
REQUIRED = _l("โปรดกรอกช่องนี้")
TOO_LONG = _l("ยาวเกินไป (ไม่เกิน %(max)d ตัวอักษร)")


class LineAccountForm(FlaskForm):
    # Password fields: what is typed is not sent back into the page.
    channel_secret = PasswordField(
        _l("Channel secret"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=line_account.SECRET_MAX, message=TOO_LONG),
        ],
    )
    access_token = PasswordField(
        _l("Channel access token (long-lived)"),
        validators=[DataRequired(REQUIRED), Length(max=line_account.TOKEN_MAX, message=TOO_LONG)],
    )


@bp.route("/admin/line", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_line() -> ResponseReturnValue:
    form = LineAccountForm()
    return form_page(
        "staff/admin/line.html",
        form,
        line_account.connect,
        fields=lambda: {
            "channel_secret": form.channel_secret.data or "",
            "access_token": form.access_token.data or "",
        },
        done=_l("เชื่อมต่อ LINE Official Account แล้ว"),
        back_endpoint=LINE,
        account=line_account.account(db.session),
        webhook_url=published_base_url() + url_for("line.webhook"),
    )


@bp.post("/admin/line/disconnect")
@requires(Permission.ADMIN)
def admin_line_disconnect() -> ResponseReturnValue:
    return press_button(LINE, line_account.disconnect, done=_l("ยกเลิกการเชื่อมต่อ LINE แล้ว"))
