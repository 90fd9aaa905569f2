"""Administration of reference data: departments, categories and extra holidays.

Imported by ``intake.staff.admin``, which its routes belong with. Each list page carries
the form that adds to it; each row has its own page to edit it, so that a wrong value is
shown back beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from intake.extensions import db
from intake.keystore import current_keyring
from intake.models import CaseKind, User
from intake.permissions import Permission, requires
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError
from intake.services import admin_reference as reference
from intake.staff import bp
from intake.staff.admin_forms import (
    CategoryAddForm,
    CategoryForm,
    ConfirmForm,
    DepartmentForm,
    HolidayForm,
    clean,
    department_choices,
)
from intake.thaidate import local_date

# The field a refusal is shown beside; any other one is flashed.
FIELD = {
    Problem.NAME_TAKEN: "name_th",
    Problem.NO_DEPARTMENT: "department",
    Problem.BAD_POSITION: "position",
    Problem.HOLIDAY_EXISTS: "day",
}


def _now() -> datetime:
    return datetime.now(UTC)


def _admin() -> User:
    user: User = current_user._get_current_object()
    return user


def _show_error(form: FlaskForm | None, error: ServiceError) -> None:
    """A service's refusal, beside its field when there is one, else as a flash."""
    db.session.rollback()
    if error.code == Problem.NOT_FOUND:
        abort(404)
    field_name = FIELD.get(error.code)
    if form is not None and field_name is not None and field_name in form:
        form[field_name].errors = [say(error.code)]
    else:
        flash(say(error.code), "error")


def _confirmed(back: str) -> ResponseReturnValue | None:
    """For a button's POST: None when its token is good, else a redirect back."""
    if ConfirmForm().validate_on_submit():
        return None
    flash(_("แบบฟอร์มหมดอายุ โปรดลองอีกครั้ง"), "error")
    return redirect(back, 303)


# --- departments -----------------------------------------------------------------------


def _departments_page(form: DepartmentForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "staff/admin/departments.html",
        departments=reference.list_departments(db.session),
        form=form,
        confirm=ConfirmForm(),
    ), status


@bp.route("/admin/departments", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_departments() -> ResponseReturnValue:
    form = DepartmentForm()
    if form.validate_on_submit():
        try:
            reference.add_department(
                db.session,
                current_keyring(),
                _admin(),
                name_th=form.name_th.data or "",
                name_en=form.name_en.data or "",
                now=_now(),
            )
        except ServiceError as error:
            _show_error(form, error)
        else:
            flash(_("เพิ่มกองแล้ว"), "success")
            return redirect(url_for("staff.admin_departments"), 303)
    return _departments_page(form, 422 if form.is_submitted() else 200)


@bp.route("/admin/departments/<int:department_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_department(department_id: int) -> ResponseReturnValue:
    try:
        department = reference.get_department(db.session, department_id)
    except ServiceError:
        abort(404)
    form = DepartmentForm(data={"name_th": department.name_th, "name_en": department.name_en})
    if form.validate_on_submit():
        try:
            reference.rename_department(
                db.session,
                current_keyring(),
                _admin(),
                department_id,
                name_th=form.name_th.data or "",
                name_en=form.name_en.data or "",
                now=_now(),
            )
        except ServiceError as error:
            _show_error(form, error)
        else:
            flash(_("บันทึกชื่อกองแล้ว"), "success")
            return redirect(url_for("staff.admin_departments"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "staff/admin/department.html", department=department, form=form, confirm=ConfirmForm()
    ), status


def _toggle(
    back_endpoint: str,
    setter: Callable[..., Any],
    row_id: int,
    active: bool,
    messages: tuple[Any, Any],
) -> ResponseReturnValue:
    """Activate or deactivate a department or category: a button, a service, back."""
    back = url_for(back_endpoint)
    if (refused := _confirmed(back)) is not None:
        return refused
    try:
        setter(db.session, current_keyring(), _admin(), row_id, active=active, now=_now())
    except ServiceError as error:
        _show_error(None, error)
    else:
        flash(str(messages[0] if active else messages[1]), "success")
    return redirect(back, 303)


def _set_department_active(department_id: int, active: bool) -> ResponseReturnValue:
    return _toggle(
        "staff.admin_departments",
        reference.set_department_active,
        department_id,
        active,
        (_l("เปิดใช้กองแล้ว"), _l("ปิดใช้กองแล้ว")),
    )


@bp.post("/admin/departments/<int:department_id>/deactivate")
@requires(Permission.ADMIN)
def admin_department_deactivate(department_id: int) -> ResponseReturnValue:
    return _set_department_active(department_id, False)


@bp.post("/admin/departments/<int:department_id>/activate")
@requires(Permission.ADMIN)
def admin_department_activate(department_id: int) -> ResponseReturnValue:
    return _set_department_active(department_id, True)


# --- categories ------------------------------------------------------------------------


@bp.route("/admin/categories", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_categories() -> ResponseReturnValue:
    form = CategoryAddForm(data={"kind": CaseKind.COMPLAINT.value, "position": "0"})
    form.set_departments(department_choices(db.session))
    if form.validate_on_submit():
        try:
            reference.add_category(
                db.session,
                current_keyring(),
                _admin(),
                kind=CaseKind(form.kind.data),
                name_th=form.name_th.data or "",
                name_en=form.name_en.data or "",
                department_id=form.department.data,
                position=clean(form.position),
                now=_now(),
            )
        except ServiceError as error:
            _show_error(form, error)
        else:
            flash(_("เพิ่มประเภทเรื่องแล้ว"), "success")
            return redirect(url_for("staff.admin_categories"), 303)
    return render_template(
        "staff/admin/categories.html",
        categories=reference.list_categories(db.session),
        kinds=CaseKind,
        form=form,
        confirm=ConfirmForm(),
    ), 422 if form.is_submitted() else 200


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_category(category_id: int) -> ResponseReturnValue:
    try:
        category = reference.get_category(db.session, category_id)
    except ServiceError:
        abort(404)
    form = CategoryForm(
        data={
            "name_th": category.name_th,
            "name_en": category.name_en,
            "department": category.department_id,
            "position": str(category.position),
        }
    )
    form.set_departments(department_choices(db.session))
    if form.validate_on_submit():
        try:
            reference.update_category(
                db.session,
                current_keyring(),
                _admin(),
                category_id,
                name_th=form.name_th.data or "",
                name_en=form.name_en.data or "",
                department_id=form.department.data,
                position=clean(form.position),
                now=_now(),
            )
        except ServiceError as error:
            _show_error(form, error)
        else:
            flash(_("บันทึกประเภทเรื่องแล้ว"), "success")
            return redirect(url_for("staff.admin_categories"), 303)
    status = 422 if form.is_submitted() else 200
    return render_template(
        "staff/admin/category.html", category=category, form=form, confirm=ConfirmForm()
    ), status


def _set_category_active(category_id: int, active: bool) -> ResponseReturnValue:
    return _toggle(
        "staff.admin_categories",
        reference.set_category_active,
        category_id,
        active,
        (_l("เปิดใช้ประเภทเรื่องแล้ว"), _l("ปิดใช้ประเภทเรื่องแล้ว")),
    )


@bp.post("/admin/categories/<int:category_id>/deactivate")
@requires(Permission.ADMIN)
def admin_category_deactivate(category_id: int) -> ResponseReturnValue:
    return _set_category_active(category_id, False)


@bp.post("/admin/categories/<int:category_id>/activate")
@requires(Permission.ADMIN)
def admin_category_activate(category_id: int) -> ResponseReturnValue:
    return _set_category_active(category_id, True)


# --- holidays --------------------------------------------------------------------------


@bp.route("/admin/holidays", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_holidays() -> ResponseReturnValue:
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            reference.add_holiday(
                db.session,
                current_keyring(),
                _admin(),
                day=clean(form.day),
                name=form.name.data or "",
                now=_now(),
            )
        except ServiceError as error:
            _show_error(form, error)
        else:
            flash(_("เพิ่มวันหยุดแล้ว"), "success")
            return redirect(url_for("staff.admin_holidays"), 303)
    year = local_date(_now()).year
    return render_template(
        "staff/admin/holidays.html",
        holidays=reference.list_extra_holidays(db.session),
        public_holidays=reference.public_holidays([year, year + 1]),
        form=form,
        confirm=ConfirmForm(),
    ), 422 if form.is_submitted() else 200


@bp.post("/admin/holidays/<day>/remove")
@requires(Permission.ADMIN)
def admin_holiday_remove(day: str) -> ResponseReturnValue:
    back = url_for("staff.admin_holidays")
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if (refused := _confirmed(back)) is not None:
        return refused
    try:
        reference.remove_holiday(db.session, current_keyring(), _admin(), day=parsed, now=_now())
    except ServiceError as error:
        _show_error(None, error)
    else:
        flash(_("ลบวันหยุดแล้ว"), "success")
    return redirect(back, 303)
