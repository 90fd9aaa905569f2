"""Filing a case and finding it again by its tracking code."""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from intake import crypto, deadlines, durable, thaidate, tracking, workflow
from intake.attachments import PreparedAttachment
from intake.models import (
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
from intake.services import DbSession, ServiceError, interim, references
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


def file_case(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads: Path,
    data: FilingInput,
    now: datetime,
) -> FiledCase:
    """Record a case; the tracking code exists only in the returned value."""
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
    try:
        fiscal_year = thaidate.fiscal_year(thaidate.local_date(received_at))
        # Last before commit, so the counter row stays locked for as short a time as possible.
        case.fiscal_year = fiscal_year
        case.sequence = references.allocate(session, data.kind, fiscal_year)
        reference = references.format_reference(data.kind, fiscal_year, case.sequence)
        case.reference = reference
        session.add(case)
        session.flush()
        actor = actor_label(data.registered_by) if data.registered_by else ACTOR_PUBLIC
        record(session, keyring, "case.filed", actor=actor, now=now, case_id=case_id)
        session.commit()
    except BaseException:
        session.rollback()
        for path in written:
            path.unlink(missing_ok=True)
        raise
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


def find_by_code(session: DbSession, keyring: crypto.Keyring, typed: str) -> Case | None:
    """Raises tracking.CodeFormatError for a mistyped code; None when no case has it."""
    code = tracking.normalize(typed)
    digest = crypto.tracking_digest(keyring, code)
    return session.scalars(select(Case).where(Case.tracking_digest == digest)).first()


# What a complainant's page may show of the timeline; anything else (internal notes, a
# move between channels) stays on the staff side even if it were ever marked public.
PUBLIC_EVENT_TYPES = frozenset(
    {
        EventType.FILED,
        EventType.STATUS,
        EventType.INTERIM_NOTICE,
        EventType.UPDATE,
        EventType.QUESTION,
        EventType.REPLY,
    }
)


@dataclass(frozen=True)
class PublicEvent:
    at: datetime
    type: EventType
    to_status: Status | None
    message: str
    # The files the complainant sent with this filing or reply: (name, cleaning report).
    files: tuple[tuple[str, str], ...] = ()
    reopen_request: bool = False  # the complainant asked to reopen the closed case
    reopen_answer: bool = False  # staff answered such a request: why it is not reopened


@dataclass(frozen=True)
class SentFile:
    """One file the filer sent, for the list on their own page."""

    name: str
    size: int
    report: str  # intake.cleaning.Report, encoded
    at: datetime
    with_filing: bool  # sent with the filing, otherwise with a later message


@dataclass(frozen=True)
class ReopenWindow:
    """What the status page may offer on a closed case."""

    open: bool  # a request may be made now
    ends_at: datetime | None  # the last instant to ask; None while the case is open
    pending: bool  # a request waits for staff


@dataclass(frozen=True)
class PublicStatus:
    """What a complainant may see of their case: no staff notes, no staff names, no
    department, no identities, nothing about anyone else. Never the case id either."""

    reference: str
    kind: CaseKind
    status: Status
    received_at: datetime
    due_at: datetime
    closed_at: datetime | None
    deadline_state: deadlines.DeadlineState | None
    events: list[PublicEvent]
    identity_disclosed: bool = False
    accepts_replies: bool = False  # open cases only: a closed thread is read-only
    referred_to: str | None = None  # a code of labels.REFERRAL, once referred
    referred_to_name: str | None = None
    contents_purged_at: datetime | None = None  # retention ran out (services.retention)
    # Every file the filer sent (filing, replies, reopen requests), oldest first.
    sent_files: tuple[SentFile, ...] = ()
    # Asking to reopen a closed case (services.reopen_requests.ReopenWindow), if any.
    reopen: ReopenWindow | None = None
    # The message staff wrote when closing it (a rejection's reason, a referral's note).
    closing_message: str = ""
    identity_added_at: datetime | None = None  # a tipster gave their identity after filing
    may_add_identity: bool = False  # an anonymous open tip without one (services.late_identity)

    @property
    def overdue(self) -> bool:
        """Open and its due date passed without a word to the complainant."""
        return self.deadline_state is deadlines.DeadlineState.OVERDUE
    # Handled together with other reports of the same thing (services.case_links); the
    # page says so without naming the other case.
    handled_together: bool = False


def _event_text(keyring: crypto.Keyring, event: CaseEvent) -> str:
    if not event.body_enc:
        return ""
    text = crypto.decrypt_text(
        keyring, event.body_enc, table="case_events", column="body", row_id=event.id
    )
    # An interim notice is kept in parts and read as one paragraph.
    return interim.readable(text) if event.type is EventType.INTERIM_NOTICE else text


def _sent_files(keyring: crypto.Keyring, case: Case) -> dict[str | None, list[tuple[str, str]]]:
    """The files the complainant sent, by the event that carried them (None: the filing),
    with what cleaning did to each, so they can see it on their own page."""
    files: dict[str | None, list[tuple[str, str]]] = {}
    for attachment in case.attachments:
        name = crypto.decrypt_text(
            keyring, attachment.name_enc, table="attachments", column="name", row_id=attachment.id
        )
        files.setdefault(attachment.event_id, []).append((name, attachment.metadata_report))
    return files


def _all_sent_files(keyring: crypto.Keyring, case: Case) -> tuple[SentFile, ...]:
    events = {event.id: event.at for event in case.events}
    listed = [
        SentFile(
            name=crypto.decrypt_text(
                keyring, a.name_enc, table="attachments", column="name", row_id=a.id
            ),
            size=a.size,
            report=a.metadata_report,
            at=events.get(a.event_id, case.received_at) if a.event_id else case.received_at,
            with_filing=a.event_id is None,
        )
        for a in case.attachments
    ]
    return tuple(sorted(listed, key=lambda f: f.at))


def _files_key(event: CaseEvent) -> str | None:
    """Files sent at filing have no event; a reply's files name it; others send none."""
    if event.type is EventType.FILED:
        return None
    return event.id if event.type is EventType.REPLY else "-"


def public_status(
    keyring: crypto.Keyring,
    case: Case,
    now: datetime,
    identity_disclosed: bool = False,
    *,
    reopen_requests: Collection[str] = (),
    reopen_answers: Collection[str] = (),
    reopen: ReopenWindow | None = None,
) -> PublicStatus:
    """``reopen_requests`` and ``reopen_answers`` name the events that asked to reopen
    the case and that refused it; ``reopen`` is what the page may offer now."""
    sent_files = _sent_files(keyring, case)
    events = [
        PublicEvent(
            at=event.at,
            type=event.type,
            to_status=event.to_status,
            message=_event_text(keyring, event),
            files=tuple(sent_files.get(_files_key(event), ())),
            reopen_request=event.id in reopen_requests,
            reopen_answer=event.id in reopen_answers,
        )
        for event in case.events
        if event.public and event.type in PUBLIC_EVENT_TYPES
    ]
    closed = workflow.is_closed(case.status)
    answered = case.closed_at is not None
    closing = [
        event.message
        for event in events
        if closed and event.type is EventType.STATUS and event.to_status is case.status
    ]
    return PublicStatus(
        reference=case.reference,
        kind=case.kind,
        status=case.status,
        received_at=case.received_at,
        due_at=case.due_at,
        closed_at=case.closed_at,
        deadline_state=None if answered else deadlines.deadline_state(case.due_at, now),
        events=events,
        identity_disclosed=identity_disclosed,
        accepts_replies=not closed,
        referred_to=case.referred_to if case.status is Status.REFERRED else None,
        referred_to_name=case.referred_to_name if case.status is Status.REFERRED else None,
        contents_purged_at=case.contents_purged_at,
        closing_message=closing[-1] if closing else "",
        identity_added_at=case.identity_added_at,
        sent_files=_all_sent_files(keyring, case),
        reopen=reopen,
        handled_together=case.primary_case_id is not None,
    )
