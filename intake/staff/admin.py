"""Administration: staff accounts and the organisation's settings.

Departments and categories are in ``admin_departments_categories``, extra holidays in
``admin_holidays`` (imported below so that their routes register with these). No page
here shows a case: administrators manage people and settings, never contents or
identities.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from intake import thaidate
from intake.addresses import published_base_url
from intake.deadlines import CountingMode
from intake.extensions import db
from intake.models import Role, User
from intake.permissions import Permission, requires
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError, enrolment, organisation_settings
from intake.services import admin_users as users_service
from intake.services.keyring import current_keyring
from intake.staff.admin_forms import (
    DEPARTMENT_REQUIRED,
    ConfirmForm,
    SettingsForm,
    UserCreateForm,
    UserRoleForm,
    clean,
    department_choices,
)
from intake.staff.blueprint import bp

# The link just issued, sealed (the session cookie is signed, not secret), for the one
# page that shows it once.
LINK_KEY = "staff_admin_enrolment_link"

# The field a refusal is shown beside; any other one is flashed.
USER_FIELD = {
    Problem.BAD_USERNAME: "username",
    Problem.USERNAME_TAKEN: "username",
    Problem.DEPARTMENT_REQUIRED: "department",
    Problem.HOLDS_IDENTITY_KEY: "role",
    Problem.NO_EXECUTIVE_TIP_HANDLER: "excluded_from_executive_tips",
}
USER_WORDING = {Problem.DEPARTMENT_REQUIRED: DEPARTMENT_REQUIRED}


def _now() -> datetime:
    return datetime.now(UTC)


def _admin() -> User:
    user: User = current_user._get_current_object()
    return user


def _role(form: UserRoleForm | UserCreateForm) -> Role:
    return Role(form.role.data)


def _show_user_error(form: UserRoleForm | UserCreateForm | None, error: ServiceError) -> None:
    field_name = USER_FIELD.get(error.code)
    message = say(error.code, USER_WORDING)
    if field_name is not None and form is not None:
        form[field_name].errors = [message]
    else:
        flash(message, "error")


# --- users -----------------------------------------------------------------------------


@bp.get("/admin/users")
@requires(Permission.ADMIN)
def admin_users() -> ResponseReturnValue:
    return render_template("staff/admin/users.html", users=users_service.list_users(db.session))


def _remember_link(issued: enrolment.IssuedLink) -> ResponseReturnValue:
    session[LINK_KEY] = users_service.seal_link(current_keyring(), issued)
    return redirect(url_for("staff.admin_user_link", user_id=issued.user.id), 303)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_user_new() -> ResponseReturnValue:
    form = UserCreateForm()
    form.set_departments(department_choices(db.session))
    if form.validate_on_submit():
        try:
            issued = users_service.create_user(
                db.session,
                current_keyring(),
                _admin(),
                username=form.username.data or "",
                display_name=form.display_name.data or "",
                role=_role(form),
                department_id=form.department.data,
                now=_now(),
                email=form.email.data or "",
                is_lead=bool(form.is_lead.data),
                excluded_from_executive_tips=bool(form.excluded_from_executive_tips.data),
            )
        except ServiceError as error:
            _show_user_error(form, error)
        else:
            flash(_("สร้างบัญชีผู้ใช้แล้ว"), "success")
            return _remember_link(issued)
    status = 422 if form.errors else 200
    return render_template("staff/admin/user_new.html", form=form), status


@bp.get("/admin/users/<int:user_id>/link")
@requires(Permission.ADMIN)
def admin_user_link(user_id: int) -> ResponseReturnValue:
    """The enrolment link just issued, shown once, to hand over to its person. Never a
    password or a two-factor secret: those the person makes through the link."""
    user = _user_or_404(user_id)
    link = users_service.open_link(current_keyring(), session.pop(LINK_KEY, ""), user)
    url = link.url(published_base_url()) if link else None
    return render_template(
        "staff/admin/user_link.html",
        user=user,
        url=url,
        expires_at=link.expires_at if link else None,
    )


def _user_or_404(user_id: int) -> User:
    try:
        return users_service.get_user(db.session, user_id)
    except ServiceError:
        abort(404)


def _user_page(user: User, form: UserRoleForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "staff/admin/user.html",
        user=user,
        form=form,
        confirm=ConfirmForm(),
        holds_key=users_service.holds_identity_key(db.session, user),
        is_self=user.id == _admin().id,
    ), status


@bp.get("/admin/users/<int:user_id>")
@requires(Permission.ADMIN)
def admin_user(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = UserRoleForm(
        data={
            "role": user.role.value,
            "department": user.department_id,
            "email": user.email,
            "is_lead": user.is_lead,
            "excluded_from_executive_tips": user.excluded_from_executive_tips,
        }
    )
    form.set_departments(department_choices(db.session))
    return _user_page(user, form)


@bp.post("/admin/users/<int:user_id>/role")
@requires(Permission.ADMIN)
def admin_user_role(user_id: int) -> ResponseReturnValue:
    user = _user_or_404(user_id)
    form = UserRoleForm()
    form.set_departments(department_choices(db.session))
    if form.validate_on_submit():
        try:
            users_service.change_role(
                db.session,
                current_keyring(),
                _admin(),
                user.id,
                role=_role(form),
                department_id=form.department.data,
                now=_now(),
                email=form.email.data or "",
                is_lead=bool(form.is_lead.data),
                excluded_from_executive_tips=bool(form.excluded_from_executive_tips.data),
            )
        except ServiceError as error:
            db.session.rollback()
            _show_user_error(form, error)
            if error.code == Problem.OWN_ACCOUNT:
                return redirect(url_for("staff.admin_user", user_id=user.id), 303)
        else:
            flash(_("บันทึกบทบาทแล้ว"), "success")
            return redirect(url_for("staff.admin_user", user_id=user.id), 303)
    return _user_page(user, form, 422)


def _confirmed() -> bool:
    if ConfirmForm().validate_on_submit():
        return True
    flash(_("แบบฟอร์มหมดอายุ โปรดลองอีกครั้ง"), "error")
    return False


def _user_action(user_id: int, action: str) -> ResponseReturnValue:
    """Disable or enable: a button, a service call, back to the user."""
    if not _confirmed():
        return redirect(url_for("staff.admin_user", user_id=user_id), 303)
    active = action == "enable"
    try:
        users_service.set_active(
            db.session, current_keyring(), _admin(), user_id, active=active, now=_now()
        )
        flash(_("เปิดใช้บัญชีแล้ว") if active else _("ระงับบัญชีแล้ว และออกจากระบบทันที"), "success")
    except ServiceError as error:
        db.session.rollback()
        if error.code == Problem.NOT_FOUND:
            abort(404)
        _show_user_error(None, error)
    return redirect(url_for("staff.admin_user", user_id=user_id), 303)


@bp.post("/admin/users/<int:user_id>/disable")
@requires(Permission.ADMIN)
def admin_user_disable(user_id: int) -> ResponseReturnValue:
    return _user_action(user_id, "disable")


@bp.post("/admin/users/<int:user_id>/enable")
@requires(Permission.ADMIN)
def admin_user_enable(user_id: int) -> ResponseReturnValue:
    return _user_action(user_id, "enable")


@bp.post("/admin/users/<int:user_id>/enrolment")
@requires(Permission.ADMIN)
def admin_user_enrolment(user_id: int) -> ResponseReturnValue:
    """A new enrolment link in place of a password or two-factor reset."""
    if not _confirmed():
        return redirect(url_for("staff.admin_user", user_id=user_id), 303)
    try:
        issued = users_service.issue_enrolment_link(
            db.session, current_keyring(), _admin(), user_id, now=_now()
        )
    except ServiceError as error:
        db.session.rollback()
        if error.code == Problem.NOT_FOUND:
            abort(404)
        _show_user_error(None, error)
        return redirect(url_for("staff.admin_user", user_id=user_id), 303)
    flash(
        _("ออกลิงก์ลงทะเบียนใหม่แล้ว รหัสผ่านและการยืนยันตัวตนสองขั้นตอนเดิมใช้ไม่ได้อีก และผู้ใช้ออกจากระบบแล้ว"),
        "success",
    )
    return _remember_link(issued)


# --- settings --------------------------------------------------------------------------

TEXT_FIELDS = (
    "name_th",
    "name_en",
    "unit_name_th",
    "unit_name_en",
    "address",
    "phone",
    "email",
    "office_hours",
    "office_hours_en",
    "officer_title_th",
    "officer_title_en",
    "tip_unit_name_th",
    "tip_unit_name_en",
    "hotline",
    "line_id",
    "facebook_url",
    "centre_location_th",
    "centre_location_en",
    "address_en",
    "tip_phone",
    "tip_email",
    "tip_location_th",
    "tip_location_en",
)
DATE_FIELDS = ("guide_published_on", "tip_guide_published_on")
NUMBER_FIELDS = (
    "response_days",
    "due_soon_days",
    "reopen_days",
    "max_attachments",
    "max_attachment_mb",
    "reveal_days",
    *organisation_settings.RETENTION_FIELDS,
)


def _settings_form_data(current: organisation_settings.OrganisationSettings) -> dict[str, Any]:
    data: dict[str, Any] = dict(current.__dict__)
    for name in NUMBER_FIELDS:
        data[name] = str(data[name])
    data["deadline_mode"] = current.deadline_mode.value
    for name in DATE_FIELDS:
        published = getattr(current, name)
        data[name] = thaidate.format_date(published) if published else ""
    return data


def _settings_from(form: SettingsForm) -> organisation_settings.OrganisationSettings:
    text: dict[str, Any] = {name: getattr(form, name).data or "" for name in TEXT_FIELDS}
    numbers = {name: clean(getattr(form, name)) for name in NUMBER_FIELDS}
    return organisation_settings.OrganisationSettings(
        **text,
        **numbers,
        deadline_mode=CountingMode(form.deadline_mode.data),
        strip_image_metadata=bool(form.strip_image_metadata.data),
        tell_tipster_of_reveal=bool(form.tell_tipster_of_reveal.data),
        pdf_thai_digits=bool(form.pdf_thai_digits.data),
        **{name: clean(getattr(form, name)) for name in DATE_FIELDS},
    )


@bp.route("/admin/settings", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_settings() -> ResponseReturnValue:
    saved = organisation_settings.current_settings(db.session)
    form = SettingsForm(data=_settings_form_data(saved))
    if form.validate_on_submit():
        try:
            changed = organisation_settings.update_settings(
                db.session, current_keyring(), _admin(), _settings_from(form), _now()
            )
        except ServiceError as error:
            db.session.rollback()
            if error.code == Problem.BAD_URL:
                form.facebook_url.errors = [say(error.code)]
            else:
                flash(say(error.code), "error")
        else:
            if changed:
                flash(_("บันทึกการตั้งค่าแล้ว"), "success")
            else:
                flash(_("ไม่มีการเปลี่ยนแปลง"), "info")
            return redirect(url_for("staff.admin_settings"), 303)
    status = 422 if form.errors or form.is_submitted() else 200
    return render_template("staff/admin/settings.html", form=form), status
