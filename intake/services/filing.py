"""Filing a case (the public forms and staff registration alike): its reference, tracking
code, 15-day date, encrypted contents and cleaned files. What the filer later sees of it
is ``services.public_status``."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from intake import crypto, deadlines, durable, thaidate, tracking
from intake.attachments import PreparedAttachment
from intake.models import (
    COMPLAINTS_ONLY,
    AccusedRole,
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    Category,
    Channel,
    EventType,
    User,
    new_id,
)
from intake.problems import Problem
from intake.services import DbSession, ServiceError, case_numbers
from intake.services.audit import ACTOR_PUBLIC, actor_label, record
from intake.services.identity import seal_case_identity
from intake.services.settings import extra_holidays, get_organisation
from intake.workflow import Status

log = logging.getLogger(__name__)


REPORTER_FIELDS = ("name", "phone", "email", "address", "national_id")


@dataclass
class FilingInput:
    kind: CaseKind
    subject: str
    details: str
    channel: Channel = Channel.WEB
    category_id: int | None = None
    location: str = ""
    incident_date: date | None = None
    accused: str = ""
    # Tips: whether the accused is an executive or staff member (who must not see it).
    accused_role: AccusedRole | None = None
    anonymous: bool = False
    reporter: dict[str, str] = field(default_factory=dict)
    attachments: list[PreparedAttachment] = field(default_factory=list)
    # Cases typed in by staff keep their real receipt time and who registered them.
    received_at: datetime | None = None
    registered_by: User | None = None
    # Filed through the Open311 API: the client application, and the digest of the
    # request id it is given.
    open311_client_id: int | None = None
    open311_request_digest: str | None = None
    # Filed in a LINE chat: the person's LINE user id (contact data, kept encrypted).
    line_user_id: str = ""


@dataclass(frozen=True)
class FiledCase:
    case_id: str
    kind: CaseKind
    reference: str
    tracking_code: str
    received_at: datetime
    due_at: datetime
    # The stored files, so the one-time receipt can say what cleaning did to each.
    attachment_ids: tuple[str, ...] = ()


# A case filed by a channel without a subject field (Open311, a LINE chat): the first words
# of its details stand in.
DERIVED_SUBJECT_MAX = 120


def subject_from(details: str) -> str:
    """The subject of a case that came without one: its details' first words."""
    first = " ".join(details.split())
    if len(first) <= DERIVED_SUBJECT_MAX:
        return first
    return first[: DERIVED_SUBJECT_MAX - 1] + "…"


def place(address: str, latitude: float | None, longitude: float | None) -> str:
    """A location as a channel shares it: the address, and the point it gave."""
    if latitude is None or longitude is None:
        return address
    point = f"{latitude:.6f}, {longitude:.6f}"
    return f"{address} ({point})" if address else point


def _encrypt(keyring: crypto.Keyring, value: str, column: str, case_id: str) -> bytes:
    return crypto.encrypt_field(keyring, value, table="cases", column=column, row_id=case_id)


def _optional(keyring: crypto.Keyring, value: str, column: str, case_id: str) -> bytes | None:
    return _encrypt(keyring, value, column, case_id) if value else None


def _reporter_details(data: FilingInput) -> dict[str, str]:
    return {k: v for k, v in data.reporter.items() if k in REPORTER_FIELDS and v}


def _protect_reporter(
    session: DbSession, keyring: crypto.Keyring, case: Case, data: FilingInput
) -> None:
    """A complainant's contact goes under the content key; a tipster's identity is sealed
    to the identity key, which the server cannot open. An anonymous tip keeps nothing."""
    details = _reporter_details(data)
    if not details or (data.kind is CaseKind.TIP and data.anonymous):
        return
    if data.kind is CaseKind.TIP:
        case.identity_sealed, case.identity_key_id = seal_case_identity(session, details, case.id)
        return
    text = json.dumps(details, ensure_ascii=False, sort_keys=True)
    case.contact_enc = _encrypt(keyring, text, "contact", case.id)


def _check_category(session: DbSession, data: FilingInput) -> None:
    if data.category_id is None:
        return
    category = session.get(Category, data.category_id)
    if category is None or category.kind is not data.kind or not category.active:
        raise ServiceError(Problem.CATEGORY_UNAVAILABLE)


def store_files(
    keyring: crypto.Keyring,
    uploads: Path,
    case: Case,
    files: list[PreparedAttachment],
    *,
    event_id: str | None = None,
) -> list[Path]:
    """Encrypt each file to disk before the commit; the caller removes them on failure.
    Files sent later with a complainant's reply name that reply's event.

    Raises ServiceError(Problem.STORAGE_UNAVAILABLE) when the upload folder cannot take them
    (full, read-only, gone); whatever was written of them is removed first."""
    written: list[Path] = []
    if not files:
        return written
    try:
        uploads.mkdir(parents=True, exist_ok=True, mode=0o700)
        for prepared in files:
            attachment_id = new_id()
            attachment = Attachment(
                id=attachment_id,
                mime=prepared.mime,
                size=len(prepared.data),
                stored_name=secrets.token_hex(16),
                metadata_removed=prepared.metadata_removed,
                metadata_report=prepared.report.encode(),
                event_id=event_id,
            )
            attachment.name_enc = crypto.encrypt_field(
                keyring, prepared.name, table="attachments", column="name", row_id=attachment_id
            )
            blob = crypto.encrypt_field(
                keyring, prepared.data, table="attachments", column="data", row_id=attachment_id
            )
            path = uploads / attachment.stored_name
            written.append(path)  # before writing: a half-written file is removed too
            durable.write_new(path, blob)  # on disk before the case that names it
            case.attachments.append(attachment)
        durable.sync_folder(uploads)
    except OSError as error:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        # The error's name only (ENOSPC, EROFS...): its text carries the folder's path.
        log.warning("upload storage unavailable: %s", errno.errorcode.get(error.errno or 0, "?"))
        raise ServiceError(Problem.STORAGE_UNAVAILABLE) from None
    return written


@contextmanager
def undone_on_failure(session: DbSession, written: list[Path]) -> Iterator[None]:
    """A transaction that stored files: if it fails, it is rolled back and the files it
    wrote are removed, so nothing half-filed stays on disk."""
    try:
        yield
    except BaseException:
        session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        raise


def _filer(data: FilingInput) -> str:
    """Who the audit log says filed the case: the staff member, the API client, the public."""
    if data.registered_by is not None:
        return actor_label(data.registered_by)
    if data.open311_client_id is not None:
        return f"{Channel.OPEN311.value}:{data.open311_client_id}"
    return ACTOR_PUBLIC


def file_case(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads: Path,
    data: FilingInput,
    now: datetime,
) -> FiledCase:
    """Record a case; the tracking code exists only in the returned value."""
    if data.kind is CaseKind.TIP and data.channel in COMPLAINTS_ONLY:
        # Whoever runs such a channel knows the person: a tip never enters through it.
        raise ServiceError(Problem.CHANNEL_COMPLAINTS_ONLY)
    _check_category(session, data)
    received_at = data.received_at or now
    if received_at > now:
        raise ServiceError(Problem.RECEIVED_IN_FUTURE)
    organisation = get_organisation(session)
    due = deadlines.due_at(
        received_at,
        organisation.deadline_mode,
        extra_holidays(session),
        organisation.response_days,
    )
    code = tracking.new_code()
    case_id = new_id()
    case = Case(
        id=case_id,
        kind=data.kind,
        channel=data.channel,
        status=Status.RECEIVED,
        tracking_digest=crypto.tracking_digest(keyring, code),
        category_id=data.category_id,
        incident_date=data.incident_date,
        anonymous=data.kind is CaseKind.TIP and data.anonymous,
        accused_role=data.accused_role if data.kind is CaseKind.TIP else None,
        received_at=received_at,
        first_due_at=due,
        due_at=due,
    )
    case.subject_enc = _encrypt(keyring, data.subject, "subject", case_id)
    case.details_enc = _encrypt(keyring, data.details, "details", case_id)
    case.location_enc = _optional(keyring, data.location, "location", case_id)
    case.accused_enc = _optional(keyring, data.accused, "accused", case_id)
    _protect_reporter(session, keyring, case, data)
    if case.category_id is not None:
        category = session.get(Category, case.category_id)
        case.department_id = category.department_id if category else None
    case.registered_by_id = data.registered_by.id if data.registered_by else None
    case.open311_client_id = data.open311_client_id
    case.open311_request_digest = data.open311_request_digest
    case.line_user_enc = _optional(keyring, data.line_user_id, "line_user", case_id)
    case.events.append(
        CaseEvent(
            type=EventType.FILED,
            to_status=Status.RECEIVED,
            at=received_at,
            actor_id=case.registered_by_id,
        )
    )

    written = store_files(keyring, uploads, case, data.attachments)
    attachment_ids = tuple(attachment.id for attachment in case.attachments)
    with undone_on_failure(session, written):
        case.fiscal_year = thaidate.fiscal_year(thaidate.local_date(received_at))
        reference = case_numbers.add_numbered(session, case)
        actor = _filer(data)
        record(session, keyring, "case.filed", actor=actor, now=now, case_id=case_id)
        session.commit()
    # `reference`, not `case.reference`: reading the expired case would cost a query.
    return FiledCase(case_id, data.kind, reference, code, received_at, due, attachment_ids)


def sent_files(
    session: DbSession, keyring: crypto.Keyring, attachment_ids: list[str]
) -> list[tuple[str, str]]:
    """The name and cleaning report (encoded) of each file just filed, in filing order."""
    if not attachment_ids:
        return []
    found = session.scalars(select(Attachment).where(Attachment.id.in_(attachment_ids)))
    by_id = {attachment.id: attachment for attachment in found}
    return [
        (
            crypto.decrypt_text(
                keyring, by_id[i].name_enc, table="attachments", column="name", row_id=i
            ),
            by_id[i].metadata_report,
        )
        for i in attachment_ids
        if i in by_id
    ]
