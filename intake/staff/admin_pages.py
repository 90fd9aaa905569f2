"""What the administration's list-and-edit pages share: the signed-in administrator, a
service's refusal shown beside its field, the confirm button's token, and the one way a
form is saved (valid → the service → a flash and back to the list; refused → the page
again with the message, everything typed kept)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from intake.extensions import db
from intake.models import User
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError
from intake.services.keyring import current_keyring
from intake.staff.admin_forms import ConfirmForm

# The field a refusal is shown beside; any other one is flashed.
FIELD = {
    Problem.NAME_TAKEN: "name_th",
    Problem.NO_DEPARTMENT: "department",
    Problem.BAD_POSITION: "position",
    Problem.HOLIDAY_EXISTS: "day",
    Problem.OPEN311_CLIENT_NAME: "name",
    Problem.LINE_KEYS_INVALID: "channel_secret",
}

# A service call made with the request's session, keyring, administrator and time.
Change = Callable[..., Any]


def now() -> datetime:
    return datetime.now(UTC)


def signed_in_admin() -> User:
    user: User = current_user._get_current_object()
    return user


def show_error(form: FlaskForm | None, error: ServiceError) -> None:
    """A service's refusal, beside its field when there is one, else as a flash."""
    db.session.rollback()
    if error.code == Problem.NOT_FOUND:
        abort(404)
    field_name = FIELD.get(error.code)
    if form is not None and field_name is not None and field_name in form:
        form[field_name].errors = [say(error.code)]
    else:
        flash(say(error.code), "error")


def confirmed(back: str) -> ResponseReturnValue | None:
    """For a button's POST: None when its token is good, else a redirect back."""
    if ConfirmForm().validate_on_submit():
        return None
    flash(_("แบบฟอร์มหมดอายุ โปรดลองอีกครั้ง"), "error")
    return redirect(back, 303)


def _call(change: Change, *args: Any, **fields: Any) -> None:
    change(db.session, current_keyring(), signed_in_admin(), *args, now=now(), **fields)


def save_form(
    form: FlaskForm,
    change: Change,
    *args: Any,
    fields: Callable[[], dict[str, Any]],
    done: Any,
    back_endpoint: str,
) -> ResponseReturnValue | None:
    """On a valid POST, ``change(session, keyring, admin, *args, now=…, **fields())``; then
    a flash and a redirect to the list. None when the page is to be shown (again).

    ``fields`` is called only once the form is valid: it reads the cleaned values."""
    if not form.validate_on_submit():
        return None
    try:
        _call(change, *args, **fields())
    except ServiceError as error:
        show_error(form, error)
        return None
    flash(str(done), "success")
    return redirect(url_for(back_endpoint), 303)


def page_status(form: FlaskForm) -> int:
    """422 for a form sent back with errors, so that tests and tools see the refusal."""
    return 422 if form.is_submitted() else 200


def form_page(
    template: str,
    form: FlaskForm,
    change: Change,
    *args: Any,
    fields: Callable[[], dict[str, Any]],
    done: Any,
    back_endpoint: str,
    **context: Any,
) -> ResponseReturnValue:
    """A page whose form saves through ``change`` (see ``save_form``): once saved, back to
    the list; otherwise the page, with the form as typed and its buttons' token."""
    saved = save_form(form, change, *args, fields=fields, done=done, back_endpoint=back_endpoint)
    if saved is not None:
        return saved
    page = render_template(template, form=form, confirm=ConfirmForm(), **context)
    return page, page_status(form)


def press_button(
    back_endpoint: str, change: Change, *args: Any, done: Any, **fields: Any
) -> ResponseReturnValue:
    """A button's POST (activate, deactivate, remove): its token, the service, back."""
    back = url_for(back_endpoint)
    if (refused := confirmed(back)) is not None:
        return refused
    try:
        _call(change, *args, **fields)
    except ServiceError as error:
        show_error(None, error)
    else:
        flash(str(done), "success")
    return redirect(back, 303)
