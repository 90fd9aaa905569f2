"""News of a case for the LINE chat that filed it: a status change, an interim notice, a
message or question from staff, and, once a general complaint is closed, the invitation
to the satisfaction survey.

Unlike an e-mail (often a shared mailbox, so it says only "there is news"), a chat is
the person's own: the message says what the status page would say. It waits encrypted
in ``line_messages`` and is pushed right after the staff member's answer has gone
(``intake.line``), or by ``intake remind``; a push that fails waits and is tried again
later, as a mail would be. The recipient is read from the case when it is sent.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from intake import crypto, labels, workflow
from intake.line_platform import Button, Messenger, PlatformError, Text
from intake.models import Case, CaseKind, LineMessage, new_id
from intake.services import DbSession, satisfaction
from intake.services.public_status import PUBLIC_EVENT_TYPES, event_text

log = logging.getLogger(__name__)

QUEUED = "intake.line_messages_queued"  # session.info: push after this request's answer
SURVEY = "survey"  # the chat's postback that starts the survey
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)


def _encrypt(keyring: crypto.Keyring, message: LineMessage, text: Text) -> bytes:
    body = {"text": text.text, "buttons": [[b.label, b.kind, b.data] for b in text.buttons]}
    return crypto.encrypt_field(
        keyring, json.dumps(body, ensure_ascii=False), table="line_messages", column="body",
        row_id=message.id,
    )  # fmt: skip


def _decrypt(keyring: crypto.Keyring, message: LineMessage) -> Text:
    body = json.loads(
        crypto.decrypt_text(
            keyring, message.body_enc or b"", table="line_messages", column="body",
            row_id=message.id,
        )
    )  # fmt: skip
    return Text(body["text"], tuple(Button(*b) for b in body["buttons"]))


def survey_offered(session: DbSession, case: Case) -> bool:
    return case.kind is CaseKind.COMPLAINT and satisfaction.state(session, case).offered


def _news(session: DbSession, keyring: crypto.Keyring, case: Case, now: datetime) -> Text | None:
    """What this moment's public events of the case say, as one chat message."""
    events = [e for e in case.events if e.public and e.at == now and e.type in PUBLIC_EVENT_TYPES]
    if not events:
        return None
    with force_locale("th"):
        lines = [_("เรื่องเลขที่ %(reference)s", reference=case.reference)]
        for event in events:
            heading = (
                str(labels.STATUS[event.to_status])
                if event.to_status is not None
                else str(labels.EVENT[event.type])
            )
            said = event_text(keyring, event)
            lines.append(f"{heading}: {said}" if said else heading)
        buttons: tuple[Button, ...] = ()
        if workflow.is_closed(case.status) and survey_offered(session, case):
            lines.append(_("โปรดประเมินความพึงพอใจต่อการดำเนินการเรื่องนี้ ใช้เวลาไม่ถึงหนึ่งนาที"))
            buttons = (Button(_("ประเมินความพึงพอใจ"), data=SURVEY),)
        elif not workflow.is_closed(case.status):
            lines.append(_("พิมพ์ตอบหรือส่งรูปเพิ่มเติมถึงเจ้าหน้าที่ในแชตนี้ได้"))
    return Text("\n".join(lines), buttons)


def queue_for(session: DbSession, keyring: crypto.Keyring, case: Case, now: datetime) -> bool:
    """Queue the case's news for its chat, in the caller's transaction; True if queued."""
    if case.line_user_enc is None or case.notices_stopped:
        return False
    text = _news(session, keyring, case, now)
    if text is None:
        return False
    message = LineMessage(id=new_id(), case_id=case.id, body_enc=b"", created_at=now, attempts=0)
    message.body_enc = _encrypt(keyring, message, text)
    session.add(message)
    session.info[QUEUED] = True
    return True


def deliver(
    session: DbSession, keyring: crypto.Keyring, messenger: Messenger, now: datetime
) -> tuple[int, int]:
    """Push every message that is due, oldest first; returns (sent, waiting again)."""
    due = session.scalars(
        select(LineMessage)
        .where(
            LineMessage.sent_at.is_(None),
            LineMessage.failed_at.is_(None),
            or_(LineMessage.next_attempt_at.is_(None), LineMessage.next_attempt_at <= now),
        )
        .order_by(LineMessage.created_at, LineMessage.id)
        .with_for_update(skip_locked=True)
    ).all()
    sent = waiting = 0
    for message in due:
        case = session.get(Case, message.case_id)
        if case is None or case.line_user_enc is None or message.body_enc is None:
            # Nobody to send it to any more (purged, or a tip now), or nothing to say.
            message.failed_at, message.body_enc = now, None
            continue
        user = crypto.decrypt_text(
            keyring, case.line_user_enc, table="cases", column="line_user", row_id=case.id
        )
        message.attempts += 1
        try:
            messenger.push(user, [_decrypt(keyring, message)], retry_key=_retry_key(message))
        except PlatformError:
            if message.attempts >= MAX_ATTEMPTS:
                message.failed_at, message.body_enc = now, None
            else:
                wait = min(FIRST_RETRY * 2 ** (message.attempts - 1), LONGEST_WAIT)
                message.next_attempt_at = now + wait
                waiting += 1
            continue
        message.sent_at, message.body_enc = now, None  # said: not kept any longer
        sent += 1
    session.commit()
    return sent, waiting


def _retry_key(message: LineMessage) -> str:
    """LINE's X-Line-Retry-Key: the same for every attempt of one message, so a push that
    reached LINE before its answer was lost is not shown twice."""
    return message.id
