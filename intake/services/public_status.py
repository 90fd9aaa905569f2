"""What a complainant or tipster sees of their case, found again by its tracking code:
the public timeline, the files they sent, how it closed. Never a staff note, a staff name,
a department, an identity or anything about anyone else."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from intake import crypto, deadlines, tracking, workflow
from intake.models import Case, CaseEvent, CaseKind, EventType
from intake.services import DbSession, interim
from intake.workflow import Status


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
    # Asking to reopen a closed case (ReopenWindow, offered by services.reopen_requests), if any.
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


def event_text(keyring: crypto.Keyring, event: CaseEvent) -> str:
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
            message=event_text(keyring, event),
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
