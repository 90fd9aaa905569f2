"""Telling a complainant that their case moved, without saying anything about it.

A complainant who gave an e-mail address gets "there is news, check with your code". The
mail names no case, no reference and no content: a mailbox is often shared or read by
others. They can stop these mails from their status page, and start them again.

A tipster's own address is sealed with their identity and the server cannot read it, so
tips get no mail unless the tipster opts in from the status page with an address for
notices alone. That address is kept under the content key (table ``cases``, column
``notice_address``), apart from the sealed identity; the page warns that an address can
say who they are. Removing it wipes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from intake import crypto, mail, workflow
from intake.models import Case, CaseKind, Organisation
from intake.problems import Problem
from intake.services import DbSession, ServiceError, line_notices, organisations
from intake.services.audit import ACTOR_PUBLIC, record

START, STOP = "start", "stop"


def _contact_email(keyring: crypto.Keyring, case: Case) -> str:
    if case.kind is not CaseKind.COMPLAINT or case.contact_enc is None:
        return ""
    contact = json.loads(
        crypto.decrypt_text(
            keyring, case.contact_enc, table="cases", column="contact", row_id=case.id
        )
    )
    return str(contact.get("email", ""))


def _notice_address(keyring: crypto.Keyring, case: Case) -> str:
    if case.notice_address_enc is None:
        return ""
    return crypto.decrypt_text(
        keyring, case.notice_address_enc, table="cases", column="notice_address", row_id=case.id
    )


def _recipient(keyring: crypto.Keyring, case: Case) -> str:
    if case.notices_stopped:
        return ""
    if case.kind is CaseKind.TIP:
        return _notice_address(keyring, case)
    return _contact_email(keyring, case)


def _track_url(session: DbSession, case: Case) -> str:
    """The tracking page of the case's own organisation (on a host of several, under its
    /o/<slug> prefix or at its own host name)."""
    host_base = str(current_app.config["INTAKE_BASE_URL"])
    organisation = session.get(Organisation, case.organisation_id)
    base = organisations.base_url(session, organisation, host_base) if organisation else host_base
    return f"{base}/track"


def notify_complainant(
    session: DbSession, keyring: crypto.Keyring, case: Case, now: datetime
) -> bool:
    """Queue the notice in the caller's transaction (a mail, and the news for the LINE
    chat that filed the case); True when one was queued."""
    in_chat = line_notices.queue_for(session, keyring, case, now)
    address = _recipient(keyring, case)
    if not address:
        return in_chat
    track_url = _track_url(session, case)
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


@dataclass(frozen=True)
class NoticeSettings:
    """What the status page may say about the followed case's mails (no address)."""

    kind: CaseKind
    available: bool  # a complaint with an e-mail in its contact details, or any tip
    active: bool  # mails would go out now
    closed: bool = False  # nothing more will happen: mails are not started any more


def _closed(case: Case) -> bool:
    return workflow.is_closed(case.status)


def settings(keyring: crypto.Keyring, case: Case) -> NoticeSettings:
    if case.kind is CaseKind.TIP:
        active = case.notice_address_enc is not None and not case.notices_stopped
        # Past retention nothing new is kept: an address given now would outlive the purge.
        purged = case.identity_purged_at is not None or case.contents_purged_at is not None
        return NoticeSettings(
            kind=case.kind, available=not purged, active=active, closed=_closed(case)
        )
    has_email = bool(_contact_email(keyring, case))
    return NoticeSettings(
        kind=case.kind,
        available=has_email,
        active=has_email and not case.notices_stopped,
        closed=_closed(case),
    )


def change(
    session: DbSession,
    keyring: crypto.Keyring,
    case_id: str,
    action: str,
    now: datetime,
    address: str = "",
) -> NoticeSettings:
    """Start or stop the followed case's mails. A tip starts only with an address (already
    checked by the form) and stopping wipes it. Errors: ``not_found``, ``unavailable``
    (a complaint without e-mail), ``address_required``, ``action``, ``closed`` (starting
    on a closed case)."""
    # Locked: a purge running meanwhile waits, or is seen (services.retention).
    case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
    if case is None:
        raise ServiceError(Problem.NOT_FOUND)
    if action not in (START, STOP):
        raise ServiceError(Problem.NOTICE_ACTION_UNKNOWN)
    if action == START and _closed(case):
        raise ServiceError(Problem.CASE_CLOSED)
    if case.kind is CaseKind.TIP:
        if action == START and not settings(keyring, case).available:
            raise ServiceError(Problem.NOTICE_ADDRESS_UNAVAILABLE)
        if action == START:
            if not address:
                raise ServiceError(Problem.NOTICE_ADDRESS_REQUIRED)
            case.notice_address_enc = crypto.encrypt_field(
                keyring, address, table="cases", column="notice_address", row_id=case.id
            )
        else:
            case.notice_address_enc = None
        case.notices_stopped = False
    else:
        if not _contact_email(keyring, case):
            raise ServiceError(Problem.NOTICE_ADDRESS_UNAVAILABLE)
        case.notices_stopped = action == STOP
    record(
        session,
        keyring,
        "case.updated",
        actor=ACTOR_PUBLIC,
        now=now,
        case_id=case.id,
        detail=f"notices {action}",
    )
    session.commit()
    return settings(keyring, case)
