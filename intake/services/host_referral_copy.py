"""The receiving organisation's copy of a referred case: a new case under the receiver's
own ids, numbering, clock and keys.

Every ciphertext is bound to (table, column, row id), and the receiver's keyring may not be
the sender's, so nothing is copied as bytes: each text and file is opened with the sender's
keys and encrypted again with the receiver's, bound to the new row. A tip's identity
arrives here already opened by a custodian of the sender (in memory only) and is sealed to
the receiver's identity key at once.

What goes across: the contents (subject, details, place, accused, date), the complainant's
contact details or notice address, the files, and the conversation with the complainant
(updates, questions, their replies). The sender's own workflow (its moves, notes, interim
notices) stays with the sender: the receiver starts its own 15-day period from now.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from intake import crypto, deadlines, durable, thaidate, tracking
from intake.models import Attachment, Case, CaseEvent, Channel, EventType, new_id
from intake.organisation_scope import CHOSEN, work_for
from intake.problems import Problem
from intake.services import DbSession, ServiceError, case_numbers
from intake.services.identity import current_identity_key
from intake.services.settings import extra_holidays, get_organisation
from intake.workflow import Status

# The conversation with the complainant travels with the case.
COPIED_EVENTS = frozenset({EventType.UPDATE, EventType.QUESTION, EventType.REPLY})
_CASE_TEXTS = ("subject", "details", "location", "accused", "contact", "notice_address")


@contextmanager
def working_for_receiver(session: DbSession, organisation_id: int) -> Iterator[None]:
    """Inside, the session reads and writes the receiver's rows (its numbering, settings,
    identity key and audit chain); afterwards it works for whom it worked for before."""
    before = session.info.get(CHOSEN)
    session.flush()  # new rows so far are stamped as the organisation working until now
    work_for(session, organisation_id)
    try:
        yield
    finally:
        if before is None:
            session.info.pop(CHOSEN, None)
            session.info.pop("intake.organisation", None)
        else:
            work_for(session, before)


@dataclass
class OpenedFile:
    attachment: Attachment
    name: str
    data: bytes


@dataclass
class OpenedCase:
    """What crosses over, opened with the sender's keys; it lives only in memory."""

    texts: dict[str, str]
    events: list[tuple[CaseEvent, str]]
    files: list[OpenedFile] = field(default_factory=list)


def _open_text(
    keyring: crypto.Keyring, blob: bytes | None, table: str, column: str, row: str
) -> str:
    if not blob:
        return ""
    return crypto.decrypt_text(keyring, blob, table=table, column=column, row_id=row)


def open_case(keyring: crypto.Keyring, uploads: Path, case: Case) -> OpenedCase:
    """The sender's case, opened: raises ``ServiceError(FILE_MISSING)`` when a file of it
    is no longer on disk (nothing is half-sent)."""
    texts = {
        name: _open_text(keyring, getattr(case, f"{name}_enc"), "cases", name, case.id)
        for name in _CASE_TEXTS
    }
    events = [
        (event, _open_text(keyring, event.body_enc, "case_events", "body", event.id))
        for event in case.events
        if event.public and event.type in COPIED_EVENTS
    ]
    files = []
    for attachment in case.attachments:
        path = uploads / attachment.stored_name
        try:
            blob = path.read_bytes()
        except OSError as error:
            raise ServiceError(Problem.FILE_MISSING) from error
        binding = {"table": "attachments", "row_id": attachment.id}
        files.append(
            OpenedFile(
                attachment,
                crypto.decrypt_text(keyring, attachment.name_enc, column="name", **binding),
                crypto.decrypt_field(keyring, blob, column="data", **binding),
            )
        )
    return OpenedCase(texts, events, files)


def _encrypted(keyring: crypto.Keyring, value: str, column: str, case_id: str) -> bytes | None:
    if not value:
        return None
    return crypto.encrypt_field(keyring, value, table="cases", column=column, row_id=case_id)


def unfindable_digest(keyring: crypto.Keyring) -> str:
    """A tracking digest no code anybody holds can match: the digest of a fresh code that
    is thrown away. A case that must not be found by a code (yet) carries one."""
    return crypto.tracking_digest(keyring, tracking.new_code())


def _events(
    keyring: crypto.Keyring, case: Case, opened: OpenedCase, reason: str, now: datetime
) -> dict[str, str]:
    """The receiver's timeline: received now, the reason, then the conversation so far.
    Returns the new id of each copied event by its old id (files follow their message)."""
    case.events.append(CaseEvent(type=EventType.FILED, to_status=Status.RECEIVED, at=now))
    renamed: dict[str, str] = {}
    said = [(None, reason, now)] + [(event, text, event.at) for event, text in opened.events]
    for old, text, at in said:
        event = CaseEvent(
            id=new_id(), type=old.type if old else EventType.UPDATE, at=at, public=True
        )
        if text:
            event.body_enc = crypto.encrypt_field(
                keyring, text, table="case_events", column="body", row_id=event.id
            )
        case.events.append(event)
        if old is not None:
            renamed[old.id] = event.id
    return renamed


def _store_files(
    keyring: crypto.Keyring,
    uploads: Path,
    case: Case,
    opened: OpenedCase,
    renamed: dict[str, str],
    written: list[Path],
) -> None:
    """Each file encrypted again for its new row, on disk before the commit; the caller
    removes ``written`` if the transaction fails."""
    if not opened.files:
        return
    try:
        for file in opened.files:
            old = file.attachment
            attachment = Attachment(
                id=new_id(),
                mime=old.mime,
                size=old.size,
                stored_name=secrets.token_hex(16),
                metadata_removed=old.metadata_removed,
                metadata_report=old.metadata_report,
                event_id=renamed.get(old.event_id or ""),
                created_at=old.created_at,
            )
            binding = {"table": "attachments", "row_id": attachment.id}
            attachment.name_enc = crypto.encrypt_field(keyring, file.name, column="name", **binding)
            path = uploads / attachment.stored_name
            written.append(path)
            durable.write_new(
                path, crypto.encrypt_field(keyring, file.data, column="data", **binding)
            )
            case.attachments.append(attachment)
        durable.sync_folder(uploads)
    except OSError:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        raise ServiceError(Problem.STORAGE_UNAVAILABLE) from None


def receiver_can_seal(session: DbSession) -> bool:
    """Whether the organisation the session works for can take a sealed identity."""
    return current_identity_key(session) is not None


def copy_into_receiver(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads: Path,
    sent: Case,
    opened: OpenedCase,
    *,
    identity: str | None,
    reason: str,
    sender_id: int,
    now: datetime,
    written: list[Path],
) -> Case:
    """The new case at the receiver (the session works for it): received now by referral
    from another agency, with its own reference and 15-day period. Does not commit."""
    organisation = get_organisation(session)
    due = deadlines.due_at(
        now, organisation.deadline_mode, extra_holidays(session), organisation.response_days
    )
    case = Case(
        id=new_id(),
        organisation_id=organisation.id,
        kind=sent.kind,
        channel=Channel.AGENCY,
        status=Status.RECEIVED,
        tracking_digest=unfindable_digest(keyring),
        incident_date=sent.incident_date,
        anonymous=sent.anonymous,
        accused_role=sent.accused_role,
        received_at=now,
        first_due_at=due,
        due_at=due,
        notices_stopped=sent.notices_stopped,
        referred_from_organisation_id=sender_id,
    )
    for name in _CASE_TEXTS:
        setattr(case, f"{name}_enc", _encrypted(keyring, opened.texts[name], name, case.id))
    for required in ("subject", "details"):  # never empty columns, even when blank
        blob = crypto.encrypt_field(
            keyring, opened.texts[required], table="cases", column=required, row_id=case.id
        )
        setattr(case, f"{required}_enc", blob)
    if identity is not None:
        key = current_identity_key(session)
        if key is None:
            raise ServiceError(Problem.RECEIVER_CANNOT_SEAL)
        case.identity_sealed = crypto.seal_identity(key.public_key, identity, case_id=case.id)
        case.identity_key_id = key.id
    renamed = _events(keyring, case, opened, reason, now)
    _store_files(keyring, uploads, case, opened, renamed, written)
    case.fiscal_year = thaidate.fiscal_year(thaidate.local_date(now))
    case_numbers.add_numbered(session, case)
    return case
