"""Finding and reading cases on the staff side: the queue, the dashboard's counts, and
what the case page shows.

Who sees what is decided once, in ``services.visibility``: in SQL for lists (``scope``)
and in ``may_view`` for one case (re-exported here for the views). Deadline filters are
due_at comparisons in SQL that agree with ``deadlines.deadline_state``, so paging and
counts never load whole tables.
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.orm import object_session
from sqlalchemy.sql import ColumnElement

from intake import crypto, deadlines, thaidate
from intake.crypto import Keyring
from intake.deadlines import DeadlineState
from intake.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    Category,
    Channel,
    Department,
    EventType,
    User,
)
from intake.permissions import can_view_kind, visible_kinds
from intake.problems import Problem
from intake.services import DbSession, ServiceError, interim
from intake.services.audit import actor_label, record
from intake.services.settings import get_organisation
from intake.services.visibility import may_view
from intake.services.visibility import scope as _scope
from intake.workflow import OPEN, Status

PER_PAGE = 50
# Counting every match of a queue with a million cases costs a scan per page view; past
# this many the page says "more than" and asks for filters instead.
COUNT_LIMIT = 1_000
NEWEST = 10
# Views of both kinds are audited: tips because the design requires it, complaints
# because they carry the complainant's contact details (personal data).
AUDITED_VIEWS = frozenset(CaseKind)
STATUS_OPEN = "open"
STATUS_CLOSED = "closed"
STATUS_ANY = "all"
# The queue starts where the work is: open cases, the most urgent first (overdue, then
# due soon, then by due date, which is what ``Sort.DUE`` gives on open cases). Closed
# cases show only when asked for.
DEFAULT_STATUS = STATUS_OPEN


class Sort(enum.StrEnum):
    DUE = "due"  # the most urgent first
    NEWEST = "newest"


# The partial index of open cases names them in this order, as literals.
_OPEN_IN_ORDER = [status for status in Status if status in OPEN]


def _is_open() -> ColumnElement[bool]:
    """"The case is open", written as the partial index's own condition: literal values in
    the same order. SQLite's planner cannot see through bound parameters, and would
    otherwise sort the open cases instead of reading them off the index in order."""
    return Case.status.in_(
        sa.bindparam("open_statuses", _OPEN_IN_ORDER, expanding=True, literal_execute=True)
    )


def _deadline(state: DeadlineState, now: datetime, soon_days: int) -> ColumnElement[bool]:
    """``deadlines.deadline_state`` as a condition on due_at, for open cases."""
    is_open = _is_open()
    soon = deadlines.due_soon_limit(now, soon_days)
    if state is DeadlineState.OVERDUE:
        return sa.and_(is_open, Case.due_at < now)
    if state is DeadlineState.DUE_SOON:
        return sa.and_(is_open, Case.due_at >= now, Case.due_at <= soon)
    if state is DeadlineState.ON_TRACK:
        return sa.and_(is_open, Case.due_at > soon)
    return Case.status.not_in(OPEN)  # MET: closed with an answer


def normalize_reference(typed: str) -> str:
    """As stored: ASCII digits, no spaces, upper case (``รร-๒๕๖๙-๐๐๐๔๒`` → ``รร-2569-00042``)."""
    return "".join(thaidate.to_arabic_digits(typed).split()).upper()


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=thaidate.BANGKOK)


@dataclass(frozen=True)
class QueueFilters:
    kind: CaseKind | None = None
    status: str = ""  # a Status value, "open" or "closed"; "" or "all" for any
    department_id: int | None = None
    category_id: int | None = None
    channel: Channel | None = None
    deadline: DeadlineState | None = None
    received_from: date | None = None  # Bangkok calendar days, both inclusive
    received_to: date | None = None
    reference: str = ""  # exact or a prefix
    sort: Sort = Sort.DUE


def _conditions(filters: QueueFilters, now: datetime, soon_days: int) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.kind is not None:
        conditions.append(Case.kind == filters.kind)
    if filters.status == STATUS_OPEN:
        conditions.append(_is_open())
    elif filters.status == STATUS_CLOSED:
        conditions.append(Case.status.not_in(OPEN))
    elif filters.status:
        conditions.append(Case.status == Status(filters.status))
    if filters.department_id is not None:
        conditions.append(Case.department_id == filters.department_id)
    if filters.category_id is not None:
        conditions.append(Case.category_id == filters.category_id)
    if filters.channel is not None:
        conditions.append(Case.channel == filters.channel)
    if filters.deadline is not None:
        conditions.append(_deadline(filters.deadline, now, soon_days))
    if filters.received_from is not None:
        conditions.append(Case.received_at >= _start_of(filters.received_from))
    if filters.received_to is not None:
        conditions.append(Case.received_at < _start_of(filters.received_to + timedelta(days=1)))
    reference = normalize_reference(filters.reference)
    if reference:
        conditions.append(Case.reference.startswith(reference, autoescape=True))
    return conditions


@dataclass(frozen=True)
class QueueRow:
    id: str
    reference: str
    kind: CaseKind
    status: Status
    channel: Channel
    received_at: datetime
    due_at: datetime
    deadline: DeadlineState | None  # None once closed
    department_th: str | None
    department_en: str | None
    category_th: str | None
    category_en: str | None
    subject: str  # "" when no keyring was given


@dataclass(frozen=True)
class Page:
    items: list[QueueRow]
    total: int
    page: int
    pages: int
    # True when there are more than COUNT_LIMIT matches: ``total`` is then COUNT_LIMIT.
    more: bool = False


def _rows(
    session: DbSession,
    keyring: Keyring | None,
    conditions: list[ColumnElement[bool]],
    order: list[Any],
    now: datetime,
    soon_days: int,
    limit: int,
    offset: int = 0,
) -> list[QueueRow]:
    query = (
        select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.status,
            Case.channel,
            Case.received_at,
            Case.due_at,
            Case.subject_enc,
            Department.name_th.label("department_th"),
            Department.name_en.label("department_en"),
            Category.name_th.label("category_th"),
            Category.name_en.label("category_en"),
        )
        .outerjoin(Department, Department.id == Case.department_id)
        .outerjoin(Category, Category.id == Case.category_id)
        .where(*conditions)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    rows = []
    for row in session.execute(query):
        subject = ""
        if keyring is not None:
            subject = crypto.decrypt_text(
                keyring, row.subject_enc, table="cases", column="subject", row_id=row.id
            )
        is_open = row.status in OPEN
        rows.append(
            QueueRow(
                id=row.id,
                reference=row.reference,
                kind=row.kind,
                status=row.status,
                channel=row.channel,
                received_at=row.received_at,
                due_at=row.due_at,
                deadline=(
                    deadlines.deadline_state(row.due_at, now, None, soon_days) if is_open else None
                ),
                department_th=row.department_th,
                department_en=row.department_en,
                category_th=row.category_th,
                category_en=row.category_en,
                subject=subject,
            )
        )
    return rows


SORT_ORDER = {
    Sort.DUE: [Case.due_at.asc(), Case.received_at.asc(), Case.id.asc()],
    Sort.NEWEST: [Case.received_at.desc(), Case.id.desc()],
}


def search(
    session: DbSession,
    actor: User,
    filters: QueueFilters,
    page: int,
    per_page: int = PER_PAGE,
    *,
    now: datetime,
    keyring: Keyring | None = None,
    count_limit: int = COUNT_LIMIT,
) -> Page:
    """One page of the cases the actor may see. With a keyring, subjects are decrypted
    (only for what is on the page). A page past the end gives the last page. Matches
    are counted up to ``count_limit``; past it, ``more`` is set."""
    soon_days = get_organisation(session).due_soon_days
    conditions = _scope(actor) + _conditions(filters, now, soon_days)
    matches = select(Case.id).where(*conditions).limit(count_limit + 1).subquery()
    total = session.scalar(select(func.count()).select_from(matches)) or 0
    more = total > count_limit
    total = min(total, count_limit)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = _rows(
        session,
        keyring,
        conditions,
        SORT_ORDER[filters.sort],
        now,
        soon_days,
        limit=per_page,
        offset=(page - 1) * per_page,
    )
    return Page(items, total, page, pages, more)


@dataclass(frozen=True)
class DepartmentLoad:
    department_th: str | None  # None: cases not routed to a department yet
    department_en: str | None
    open: int
    due_soon: int
    overdue: int


@dataclass(frozen=True)
class Dashboard:
    counts_only: bool  # executives: numbers, no subjects, no links
    by_status: dict[Status, int]
    by_kind: dict[CaseKind, int]
    open: int
    due_soon: int
    overdue: int
    departments: list[DepartmentLoad]
    newest: list[QueueRow]


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(sa.case((condition, 1), else_=0)), 0)


def dashboard_counts(
    session: DbSession, actor: User, now: datetime, keyring: Keyring | None = None
) -> Dashboard:
    """Counts in the actor's scope. Executives count every case but see no case; others
    also get the newest cases (with subjects when a keyring is given)."""
    scope = _scope(actor, counts=True)
    soon_days = get_organisation(session).due_soon_days
    counts_only = not visible_kinds(actor.role)
    by_status = dict.fromkeys(Status, 0)
    for status, count in session.execute(
        select(Case.status, func.count()).where(*scope).group_by(Case.status)
    ):
        by_status[status] = count
    by_kind = {kind: 0 for kind in CaseKind if counts_only or can_view_kind(actor.role, kind)}
    for kind, count in session.execute(
        select(Case.kind, func.count()).where(*scope).group_by(Case.kind)
    ):
        by_kind[kind] = count
    due_soon, overdue = session.execute(
        select(
            _count_if(_deadline(DeadlineState.DUE_SOON, now, soon_days)),
            _count_if(_deadline(DeadlineState.OVERDUE, now, soon_days)),
        ).where(*scope)
    ).one()
    departments = [
        DepartmentLoad(row.name_th, row.name_en, row.open, int(row.due_soon), int(row.overdue))
        for row in session.execute(
            select(
                Department.name_th,
                Department.name_en,
                func.count().label("open"),
                _count_if(_deadline(DeadlineState.DUE_SOON, now, soon_days)).label("due_soon"),
                _count_if(Case.due_at < now).label("overdue"),
            )
            .select_from(Case)
            .outerjoin(Department, Department.id == Case.department_id)
            .where(*scope, Case.status.in_(OPEN))
            .group_by(Department.id, Department.name_th, Department.name_en)
            .order_by(Department.id)
        )
    ]
    newest = (
        []
        if counts_only
        else _rows(session, keyring, scope, SORT_ORDER[Sort.NEWEST], now, soon_days, limit=NEWEST)
    )
    return Dashboard(
        counts_only=counts_only,
        by_status=by_status,
        by_kind=by_kind,
        open=sum(by_status[s] for s in OPEN),
        due_soon=int(due_soon),
        overdue=int(overdue),
        departments=departments,
        newest=newest,
    )


# --- One case ---------------------------------------------------------------------------


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
