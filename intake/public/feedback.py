"""What a complainant can do on the status page besides reading it: rate the service once
the case is closed, and start or stop the "check with your code" mails; and the help page
for a lost code.

Both forms act on the case the browser follows (intake.public.tracked), never on an id or
a code sent with the form, so no page carries either. The status page's partials
(_survey.html, _notices.html) read their state through ``follow_up()``, a context
function that looks at the followed case on the server side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from flask import current_app, flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional, StopValidation, ValidationError

from intake import validators
from intake.extensions import db, limiter
from intake.labels import SURVEY_QUESTIONS, SURVEY_SCALE
from intake.models import Case, CaseKind
from intake.problem_messages import say
from intake.problems import Problem
from intake.public import tracked
from intake.public.blueprint import bp
from intake.public.followup import FLASH_CATEGORY, render_status
from intake.public.forms import EMAIL_MESSAGES, TOO_LONG, PublicForm
from intake.services import ServiceError
from intake.services import followup as followup_service
from intake.services import notices as notices_service
from intake.services import satisfaction as satisfaction_service
from intake.services.keyring import current_keyring

# The survey's and the notices' own wording; other refusals say the common message.
SURVEY_WORDING = {
    Problem.CASE_NOT_CLOSED: _l("แบบประเมินความพึงพอใจจะเปิดให้ตอบเมื่อเรื่องนี้ปิดแล้ว"),
}
NOTICE_WORDING = {
    Problem.CASE_CLOSED: _l("เรื่องนี้ปิดแล้ว จึงไม่มีความคืบหน้าที่จะแจ้งทางอีเมลอีก"),
}
SESSION_ENDED = _l("หมดเวลาการเปิดดูเรื่องแล้ว สิ่งที่ท่านส่งยังไม่ได้บันทึก โปรดกรอกรหัสติดตามเรื่องอีกครั้ง")


def now() -> datetime:
    return datetime.now(UTC)


def _track_limit() -> str:
    return str(current_app.config["INTAKE_TRACK_LIMIT"])


# ------------------------------------------------------------------------------- forms


def _coerce_score(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _score_chosen(form: PublicForm, field: Field) -> None:
    if field.data not in {value for value, _label in SURVEY_SCALE}:
        raise StopValidation(say(Problem.SCORE_OUT_OF_SCALE))


def _score(label: Any) -> RadioField:
    return RadioField(
        label,
        # WTForms 3.3 deprecates (value, label) tuples for choices.
        choices=[SelectChoice(str(value), text) for value, text in SURVEY_SCALE],
        coerce=_coerce_score,
        validate_choice=False,
        validators=[_score_chosen],
    )


class SurveyForm(PublicForm):
    speed = _score(SURVEY_QUESTIONS["speed"])
    fairness = _score(SURVEY_QUESTIONS["fairness"])
    clarity = _score(SURVEY_QUESTIONS["clarity"])
    overall = _score(SURVEY_QUESTIONS["overall"])
    comment = TextAreaField(
        _l("ข้อเสนอแนะเพิ่มเติม"),
        validators=[
            Optional(),
            Length(max=satisfaction_service.COMMENT_MAX, message=TOO_LONG),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )

    def answers(self) -> satisfaction_service.SurveyAnswers:
        return satisfaction_service.SurveyAnswers(
            speed=self.speed.data,
            fairness=self.fairness.data,
            clarity=self.clarity.data,
            overall=self.overall.data,
            comment=self.comment.data or "",
        )


class NoticeForm(PublicForm):
    # The pressed button's value: start or stop.
    action = StringField(
        validators=[AnyOf([notices_service.START, notices_service.STOP], message=_l("คำสั่งไม่ถูกต้อง"))]
    )
    # Checked by validate_address (normalize_email refuses more than 254 characters).
    address = EmailField(
        _l("อีเมลสำหรับรับการแจ้งเตือน"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    # Set by the view: a tipster who starts the mails must give an address.
    address_required: bool = False

    def validate_address(self, field: Field) -> None:
        if self.action.data != notices_service.START or not self.address_required:
            field.clean = ""
            return
        if not field.data:
            raise ValidationError(say(Problem.NOTICE_ADDRESS_REQUIRED))
        try:
            field.clean = validators.normalize_email(field.data)
        except validators.InvalidValue as exc:
            raise ValidationError(str(EMAIL_MESSAGES["*"])) from exc


# ---------------------------------------------------------------- the status page's state


@dataclass
class FollowUp:
    """The followed case as the status page's partials need it. No id, no code. A route
    that re-renders the page with errors passes its own form as ``survey_form`` or
    ``notice_form``; the partials prefer those."""

    reference: str
    kind: CaseKind
    survey: satisfaction_service.SurveyState
    notices: notices_service.NoticeSettings

    # Built only if a partial shows them: most status pages show neither form.
    @cached_property
    def survey_form(self) -> SurveyForm:
        return SurveyForm(formdata=None)

    @cached_property
    def notice_form(self) -> NoticeForm:
        return NoticeForm(formdata=None)


def _followed_case() -> Case | None:
    case_id = tracked.tracked_case_id()
    return db.session.get(Case, case_id) if case_id else None


def follow_up() -> FollowUp | None:
    """Computed once per request, and only when a template asks for it."""
    if "follow_up" not in g:
        case = _followed_case()
        g.follow_up = None
        if case is not None:
            g.follow_up = FollowUp(
                reference=case.reference,
                kind=case.kind,
                survey=satisfaction_service.state(db.session, case),
                notices=notices_service.settings(current_keyring(), case),
            )
    return g.follow_up


@bp.context_processor
def _follow_up_context() -> dict[str, Any]:
    return {"follow_up": follow_up}


def _status_page(case: Case, code: int, **forms: Any) -> ResponseReturnValue:
    """The status page again, with the form's errors beside its fields."""
    status = followup_service.followed_status(db.session, current_keyring(), case.id, now())
    if status is None:
        tracked.forget()
        return redirect(url_for("public.track"), code=303)
    return render_status(status, code=code, **forms)


def _session_ended() -> ResponseReturnValue:
    flash(str(SESSION_ENDED), FLASH_CATEGORY)
    return redirect(url_for("public.track"), code=303)


def _back_to_status(anchor: str) -> ResponseReturnValue:
    return redirect(url_for("public.track", _anchor=anchor), code=303)


# ------------------------------------------------------------------------------ routes


@bp.post("/track/survey")
@limiter.limit(_track_limit)
def survey() -> ResponseReturnValue:
    case = _followed_case()
    if case is None:
        return _session_ended()
    form = SurveyForm()
    if not form.validate_on_submit():
        return _status_page(case, 422, survey_form=form)
    try:
        satisfaction_service.record_answers(
            db.session, current_keyring(), case.id, form.answers(), now()
        )
    except ServiceError as error:
        if error.code is Problem.NOT_FOUND:  # purged and gone meanwhile
            return _session_ended()
        flash(say(error.code, SURVEY_WORDING), FLASH_CATEGORY)
    else:
        flash(_("บันทึกคำตอบของท่านแล้ว ขอบคุณที่ช่วยให้เราปรับปรุงการให้บริการ"), FLASH_CATEGORY)
    return _back_to_status("survey")


@bp.post("/track/notices")
@limiter.limit(_track_limit)
def notices() -> ResponseReturnValue:
    case = _followed_case()
    if case is None:
        return _session_ended()
    form = NoticeForm()
    form.address_required = case.kind is CaseKind.TIP
    if not form.validate_on_submit():
        return _status_page(case, 422, notice_form=form)
    try:
        settings = notices_service.change(
            db.session,
            current_keyring(),
            case.id,
            form.action.data or "",
            now(),
            address=getattr(form.address, "clean", ""),
        )
    except ServiceError as error:
        if error.code is Problem.NOT_FOUND:  # purged and gone meanwhile
            return _session_ended()
        flash(say(error.code, NOTICE_WORDING), FLASH_CATEGORY)
    else:
        if settings.active:
            flash(_("เริ่มส่งอีเมลแจ้งเตือนเมื่อเรื่องมีความคืบหน้าแล้ว"), FLASH_CATEGORY)
        else:
            flash(_("หยุดส่งอีเมลแจ้งเตือนแล้ว"), FLASH_CATEGORY)
    return _back_to_status("notices")


@bp.get("/track/lost-code")
def lost_code() -> ResponseReturnValue:
    return render_template("public/lost_code.html")
