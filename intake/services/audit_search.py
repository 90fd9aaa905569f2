"""The auditor's read-only view of the audit log: entries filtered and paged, newest
first, each with its actor's username and role and its case's reference number (which is
not content, and all of the case it shows), and whether the whole chain verifies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from intake import crypto
from intake.models import AuditEntry, Case, Role, User
from intake.services import DbSession
from intake.services import audit as audit_service
from intake.services.audit import ACTOR_PUBLIC, ACTOR_SYSTEM, actor_label
from intake.services.users import find_user
from intake.thaidate import BANGKOK, to_arabic_digits

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""  # a username, "public" or "system"
    date_from: date | None = None  # Bangkok days, inclusive
    date_to: date | None = None
    reference: str = ""


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    username: str | None
    role: Role | None
    action: str
    reference: str | None
    detail: str


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    page: int
    pages: int
    total: int
    chain: audit_service.VerifyResult


_USER_ACTOR = re.compile(r"user:([0-9]+)")


def _actor_value(session: DbSession, text: str) -> str | None:
    """The stored actor for what an auditor typed; None when it names nobody."""
    text = text.strip()
    if text in (ACTOR_PUBLIC, ACTOR_SYSTEM) or _USER_ACTOR.fullmatch(text):
        return text
    user = find_user(session, text)
    return actor_label(user) if user is not None else None


def _bangkok_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BANGKOK)


def _filtered(session: DbSession, filters: AuditFilters) -> Select[Any] | None:
    """The filtered query, or None when a filter names something that does not exist."""
    query = select(AuditEntry)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actor.strip():
        actor = _actor_value(session, filters.actor)
        if actor is None:
            return None
        query = query.where(AuditEntry.actor == actor)
    if filters.date_from is not None:
        query = query.where(AuditEntry.at >= _bangkok_start(filters.date_from))
    if filters.date_to is not None:
        query = query.where(AuditEntry.at < _bangkok_start(filters.date_to + timedelta(days=1)))
    reference = to_arabic_digits(filters.reference).strip()
    if reference:
        case_id = session.scalars(select(Case.id).where(Case.reference == reference)).first()
        if case_id is None:
            return None
        query = query.where(AuditEntry.case_id == case_id)
    return query


def _rows(session: DbSession, entries: list[AuditEntry]) -> list[AuditRow]:
    """Entries with their actor's username and role and their case's reference."""
    user_ids = {int(m.group(1)) for e in entries if (m := _USER_ACTOR.fullmatch(e.actor))}
    users = {user.id: user for user in session.scalars(select(User).where(User.id.in_(user_ids)))}
    case_ids = {e.case_id for e in entries if e.case_id}
    found = session.execute(select(Case.id, Case.reference).where(Case.id.in_(case_ids)))
    references: dict[str, str] = {row.id: row.reference for row in found}
    rows = []
    for entry in entries:
        match = _USER_ACTOR.fullmatch(entry.actor)
        user = users.get(int(match.group(1))) if match else None
        rows.append(
            AuditRow(
                id=entry.id,
                at=entry.at,
                actor=entry.actor,
                username=user.username if user else None,
                role=user.role if user else None,
                action=entry.action,
                reference=references.get(entry.case_id) if entry.case_id else None,
                detail=entry.detail,
            )
        )
    return rows


def audit_log_page(
    session: DbSession, keyring: crypto.Keyring, filters: AuditFilters, page: int
) -> AuditPage:
    """One page of entries, newest first, and the state of the whole chain.

    The chain check walks the whole log on every call; a very large log needs a verified
    checkpoint to start from.
    """
    chain = audit_service.verify(session, keyring)
    query = _filtered(session, filters)
    if query is None:
        return AuditPage([], 1, 1, 0, chain)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = list(
        session.scalars(
            query.order_by(AuditEntry.id.desc())
            .limit(AUDIT_PAGE_SIZE)
            .offset((page - 1) * AUDIT_PAGE_SIZE)
        )
    )
    return AuditPage(_rows(session, entries), page, pages, total, chain)
