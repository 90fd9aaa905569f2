"""The outbox as an administrator sees it: each message's state, never whom it is for.

The list shows what a message is (its kind), when it was queued, how many times it was
tried, the SMTP server's last reply code and when it goes next. It shows no recipient,
not even masked, and no subject or body: a complainant's or a tipster's address says who
they are (a tipster's notice address is kept apart from the sealed identity for that
reason), and the kind and code are what it takes to see whether mail is going out and why
not. An administrator who needs to reach someone goes through the case, not the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from intake import crypto, mail
from intake.models import OutboxMessage, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record

# Sent mail is only there to show that mail goes out: the latest few are enough.
SENT_SHOWN = 50


@dataclass(frozen=True)
class OutboxRow:
    id: str
    kind: str
    state: str
    created_at: datetime
    attempts: int
    last_code: int | None
    next_attempt_at: datetime | None
    finished_at: datetime | None  # when it was sent or failed for good


def _row(message: OutboxMessage) -> OutboxRow:
    return OutboxRow(
        id=message.id,
        kind=message.kind,
        state=mail.state(message),
        created_at=message.created_at,
        attempts=message.attempts,
        last_code=message.last_code,
        next_attempt_at=message.next_attempt_at,
        finished_at=message.sent_at or message.failed_at,
    )


def overview(session: DbSession) -> dict[str, list[OutboxRow]]:
    """Waiting and failed messages (all of them, oldest first) and the latest sent."""
    columns = select(OutboxMessage)
    unsent = session.scalars(
        columns.where(OutboxMessage.sent_at.is_(None)).order_by(
            OutboxMessage.created_at, OutboxMessage.id
        )
    )
    sent = session.scalars(
        columns.where(OutboxMessage.sent_at.is_not(None))
        .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id)
        .limit(SENT_SHOWN)
    )
    by_state: dict[str, list[OutboxRow]] = {state: [] for state in mail.STATES}
    for message in [*unsent, *sent]:
        row = _row(message)
        by_state[row.state].append(row)
    return by_state


def retry(
    session: DbSession, keyring: crypto.Keyring, admin: User, message_id: str, now: datetime
) -> None:
    """Put a failed message back in the queue for the next run. It gets one more attempt
    (or the ones it had left); a permanent refusal will most likely come back.
    Errors: ``not_found``, ``not_failed``."""
    message = session.get(OutboxMessage, message_id, with_for_update=True)
    if message is None:
        raise ServiceError(Problem.NOT_FOUND)
    if mail.state(message) != mail.FAILED:
        raise ServiceError(Problem.MAIL_NOT_FAILED)
    message.failed_at = None
    message.next_attempt_at = now
    if message.attempts >= mail.MAX_ATTEMPTS:
        message.attempts = mail.MAX_ATTEMPTS - 1
    record(
        session,
        keyring,
        "admin.mail_retried",
        actor=actor_label(admin),
        now=now,
        detail=f"{message.kind} {message.id}",
    )
    session.commit()
