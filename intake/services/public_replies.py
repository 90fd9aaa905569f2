"""A message from the person who follows a case by its code, as the case's timeline keeps
it: a public reply event with no staff actor, its text encrypted, its files stored, the
people who work the case told (a notification without content), and the step audited.
A reply to an open case and a request to reopen a closed one are both such a message."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from intake import crypto
from intake.attachments import PreparedAttachment
from intake.models import Case, CaseEvent, EventType, new_id
from intake.services import DbSession
from intake.services.audit import ACTOR_PUBLIC, record
from intake.services.case_workers import notify_workers
from intake.services.filing import store_files


def add_public_reply(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads: Path,
    case: Case,
    text: str,
    files: list[PreparedAttachment],
    now: datetime,
    *,
    written: list[Path],
    notification_kind: str,
    audit: tuple[str, str],
) -> CaseEvent:
    """Add the message to ``case`` in the caller's transaction (the caller commits).
    ``audit`` is the audit entry's action and detail. The files' paths go into ``written``
    as soon as they are on disk, so that the caller removes them if anything fails before
    its commit."""
    event = CaseEvent(id=new_id(), type=EventType.REPLY, at=now, public=True, actor_id=None)
    event.body_enc = crypto.encrypt_field(
        keyring, text, table="case_events", column="body", row_id=event.id
    )
    case.events.append(event)
    session.flush()  # the event row exists before files (and what the caller adds) point at it
    written.extend(store_files(keyring, uploads, case, files, event_id=event.id))
    notify_workers(session, case, notification_kind, now)
    action, detail = audit
    record(session, keyring, action, actor=ACTOR_PUBLIC, now=now, case_id=case.id, detail=detail)
    return event
