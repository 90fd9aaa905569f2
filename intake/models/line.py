"""An organisation's LINE Official Account and the chats in it
(``intake.services.line_chat``).

The channel secret and access token are kept encrypted. A webhook event waits in
``line_events`` (encrypted) only until it is handled, then its body is wiped: the row
stays, with LINE's event id, so a redelivery is recognised and not handled twice. A chat
is found by a keyed digest of the LINE user id; the id itself is kept, encrypted, only
with a case it filed (``cases.line_user_enc``), and goes when the case's contact does.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import Model
from intake.models.columns import AwareDateTime, new_id
from intake.models.ownership import OrganisationOwned


class LineAccount(OrganisationOwned, Model):
    __tablename__ = "line_accounts"
    __table_args__ = (sa.UniqueConstraint("organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    secret_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    token_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    connected_at: Mapped[datetime] = mapped_column(AwareDateTime)
    connected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class LineEvent(OrganisationOwned, Model):
    __tablename__ = "line_events"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(64))  # LINE's webhookEventId
    received_at: Mapped[datetime] = mapped_column(AwareDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    body_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)


class LineChat(OrganisationOwned, Model):
    __tablename__ = "line_chats"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_digest"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    user_digest: Mapped[str] = mapped_column(sa.String(64))
    # Where the conversation is: "" (nothing under way), "details", "extras", "survey".
    step: Mapped[str] = mapped_column(sa.String(20), default="")
    # What has been said of a complaint not yet filed, as encrypted JSON.
    draft_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # The case the chat follows once it has filed one.
    case_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cases.id"))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime)


class LineMessage(OrganisationOwned, Model):
    """News of a case for the chat that filed it, waiting to be pushed. The text is
    encrypted, and wiped once pushed or given up on (the row stays, with its times); the
    recipient is read from the case when it is sent, so a purge meanwhile leaves nobody
    to send it to."""

    __tablename__ = "line_messages"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    body_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
