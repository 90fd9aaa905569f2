"""The form of a report's written sections and sign-off.

Dates are typed the way Thai officers write them (5/4/2569, 5 เม.ย. 2569, Thai digits,
BE or CE); the date read is kept on the field as ``clean``, and what was typed is shown
back as it was when something is wrong.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from intake import thaidate
from intake.services.report_narratives import (
    LINE_MAX,
    NARRATIVE_FIELDS,
    SIGNERS,
    TEXT_MAX,
    Narrative,
)

TEXT_TOO_LONG = _l("ข้อความยาวเกินไป (ไม่เกิน 5,000 ตัวอักษร)")
LINE_TOO_LONG = _l("ยาวเกินไป (ไม่เกิน 200 ตัวอักษร)")
BAD_DATE = _l("อ่านวันที่ไม่ได้ โปรดพิมพ์เช่น 5/4/2569 หรือ 5 เมษายน 2569")

SIGNER_LABELS = {
    "prepared": _l("จัดทำโดย"),
    "reviewed": _l("ตรวจสอบโดย"),
    "approved": _l("อนุมัติโดย"),
}


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(label: Any) -> TextAreaField:
    return TextAreaField(
        label, validators=[Optional(), Length(max=TEXT_MAX, message=TEXT_TOO_LONG)]
    )


def _line(label: Any) -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=LINE_MAX, message=LINE_TOO_LONG)],
        filters=[_strip],
    )


class _TypedDate:
    def __call__(self, form: FlaskForm, field: Field) -> None:
        field.clean = None
        if not field.data:
            return
        try:
            field.clean = thaidate.parse_date(field.data)
        except thaidate.DateParseError as exc:
            raise ValidationError(BAD_DATE) from exc


def _date(label: Any) -> StringField:
    return StringField(
        label, validators=[Length(max=40, message=BAD_DATE), _TypedDate()], filters=[_strip]
    )


def date_text(day: date | None) -> str:
    """How a saved date is shown in the form: day, Thai month name, BE year."""
    return "" if day is None else thaidate.format_date(day, "th")


class NarrativeForm(FlaskForm):
    problems = _text(_l("ปัญหาและอุปสรรค"))
    remedies = _text(_l("แนวทางแก้ไข"))
    recommendations = _text(_l("ข้อเสนอแนะ"))
    prepared_name = _line(_l("ชื่อผู้จัดทำ"))
    prepared_position = _line(_l("ตำแหน่งผู้จัดทำ"))
    prepared_on = _date(_l("วันที่จัดทำ"))
    reviewed_name = _line(_l("ชื่อผู้ตรวจสอบ"))
    reviewed_position = _line(_l("ตำแหน่งผู้ตรวจสอบ"))
    reviewed_on = _date(_l("วันที่ตรวจสอบ"))
    approved_name = _line(_l("ชื่อผู้อนุมัติ"))
    approved_position = _line(_l("ตำแหน่งผู้อนุมัติ"))
    approved_on = _date(_l("วันที่อนุมัติ"))

    def fill(self, narrative: Narrative) -> None:
        """Show what was saved (only on a GET: a POST shows back what was typed)."""
        for name in NARRATIVE_FIELDS:
            value = getattr(narrative, name)
            self[name].data = date_text(value) if name.endswith("_on") else value

    def narrative(self) -> Narrative:
        values: dict[str, Any] = {}
        for name in NARRATIVE_FIELDS:
            field = self[name]
            if name.endswith("_on"):
                values[name] = getattr(field, "clean", None)
            else:
                values[name] = field.data or ""
        return Narrative(**values)

    def signer_fields(self) -> list[tuple[Any, list[Field]]]:
        """(legend, [name, position, date]) for each of the three signers."""
        return [
            (SIGNER_LABELS[who], [self[f"{who}_name"], self[f"{who}_position"], self[f"{who}_on"]])
            for who in SIGNERS
        ]
