"""Forms of the case page's actions (the queue's filters are ``staff.queue_forms``).

Each action has its own small form; on the case page every form gets the action's name as
its prefix (``resolve-message``), so several forms on one page never share an id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from intake import thaidate
from intake.labels import REFERRAL
from intake.problem_messages import PLACEHOLDER
from intake.problems import Problem
from intake.services import interim
from intake.services.case_work import MAX_TEXT
from intake.workflow import Action

REQUIRED = _l("โปรดกรอกช่องนี้")
TOO_LONG = _l("ข้อความยาวเกินไป (ไม่เกิน 5,000 ตัวอักษร)")
BAD_DATE = _l("อ่านวันที่ไม่ได้ โปรดพิมพ์เช่น 5/1/2569 หรือ 5 ม.ค. 2569")
CONFIRM = _l("โปรดทำเครื่องหมายยืนยันก่อน")


def options(pairs: Iterable[tuple[object, Any]]) -> list[SelectChoice]:
    """Choices as WTForms wants them; labels may stay lazy until rendered."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def _long_text(label: object, *, required: bool, message: object = REQUIRED) -> TextAreaField:
    first = DataRequired(message) if required else Optional()
    return TextAreaField(label, validators=[first, Length(max=MAX_TEXT, message=TOO_LONG)])


def typed_date(field: Field) -> date | None:
    """A typed date (Thai digits and BE years welcome); None when empty."""
    text = (field.data or "").strip()
    if not text:
        return None
    try:
        return thaidate.parse_date(text)
    except thaidate.DateParseError as exc:
        raise ValidationError(str(BAD_DATE)) from exc


# The field a refusal is shown beside (any other one is flashed), and the case page's own
# wording where it differs from the common message.
ACTION_FIELD = {
    Problem.MESSAGE_REQUIRED: "message",
    Problem.MESSAGE_PLACEHOLDER: "message",
    Problem.NOTE_REQUIRED: "note",
    Problem.REASON_REQUIRED: "reason",
    Problem.REASON_PLACEHOLDER: "reason",
    Problem.DEPARTMENT_REQUIRED: "department",
    Problem.REFERRAL_REQUIRED: "destination",
    Problem.REFERRAL_NAME_REQUIRED: "destination_name",
    Problem.PROGRESS_REQUIRED: "progress",
    Problem.PROGRESS_PLACEHOLDER: "progress",
    Problem.DATE_REASON_REQUIRED: "date_reason",
    Problem.DATE_REASON_PLACEHOLDER: "date_reason",
    Problem.EXPECTED_DATE_REQUIRED: "expected_date",
    Problem.EXPECTED_DATE_PAST: "expected_date",
    Problem.EXPECTED_DATE_TOO_FAR: "expected_date",
}
ACTION_WORDING = {
    Problem.MESSAGE_REQUIRED: _l("โปรดเขียนข้อความถึงผู้ร้องเรียน"),
    Problem.TEXT_TOO_LONG: TOO_LONG,
    Problem.IDENTITY_UNAVAILABLE: _l(
        "ยังย้ายเรื่องไม่ได้ เพราะระบบยังไม่มีกุญแจสำหรับปิดผนึกข้อมูลตัวตน โปรดติดต่อผู้ดูแลระบบ"
    ),
}


# "ผู้ร้อง/ผู้แจ้ง": the same forms serve complaints and tips.
NOTE_LABEL = _l("บันทึกภายใน (ผู้ร้อง/ผู้แจ้งไม่เห็น)")
MESSAGE_HINT = _l("ผู้ร้อง/ผู้แจ้งจะเห็นข้อความนี้เมื่อตรวจสอบสถานะด้วยรหัสติดตามเรื่อง")


class NoteOnlyForm(FlaskForm):
    """Accept, start work: an optional internal note."""

    note = _long_text(NOTE_LABEL, required=False)


class AssignForm(FlaskForm):
    department = SelectField(
        _l("หน่วยงานที่รับผิดชอบ"),
        validators=[DataRequired(_l("โปรดเลือกหน่วยงาน"))],
        validate_choice=False,
    )
    note = _long_text(NOTE_LABEL, required=False)


class MessageForm(FlaskForm):
    """Public update: a message the complainant reads."""

    message = _long_text(
        _l("ข้อความถึงผู้ร้อง/ผู้แจ้ง"), required=True, message=_l("โปรดเขียนข้อความถึงผู้ร้อง/ผู้แจ้ง")
    )


def _written_over(form: FlaskForm, field: Field) -> None:
    """Template text left as it was never reaches a complainant."""
    if field.data and interim.is_placeholder(field.data):
        raise ValidationError(str(PLACEHOLDER))


def _notice_part(label: object, missing: object, example: object) -> TextAreaField:
    """A required part of an interim notice, which the complainant reads as written."""
    validators = [DataRequired(missing), Length(max=MAX_TEXT, message=TOO_LONG), _written_over]
    return TextAreaField(label, validators=validators, description=example)


class InterimForm(FlaskForm):
    """The interim notice in parts; the complainant reads a paragraph built from them."""

    reason = _notice_part(
        _l("เหตุผลที่ยังไม่แล้วเสร็จ"),
        _l("โปรดระบุเหตุผลที่ยังไม่แล้วเสร็จ"),
        _l("เช่น รอผลตรวจสอบจากสำนักงานที่ดิน ผู้ร้อง/ผู้แจ้งจะอ่านต่อจากคำว่า “เนื่องจาก”"),
    )
    progress = _notice_part(
        _l("ความคืบหน้าที่ทำไปแล้ว"),
        _l("โปรดเขียนความคืบหน้าที่ทำไปแล้ว"),
        _l("เช่น เจ้าหน้าที่ลงพื้นที่ตรวจแล้วเมื่อ 3 มี.ค. 2569 และส่งหนังสือสอบถามแล้ว"),
    )
    expected_date = StringField(
        _l("คาดว่าจะแล้วเสร็จภายในวันที่"),
        validators=[DataRequired(_l("โปรดระบุวันที่คาดว่าจะแล้วเสร็จ")), Length(max=40)],
    )
    date_reason = TextAreaField(
        _l("เหตุผลที่ต้องใช้เวลานานกว่ารอบถัดไป"),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG), _written_over],
    )
    message = TextAreaField(
        _l("ข้อความเพิ่มเติมถึงผู้ร้อง/ผู้แจ้ง"),
        validators=[Optional(), Length(max=MAX_TEXT, message=TOO_LONG), _written_over],
    )

    def validate_expected_date(self, field: Field) -> None:
        typed_date(field)

    def expected(self) -> date | None:
        """The typed date (Thai digits and BE years welcome); call after validate()."""
        return typed_date(self.expected_date)


class QuestionForm(FlaskForm):
    """A question the complainant answers on their status page."""

    message = _long_text(
        _l("คำถามถึงผู้ร้อง/ผู้แจ้ง"), required=True, message=_l("โปรดเขียนคำถามถึงผู้ร้อง/ผู้แจ้ง")
    )


class NoteForm(FlaskForm):
    note = _long_text(NOTE_LABEL, required=True, message=_l("โปรดเขียนบันทึก"))


class ResolveForm(FlaskForm):
    message = _long_text(
        _l("ผลการดำเนินการที่แจ้งผู้ร้อง/ผู้แจ้ง"),
        required=True,
        message=_l("โปรดเขียนผลการดำเนินการที่จะแจ้งผู้ร้อง/ผู้แจ้ง"),
    )


class RejectForm(FlaskForm):
    reason = _long_text(
        _l("เหตุผลที่ไม่รับพิจารณา (แจ้งผู้ร้อง/ผู้แจ้ง)"),
        required=True,
        message=_l("โปรดระบุเหตุผลที่จะแจ้งผู้ร้อง/ผู้แจ้ง"),
    )
    # A closing without handling: asked once more, in the form itself (works without JS).
    confirm = BooleanField(
        _l("ยืนยันว่าจะยุติเรื่องนี้ เรื่องจะถูกปิดและผู้ร้อง/ผู้แจ้งจะเห็นเหตุผลนี้"),
        validators=[DataRequired(CONFIRM)],
    )


class ReferForm(FlaskForm):
    destination = SelectField(
        _l("ส่งต่อไปยัง"),
        choices=options(
            [("", _l("— เลือกหน่วยงาน —")), *((code, place.name) for code, place in REFERRAL.items())]
        ),
        validators=[DataRequired(_l("โปรดเลือกหน่วยงานที่ส่งต่อ"))],
        validate_choice=False,
    )
    destination_name = StringField(_l("ชื่อหน่วยงาน (เมื่อเลือกหน่วยงานอื่น)"), validators=[Length(max=200)])
    message = _long_text(_l("ข้อความถึงผู้ร้อง/ผู้แจ้ง"), required=False)
    confirm = BooleanField(
        _l("ยืนยันว่าจะส่งต่อเรื่องนี้ไปหน่วยงานภายนอก เรื่องจะถูกปิดในระบบนี้"),
        validators=[DataRequired(CONFIRM)],
    )


class ReturnForm(FlaskForm):
    reason = _long_text(_l("เหตุผลที่ส่งคืน (บันทึกภายใน)"), required=True, message=_l("โปรดระบุเหตุผล"))


class ReopenForm(FlaskForm):
    reason = _long_text(
        _l("เหตุผลที่เปิดเรื่องใหม่ (บันทึกภายใน)"), required=True, message=_l("โปรดระบุเหตุผล")
    )
    message = _long_text(_l("ข้อความถึงผู้ร้อง/ผู้แจ้ง"), required=False)


class MoveToTipForm(FlaskForm):
    note = _long_text(NOTE_LABEL, required=False)


ACTION_FORMS: dict[Action, type[FlaskForm]] = {
    Action.ACCEPT: NoteOnlyForm,
    Action.ASSIGN: AssignForm,
    Action.START: NoteOnlyForm,
    Action.UPDATE: MessageForm,
    Action.QUESTION: QuestionForm,
    Action.NOTE: NoteForm,
    Action.INTERIM: InterimForm,
    Action.RESOLVE: ResolveForm,
    Action.REJECT: RejectForm,
    Action.REFER: ReferForm,
    Action.RETURN: ReturnForm,
    Action.REOPEN: ReopenForm,
    Action.MOVE_TO_TIP: MoveToTipForm,
}

# Sending a case of a kind department officers never read (tips) records the department
# the case concerns; nobody there is told or shown anything.
ASSIGN_HINT_UNSEEN = _l(
    "บันทึกว่าเรื่องนี้เกี่ยวกับหน่วยงานใด เจ้าหน้าที่ของหน่วยงานจะไม่เห็นเรื่องนี้และไม่ได้รับแจ้ง "
    "เรื่องแจ้งเบาะแสเห็นได้เฉพาะนิติกร"
)

# (heading, button, what happens) per action, for the case page.
ACTION_TEXT = {
    Action.ACCEPT: (_l("รับพิจารณา"), _l("รับพิจารณา"), _l("สถานะเป็น “กำลังพิจารณา”")),
    Action.ASSIGN: (
        _l("ส่งหน่วยงานดำเนินการ"),
        _l("ส่งหน่วยงาน"),
        _l("เจ้าหน้าที่ของหน่วยงานจะได้รับแจ้งและเห็นเรื่องนี้"),
    ),
    Action.START: (_l("เริ่มดำเนินการ"), _l("เริ่มดำเนินการ"), _l("สถานะเป็น “อยู่ระหว่างดำเนินการ”")),
    Action.UPDATE: (_l("ส่งข้อความถึงผู้ร้อง/ผู้แจ้ง"), _l("ส่งข้อความ"), MESSAGE_HINT),
    Action.QUESTION: (
        _l("ถามผู้ร้อง/ผู้แจ้ง"),
        _l("ส่งคำถาม"),
        _l("ผู้ร้อง/ผู้แจ้งเห็นคำถามเมื่อติดตามเรื่องด้วยรหัส และตอบกลับได้ทางหน้านั้น ไม่เริ่มนับระยะเวลา 15 วันใหม่"),
    ),
    Action.NOTE: (_l("บันทึกภายใน"), _l("บันทึก"), _l("เห็นเฉพาะเจ้าหน้าที่")),
    Action.INTERIM: (
        _l("ชี้แจงความคืบหน้า"),
        _l("แจ้งความคืบหน้า"),
        _l("ถือเป็นการแจ้งผู้ร้อง/ผู้แจ้งตามกำหนด และเริ่มนับระยะเวลา 15 วันใหม่"),
    ),
    Action.RESOLVE: (_l("แจ้งผลและปิดเรื่อง"), _l("ปิดเรื่อง"), MESSAGE_HINT),
    Action.REJECT: (_l("ไม่รับพิจารณา/ยุติเรื่อง"), _l("ยุติเรื่อง"), MESSAGE_HINT),
    Action.REFER: (_l("ส่งต่อหน่วยงานภายนอก"), _l("ส่งต่อ"), _l("เรื่องจะถูกปิดในระบบนี้")),
    Action.RETURN: (
        _l("ส่งคืนเพื่อพิจารณาใหม่"),
        _l("ส่งคืน"),
        _l("เรื่องจะออกจากหน่วยงานของท่านและกลับไปที่ผู้รับเรื่อง"),
    ),
    Action.REOPEN: (_l("เปิดเรื่องใหม่"), _l("เปิดเรื่องใหม่"), _l("เริ่มนับระยะเวลา 15 วันใหม่")),
    Action.MOVE_TO_TIP: (
        _l("ย้ายไปช่องทางแจ้งเบาะแสการทุจริต"),
        _l("ย้ายเรื่อง"),
        _l(
            "ข้อมูลติดต่อของผู้ร้องจะถูกปิดผนึกแบบข้อมูลผู้แจ้งเบาะแส "
            "หลังย้ายแล้วเฉพาะนิติกรเท่านั้นที่เห็นเรื่องนี้ เลขที่เรื่องยังคงเดิม"
        ),
    ),
}


def action_form(action: Action, *, posted: bool = False) -> FlaskForm:
    """The posted form (read from the request), or a fresh, empty one for the case page.
    Nothing is pre-filled: a template left unedited must never reach a complainant."""
    form_class = ACTION_FORMS[action]
    if posted:
        return form_class(prefix=action.value)
    return form_class(prefix=action.value, formdata=None)
