"""The case page, its actions and its attachments (the queue and the dashboard are
``staff.queue``).

Thin views: a form, one service call, a flash, a 303. The case page needs
Permission.COMPLAINTS_VIEW: there is no single "complaints or tips" permission, and every
role that reads tips (legal officers) also reads complaints. Tips are guarded by the
services themselves (a tip is "not found" to anyone without TIPS_VIEW, so a 404 never
confirms that it exists), as are department officers' cases of other departments.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from intake import thaidate, workflow
from intake.deadlines import DeadlineState
from intake.extensions import db
from intake.i18n import current_language, current_local_name
from intake.models import Case, Role
from intake.permissions import (
    Permission,
    can_view_kind,
    has_permission,
    requires,
)
from intake.problem_messages import say
from intake.problems import Problem
from intake.services import ServiceError, case_actions, case_clock, case_reading, duplicates
from intake.services.case_work import available_actions, next_period_due
from intake.services.keyring import current_keyring
from intake.services.settings import departments
from intake.services.visibility import may_view
from intake.staff.blueprint import bp
from intake.staff.case_forms import (
    ACTION_FIELD,
    ACTION_TEXT,
    ACTION_WORDING,
    ASSIGN_HINT_UNSEEN,
    action_form,
    options,
)
from intake.staff.case_links_panel import panel as links_panel
from intake.staff.exclusions import conflict_panel
from intake.staff.host_referrals import host_referral_panel
from intake.workflow import Action

CONTACT_LABELS = (
    ("name", _l("ชื่อ-นามสกุล")),
    ("phone", _l("โทรศัพท์")),
    ("email", _l("อีเมล")),
    ("address", _l("ที่อยู่")),
    ("national_id", _l("เลขประจำตัวประชาชน")),
)
FORM_EXPIRED = _l("แบบฟอร์มหมดอายุ โปรดทำรายการอีกครั้ง")

DONE = {
    Action.ACCEPT: _l("รับพิจารณาเรื่องแล้ว"),
    Action.ASSIGN: _l("ส่งหน่วยงานดำเนินการแล้ว"),
    Action.START: _l("บันทึกการเริ่มดำเนินการแล้ว"),
    Action.UPDATE: _l("ส่งข้อความถึงผู้ร้องเรียนแล้ว"),
    Action.QUESTION: _l("ส่งคำถามถึงผู้ร้อง/ผู้แจ้งแล้ว"),
    Action.NOTE: _l("บันทึกภายในแล้ว"),
    Action.INTERIM: _l("แจ้งความคืบหน้าแล้ว เริ่มนับระยะเวลาใหม่"),
    Action.RESOLVE: _l("ปิดเรื่องและแจ้งผลแล้ว"),
    Action.REJECT: _l("ยุติเรื่องและแจ้งเหตุผลแล้ว"),
    Action.REFER: _l("ส่งต่อหน่วยงานภายนอกแล้ว"),
    Action.RETURN: _l("ส่งคืนเพื่อพิจารณาใหม่แล้ว"),
    Action.REOPEN: _l("เปิดเรื่องใหม่แล้ว"),
    Action.MOVE_TO_TIP: _l("ย้ายเรื่องไปช่องทางแจ้งเบาะแสการทุจริตแล้ว"),
}


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ActionPanel:
    action: str
    url: str
    form: FlaskForm
    heading: str
    button: str
    hint: str
    shown: bool = False  # the form just sent back with its errors: open it


@dataclass(frozen=True)
class ActionArea:
    """The case page's actions: the usual next step first, the rest behind "more", and
    the ones that close a case without handling it set apart."""

    primary: ActionPanel | None
    more: list[ActionPanel]
    closing: list[ActionPanel]

    @property
    def any(self) -> bool:
        return bool(self.primary or self.more or self.closing)


def _prepare(action: Action, form: FlaskForm, now: datetime) -> None:
    if action is Action.ASSIGN:
        form.department.choices = options(
            [("", _l("— เลือกหน่วยงาน —"))]
            + [(d.id, current_local_name(d)) for d in departments(db.session)]
        )
    if action is Action.INTERIM:
        next_word = thaidate.local_date(next_period_due(db.session, now))
        language = current_language()
        form.expected_date.description = _l(
            "เช่น %(example)s (พิมพ์เลขไทยได้) ถ้าเลยวันที่ %(date)s ซึ่งเป็นกำหนดแจ้งครั้งถัดไป "
            "โปรดระบุเหตุผลในช่องถัดไป",
            example=thaidate.format_date(next_word, language, "short"),
            date=thaidate.format_date(next_word, language),
        )
        form.date_reason.description = _l(
            "จำเป็นเมื่อวันที่คาดว่าจะแล้วเสร็จเลยวันที่ %(date)s ผู้ร้อง/ผู้แจ้งจะเห็นเหตุผลนี้",
            date=thaidate.format_date(next_word, language),
        )


def _action_area(
    case: Case, deadline: DeadlineState | None, posted: tuple[Action, FlaskForm] | None
) -> ActionArea:
    """One small form per action this person may take now; the workflow says which one
    is the usual next step (the service says who may take it)."""
    now = _now()
    available = available_actions(current_user, case)
    word_due = deadline in (DeadlineState.DUE_SOON, DeadlineState.OVERDUE)
    primary_action = next(
        (a for a in workflow.usual_next(case.status, word_due=word_due) if a in available), None
    )
    primary, more, closing = None, [], []
    for action in available:
        sent = posted is not None and posted[0] is action
        form = posted[1] if posted and sent else action_form(action)
        _prepare(action, form, now)
        heading, button, hint = ACTION_TEXT[action]
        if action is Action.ASSIGN and not can_view_kind(Role.DEPARTMENT, case.kind):
            hint = ASSIGN_HINT_UNSEEN  # tips: the department never sees them
        url = url_for("staff.case_action", case_id=case.id, action=action.value)
        panel = ActionPanel(
            action.value, url, form, str(heading), str(button), str(hint), shown=sent
        )
        if action is primary_action:
            primary = panel
        elif action in workflow.DESTRUCTIVE:
            closing.append(panel)
        else:
            more.append(panel)
    return ActionArea(primary, more, closing)


def _reveal_url(case: Case) -> str | None:
    """A legal officer may ask to see a sealed identity (the reveal screens decide)."""
    if case.identity_sealed is None or "staff.request_reveal" not in current_app.view_functions:
        return None
    if not has_permission(current_user.role, Permission.REVEAL_REQUEST):
        return None
    return url_for("staff.request_reveal", case_id=case.id)


@dataclass(frozen=True)
class TimelineItem:
    entry: case_reading.TimelineEntry
    files: list[case_reading.AttachmentInfo]  # what a complainant's reply carried


def _split_files(
    case: Case, details: case_reading.CaseDetails, timeline: list[case_reading.TimelineEntry]
) -> tuple[list[case_reading.AttachmentInfo], list[TimelineItem]]:
    """Files sent at filing stay in the case's file list; files sent with a complainant's
    reply go under that reply on the timeline (staff_timeline follows case.events)."""
    reply_of = {a.id: a.event_id for a in case.attachments}
    filed: list[case_reading.AttachmentInfo] = []
    by_event: dict[str, list[case_reading.AttachmentInfo]] = {}
    for info in details.attachments:
        event_id = reply_of.get(info.id)
        if event_id is None:
            filed.append(info)
        else:
            by_event.setdefault(event_id, []).append(info)
    items = [
        TimelineItem(entry, by_event.get(event.id, []))
        for entry, event in zip(timeline, case.events, strict=True)
    ]
    return filed, items


def render_case_page(
    case_id: str,
    posted: tuple[Action, FlaskForm] | None = None,
    status: int = 200,
    link_form: Any = None,
) -> ResponseReturnValue:
    keyring = current_keyring()
    now = _now()
    try:
        case = case_reading.view_case(db.session, keyring, current_user, case_id, now)
    except ServiceError:
        abort(404)
    details = case_reading.case_details(keyring, case)
    filed_files, timeline = _split_files(case, details, case_reading.staff_timeline(keyring, case))
    deadline = case_reading.case_deadline(db.session, case, now)
    return (
        render_template(
            "staff/case.html",
            case=case,
            details=details,
            filed_files=filed_files,
            timeline=timeline,
            deadline=deadline,
            periods=case_clock.periods(db.session, case, now),
            days_left=case_clock.days_left(case, now),
            actions=_action_area(case, deadline, posted),
            contact_labels=CONTACT_LABELS,
            reveal_url=_reveal_url(case),
            links=links_panel(case, link_form),
            duplicate_days=duplicates.WINDOW_DAYS,
            conflict=conflict_panel(case),
            host_referral=host_referral_panel(case),
        ),
        status,
    )


@bp.get("/cases/<string(length=36):case_id>")
@requires(Permission.COMPLAINTS_VIEW)
def case(case_id: str) -> ResponseReturnValue:
    return render_case_page(case_id)


def _perform(action: Action, form: FlaskForm, case_id: str, now: datetime) -> Case:
    """The one service call for the action, with the form's values."""
    data = form.data
    args = (db.session, current_keyring(), current_user, case_id)
    match action:
        case Action.ACCEPT:
            return case_actions.accept(*args, note=data["note"], now=now)
        case Action.ASSIGN:
            department = data["department"]
            department_id = int(department) if department and department.isdigit() else None
            return case_actions.assign(
                *args, department_id=department_id, note=data["note"], now=now
            )
        case Action.START:
            return case_actions.start_work(*args, note=data["note"], now=now)
        case Action.UPDATE:
            return case_actions.post_update(*args, message=data["message"], now=now)
        case Action.QUESTION:
            return case_actions.ask_question(*args, message=data["message"], now=now)
        case Action.NOTE:
            return case_actions.add_note(*args, note=data["note"], now=now)
        case Action.INTERIM:
            return case_actions.interim_notice(
                *args,
                reason=data["reason"],
                progress=data["progress"],
                expected=form.expected(),
                date_reason=data["date_reason"] or "",
                message=data["message"] or "",
                now=now,
            )
        case Action.RESOLVE:
            return case_actions.resolve(*args, message=data["message"], now=now)
        case Action.REJECT:
            return case_actions.reject(*args, reason=data["reason"], now=now)
        case Action.REFER:
            return case_actions.refer(
                *args,
                destination=data["destination"] or "",
                destination_name=data["destination_name"] or "",
                message=data["message"] or "",
                now=now,
            )
        case Action.RETURN:
            return case_actions.return_to_screening(*args, reason=data["reason"], now=now)
        case Action.REOPEN:
            return case_actions.reopen(
                *args, reason=data["reason"], message=data["message"] or "", now=now
            )
        case Action.MOVE_TO_TIP:
            return case_actions.move_to_tip(*args, note=data["note"], now=now)
    raise AssertionError(action)  # pragma: no cover - every Action is matched above


@bp.post("/cases/<string(length=36):case_id>/<action>")
@requires(Permission.COMPLAINTS_WORK)
def case_action(case_id: str, action: str) -> ResponseReturnValue:
    try:
        chosen = Action(action)
    except ValueError:
        abort(404)
    back = url_for("staff.case", case_id=case_id)
    form = action_form(chosen, posted=True)
    _prepare(chosen, form, _now())
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            flash(str(FORM_EXPIRED), "error")
            return redirect(back, code=303)
        return render_case_page(case_id, (chosen, form), 422)
    try:
        case = _perform(chosen, form, case_id, _now())
    except ServiceError as error:
        if error.code == Problem.NOT_FOUND:
            abort(404)
        if error.code == Problem.FORBIDDEN:
            abort(403)
        field_name = ACTION_FIELD.get(error.code)
        message = say(error.code, ACTION_WORDING)
        field = form._fields.get(field_name) if field_name else None
        if field is None:
            flash(message, "error")
            return redirect(back, code=303)
        field.errors = [message]
        return render_case_page(case_id, (chosen, form), 422)
    flash(str(DONE[chosen]), "success")
    if not may_view(current_user, case):
        return redirect(url_for("staff.cases"), code=303)  # moved out of this person's sight
    return redirect(back, code=303)


@bp.get("/cases/<string(length=36):case_id>/attachments/<string(length=36):attachment_id>")
@requires(Permission.COMPLAINTS_VIEW)
def attachment(case_id: str, attachment_id: str) -> ResponseReturnValue:
    """Always a download, never shown inline: the bytes are whatever the filer sent."""
    try:
        name, mime, data = case_reading.open_attachment(
            db.session,
            current_keyring(),
            Path(current_app.config["INTAKE_UPLOADS_PATH"]),
            current_user,
            case_id,
            attachment_id,
            _now(),
        )
    except ServiceError:
        abort(404)
    # send_file writes filename= (ASCII) and filename*=UTF-8''… (RFC 5987) for Thai names.
    response = send_file(
        io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name, etag=False
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
