"""Administration of Open311 client applications: issue a key (shown once, on the page
that answers the POST, never in a URL or a flash), see what each client has filed, revoke.

Imported by ``intake.staff``, with the other administration pages.
"""

from __future__ import annotations

from flask import render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from intake.addresses import published_base_url
from intake.extensions import db
from intake.permissions import Permission, requires
from intake.services import ServiceError
from intake.services import open311 as open311_service
from intake.services.keyring import current_keyring
from intake.staff.admin_forms import ConfirmForm
from intake.staff.admin_pages import now, page_status, press_button, show_error, signed_in_admin
from intake.staff.blueprint import bp

CLIENTS = "staff.admin_open311"


class Open311ClientForm(FlaskForm):
    name = StringField(
        _l("ชื่อระบบที่จะส่งเรื่องเข้ามา"),
        validators=[
            DataRequired(_l("โปรดกรอกช่องนี้")),
            Length(max=open311_service.NAME_MAX, message=_l("ยาวเกินไป (ไม่เกิน %(max)d ตัวอักษร)")),
        ],
    )


@bp.route("/admin/open311", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_open311() -> ResponseReturnValue:
    form = Open311ClientForm()
    issued = None
    if form.validate_on_submit():
        try:
            client, key = open311_service.issue_key(
                db.session, current_keyring(), signed_in_admin(), form.name.data or "", now()
            )
        except ServiceError as error:
            show_error(form, error)
        else:
            issued = {"name": client.name, "key": key}
            form = Open311ClientForm(formdata=None)
    page = render_template(
        "staff/admin/open311.html",
        form=form,
        confirm=ConfirmForm(),
        issued=issued,
        clients=open311_service.clients(db.session),
        endpoint=published_base_url() + url_for("open311.discovery", fmt="json").rsplit("/", 1)[0],
    )
    return page, 200 if issued else page_status(form)


@bp.post("/admin/open311/<int:client_id>/revoke")
@requires(Permission.ADMIN)
def admin_open311_revoke(client_id: int) -> ResponseReturnValue:
    return press_button(
        CLIENTS,
        open311_service.revoke,
        client_id,
        done=_l("ยกเลิก API key แล้ว ระบบนั้นส่งเรื่องเข้ามาไม่ได้อีก"),
    )
