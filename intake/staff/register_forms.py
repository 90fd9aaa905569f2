"""The staff form for cases received elsewhere (walk-in, phone, letter, e-mail, social
media, referrals). It reuses the public forms' field builders, normalisers and attachment
handling, so a case typed in by staff is validated exactly like one filed on the web."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from intake import labels, thaidate, validators
from intake.attachments import Limits
from intake.local_names import local_name
from intake.models import COMPLAINTS_ONLY, AccusedRole, CaseKind, Category, Channel, User
from intake.public.forms import IDENTITY_FIELDS as PUBLIC_IDENTITY_FIELDS
from intake.public.forms import (
    INCIDENT_DATE_MESSAGES,
    LOCATION_MAX,
    REQUIRED,
    TOO_LONG,
    TipForm,
    _category,
    _details,
    _FilingForm,
    _incident_date,
    _Normalised,
    _parse_incident_date,
    _reporter_address,
    _reporter_email,
    _reporter_name,
    _reporter_national_id,
    _reporter_phone,
    _strip,
    _subject,
    _text,
)
from intake.services.filing import FilingInput

# Typos in the year (2559 for 2569) would file a case into a past fiscal year.
OLDEST_RECEIPT = timedelta(days=366)
# Not the web form's own channel, nor one that files by itself (an API): staff type in
# what came by hand.
STAFF_CHANNELS = [c for c in Channel if c is not Channel.WEB and c not in COMPLAINTS_ONLY]

CHOOSE = _l("โปรดเลือกจากรายการ")
TIME_MESSAGES = {"*": _l("เวลาไม่ถูกต้อง โปรดพิมพ์แบบ 24 ชั่วโมง เช่น 09:30 หรือ 16:00")}
TOO_OLD = _l("วันที่รับเรื่องเก่าเกินหนึ่งปี โปรดตรวจสอบปี พ.ศ. อีกครั้ง")
WRONG_KIND_CATEGORY = _l("ประเภทเรื่องนี้ไม่ตรงกับชนิดของเรื่องที่เลือก")
ANONYMOUS_WITH_IDENTITY = _l(
    "เลือกไม่ประสงค์ออกนามไว้ แต่ได้กรอกข้อมูลตัวตนของผู้แจ้ง โปรดลบข้อมูลตัวตนออก หรือยกเลิกการเลือกไม่ประสงค์ออกนาม"
)

_CLOCK = re.compile(r"([0-9]{1,2})\s*[:.]\s*([0-9]{2})(?:\s*น\.?)?")


def parse_clock_time(text: str) -> time:
    """Read a 24-hour clock time as Thai offices write it: 16:00, 16.00, ๑๖:๐๐, 16.00 น."""
    match = _CLOCK.fullmatch(" ".join(thaidate.to_arabic_digits(text).split()))
    if match is None:
        raise validators.InvalidValue("format")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise validators.InvalidValue("range")
    return time(hour, minute)


def _coerce_enum(enum_class: type[CaseKind] | type[Channel]) -> Any:
    def coerce(value: Any) -> Any:
        if value in (None, "", "None"):
            return None
        return enum_class(value)  # ValueError: shown as the field's invalid-value message

    return coerce


def _choice_field(label: Any, enum_class: type[CaseKind] | type[Channel], default: Any) -> Any:
    return SelectField(
        label,
        coerce=_coerce_enum(enum_class),
        choices=[],
        default=default,
        validate_choice=True,
        validators=[DataRequired(CHOOSE)],
        invalid_value_message=CHOOSE,
        invalid_choice_message=CHOOSE,
    )


def default_date_text(day: date) -> str:
    """How the form shows a date before anyone types: day/month/BE year."""
    return f"{day.day}/{day.month}/{thaidate.be_year(day)}"


class RegisterForm(_FilingForm):
    """One form for both kinds; which kinds and categories are offered depends on the user."""

    kind = _choice_field(_l("ชนิดของเรื่อง"), CaseKind, CaseKind.COMPLAINT)
    channel = _choice_field(_l("ช่องทางที่รับเรื่อง"), Channel, Channel.WALK_IN)
    received_date = StringField(
        _l("วันที่รับเรื่อง"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=40, message=TOO_LONG),
            _Normalised(_parse_incident_date, INCIDENT_DATE_MESSAGES),
        ],
        filters=[_strip],
    )
    received_time = StringField(
        _l("เวลาที่รับเรื่อง"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=20, message=TOO_LONG),
            _Normalised(parse_clock_time, TIME_MESSAGES),
        ],
        filters=[_strip],
    )
    subject = _subject()
    details = _details(_l("รายละเอียดเรื่อง"))
    category = _category()
    location = _text(_l("สถานที่เกิดเหตุ"), LOCATION_MAX)
    incident_date = _incident_date()
    accused = TipForm.accused
    accused_role = TipForm.accused_role
    anonymous = TipForm.anonymous
    reporter_name = _reporter_name(required=False)
    reporter_phone = _reporter_phone()
    reporter_email = _reporter_email()
    reporter_address = _reporter_address()
    reporter_national_id = _reporter_national_id()

    category_kinds: dict[int, CaseKind]
    today: date

    def offer(
        self,
        kinds: Sequence[CaseKind],
        categories: Sequence[Category],
        limits: Limits,
        today: date,
        english: bool = False,
    ) -> None:
        """Set what this user may choose; categories are grouped by kind."""
        self.kind.choices = [SelectChoice(k.value, str(labels.KIND[k])) for k in kinds]
        self.channel.choices = [
            SelectChoice(c.value, str(labels.CHANNEL[c])) for c in STAFF_CHANNELS
        ]
        offered = [c for c in categories if c.kind in kinds]
        self.category_kinds = {c.id: c.kind for c in offered}
        self.category.choices = [SelectChoice("", str(_l("— เลือกประเภทเรื่อง —")))] + [
            SelectChoice(
                str(c.id),
                local_name(c, english),
                optgroup=str(labels.KIND[c.kind]) if len(kinds) > 1 else None,
            )
            for c in offered
        ]
        self.category.invalid_choice_message = CHOOSE
        self.attachment_limits = limits
        self.scrub_images = True  # a photo's GPS can point at whoever took it
        self.today = today

    def cleans_all_types(self) -> bool:
        """A tip typed in by staff is still a tip: its files lose metadata of every type."""
        return self.kind.data is CaseKind.TIP

    def validate_category(self, field: Field) -> None:
        if field.errors or field.data is None or self.kind.data is None:
            return  # an unknown choice or kind has its own message
        if self.category_kinds.get(field.data) != self.kind.data:
            raise ValidationError(str(WRONG_KIND_CATEGORY))

    def validate_received_date(self, field: Field) -> None:
        clean = getattr(field, "clean", None)
        if clean is not None and clean < self.today - OLDEST_RECEIPT:
            raise ValidationError(str(TOO_OLD))

    def validate(self, extra_validators: Any = None) -> bool:
        """Rules that depend on the kind: a complaint needs a name; an anonymous tip none."""
        valid = super().validate(extra_validators)
        if self.kind.data is CaseKind.COMPLAINT and not self.reporter_name.data:
            self.reporter_name.errors = [*self.reporter_name.errors, str(REQUIRED)]
            valid = False
        if (
            self.kind.data is CaseKind.TIP
            and self.anonymous.data
            and any(self[name].data for name in PUBLIC_IDENTITY_FIELDS)
        ):
            self.anonymous.errors = [*self.anonymous.errors, str(ANONYMOUS_WITH_IDENTITY)]
            valid = False
        return valid

    def received_at(self) -> datetime | None:
        """The typed date and time, read in Bangkok, as UTC."""
        day, clock = self.clean("received_date"), self.clean("received_time")
        if day is None or clock is None:
            return None
        return datetime.combine(day, clock, tzinfo=thaidate.BANGKOK).astimezone(UTC)

    def filing_input(self, registered_by: User) -> FilingInput:
        kind = self.kind.data
        tip = kind is CaseKind.TIP
        anonymous = tip and bool(self.anonymous.data)
        reporter = (
            {}
            if anonymous
            else {
                "name": self.reporter_name.data or "",
                "phone": self.clean("reporter_phone") or "",
                "email": self.clean("reporter_email") or "",
                "address": self.reporter_address.data or "",
                "national_id": self.clean("reporter_national_id") or "",
            }
        )
        return FilingInput(
            kind=kind,
            channel=self.channel.data,
            subject=self.subject.data or "",
            details=self.details.data or "",
            category_id=self.category.data,
            location=self.location.data or "",
            incident_date=self.clean("incident_date"),
            accused=(self.accused.data or "") if tip else "",
            accused_role=(
                AccusedRole(self.accused_role.data) if tip and self.accused_role.data else None
            ),
            anonymous=anonymous,
            reporter=reporter,
            attachments=self.prepared_attachments,
            received_at=self.received_at(),
            registered_by=registered_by,
        )
