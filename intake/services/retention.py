"""Retention (PDPA): what is deleted, and when, once a case has been closed long enough.

The organisation sets, per kind, how many whole years after closing a case keeps

- its **contents**: subject and details (kept as empty text), location, the accused, the
  bodies of its timeline (replies, notes, reasons), the comment of its satisfaction
  answers, the reasons typed in its reveal requests, and its attachments (rows and files);
- its **identity**: a complainant's contact details, a tipster's sealed identity, the
  address for notices, and any identity a reveal handed out.

Mail is kept only until it is delivered: messages sent (or given up on) more than
``MAIL_KEEP_DAYS`` ago are deleted too — their recipients and bodies are identities and
contents with no case to hang a period on.

What stays is what the statistics and the audit need and what names no one: the case row
(kind, channel, category, department, status, dates, reference), the timeline's events
without their bodies, the satisfaction scores, the tallies and the audit log. A case that
is open again is not touched; a purged case says when it was purged.

Every purged case gets its audit entries (``case.contents_purged``,
``case.identity_purged``) in the transaction that purges it, and a run gets one
``retention.purged`` entry with its counts. Files are deleted after their rows' commit, so
a crash in between leaves an unreferenced encrypted file, never a row without its file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from intake import crypto
from intake.database import forget_freed_pages
from intake.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    LineMessage,
    Organisation,
    OutboxMessage,
    RevealRequest,
    RevealStatus,
    SatisfactionResponse,
)
from intake.services import DbSession, line_account
from intake.services.audit import ACTOR_SYSTEM, record
from intake.services.settings import get_organisation
from intake.workflow import CLOSED

BATCH_SIZE = 200
MAIL_KEEP_DAYS = 30


@dataclass(frozen=True)
class Periods:
    """Whole years after closing, per kind."""

    contents: dict[CaseKind, int]
    identity: dict[CaseKind, int]

    @classmethod
    def of(cls, organisation: Organisation) -> Periods:
        return cls(
            contents={
                CaseKind.COMPLAINT: organisation.complaint_contents_years,
                CaseKind.TIP: organisation.tip_contents_years,
            },
            identity={
                CaseKind.COMPLAINT: organisation.complaint_identity_years,
                CaseKind.TIP: organisation.tip_identity_years,
            },
        )


@dataclass(frozen=True)
class DueCase:
    """A closed case that retention has run out for, and what of it goes."""

    case_id: str
    reference: str
    kind: CaseKind
    closed_at: datetime
    contents: bool
    identity: bool
    files: int


@dataclass(frozen=True)
class PurgeReport:
    contents: int  # cases whose contents were purged
    identity: int  # cases whose identity was purged
    files: int  # attachment files deleted
    missing_files: int  # attachment rows whose file was already gone
    mail: int  # outbox messages deleted


def years_before(moment: datetime, years: int) -> datetime:
    """The same instant ``years`` calendar years earlier (29 February becomes the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _has_identity() -> sa.ColumnElement[bool]:
    return sa.or_(
        Case.identity_sealed.is_not(None),
        Case.contact_enc.is_not(None),
        Case.notice_address_enc.is_not(None),
        sa.exists().where(
            RevealRequest.case_id == Case.id, RevealRequest.revealed_sealed.is_not(None)
        ),
    )


def _due_condition(periods: Periods, now: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """(contents due, identity due), as SQL over ``Case``."""
    contents, identity = [], []
    for kind in CaseKind:
        contents.append(
            sa.and_(Case.kind == kind, Case.closed_at <= years_before(now, periods.contents[kind]))
        )
        identity.append(
            sa.and_(Case.kind == kind, Case.closed_at <= years_before(now, periods.identity[kind]))
        )
    return (
        sa.and_(Case.contents_purged_at.is_(None), sa.or_(*contents)),
        sa.and_(Case.identity_purged_at.is_(None), _has_identity(), sa.or_(*identity)),
    )


def due_cases(session: DbSession, now: datetime) -> list[DueCase]:
    """Every closed case with something past retention, oldest closing first (read-only)."""
    contents_due, identity_due = _due_condition(Periods.of(get_organisation(session)), now)
    files = (
        sa.select(sa.func.count())
        .where(Attachment.case_id == Case.id)
        .correlate(Case)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.closed_at,
            contents_due.label("contents"),
            identity_due.label("identity"),
            files.label("files"),
        )
        .where(Case.status.in_(CLOSED), Case.closed_at.is_not(None))
        .where(sa.or_(contents_due, identity_due))
        .order_by(Case.closed_at, Case.reference)
    ).all()
    return [
        DueCase(
            row.id,
            row.reference,
            row.kind,
            row.closed_at,
            bool(row.contents),
            bool(row.identity),
            row.files if row.contents else 0,
        )
        for row in rows
    ]


def _old_mail(now: datetime) -> sa.ColumnElement[bool]:
    before = now - timedelta(days=MAIL_KEEP_DAYS)
    return sa.or_(OutboxMessage.sent_at <= before, OutboxMessage.failed_at <= before)


def old_mail_count(session: DbSession, now: datetime) -> int:
    """Outbox messages delivered (or given up on) long enough ago to delete."""
    query = sa.select(sa.func.count()).select_from(OutboxMessage).where(_old_mail(now))
    return session.scalar(query) or 0


def _encrypt_empty(keyring: crypto.Keyring, column: str, case_id: str) -> bytes:
    return crypto.encrypt_field(keyring, "", table="cases", column=column, row_id=case_id)


def _purge_contents(
    session: DbSession, keyring: crypto.Keyring, case: Case, now: datetime
) -> list[str]:
    """Clear the case's contents in the session; returns the stored names of its files."""
    case.subject_enc = _encrypt_empty(keyring, "subject", case.id)
    case.details_enc = _encrypt_empty(keyring, "details", case.id)
    case.location_enc = None
    case.accused_enc = None
    case.incident_date = None
    case.contents_purged_at = now
    session.execute(sa.update(CaseEvent).where(CaseEvent.case_id == case.id).values(body_enc=None))
    # News for a LINE chat not yet pushed says what the timeline said.
    session.execute(sa.delete(LineMessage).where(LineMessage.case_id == case.id))
    session.execute(
        sa.update(SatisfactionResponse)
        .where(SatisfactionResponse.case_id == case.id)
        .values(comment_enc=None)
    )
    _blank_reveal_reasons(session, keyring, case)
    stored = [attachment.stored_name for attachment in case.attachments]
    for attachment in list(case.attachments):
        session.delete(attachment)
    return stored


def _blank_reveal_reasons(session: DbSession, keyring: crypto.Keyring, case: Case) -> None:
    """Reasons typed in reveal requests and decisions. Both purges do it: a request can be
    made between the two (a read-only case still has its identity until the second)."""
    for request in session.scalars(
        sa.select(RevealRequest).where(RevealRequest.case_id == case.id)
    ):
        request.reason_enc = crypto.encrypt_field(
            keyring, "", table="reveal_requests", column="reason", row_id=request.id
        )
        request.decision_reason_enc = None


def _purge_identity(session: DbSession, keyring: crypto.Keyring, case: Case, now: datetime) -> None:
    case.identity_sealed = None
    case.identity_key_id = None
    case.contact_enc = None
    line_account.forget_person(session, case)
    case.notice_address_enc = None
    case.notices_stopped = False
    case.identity_purged_at = now
    _blank_reveal_reasons(session, keyring, case)
    # Requests still waiting or running end: there is nothing left to reveal.
    session.execute(
        sa.update(RevealRequest)
        .where(
            RevealRequest.case_id == case.id,
            RevealRequest.status.in_([RevealStatus.PENDING, RevealStatus.APPROVED]),
        )
        .values(status=RevealStatus.EXPIRED)
    )
    session.execute(
        sa.update(RevealRequest)
        .where(RevealRequest.case_id == case.id)
        .values(revealed_sealed=None)
    )


def purge(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads_dir: Path,
    due: list[DueCase],
    now: datetime,
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> PurgeReport:
    """Purge what ``due`` (from ``due_cases``) lists and is still due once its case is
    locked — a case reopened (and perhaps closed again) since the list was made is
    judged afresh. ``batch_size`` cases per transaction."""
    session.rollback()
    contents_due, identity_due = _due_condition(Periods.of(get_organisation(session)), now)
    session.rollback()
    contents = identity = files = missing = 0
    for start in range(0, len(due), batch_size):
        batch = [item.case_id for item in due[start : start + batch_size]]
        rows = session.execute(
            sa.select(Case, contents_due.label("contents"), identity_due.label("identity"))
            .where(Case.id.in_(batch), Case.status.in_(CLOSED))
            .options(selectinload(Case.attachments))
            .with_for_update(of=Case)
            .execution_options(populate_existing=True)
        ).all()
        stored: list[str] = []
        for case, contents_now, identity_now in rows:
            if contents_now:
                files_here = len(case.attachments)
                stored += _purge_contents(session, keyring, case, now)
                record(
                    session,
                    keyring,
                    "case.contents_purged",
                    actor=ACTOR_SYSTEM,
                    now=now,
                    case_id=case.id,
                    detail=f"{files_here} files",
                )
                contents += 1
            if identity_now:
                _purge_identity(session, keyring, case, now)
                record(
                    session,
                    keyring,
                    "case.identity_purged",
                    actor=ACTOR_SYSTEM,
                    now=now,
                    case_id=case.id,
                )
                identity += 1
        session.commit()
        # After the commit: a file may outlive its row (unreferenced, encrypted), never the
        # other way round.
        for name in stored:
            path = uploads_dir / name
            if path.exists():
                path.unlink()
                files += 1
            else:
                missing += 1
        if progress is not None:
            progress(min(start + batch_size, len(due)), len(due))
    deleted_mail = old_mail_count(session, now)
    session.execute(sa.delete(OutboxMessage).where(_old_mail(now)))
    record(
        session,
        keyring,
        "retention.purged",
        actor=ACTOR_SYSTEM,
        now=now,
        detail=f"contents {contents}, identity {identity}, files {files}, mail {deleted_mail}",
    )
    session.commit()
    forget_freed_pages(session)
    return PurgeReport(contents, identity, files, missing, deleted_mail)
