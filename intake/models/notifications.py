"""What goes out to people: staff notifications, the mail outbox, reminders sent."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import Model
from intake.models.columns import AwareDateTime, new_id, utcnow
from intake.models.ownership import OrganisationOwned


class Notification(OrganisationOwned, Model):
    """Something a staff member must see (and, later, be mailed). Carries no content."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    case_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cases.id"))
    reveal_request_id: Mapped[str | None] = mapped_column(sa.ForeignKey("reveal_requests.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class OutboxMessage(OrganisationOwned, Model):
    """A mail waiting to be sent (or sent). Recipient and body are encrypted: a
    complainant's address is personal data, even when the mail itself says nothing.

    Each message has its own state (intake.mail.state): sent, failed for good (the
    server refused it permanently, or too many attempts), or waiting until
    ``next_attempt_at`` (a temporary refusal backs off this message alone)."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    subject_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    body_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # The SMTP server's last reply code for this message (e.g. 451, 550); never its text,
    # which can quote the recipient.
    last_code: Mapped[int | None] = mapped_column()


class ReminderSent(OrganisationOwned, Model):
    """One digest per person, kind and Bangkok day: running `remind` twice sends nothing."""

    __tablename__ = "reminders_sent"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    cases: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
