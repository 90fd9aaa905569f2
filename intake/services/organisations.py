"""The organisations a host serves: made with everything an organisation needs to start
(its audit chain's head), found by address."""

from __future__ import annotations

from typing import Any

from flask import has_app_context
from sqlalchemy import insert, select

from intake.models import AuditHead, Organisation, OrganisationType
from intake.organisation_scope import (
    current_organisation,
    forget_only_organisation,
    host_wide,
    organisation_ids,
)
from intake.places.names import search_key
from intake.services import DbSession
from intake.services.keyring import make_organisation_keys

# The slug of the organisation a one-organisation installation starts with; its pages are
# at the root and under /o/main/ alike.
FIRST_SLUG = "main"


def create_organisation(session: DbSession, *, slug: str, **fields: Any) -> Organisation:
    """Add an organisation, its own keys and the head of its audit chain (inside the
    caller's transaction): the head exists before the first entry, so two first appends
    cannot race to make it."""
    organisation = Organisation(slug=slug, **fields)
    refresh_search_key(organisation)
    session.add(organisation)
    session.flush()
    # Written for the new organisation, whichever one the session works for.
    head = insert(AuditHead).values(organisation_id=organisation.id, last_id=0, last_mac="")
    session.execute(host_wide(head))
    forget_only_organisation(session)
    if has_app_context():
        make_organisation_keys(organisation.id)
    return organisation


def refresh_search_key(organisation: Organisation) -> None:
    """The directory finds an organisation by its names, kind and places: keep the key
    with them."""
    organisation.search_key = search_key(
        organisation.name_th,
        organisation.name_en or "",
        organisation.kind or OrganisationType.OTHER,
        organisation.province or "",
        organisation.district or "",
    )


def by_slug(session: DbSession, slug: str) -> Organisation | None:
    return session.scalars(host_wide(select(Organisation).where(Organisation.slug == slug))).first()


def by_hostname(session: DbSession, hostname: str) -> Organisation | None:
    query = select(Organisation).where(Organisation.hostname == hostname.lower())
    return session.scalars(host_wide(query)).first()


def first_two(session: DbSession) -> list[Organisation]:
    """Enough organisations to tell a one-organisation installation from a host."""
    query = select(Organisation).order_by(Organisation.id).limit(2)
    return list(session.scalars(host_wide(query)))


def serves_several(session: DbSession) -> bool:
    return len(organisation_ids(session)) > 1


def only_one(session: DbSession) -> Organisation | None:
    """The installation's organisation when it has exactly one."""
    ids = organisation_ids(session)
    return session.get(Organisation, ids[0]) if len(ids) == 1 else None


def base_url(session: DbSession, organisation: Organisation, host_base_url: str) -> str:
    """Where the organisation's pages are, for links in mails and PDFs: its own host name,
    or the installation's address (with its prefix when the installation has several)."""
    if organisation.hostname:
        return f"https://{organisation.hostname}"
    if serves_several(session):
        return f"{host_base_url.rstrip('/')}/o/{organisation.slug}"
    return host_base_url.rstrip("/")


def current_base_url(session: DbSession, host_base_url: str) -> str:
    """``base_url`` of the organisation the session works for (the installation's address
    before there is one)."""
    organisation = current_organisation(session)
    if organisation is None:
        return host_base_url.rstrip("/")
    return base_url(session, organisation, host_base_url)
