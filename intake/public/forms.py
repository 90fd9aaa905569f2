"""The two public forms. They are separate classes on separate pages, on purpose: the
corruption channel must never share a form with general complaints (ITA, measure 43).
Field builders are shared so both validate alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    Field,
    FileField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from intake import thaidate, validators
from intake.attachments import AttachmentRejected, Limits, PreparedAttachment, prepare
from intake.cleaning.by_type import unavailable_types
from intake.labels import ACCUSED_ROLE
from intake.models import AccusedRole

SUBJECT_MAX = 200
DETAILS_MAX = 5000
LOCATION_MAX = 300
ACCUSED_MAX = 500
NAME_MAX = 200
ADDRESS_MAX = 500
CODE_INPUT_MAX = 80

REQUIRED = _l("โปรดกรอกช่องนี้")
TOO_LONG = _l("ยาวเกินไป (ไม่เกิน %(max)d ตัวอักษร)")

ATTACHMENT_MESSAGES = {
    "empty": _l("ไฟล์ “%(name)s” ว่างเปล่า"),
    "too_big": _l("ไฟล์ “%(name)s” มีขนาดเกิน %(mb)d MB"),
    "too_many": _l("แนบไฟล์ได้ไม่เกิน %(count)d ไฟล์"),
    "total_too_big": _l("ขนาดไฟล์รวมกันเกิน %(total_mb)d MB"),
    "type": _l("ไฟล์ “%(name)s” เป็นชนิดที่ไม่รับ (รับ: %(allowed)s)"),
    "image": _l("ไม่สามารถอ่านรูปภาพ “%(name)s” ได้ หรือภาพมีขนาดใหญ่เกินไป"),
    # The tip channel never keeps a file it could not clean: it says so and why.
    "not_cleanable": _l(
        "ไม่สามารถลบข้อมูลแฝงในไฟล์ “%(name)s” ได้ (ไฟล์อาจเสียหายหรือมีรหัสผ่าน) "
        "ระบบจึงไม่รับไฟล์นี้ เพื่อไม่ให้ข้อมูลที่อาจระบุตัวท่านถูกส่งไป"
    ),
    "embedded": _l(
        "ไฟล์ “%(name)s” มีไฟล์อื่นฝังอยู่ภายใน ซึ่งระบบลบข้อมูลแฝงไม่ได้ ระบบจึงไม่รับไฟล์นี้ "
        "โปรดนำไฟล์ที่ฝังไว้ออก หรือบันทึกเป็น PDF แล้วแนบใหม่"
    ),
    "cleaner_unavailable": _l(
        "ขณะนี้ระบบลบข้อมูลแฝงในไฟล์ “%(name)s” ไม่ได้ จึงยังไม่รับไฟล์ชนิดนี้ "
        "โปรดส่งโดยไม่แนบไฟล์นี้ หรือติดต่อศูนย์รับเรื่องโดยตรง"
    ),
}


def _coerce_choice(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


def _subject() -> StringField:
    return StringField(
        _l("เรื่อง"),
        validators=[DataRequired(REQUIRED), Length(max=SUBJECT_MAX, message=TOO_LONG)],
        filters=[_strip],
    )


def _details(label: Any) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[DataRequired(REQUIRED), Length(max=DETAILS_MAX, message=TOO_LONG)],
        filters=[_strip],
    )


def _text(label: Any, maximum: int, required: bool = False) -> StringField:
    first = DataRequired(REQUIRED) if required else Optional()
    return StringField(
        label,
        validators=[first, Length(max=maximum, message=TOO_LONG)],
        filters=[_strip],
    )


def _category() -> SelectField:
    return SelectField(
        _l("ประเภทเรื่อง"),
        coerce=_coerce_choice,
        validate_choice=True,
        choices=[],
    )


class _Normalised:
    """Runs a pure normaliser and keeps its result apart from what the person typed."""

    def __init__(self, normaliser: Callable[[str], Any], messages: dict[str, Any]) -> None:
        self.normaliser = normaliser
        self.messages = messages

    def __call__(self, form: FlaskForm, field: Field) -> None:
        text = field.data or ""
        if not text:
            field.clean = None
            return
        try:
            field.clean = self.normaliser(text)
        except validators.InvalidValue as exc:
            raise ValidationError(str(self.messages.get(exc.code, self.messages["*"]))) from exc


def _parse_incident_date(text: str) -> date:
    try:
        return thaidate.parse_date(text)
    except thaidate.DateParseError as exc:
        raise validators.InvalidValue("format") from exc


INCIDENT_DATE_MESSAGES = {"*": _l("วันที่ไม่ถูกต้อง เช่น 5/1/2569 หรือ 5 มกราคม 2569")}
PHONE_MESSAGES = {
    "*": _l("หมายเลขโทรศัพท์ไม่ถูกต้อง เช่น 081-234-5678 หรือ 02-123-4567"),
}
EMAIL_MESSAGES = {"*": _l("อีเมลไม่ถูกต้อง เช่น name@example.com")}
NATIONAL_ID_MESSAGES = {
    "length": _l("เลขประจำตัวประชาชนต้องมี 13 หลัก"),
    "checksum": _l("เลขประจำตัวประชาชนไม่ถูกต้อง โปรดตรวจสอบอีกครั้ง"),
    "*": _l("เลขประจำตัวประชาชนไม่ถูกต้อง"),
}


def _incident_date() -> StringField:
    return StringField(
        _l("วันที่เกิดเหตุ"),
        validators=[
            Optional(),
            Length(max=40, message=TOO_LONG),
            _Normalised(_parse_incident_date, INCIDENT_DATE_MESSAGES),
        ],
        filters=[_strip],
    )


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _normalised_text(label: Any, normaliser: Callable[[str], Any], messages: dict) -> StringField:
    return StringField(
        label,
        validators=[
            Optional(),
            Length(max=80, message=TOO_LONG),
            _Normalised(normaliser, messages),
        ],
        filters=[_strip],
    )


def _reporter_name(required: bool) -> StringField:
    return _text(_l("ชื่อ–นามสกุล"), NAME_MAX, required=required)


def _reporter_phone() -> StringField:
    return _normalised_text(_l("หมายเลขโทรศัพท์"), validators.normalize_thai_phone, PHONE_MESSAGES)


def _reporter_email() -> StringField:
    return _normalised_text(_l("อีเมล"), validators.normalize_email, EMAIL_MESSAGES)


def _reporter_address() -> TextAreaField:
    return TextAreaField(
        _l("ที่อยู่ที่ติดต่อได้"),
        validators=[Optional(), Length(max=ADDRESS_MAX, message=TOO_LONG)],
        filters=[_strip],
    )


def _reporter_national_id() -> StringField:
    return _normalised_text(
        _l("เลขประจำตัวประชาชน"), validators.normalize_national_id, NATIONAL_ID_MESSAGES
    )


IDENTITY_FIELDS = (
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_address",
    "reporter_national_id",
)


class PublicForm(FlaskForm):
    """A form that takes uploaded files only under its file fields' names.

    Flask-WTF merges request.files into the form data, so a file part sent under a text
    field's name would reach that field as a FileStorage. Bots do send such things.
    """

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if formdata is not _Auto or request.method not in SUBMIT_METHODS:
                return super().wrap_formdata(form, formdata)
            data: MultiDict[str, Any] = MultiDict(request.form)
            for field in form._fields.values():
                if isinstance(field, FileField | MultipleFileField):
                    # The full name: a prefixed form's file field is "prefix-name".
                    data.setlist(field.name, request.files.getlist(field.name))
            return data


class _FilingForm(PublicForm):
    """What both channels validate alike; never rendered on its own."""

    attachments = MultipleFileField(_l("แนบไฟล์ (ถ้ามี)"))
    # A field people never see. Bots fill every field they find.
    website = StringField(_l("เว็บไซต์ (ไม่ต้องกรอกช่องนี้)"))

    prepared_attachments: list[PreparedAttachment]
    attachment_limits: Limits = Limits()
    scrub_images: bool = True
    # The tip channel: every type loses its metadata, and what cannot be cleaned is refused.
    clean_all_types: bool = False
    offered_categories: Sequence[Any] = ()

    def validate_website(self, field: Field) -> None:
        if field.data:
            raise ValidationError(_l("ไม่สามารถส่งแบบฟอร์มนี้ได้"))

    def validate_attachments(self, field: Field) -> None:
        files = []
        for storage in field.data or []:
            if not hasattr(storage, "read"):
                continue  # a plain string sent under the file field's name
            limit = self.attachment_limits.max_bytes + 1
            files.append((storage.filename or "", storage.read(limit)))
        try:
            self.prepared_attachments = prepare(
                files, self.attachment_limits, self.scrub_images, self.cleans_all_types()
            )
        except AttachmentRejected as exc:
            self.prepared_attachments = []
            raise ValidationError(self._attachment_message(exc)) from exc

    def cleans_all_types(self) -> bool:
        return self.clean_all_types

    @property
    def cleaner_missing(self) -> bool:
        """Types this form would refuse now because their cleaner is not installed."""
        return self.cleans_all_types() and bool(unavailable_types())

    def _attachment_message(self, exc: AttachmentRejected) -> str:
        from intake.attachments import ALLOWED_DESCRIPTION

        limits = self.attachment_limits
        template = ATTACHMENT_MESSAGES.get(exc.code, ATTACHMENT_MESSAGES["type"])
        return str(template) % {
            "name": exc.filename,
            "mb": limits.max_bytes // (1024 * 1024),
            "count": limits.max_files,
            "total_mb": limits.max_total_bytes // (1024 * 1024),
            "allowed": ALLOWED_DESCRIPTION,
        }

    def clean(self, name: str) -> Any:
        field = self[name]
        return getattr(field, "clean", None) if field.data else None


class ComplaintForm(_FilingForm):
    subject = _subject()
    details = _details(_l("รายละเอียดเรื่องร้องเรียน"))
    category = _category()
    location = _text(_l("สถานที่เกิดเหตุ"), LOCATION_MAX)
    incident_date = _incident_date()
    reporter_name = _reporter_name(required=True)
    reporter_phone = _reporter_phone()
    reporter_email = _reporter_email()
    reporter_address = _reporter_address()
    reporter_national_id = _reporter_national_id()


# The tipster's answer decides who inside never sees the tip (conflict of interest); no
# list of staff is shown, so the form says nothing about who works here.
ACCUSED_ROLE_CHOICES = tuple((role.value, ACCUSED_ROLE[role]) for role in AccusedRole)


def _accused_role_known(form: PublicForm, field: Field) -> None:
    if field.data and field.data not in {value for value, _label in ACCUSED_ROLE_CHOICES}:
        raise StopValidation(str(_l("โปรดเลือกจากตัวเลือกที่มี หรือไม่ต้องเลือก")))


class TipForm(_FilingForm):
    subject = _subject()
    details = _details(_l("รายละเอียดการกระทำที่แจ้ง"))
    category = _category()
    location = _text(_l("สถานที่เกิดเหตุ"), LOCATION_MAX)
    incident_date = _incident_date()
    accused = TextAreaField(
        _l("ผู้ถูกกล่าวหา (ชื่อ ตำแหน่ง หน่วยงาน ถ้าทราบ)"),
        validators=[Optional(), Length(max=ACCUSED_MAX, message=TOO_LONG)],
        filters=[_strip],
    )
    accused_role = RadioField(
        _l("ผู้ถูกกล่าวหาเป็นผู้บริหารหรือเจ้าหน้าที่ของหน่วยงานนี้หรือไม่"),
        choices=[SelectChoice(value, text) for value, text in ACCUSED_ROLE_CHOICES],
        validate_choice=False,
        validators=[_accused_role_known],
    )
    anonymous = BooleanField(_l("ไม่ประสงค์ออกนาม (ไม่เปิดเผยตัวตน)"), default=True)
    reporter_name = _reporter_name(required=False)
    reporter_phone = _reporter_phone()
    reporter_email = _reporter_email()
    reporter_address = _reporter_address()
    reporter_national_id = _reporter_national_id()

    def identity_open(self) -> bool:
        """Whether the identity fields are shown open: closed while the tip is anonymous,
        open when the person unticked it, typed something there, or must correct it."""
        if not self.anonymous.data or self.anonymous.errors:
            return True
        return any(self[name].data or self[name].errors for name in IDENTITY_FIELDS)

    def validate_anonymous(self, field: Field) -> None:
        """Never store an identity someone typed while asking to stay anonymous."""
        if field.data and any(self[name].data for name in IDENTITY_FIELDS):
            raise ValidationError(
                _l(
                    "ท่านเลือกไม่เปิดเผยตัวตน แต่ได้กรอกข้อมูลส่วนตัวไว้ "
                    "โปรดลบข้อมูลส่วนตัวออก หรือยกเลิกการเลือกไม่ประสงค์ออกนาม"
                )
            )


CONTACT_FIELDS = ("reporter_phone", "reporter_email", "reporter_address")
CONTACT_REQUIRED = _l("โปรดให้ช่องทางติดต่ออย่างน้อยหนึ่งช่องทาง: หมายเลขโทรศัพท์ อีเมล หรือที่อยู่")


class LateIdentityForm(PublicForm):
    """A tipster who filed anonymously gives their name and a way to reach them, later.
    The same fields and checks as the tip form's identity part."""

    reporter_name = _reporter_name(required=True)
    reporter_phone = _reporter_phone()
    reporter_email = _reporter_email()
    reporter_address = _reporter_address()
    reporter_national_id = _reporter_national_id()

    def validate(self, extra_validators: Any = None) -> bool:
        """A name alone does not let anyone reach the tipster: ask for one way to, beside
        the first contact field. (A field-level check would never run: an empty optional
        field stops its own chain.)"""
        valid = super().validate(extra_validators)
        if not any(self[name].data for name in CONTACT_FIELDS):
            self.reporter_phone.errors = [*self.reporter_phone.errors, str(CONTACT_REQUIRED)]
            return False
        return valid

    def identity(self) -> dict[str, str]:
        return {
            "name": self.reporter_name.data or "",
            "phone": self.clean("reporter_phone") or "",
            "email": self.clean("reporter_email") or "",
            "address": self.reporter_address.data or "",
            "national_id": self.clean("reporter_national_id") or "",
        }

    def clean(self, name: str) -> Any:
        field = self[name]
        return getattr(field, "clean", None) if field.data else None


class TrackForm(PublicForm):
    code = StringField(
        _l("รหัสติดตามเรื่อง"),
        validators=[DataRequired(_l("โปรดกรอกรหัสติดตามเรื่อง")), Length(max=CODE_INPUT_MAX)],
    )
