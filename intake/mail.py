"""Outgoing mail through an outbox.

Messages are queued in the database inside the transaction of whatever caused them, so a
mail is never sent for something that was rolled back, and an SMTP server that is down
loses nothing: the next `intake remind` run sends what is still queued. Recipient,
subject and body are stored encrypted. Without MAIL_SERVER, development writes each mail
as a file into the instance's outbox folder instead of sending it.

Each message stands alone. Anyone can queue a mail to any address (the notice form), so
one address the server refuses must not hold back the reminders and notices behind it: a
permanent refusal (5xx) fails that message at once, a temporary one (4xx, or the
connection lost while sending it) makes that message wait, longer after each attempt,
and the others still go in the same run.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from intake import crypto, durable
from intake.filemodes import make_private_folder
from intake.models import OutboxMessage, new_id
from intake.services import DbSession

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
# Back-off per message: 15 minutes after the first temporary failure, doubling, at most a
# day apart (`remind` usually runs daily, so in practice a message is tried once a day).
FIRST_RETRY = timedelta(minutes=15)
LONGEST_WAIT = timedelta(days=1)
# A server that drops the connection again and again ends the run (the rest waits).
MAX_RECONNECTS = 2

SENT, WAITING, FAILED = "sent", "waiting", "failed"
STATES = (WAITING, FAILED, SENT)


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
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            client.starttls()
        if config.get("MAIL_USERNAME"):
            client.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except (OSError, smtplib.SMTPException):
        client.close()  # connected but not usable: no socket left open
        raise
    return client


def state(message: OutboxMessage) -> str:
    if message.sent_at is not None:
        return SENT
    if message.failed_at is not None:
        return FAILED
    return WAITING


def back_off(attempts: int) -> timedelta:
    """How long a message waits after its ``attempts``-th temporary failure."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _sent(message: OutboxMessage, now: datetime, code: int | None = 250) -> None:
    message.sent_at, message.last_code, message.next_attempt_at = now, code, None


def _failed_for_good(message: OutboxMessage, now: datetime, code: int | None) -> None:
    message.failed_at, message.last_code, message.next_attempt_at = now, code, None
    # The kind and the code only: the server's text can quote the recipient.
    log.warning("mail (%s) failed for good, SMTP code %s", message.kind, code)


def _try_later(message: OutboxMessage, now: datetime, code: int | None) -> None:
    if message.attempts >= MAX_ATTEMPTS:
        _failed_for_good(message, now, code)
        return
    message.last_code = code
    message.next_attempt_at = now + back_off(message.attempts)
    log.warning("mail (%s) not sent, SMTP code %s; it waits", message.kind, code)


def _refused(message: OutboxMessage, now: datetime, code: int | None) -> None:
    """A reply about this message: 5xx is permanent, anything else is worth another try."""
    if code is not None and 500 <= code < 600:
        _failed_for_good(message, now, code)
    else:
        _try_later(message, now, code)


def _recipient_code(error: smtplib.SMTPRecipientsRefused) -> int | None:
    codes = [reply[0] for reply in error.recipients.values()]
    return int(codes[0]) if codes else None


def due(session: DbSession, now: datetime) -> list[OutboxMessage]:
    """Messages to try now, oldest first."""
    waiting_until = OutboxMessage.next_attempt_at
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed_at.is_(None),
                or_(waiting_until.is_(None), waiting_until <= now),
            )
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0  # failed for good in this run
    waiting: int = 0  # tried now and waiting, or not tried in this run
    # The server could not be reached, kept dropping the connection, or refused our sender.
    stopped_early: bool = False


class _Connection:
    """One SMTP connection for the whole run, opened when first needed."""

    def __init__(self, config: dict[str, Any]) -> None:
        self._config = config
        self._client: smtplib.SMTP | None = None
        self.opened = 0

    def may_open(self) -> bool:
        """False once the server has dropped the connection too often in this run."""
        return self._client is not None or self.opened <= MAX_RECONNECTS

    def client(self) -> smtplib.SMTP:
        if self._client is None:
            self.opened += 1
            self._client = _smtp(self._config)
        return self._client

    def lost(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except OSError:
                pass

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            log.warning("SMTP connection did not close cleanly")


def _send_one(
    connection: _Connection, message: OutboxMessage, email: EmailMessage, now: datetime
) -> bool:
    """Try one message and record what became of it. False: the connection is gone and
    the run should not go on with this server."""
    client = connection.client()  # raises when the server cannot be reached
    message.attempts += 1
    try:
        client.send_message(email)
    except smtplib.SMTPRecipientsRefused as error:
        _refused(message, now, _recipient_code(error))
    except smtplib.SMTPSenderRefused as error:
        # Our own sender address: every message would meet it, so none fails for good
        # because of it; this one waits and the run ends.
        _try_later(message, now, error.smtp_code)
        log.warning("the SMTP server refused the sender address (code %s)", error.smtp_code)
        return False
    except smtplib.SMTPResponseException as error:  # e.g. the reply to DATA
        _refused(message, now, error.smtp_code)
        if error.smtp_code == 421:  # the server is closing the connection
            connection.lost()
    except smtplib.SMTPNotSupportedError:
        _failed_for_good(message, now, None)  # e.g. an address this server cannot take
    except (OSError, smtplib.SMTPException) as error:
        # Lost while sending: this message waits, the next one reconnects.
        log.warning("SMTP connection lost (%s)", type(error).__name__)
        _try_later(message, now, None)
        connection.lost()
    else:
        _sent(message, now)
    return True


def _write_file(folder: Path, message: OutboxMessage, email: EmailMessage) -> None:
    make_private_folder(folder)
    durable.replace(folder / f"{message.id}.eml", bytes(email))


def deliver(
    session: DbSession,
    keyring: crypto.Keyring,
    config: dict[str, Any],
    outbox_dir: Path,
    now: datetime,
) -> Delivery:
    """Send what is due over one connection, each message's state in its own commit."""
    pending = due(session, now)
    if not pending:
        return Delivery()
    if not config.get("MAIL_SERVER") and config.get("ENV_NAME") != "development":
        return Delivery(waiting=len(pending))  # nowhere to send; keep them queued
    result = Delivery()
    connection = _Connection(config)
    try:
        for index, message in enumerate(pending):
            email = _email(
                config,
                _dec(keyring, message.recipient_enc, "recipient", message.id),
                _dec(keyring, message.subject_enc, "subject", message.id),
                _dec(keyring, message.body_enc, "body", message.id),
            )
            go_on = True
            if not config.get("MAIL_SERVER"):
                _write_file(outbox_dir, message, email)
                message.attempts += 1
                _sent(message, now, None)
            elif not connection.may_open():
                go_on = False
            else:
                try:
                    go_on = _send_one(connection, message, email, now)
                except (OSError, smtplib.SMTPException) as error:
                    # Not reached at all: no message is to blame, so none is counted.
                    log.warning("SMTP server unreachable (%s)", type(error).__name__)
                    go_on = False
            session.commit()
            outcome = state(message)
            result.sent += outcome == SENT
            result.failed += outcome == FAILED
            result.waiting += outcome == WAITING
            if not go_on:
                result.stopped_early = True
                result.waiting += len(pending) - index - 1  # not tried in this run
                break
    finally:
        connection.close()
    return result
