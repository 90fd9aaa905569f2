"""Forms of the staff side's sign-in and account pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

REQUIRED = _l("โปรดกรอกช่องนี้")


class LoginForm(FlaskForm):
    username = StringField(_l("ชื่อผู้ใช้"), validators=[DataRequired(REQUIRED), Length(max=80)])
    password = PasswordField(_l("รหัสผ่าน"), validators=[DataRequired(REQUIRED), Length(max=200)])


class CodeForm(FlaskForm):
    otp = StringField(
        _l("รหัส 6 หลักจากแอปยืนยันตัวตน"), validators=[DataRequired(REQUIRED), Length(max=12)]
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("รหัสผ่านปัจจุบัน"), validators=[DataRequired(REQUIRED)])
    new = PasswordField(
        _l("รหัสผ่านใหม่ (อย่างน้อย 10 ตัวอักษร)"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=10, max=200, message=_l("อย่างน้อย 10 ตัวอักษร")),
        ],
    )
    confirm = PasswordField(
        _l("ยืนยันรหัสผ่านใหม่"),
        validators=[DataRequired(REQUIRED), EqualTo("new", message=_l("รหัสผ่านทั้งสองช่องไม่ตรงกัน"))],
    )


class EnrolmentForm(FlaskForm):
    """The person's own password, typed twice, and the first code of their authenticator."""

    password = PasswordField(
        _l("รหัสผ่าน (อย่างน้อย 10 ตัวอักษร)"),
        validators=[
            DataRequired(REQUIRED),
            Length(min=10, max=200, message=_l("อย่างน้อย 10 ตัวอักษร")),
        ],
    )
    confirm = PasswordField(
        _l("ยืนยันรหัสผ่าน"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("รหัสผ่านทั้งสองช่องไม่ตรงกัน")),
        ],
    )
    otp = StringField(
        _l("รหัส 6 หลักจากแอปยืนยันตัวตน"), validators=[DataRequired(REQUIRED), Length(max=12)]
    )
