"""Registering cases received on paper, by phone, walk-in or referral, and the one-time
slip that hands the complainant their tracking code.

Like the public receipt, the tracking code exists only in the filing's return value: it
travels to the slip encrypted in the session and is shown once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from intake import thaidate, tracking
from intake.attachments import ALLOWED_DESCRIPTION
from intake.extensions import db
from intake.i18n import current_language
from intake.models import CaseKind, Channel
from intake.permissions import Permission, has_permission, requires
from intake.problem_messages import say
from intake.problems import Problem
from intake.public.guide import public_url
from intake.public.views import _limits
from intake.services import ServiceError, public_tokens
from intake.services.filing import file_case
from intake.services.keyring import current_keyring
from intake.services.settings import categories_for, get_organisation
from intake.staff.blueprint import bp
from intake.staff.register_forms import RegisterForm, default_date_text

SLIP_KEY = "staff_slip"
SLIP_PURPOSE = "staff-slip"

# The field a refusal is shown beside (the category otherwise), and this screen's wording.
FILING_FIELD = {
    Problem.RECEIVED_IN_FUTURE: "received_date",
    Problem.IDENTITY_UNAVAILABLE: "anonymous",
    Problem.STORAGE_UNAVAILABLE: "attachments",
}
FILING_WORDING = {
    Problem.IDENTITY_UNAVAILABLE: _l(
        "ขณะนี้ระบบยังรับข้อมูลตัวตนผู้แจ้งไม่ได้ (ยังไม่มีกุญแจข้อมูลตัวตน) โปรดติดต่อผู้ดูแลระบบ"
    ),
}


def _now() -> datetime:
    return datetime.now(UTC)


def _offered_kinds() -> list[CaseKind]:
    """Tips only for those who work on tips (legal officers)."""
    kinds = [CaseKind.COMPLAINT]
    if has_permission(current_user.role, Permission.TIPS_WORK):
        kinds.append(CaseKind.TIP)
    return kinds


def _prepare(form: RegisterForm, now: datetime) -> None:
    kinds = _offered_kinds()
    categories = [c for kind in kinds for c in categories_for(db.session, kind)]
    today = thaidate.local_date(now)
    form.offer(
        kinds,
        categories,
        _limits(get_organisation(db.session)),
        today,
        english=current_language() == "en",
    )
    if request.method != "POST":
        local = now.astimezone(thaidate.BANGKOK)
        form.received_date.data = default_date_text(today)
        form.received_time.data = f"{local.hour:02d}:{local.minute:02d}"


def _slip_token(
    filed_reference: str,
    code: str,
    kind: CaseKind,
    channel: Channel,
    received_at: datetime,
    due_at: datetime,
) -> str:
    slip = {
        "reference": filed_reference,
        "code": code,
        "kind": kind.value,
        "channel": channel.value,
        "received_at": received_at.isoformat(),
        "due_at": due_at.isoformat(),
    }
    return public_tokens.seal(current_keyring(), slip, purpose=SLIP_PURPOSE)


def _open_slip(token: str | None) -> dict[str, str] | None:
    return public_tokens.opened(current_keyring(), token, purpose=SLIP_PURPOSE)


@bp.route("/cases/new", methods=["GET", "POST"])
@requires(Permission.CASES_REGISTER)
def register_case() -> ResponseReturnValue:
    now = _now()
    form = RegisterForm()
    _prepare(form, now)
    if form.validate_on_submit():
        data = form.filing_input(current_user)
        try:
            filed = file_case(
                db.session,
                current_keyring(),
                Path(current_app.config["INTAKE_UPLOADS_PATH"]),
                data,
                now,
            )
        except ServiceError as error:
            name = FILING_FIELD.get(error.code, "category")
            form[name].errors = [*form[name].errors, say(error.code, FILING_WORDING)]
        else:
            session[SLIP_KEY] = _slip_token(
                filed.reference,
                filed.tracking_code,
                filed.kind,
                data.channel,
                filed.received_at,
                filed.due_at,
            )
            flash(_("ลงทะเบียนเรื่อง %(reference)s แล้ว", reference=filed.reference), "success")
            return redirect(url_for("staff.registration_slip"), code=303)
    files_chosen = request.method == "POST" and any(
        getattr(f, "filename", "") for f in request.files.getlist("attachments")
    )
    status = 422 if form.errors else 200
    return render_template(
        "staff/register.html",
        form=form,
        tips_offered=CaseKind.TIP in _offered_kinds(),
        allowed_files=ALLOWED_DESCRIPTION,
        limits=form.attachment_limits,
        files_need_reattaching=files_chosen and bool(form.errors),
    ), status


@bp.get("/cases/slip")
@requires(Permission.CASES_REGISTER)
def registration_slip() -> ResponseReturnValue:
    """Shown once: the tracking code is not kept anywhere else."""
    slip = _open_slip(session.pop(SLIP_KEY, None))
    if slip is None:
        return render_template("staff/slip.html", gone=True), 410
    return render_template(
        "staff/slip.html",
        gone=False,
        reference=slip["reference"],
        code=tracking.group(slip["code"]),
        kind=CaseKind(slip["kind"]),
        channel=Channel(slip["channel"]),
        received_at=datetime.fromisoformat(slip["received_at"]),
        due_at=datetime.fromisoformat(slip["due_at"]),
        track_url=public_url("public.track"),
    )
