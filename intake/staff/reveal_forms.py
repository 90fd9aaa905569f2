"""Forms of the identity-reveal screens. Reasons, passphrases and passwords travel only in
POST bodies; a passphrase or password field is never filled back in."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, TextAreaField
from wtforms.validators import DataRequired, Length

from intake.services.reveal import REASON_MAX, REASON_MIN

REQUIRED = _l("โปรดกรอกช่องนี้")
REASON_LENGTH = _l("โปรดเขียนเหตุผลอย่างน้อย %(min)d ตัวอักษร และไม่เกิน %(max)d ตัวอักษร")
PASSPHRASE_MAX = 1024


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _reason(label: Any) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(REQUIRED),
            Length(min=REASON_MIN, max=REASON_MAX, message=REASON_LENGTH),
        ],
        filters=[_strip],
    )


class RevealRequestForm(FlaskForm):
    """A legal officer's written reason for asking to see who a tipster is."""

    reason = _reason(_l("เหตุผลและข้อกฎหมายที่จำเป็นต้องทราบตัวตนผู้แจ้ง"))


class ApproveForm(FlaskForm):
    passphrase = PasswordField(
        _l("รหัสผ่านกุญแจของผู้ดูแลข้อมูลตัวตน (passphrase)"),
        validators=[DataRequired(REQUIRED), Length(max=PASSPHRASE_MAX)],
    )


class RefuseForm(FlaskForm):
    refusal_reason = _reason(_l("เหตุผลที่ไม่อนุมัติ"))


class RevokeForm(FlaskForm):
    """Carries only the CSRF token."""


class ViewIdentityForm(FlaskForm):
    """The requester's own sign-in password, asked again at each view: it opens the key
    the identity is sealed to, and an unattended session cannot show it."""

    password = PasswordField(
        _l("รหัสผ่านเข้าสู่ระบบของท่าน"),
        validators=[DataRequired(REQUIRED), Length(max=PASSPHRASE_MAX)],
    )
