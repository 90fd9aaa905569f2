"""The host's directory of organisations: search and browse, reading the organisation
rows only (host-wide: they are the host's public list)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from intake.models import Organisation
from intake.models.organisation import OrganisationStatus
from intake.organisation_scope import host_wide
from intake.places.names import query_terms
from intake.services import DbSession

PAGE = 50


@dataclass(frozen=True)
class Listing:
    organisations: list[Organisation]
    more: bool  # more matched than are shown: narrow the search
    searched: bool


def search(session: DbSession, text: str, province: str, district: str = "") -> Listing:
    """Organisations whose names, kind or places hold every word of ``text`` however it
    was written (``intake.places.names``), in ``province`` (and ``district``) when one is
    chosen; nothing is listed until one of them is given."""
    terms = query_terms(text)
    if not terms and not province:
        return Listing([], False, False)
    query = select(Organisation).where(Organisation.status == OrganisationStatus.ACTIVE)
    for term in terms:  # a term holds no LIKE wildcard (query_terms says so)
        query = query.where(Organisation.search_key.like(f"%{term}%"))
    if province:
        query = query.where(Organisation.province == province)
        if district:
            query = query.where(Organisation.district == district)
    query = query.order_by(Organisation.province, Organisation.district, Organisation.name_th)
    found = list(session.scalars(host_wide(query.limit(PAGE + 1))))
    return Listing(found[:PAGE], len(found) > PAGE, True)


def provinces(session: DbSession) -> list[tuple[str, int]]:
    """Each province with organisations on the host, and how many."""
    query = (
        select(Organisation.province, func.count())
        .where(Organisation.province != "", Organisation.status == OrganisationStatus.ACTIVE)
        .group_by(Organisation.province)
        .order_by(Organisation.province)
    )
    return [(name, count) for name, count in session.execute(host_wide(query))]


def districts(session: DbSession, province: str) -> list[tuple[str, int]]:
    """Each district of ``province`` with organisations on the host, and how many."""
    query = (
        select(Organisation.district, func.count())
        .where(
            Organisation.province == province,
            Organisation.district != "",
            Organisation.status == OrganisationStatus.ACTIVE,
        )
        .group_by(Organisation.district)
        .order_by(Organisation.district)
    )
    return [(name, count) for name, count in session.execute(host_wide(query))]
