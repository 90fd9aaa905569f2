"""The host administration's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from intake.models import OrganisationType
from intake.places.type_names import type_name

REQUIRED = _l("โปรดกรอกช่องนี้")


class HostLoginForm(FlaskForm):
    username = StringField(_l("ชื่อผู้ใช้"), validators=[DataRequired(REQUIRED), Length(max=80)])
    password = PasswordField(_l("รหัสผ่าน"), validators=[DataRequired(REQUIRED), Length(max=200)])
    otp = StringField(
        _l("รหัส 6 หลักจากแอปยืนยันตัวตน"), validators=[DataRequired(REQUIRED), Length(max=12)]
    )


class CreateOrganisationForm(FlaskForm):
    slug = StringField(
        _l("ชื่อในที่อยู่เว็บ (อักษรอังกฤษตัวเล็ก ตัวเลข และ -)"),
        validators=[DataRequired(REQUIRED), Length(max=63)],
    )
    name_th = StringField(
        _l("ชื่อหน่วยงาน (ภาษาไทย)"), validators=[DataRequired(REQUIRED), Length(max=200)]
    )
    name_en = StringField(_l("ชื่อหน่วยงาน (ภาษาอังกฤษ)"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("ประเภทหน่วยงาน"), validators=[DataRequired(REQUIRED)])
    province = StringField(_l("จังหวัด"), validators=[DataRequired(REQUIRED), Length(max=100)])
    district = StringField(_l("อำเภอ"), validators=[DataRequired(REQUIRED), Length(max=100)])
    hostname = StringField(
        _l("ชื่อโฮสต์ของหน่วยงานเอง (ถ้ามี)"), validators=[Optional(), Length(max=253)]
    )
    passphrase = PasswordField(
        _l("วลีรหัสของผู้ดูแลข้อมูลตัวตนคนแรก (อย่างน้อย 12 ตัวอักษร)"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=12, max=200, message=_l("อย่างน้อย 12 ตัวอักษร")),
        ],
    )
    passphrase_again = PasswordField(
        _l("ยืนยันวลีรหัส"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("passphrase", message=_l("วลีรหัสทั้งสองช่องไม่ตรงกัน")),
        ],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind.value, type_name(kind)) for kind in OrganisationType]
