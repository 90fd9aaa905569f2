"""Reading one case on the staff side: the case page's content, timeline and deadline
badge, and its attachments. Each read of a case or a file is audited; a case the reader
may not see (``services.visibility``) is "not found", never "forbidden".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import object_session

from intake import crypto, deadlines
from intake.crypto import Keyring
from intake.deadlines import DeadlineState
from intake.models import Attachment, Case, CaseEvent, CaseKind, EventType, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError, interim
from intake.services.audit import actor_label, record
from intake.services.settings import get_organisation
from intake.services.visibility import may_view
from intake.workflow import OPEN, Status

# Views of both kinds are audited: tips because the design requires it, complaints
# because they carry the complainant's contact details (personal data).
AUDITED_VIEWS = frozenset(CaseKind)


def case_deadline(session: DbSession, case: Case, now: datetime) -> DeadlineState | None:
    """The case page's badge: None once the case is closed."""
    if case.closed_at is not None or case.status not in OPEN:
        return None
    soon_days = get_organisation(session).due_soon_days
    return deadlines.deadline_state(case.due_at, now, None, soon_days)


def view_case(
    session: DbSession, keyring: Keyring, actor: User, case_id: str, now: datetime
) -> Case:
    """The case for a staff page; hidden cases are "not_found". The view is audited."""
    case = session.get(Case, case_id)
    if case is None or not may_view(actor, case):
        raise ServiceError(Problem.NOT_FOUND)
    if case.kind in AUDITED_VIEWS:
        record(
            session,
            keyring,
            "case.viewed",
            actor=actor_label(actor),
            now=now,
            case_id=case.id,
            detail=case.kind.value,
        )
        session.commit()
    return case


@dataclass(frozen=True)
class AttachmentInfo:
    id: str
    name: str
    mime: str
    size: int
    metadata_report: str = ""  # intake.cleaning.Report, encoded


@dataclass(frozen=True)
class CaseDetails:
    """The decrypted content. A tipster's sealed identity is never part of it."""

    subject: str
    details: str
    location: str
    accused: str
    contact: dict[str, str] | None
    attachments: list[AttachmentInfo]


def _case_text(keyring: Keyring, case: Case, column: str) -> str:
    blob = getattr(case, f"{column}_enc")
    if not blob:
        return ""
    return crypto.decrypt_text(keyring, blob, table="cases", column=column, row_id=case.id)


def contact_details(keyring: Keyring, case: Case) -> dict[str, str] | None:
    text = _case_text(keyring, case, "contact")
    return dict(json.loads(text)) if text else None


def case_details(keyring: Keyring, case: Case) -> CaseDetails:
    attachments = [
        AttachmentInfo(
            a.id,
            crypto.decrypt_text(
                keyring, a.name_enc, table="attachments", column="name", row_id=a.id
            ),
            a.mime,
            a.size,
            a.metadata_report,
        )
        for a in case.attachments
    ]
    return CaseDetails(
        subject=_case_text(keyring, case, "subject"),
        details=_case_text(keyring, case, "details"),
        location=_case_text(keyring, case, "location"),
        accused=_case_text(keyring, case, "accused"),
        contact=contact_details(keyring, case) if case.kind is CaseKind.COMPLAINT else None,
        attachments=attachments,
    )


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    type: EventType
    from_status: Status | None
    to_status: Status | None
    public: bool
    message: str
    actor_name: str  # "" for the public (a filing through the web form)


def _event_text(keyring: Keyring, event: CaseEvent) -> str:
    if not event.body_enc:
        return ""
    text = crypto.decrypt_text(
        keyring, event.body_enc, table="case_events", column="body", row_id=event.id
    )
    # Staff read an interim notice as the complainant does.
    return interim.readable(text) if event.type is EventType.INTERIM_NOTICE else text


def staff_timeline(keyring: Keyring, case: Case) -> list[TimelineEntry]:
    """Every event, public and internal, oldest first, with who did it."""
    actor_ids = {e.actor_id for e in case.events if e.actor_id is not None}
    names: dict[int, str] = {}
    session = object_session(case)
    if actor_ids and session is not None:
        rows = session.execute(select(User.id, User.display_name).where(User.id.in_(actor_ids)))
        names = {row.id: row.display_name for row in rows}
    return [
        TimelineEntry(
            at=e.at,
            type=e.type,
            from_status=e.from_status,
            to_status=e.to_status,
            public=e.public,
            message=_event_text(keyring, e),
            actor_name=names.get(e.actor_id, "") if e.actor_id is not None else "",
        )
        for e in case.events
    ]


def open_attachment(
    session: DbSession,
    keyring: Keyring,
    uploads_dir: Path,
    actor: User,
    case_id: str,
    attachment_id: str,
    now: datetime,
) -> tuple[str, str, bytes]:
    """(name, mime, bytes) of one attachment of a case the actor may see; audited."""
    case = session.get(Case, case_id)
    attachment = session.get(Attachment, attachment_id)
    if case is None or not may_view(actor, case):
        raise ServiceError(Problem.NOT_FOUND)
    if attachment is None or attachment.case_id != case.id:
        raise ServiceError(Problem.NOT_FOUND)
    path = uploads_dir / attachment.stored_name
    if not path.is_file():
        raise ServiceError(Problem.FILE_MISSING)
    data = crypto.decrypt_field(
        keyring, path.read_bytes(), table="attachments", column="data", row_id=attachment.id
    )
    name = crypto.decrypt_text(
        keyring, attachment.name_enc, table="attachments", column="name", row_id=attachment.id
    )
    record(
        session,
        keyring,
        "case.exported",
        actor=actor_label(actor),
        now=now,
        case_id=case.id,
        detail=f"attachment {attachment.id}",
    )
    session.commit()
    return name, attachment.mime, data
