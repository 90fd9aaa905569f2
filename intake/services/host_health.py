"""How each organisation on the host is doing, for the host's administrators and
`intake org list`: its status, how many cases it holds, how many are open and overdue,
the storage its uploads take, and when `remind` last ran for it.

Aggregate queries only, grouped by organisation: no case row, no reference, no subject
ever leaves the database through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from intake.models import Attachment, AuditEntry, Case, Organisation
from intake.models.organisation import OrganisationStatus, OrganisationType
from intake.organisation_scope import host_wide
from intake.services import DbSession
from intake.workflow import OPEN

REMINDERS_RUN = "reminders.run"


@dataclass(frozen=True)
class OrganisationHealth:
    id: int
    slug: str
    name_th: str
    kind: OrganisationType
    province: str
    district: str
    status: OrganisationStatus
    cases: int
    open_cases: int
    overdue: int
    upload_bytes: int
    last_remind: datetime | None


def _by_organisation(session: DbSession, query: Select[Any, Any]) -> dict[int, Any]:
    """``{organisation id: value}`` from a two-column query grouped by organisation."""
    return {row[0]: row[1] for row in session.execute(host_wide(query))}


def health(session: DbSession, now: datetime) -> list[OrganisationHealth]:
    """Every organisation, by slug, with its figures."""
    by_org = Case.organisation_id
    cases = _by_organisation(session, select(by_org, func.count()).group_by(by_org))
    open_query = select(by_org, func.count()).where(Case.status.in_(OPEN)).group_by(by_org)
    open_cases = _by_organisation(session, open_query)
    overdue = _by_organisation(session, open_query.where(Case.due_at < now))
    uploads = _by_organisation(
        session,
        select(Attachment.organisation_id, func.sum(Attachment.size)).group_by(
            Attachment.organisation_id
        ),
    )
    reminded = _by_organisation(
        session,
        select(AuditEntry.organisation_id, func.max(AuditEntry.at))
        .where(AuditEntry.action == REMINDERS_RUN)
        .group_by(AuditEntry.organisation_id),
    )
    organisations = session.scalars(host_wide(select(Organisation).order_by(Organisation.slug)))
    return [
        OrganisationHealth(
            id=org.id,
            slug=org.slug,
            name_th=org.name_th,
            kind=org.kind,
            province=org.province,
            district=org.district,
            status=org.status,
            cases=int(cases.get(org.id, 0)),
            open_cases=int(open_cases.get(org.id, 0)),
            overdue=int(overdue.get(org.id, 0)),
            upload_bytes=int(uploads.get(org.id) or 0),
            last_remind=reminded.get(org.id),
        )
        for org in organisations
    ]


def active_organisations(session: DbSession) -> list[Organisation]:
    """The organisations the daily commands run for, by slug."""
    query = (
        select(Organisation)
        .where(Organisation.status == OrganisationStatus.ACTIVE)
        .order_by(Organisation.slug)
    )
    return list(session.scalars(host_wide(query)))
