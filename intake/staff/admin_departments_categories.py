"""Administration of departments and categories.

Imported by ``intake.staff.admin``, which its routes belong with. Each list page carries
the form that adds to it; each row has its own page to edit it, so that a wrong value is
shown back beside its field. Departments and categories go through the same steps
(``intake.staff.admin_pages``); what differs is their fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from intake.extensions import db
from intake.models import CaseKind
from intake.permissions import Permission, requires
from intake.services import ServiceError
from intake.services import departments_categories as catalogue
from intake.staff.admin_forms import (
    CategoryAddForm,
    CategoryForm,
    DepartmentForm,
    clean,
    department_choices,
)
from intake.staff.admin_pages import Change, form_page, press_button
from intake.staff.blueprint import bp

DEPARTMENTS = "staff.admin_departments"
CATEGORIES = "staff.admin_categories"


def _found(get: Any, row_id: int) -> Any:
    try:
        return get(db.session, row_id)
    except ServiceError:
        abort(404)


def _names(form: DepartmentForm | CategoryForm) -> Callable[[], dict[str, Any]]:
    return lambda: {"name_th": form.name_th.data or "", "name_en": form.name_en.data or ""}


def _category_fields(form: CategoryForm) -> Callable[[], dict[str, Any]]:
    def fields() -> dict[str, Any]:
        return {
            **_names(form)(),
            "department_id": form.department.data,
            "position": clean(form.position),
        }

    return fields


def _on_off_routes(
    path: str, endpoint: str, id_name: str, back: str, change: Change, done: Any
) -> None:
    """The two buttons of a list row, ``<path>/<id>/activate`` and ``…/deactivate``
    (endpoints ``<endpoint>_activate`` and ``…_deactivate``), both back to the list;
    ``done`` holds the message for switching on, then for off."""
    for active, verb, message in ((True, "activate", done[0]), (False, "deactivate", done[1])):

        def view(active: bool = active, message: Any = message, **ids: int) -> ResponseReturnValue:
            return press_button(back, change, ids[id_name], active=active, done=message)

        view.__name__ = f"{endpoint}_{verb}"
        rule = f"{path}/<int:{id_name}>/{verb}"
        bp.add_url_rule(rule, view_func=requires(Permission.ADMIN)(view), methods=["POST"])


# --- departments -----------------------------------------------------------------------


@bp.route("/admin/departments", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_departments() -> ResponseReturnValue:
    form = DepartmentForm()
    return form_page(
        "staff/admin/departments.html",
        form,
        catalogue.add_department,
        fields=_names(form),
        done=_l("เพิ่มกองแล้ว"),
        back_endpoint=DEPARTMENTS,
        departments=catalogue.list_departments(db.session),
    )


@bp.route("/admin/departments/<int:department_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_department(department_id: int) -> ResponseReturnValue:
    department = _found(catalogue.get_department, department_id)
    form = DepartmentForm(data={"name_th": department.name_th, "name_en": department.name_en})
    return form_page(
        "staff/admin/department.html",
        form,
        catalogue.rename_department,
        department_id,
        fields=_names(form),
        done=_l("บันทึกชื่อกองแล้ว"),
        back_endpoint=DEPARTMENTS,
        department=department,
    )


# --- categories ------------------------------------------------------------------------


@bp.route("/admin/categories", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_categories() -> ResponseReturnValue:
    form = CategoryAddForm(data={"kind": CaseKind.COMPLAINT.value, "position": "0"})
    form.set_departments(department_choices(db.session))
    category_fields = _category_fields(form)
    return form_page(
        "staff/admin/categories.html",
        form,
        catalogue.add_category,
        fields=lambda: {"kind": CaseKind(form.kind.data), **category_fields()},
        done=_l("เพิ่มประเภทเรื่องแล้ว"),
        back_endpoint=CATEGORIES,
        categories=catalogue.list_categories(db.session),
        kinds=CaseKind,
    )


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@requires(Permission.ADMIN)
def admin_category(category_id: int) -> ResponseReturnValue:
    category = _found(catalogue.get_category, category_id)
    form = CategoryForm(
        data={
            "name_th": category.name_th,
            "name_en": category.name_en,
            "department": category.department_id,
            "position": str(category.position),
        }
    )
    form.set_departments(department_choices(db.session))
    return form_page(
        "staff/admin/category.html",
        form,
        catalogue.update_category,
        category_id,
        fields=_category_fields(form),
        done=_l("บันทึกประเภทเรื่องแล้ว"),
        back_endpoint=CATEGORIES,
        category=category,
    )


# --- the activate and deactivate buttons of each list's rows --------------------------

_on_off_routes(
    "/admin/departments",
    "admin_department",
    "department_id",
    DEPARTMENTS,
    catalogue.set_department_active,
    (_l("เปิดใช้กองแล้ว"), _l("ปิดใช้กองแล้ว")),
)
_on_off_routes(
    "/admin/categories",
    "admin_category",
    "category_id",
    CATEGORIES,
    catalogue.set_category_active,
    (_l("เปิดใช้ประเภทเรื่องแล้ว"), _l("ปิดใช้ประเภทเรื่องแล้ว")),
)
