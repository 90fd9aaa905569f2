"""Outgoing mail through an outbox.

Messages are queued in the database inside the transaction of whatever caused them, so a
mail is never sent for something that was rolled back, and an SMTP server that is down
loses nothing: the next `intake remind` run sends what is still queued. Recipient,
subject and body are stored encrypted. Without MAIL_SERVER, development writes each mail
as a file into the instance's outbox folder instead of sending it.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from intake import crypto, durable
from intake.filemodes import make_private_folder
from intake.models import OutboxMessage, new_id
from intake.services import DbSession

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def _enc(keyring: crypto.Keyring, value: str, column: str, row_id: str) -> bytes:
    return crypto.encrypt_field(keyring, value, table="outbox", column=column, row_id=row_id)


def _dec(keyring: crypto.Keyring, blob: bytes, column: str, row_id: str) -> str:
    return crypto.decrypt_text(keyring, blob, table="outbox", column=column, row_id=row_id)


def queue(
    session: DbSession,
    keyring: crypto.Keyring,
    kind: str,
    recipient: str,
    subject: str,
    body: str,
    now: datetime,
) -> OutboxMessage:
    """Add a mail to the caller's transaction (not committed here)."""
    message_id = new_id()
    message = OutboxMessage(
        id=message_id,
        kind=kind,
        recipient_enc=_enc(keyring, recipient, "recipient", message_id),
        subject_enc=_enc(keyring, subject, "subject", message_id),
        body_enc=_enc(keyring, body, "body", message_id),
        created_at=now,
    )
    session.add(message)
    return message


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    waiting: int


def _email(config: dict[str, Any], recipient: str, subject: str, body: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = config.get("MAIL_DEFAULT_SENDER") or "intake@localhost"
    email["To"] = recipient
    email["Subject"] = subject
    email["Message-ID"] = make_msgid(domain="intake.local")
    email.set_content(body)
    return email


def _smtp(config: dict[str, Any]) -> smtplib.SMTP:
    host, port = config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)
    timeout = float(config.get("MAIL_TIMEOUT") or 10)
    if config.get("MAIL_USE_SSL"):
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        client = smtplib.SMTP(host, port, timeout=timeout)
        if config.get("MAIL_USE_TLS"):
            client.starttls()
    if config.get("MAIL_USERNAME"):
        client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return client


def deliver(
    session: DbSession,
    keyring: crypto.Keyring,
    config: dict[str, Any],
    outbox_dir: Path,
    now: datetime,
) -> Delivery:
    """Send what is queued. Each message is marked sent in its own commit."""
    pending = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS)
            .order_by(OutboxMessage.created_at)
        )
    )
    if not pending:
        return Delivery(0, 0, 0)
    if not config.get("MAIL_SERVER") and config.get("ENV_NAME") != "development":
        return Delivery(0, 0, len(pending))  # nowhere to send; keep them queued
    sent = failed = 0
    client: smtplib.SMTP | None = None
    try:
        for message in pending:
            email = _email(
                config,
                _dec(keyring, message.recipient_enc, "recipient", message.id),
                _dec(keyring, message.subject_enc, "subject", message.id),
                _dec(keyring, message.body_enc, "body", message.id),
            )
            message.attempts += 1
            try:
                if config.get("MAIL_SERVER"):
                    client = client or _smtp(config)
                    client.send_message(email)
                else:
                    make_private_folder(outbox_dir)
                    durable.replace(outbox_dir / f"{message.id}.eml", bytes(email))
            except (OSError, smtplib.SMTPException) as error:
                # The type only: SMTP errors can quote the recipient.
                log.warning("mail not sent (%s); it stays queued", type(error).__name__)
                failed += 1
                session.commit()
                client = None
                break
            message.sent_at = now
            session.commit()
            sent += 1
    finally:
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                log.warning("SMTP connection did not close cleanly")
    return Delivery(sent, failed, len(pending) - sent)
