"""Telling a complainant that their case moved, without saying anything about it.

A complainant who gave an e-mail address gets "there is news, check with your code". The
mail names no case, no reference and no content: a mailbox is often shared or read by
others. Tips get no mail here: a tipster's address is sealed and the server cannot read
it (an opt-in notice address for tips belongs to the tracking page's settings).
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from intake import crypto, mail
from intake.models import Case, CaseKind
from intake.services import DbSession


def _email_of(keyring: crypto.Keyring, case: Case) -> str:
    if case.kind is not CaseKind.COMPLAINT or case.contact_enc is None:
        return ""
    contact = json.loads(
        crypto.decrypt_text(
            keyring, case.contact_enc, table="cases", column="contact", row_id=case.id
        )
    )
    return str(contact.get("email", ""))


def notify_complainant(
    session: DbSession, keyring: crypto.Keyring, case: Case, now: datetime
) -> bool:
    """Queue the notice in the caller's transaction; True when one was queued."""
    address = _email_of(keyring, case)
    if not address:
        return False
    track_url = f"{current_app.config['INTAKE_BASE_URL']}/track"
    with force_locale("th"):
        subject = _("มีความคืบหน้าเรื่องที่ท่านแจ้งไว้")
        body = "\n".join(
            [
                _("เรื่องที่ท่านแจ้งไว้มีความคืบหน้า"),
                _("โปรดตรวจสอบที่ %(url)s ด้วยรหัสติดตามเรื่องของท่าน", url=track_url),
                "",
                _("อีเมลนี้ไม่มีรายละเอียดของเรื่อง เพื่อความปลอดภัยของข้อมูลของท่าน"),
            ]
        )
    mail.queue(session, keyring, "complainant.update", address, subject, body, now)
    return True
