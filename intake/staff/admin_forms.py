"""Forms of the administration pages and the auditor's filters.

Numbers are typed as text so that Thai digits are accepted and a wrong value is shown
back as it was typed; the validated number is kept on the field as ``clean``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from intake import thaidate, validators
from intake.deadlines import CountingMode
from intake.labels import KIND, ROLE
from intake.models import CaseKind, Role
from intake.services import DbSession
from intake.services.audit import ACTIONS
from intake.services.departments_categories import POSITION_MAX
from intake.services.organisation_settings import (
    DUE_SOON_DAYS,
    MAX_ATTACHMENT_MB,
    MAX_ATTACHMENTS,
    REOPEN_DAYS,
    RESPONSE_DAYS,
    RETENTION_YEARS,
    REVEAL_DAYS,
    is_https_url,
)
from intake.services.settings import departments

REQUIRED = _l("โปรดกรอกช่องนี้")
TOO_LONG = _l("ยาวเกินไป (ไม่เกิน %(max)d ตัวอักษร)")
DEPARTMENT_REQUIRED = _l("เจ้าหน้าที่กองต้องสังกัดกอง โปรดเลือกกอง")
DATE_HINT = _l("วันที่ไม่ถูกต้อง เช่น 5/12/2569 หรือ 5 ธันวาคม 2569")
CHOOSE = _l("โปรดเลือกจากรายการ")
HTTPS_ONLY = _l("ต้องเป็นที่อยู่เว็บที่ขึ้นต้นด้วย https:// เช่น https://www.facebook.com/ชื่อเพจ")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _optional_id(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(label: Any, maximum: int, required: bool = False) -> StringField:
    first = DataRequired(REQUIRED) if required else Optional()
    return StringField(
        label, validators=[first, Length(max=maximum, message=TOO_LONG)], filters=[_strip]
    )


class WholeNumber:
    """A whole number within bounds, typed in Arabic or Thai digits."""

    def __init__(self, low: int, high: int) -> None:
        self.low = low
        self.high = high

    def __call__(self, form: FlaskForm, field: Field) -> None:
        try:
            value = validators.normalize_number(field.data or "")
        except validators.InvalidValue as exc:
            raise ValidationError(_l("โปรดกรอกเป็นตัวเลข")) from exc
        if not self.low <= value <= self.high:
            raise ValidationError(
                _l("ต้องอยู่ระหว่าง %(low)d ถึง %(high)d", low=self.low, high=self.high)
            )
        field.clean = value


def _number(label: Any, bounds: tuple[int, int]) -> StringField:
    return StringField(
        label,
        validators=[DataRequired(REQUIRED), Length(max=12), WholeNumber(*bounds)],
        filters=[_strip],
    )


class TypedDate:
    """A date typed the Thai way (BE or CE, Thai digits, Thai month names)."""

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if not field.data:
            field.clean = None
            return
        try:
            field.clean = thaidate.parse_date(field.data)
        except thaidate.DateParseError as exc:
            raise ValidationError(DATE_HINT) from exc


def _date(label: Any, required: bool = False) -> StringField:
    first = DataRequired(REQUIRED) if required else Optional()
    return StringField(label, validators=[first, Length(max=40), TypedDate()], filters=[_strip])


def _select(label: Any, coerce: Any = str, required: bool = False) -> SelectField:
    """A select whose options are set per request; a value not offered is refused in Thai.

    Left out of a request, it holds its first option's value, "": nothing chosen.
    """
    return SelectField(
        label,
        coerce=coerce,
        default=None if coerce is _optional_id else "",
        choices=[],
        validate_choice=True,
        validators=[DataRequired(CHOOSE)] if required else [],
        invalid_value_message=CHOOSE,
        invalid_choice_message=CHOOSE,
    )


def _options(pairs: list[tuple[Any, Any]]) -> list[SelectChoice]:
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


def clean(field: Field) -> Any:
    return getattr(field, "clean", None)


def department_choices(session: DbSession) -> list[tuple[int, str]]:
    """Active departments for a select; inactive ones take no new people or categories."""
    return [(d.id, d.name_th) for d in departments(session)]


# --- users -----------------------------------------------------------------------------


class _RoleFields(FlaskForm):
    role = _select(_l("บทบาท"), required=True)
    department = _select(_l("กอง (สำหรับเจ้าหน้าที่กอง)"), coerce=_optional_id)
    email = StringField(
        _l("อีเมลสำหรับการแจ้งเตือน"),
        validators=[Optional(), Length(max=254, message=TOO_LONG)],
        filters=[_strip],
    )
    is_lead = BooleanField(
        _l("หัวหน้า (ได้รับแจ้งเตือนเรื่องที่เกินกำหนด: หัวหน้ากอง หัวหน้าศูนย์รับเรื่อง หรือหัวหน้านิติกร)")
    )
    excluded_from_executive_tips = BooleanField(
        _l("ไม่เห็นเบาะแสที่กล่าวหาผู้บริหาร (มีส่วนได้เสีย เช่น รองผู้บริหาร เลขานุการ หรือผู้ใกล้ชิด)")
    )

    def validate_email(self, field: Field) -> None:
        from intake.validators import InvalidValue, normalize_email

        if field.data:
            try:
                field.data = normalize_email(field.data)
            except InvalidValue as exc:
                raise ValidationError(_l("อีเมลไม่ถูกต้อง เช่น name@example.com")) from exc

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = _options([(role.value, ROLE[role]) for role in Role])

    def validate_department(self, field: Field) -> None:
        if self.role.data == Role.DEPARTMENT.value and field.data is None:
            raise ValidationError(DEPARTMENT_REQUIRED)

    def set_departments(self, departments: list[tuple[int, str]]) -> None:
        self.department.choices = _options([("", _l("— ไม่สังกัดกอง —")), *departments])


class UserCreateForm(_RoleFields):
    username = StringField(
        _l("ชื่อผู้ใช้"),
        validators=[DataRequired(REQUIRED), Length(max=80, message=TOO_LONG)],
        filters=[_strip],
    )
    display_name = _text(_l("ชื่อที่แสดง (ชื่อ–นามสกุล)"), 200, required=True)

    def validate_username(self, field: Field) -> None:
        from intake.services.admin_users import USERNAME_PATTERN

        if USERNAME_PATTERN.fullmatch(field.data or "") is None:
            raise ValidationError(_l("ใช้ได้เฉพาะ a–z ตัวพิมพ์เล็ก 0–9 จุด ขีดกลาง และขีดล่าง 3–80 ตัวอักษร"))


class UserRoleForm(_RoleFields):
    pass


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


# --- departments and categories --------------------------------------------------------


class DepartmentForm(FlaskForm):
    name_th = _text(_l("ชื่อกอง (ภาษาไทย)"), 200, required=True)
    name_en = _text(_l("ชื่อกอง (ภาษาอังกฤษ)"), 200)


class CategoryForm(FlaskForm):
    name_th = _text(_l("ชื่อประเภท (ภาษาไทย)"), 200, required=True)
    name_en = _text(_l("ชื่อประเภท (ภาษาอังกฤษ)"), 200)
    department = _select(_l("กองที่รับผิดชอบโดยปริยาย"), coerce=_optional_id)
    position = _number(_l("ลำดับที่แสดง"), (0, POSITION_MAX))

    def set_departments(self, departments: list[tuple[int, str]]) -> None:
        self.department.choices = _options([("", _l("— ไม่กำหนด —")), *departments])


class CategoryAddForm(CategoryForm):
    kind = _select(_l("ช่องทาง"), required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _options([(kind.value, KIND[kind]) for kind in CaseKind])


# --- settings --------------------------------------------------------------------------

MODE_LABELS = {
    CountingMode.CALENDAR: _l("นับตามวันปฏิทิน (เลื่อนวันครบกำหนดที่ตรงวันหยุด)"),
    CountingMode.WORKING: _l("นับเฉพาะวันทำการ"),
}


class SettingsForm(FlaskForm):
    name_th = _text(_l("ชื่อหน่วยงาน (ภาษาไทย)"), 200, required=True)
    name_en = _text(_l("ชื่อหน่วยงาน (ภาษาอังกฤษ)"), 200)
    unit_name_th = _text(_l("หน่วยงานที่รับเรื่อง (ภาษาไทย)"), 200)
    unit_name_en = _text(_l("หน่วยงานที่รับเรื่อง (ภาษาอังกฤษ)"), 200)
    address = TextAreaField(
        _l("ที่อยู่"), validators=[Optional(), Length(max=500, message=TOO_LONG)], filters=[_strip]
    )
    phone = _text(_l("โทรศัพท์"), 50)
    email = _text(_l("อีเมล"), 254)
    office_hours = _text(_l("เวลาทำการ (ภาษาไทย)"), 200)
    office_hours_en = _text(_l("เวลาทำการ (ภาษาอังกฤษ)"), 200)
    address_en = TextAreaField(
        _l("ที่อยู่ (ภาษาอังกฤษ)"),
        validators=[Optional(), Length(max=500, message=TOO_LONG)],
        filters=[_strip],
    )
    # What the two published guidelines (/guide and /guide/tips) name.
    officer_title_th = _text(_l("ตำแหน่งเจ้าหน้าที่ผู้รับผิดชอบ (ภาษาไทย)"), 200)
    officer_title_en = _text(_l("ตำแหน่งเจ้าหน้าที่ผู้รับผิดชอบ (ภาษาอังกฤษ)"), 200)
    tip_unit_name_th = _text(_l("หน่วยงานที่รับผิดชอบเรื่องแจ้งเบาะแสการทุจริต (ภาษาไทย)"), 200)
    tip_unit_name_en = _text(_l("หน่วยงานที่รับผิดชอบเรื่องแจ้งเบาะแสการทุจริต (ภาษาอังกฤษ)"), 200)
    tip_location_th = _text(_l("ที่ตั้งหน่วยงานรับแจ้งเบาะแส (ภาษาไทย)"), 300)
    tip_location_en = _text(_l("ที่ตั้งหน่วยงานรับแจ้งเบาะแส (ภาษาอังกฤษ)"), 300)
    tip_phone = _text(_l("โทรศัพท์ของหน่วยงานรับแจ้งเบาะแส"), 50)
    tip_email = _text(_l("อีเมลของหน่วยงานรับแจ้งเบาะแส"), 254)
    tip_guide_published_on = _date(_l("วันที่ประกาศใช้คู่มือการจัดการเรื่องร้องเรียนการทุจริต"))
    pdf_thai_digits = BooleanField(_l("ใช้เลขไทยในไฟล์ PDF ภาษาไทย (คู่มือและรายงาน)"))
    centre_location_th = _text(_l("ที่ตั้งศูนย์รับเรื่อง (ภาษาไทย)"), 300)
    centre_location_en = _text(_l("ที่ตั้งศูนย์รับเรื่อง (ภาษาอังกฤษ)"), 300)
    hotline = _text(_l("สายด่วน"), 50)
    line_id = _text(_l("LINE ID ทางการ"), 100)
    facebook_url = _text(_l("เพจ Facebook ทางการ (ที่อยู่เว็บ)"), 300)
    guide_published_on = _date(_l("วันที่ประกาศใช้คู่มือ"))
    response_days = _number(_l("ระยะเวลาตอบเรื่อง (วัน)"), RESPONSE_DAYS)
    due_soon_days = _number(_l("แจ้งเตือนใกล้ครบกำหนดล่วงหน้า (วัน)"), DUE_SOON_DAYS)
    reopen_days = _number(_l("ขอให้เปิดเรื่องใหม่ได้ภายใน (วันหลังปิดเรื่อง)"), REOPEN_DAYS)
    deadline_mode = RadioField(
        _l("วิธีนับวัน"),
        choices=[],
        validators=[DataRequired(CHOOSE)],
        invalid_choice_message=CHOOSE,
    )
    max_attachments = _number(_l("จำนวนไฟล์แนบสูงสุด"), MAX_ATTACHMENTS)
    max_attachment_mb = _number(_l("ขนาดไฟล์แนบสูงสุดต่อไฟล์ (MB)"), MAX_ATTACHMENT_MB)
    strip_image_metadata = BooleanField(_l("ลบข้อมูลแฝงในรูปภาพ (EXIF, GPS) ของเรื่องร้องเรียนทั่วไปด้วย"))
    reveal_days = _number(_l("จำนวนวันที่ผู้ขอเห็นตัวตนผู้แจ้งได้หลังอนุมัติ"), REVEAL_DAYS)
    tell_tipster_of_reveal = BooleanField(_l("แจ้งผู้แจ้งเบาะแสเมื่อมีการเปิดเผยตัวตน"))
    complaint_contents_years = _number(_l("เนื้อหาเรื่องร้องเรียนทั่วไป (ปี)"), RETENTION_YEARS)
    complaint_identity_years = _number(_l("ชื่อและช่องทางติดต่อของผู้ร้องเรียนทั่วไป (ปี)"), RETENTION_YEARS)
    tip_contents_years = _number(_l("เนื้อหาเรื่องแจ้งเบาะแสการทุจริต (ปี)"), RETENTION_YEARS)
    tip_identity_years = _number(_l("ตัวตนของผู้แจ้งเบาะแส (ปี)"), RETENTION_YEARS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_mode.choices = _options(
            [(mode.value, label) for mode, label in MODE_LABELS.items()]
        )

    def validate_email(self, field: Field) -> None:
        if not field.data:
            return
        try:
            field.data = validators.normalize_email(field.data)
        except validators.InvalidValue as exc:
            raise ValidationError(_l("อีเมลไม่ถูกต้อง เช่น name@example.com")) from exc

    def validate_tip_email(self, field: Field) -> None:
        self.validate_email(field)

    def validate_facebook_url(self, field: Field) -> None:
        if field.data and not is_https_url(field.data):
            raise ValidationError(HTTPS_ONLY)


# --- holidays --------------------------------------------------------------------------


class HolidayForm(FlaskForm):
    day = _date(_l("วันที่"), required=True)
    name = _text(_l("ชื่อวันหยุด"), 200, required=True)


# --- the audit log ---------------------------------------------------------------------


class AuditFilterForm(FlaskForm):
    """Read from the query string; a GET form changes nothing, so it carries no token."""

    class Meta:
        csrf = False

    action = _select(_l("การกระทำ"))
    actor = _text(_l("ผู้กระทำ (ชื่อผู้ใช้)"), 80)
    date_from = _date(_l("ตั้งแต่วันที่"))
    date_to = _date(_l("ถึงวันที่"))
    reference = _text(_l("เลขที่เรื่อง"), 40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = [("", _l("ทุกการกระทำ"))] + [(action, action) for action in sorted(ACTIONS)]
        self.action.choices = _options(actions)

    def validate_date_to(self, field: Field) -> None:
        start: date | None = clean(self.date_from)
        end: date | None = clean(field)
        if start is not None and end is not None and end < start:
            raise ValidationError(_l("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่มต้น"))
