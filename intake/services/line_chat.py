"""General complaints filed in a chat with the organisation's LINE Official Account.

- ``receive`` takes a webhook body: its signature is checked with the channel secret,
  each event is kept (encrypted) under LINE's ``webhookEventId`` unless it was kept
  before (LINE redelivers), and the transaction commits. The webhook answers then; the
  events are handled afterwards (``handle_waiting``), so LINE never waits on our work.
- ``handle_waiting`` takes the waiting events in order of arrival, one transaction each:
  the chat moves on a step, replies go back through the Messaging API, and the event's
  body is wiped, whatever happened (only its id stays, against redelivery).
- The conversation, in Thai: a category from quick replies, the details, then photos and
  a location shared from LINE if the person wants, and "ส่งเรื่อง". The reference and due
  date come back in the chat, which then follows the case: what the person writes next
  goes into the case's timeline.
- A tip never enters here: LINE knows who the person is. Asking for one (the menu's tip
  button, or tip words before a complaint is under way) gets a short answer pointing to
  the web tip form, and nothing of it is kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from intake import crypto
from intake.attachments import limits_for
from intake.line_platform import Messenger, PlatformError, events
from intake.models import LineEvent
from intake.services import DbSession
from intake.services.line_account import account, secret, token
from intake.services.line_conversation import Conversation
from intake.services.line_draft import Surroundings
from intake.services.settings import get_organisation

__all__ = ["NotConnected", "Surroundings", "handle_waiting", "receive", "surroundings"]


class NotConnected(Exception):
    """This organisation has no LINE Official Account connected."""


def receive(
    session: DbSession, keyring: crypto.Keyring, body: bytes, signature: str, now: datetime
) -> int:
    """Keep the body's new events; returns how many. Raises ``NotConnected``, or
    ``line_platform.SignatureRefused`` (nothing is kept then)."""
    row = account(session)
    if row is None:
        raise NotConnected
    found = events(secret(keyring, row), body, signature)
    kept = 0
    for event in found:
        event_id = str(event.get("webhookEventId", ""))[:64]
        if not event_id:
            continue
        seen = session.scalar(select(LineEvent.id).where(LineEvent.event_id == event_id))
        if seen is not None:
            continue  # LINE sent it again: handled once only
        row_event = LineEvent(event_id=event_id, received_at=now)
        try:
            with session.begin_nested():
                session.add(row_event)
                session.flush()
        except IntegrityError:
            continue  # the same event, kept meanwhile by a delivery running at once
        row_event.body_enc = crypto.encrypt_field(
            keyring, json.dumps(event, ensure_ascii=False), table="line_events",
            column="body", row_id=str(row_event.id),
        )  # fmt: skip
        kept += 1
    session.commit()
    return kept


def surroundings(
    session: DbSession, keyring: crypto.Keyring, config: Mapping[str, Any], tip_form_url: str
) -> Surroundings | None:
    """What handling the organisation's events and news needs; None without an account."""
    row = account(session)
    if row is None:
        return None
    organisation = get_organisation(session)
    return Surroundings(
        messenger=Messenger(
            token(keyring, row),
            str(config["INTAKE_LINE_API_URL"]),
            str(config["INTAKE_LINE_DATA_URL"]),
        ),  # fmt: skip
        uploads=Path(config["INTAKE_UPLOADS_PATH"]),
        limits=limits_for(
            organisation.max_attachments,
            organisation.max_attachment_mb,
            int(config["INTAKE_MAX_IMAGE_PIXELS"]),
        ),
        tip_form_url=tip_form_url,
    )


def handle_waiting(
    session: DbSession, keyring: crypto.Keyring, around: Surroundings, now: datetime
) -> int:
    """Handle every waiting event, oldest first; returns how many were handled."""
    handled = 0
    while True:
        query = (
            select(LineEvent)
            .where(LineEvent.handled_at.is_(None))
            .order_by(LineEvent.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        row = session.scalars(query).first()
        if row is None:
            session.commit()
            return handled
        row_id, body = row.id, row.body_enc
        # Wiped and marked before it is handled, in a transaction of its own: an event
        # that fails is not tried again and again, and nothing of it stays either way.
        row.body_enc = None
        row.handled_at = now
        session.commit()
        try:
            if body is not None:
                event = json.loads(
                    crypto.decrypt_text(
                        keyring, body, table="line_events", column="body", row_id=str(row_id)
                    )
                )
                with force_locale("th"):
                    Conversation(session, keyring, around, event, now).run()
        except PlatformError:
            pass  # said by line_platform, by type; what the chat did is kept
        handled += 1
