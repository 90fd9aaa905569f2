"""What a host does with its organisations: open one (with its first administrator and
custodian, their enrolment links and its identity key), suspend and resume it, issue a
first enrolment link again. Each action is recorded in the host's chain and in the
organisation's own.

The host never reads a case: figures about organisations come from
``services.host_health``, aggregate queries only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from intake.models import Organisation, OrganisationType, Role
from intake.models.organisation import OrganisationStatus
from intake.organisation_scope import host_wide, work_for
from intake.places import geography
from intake.places.slugs import valid_slug
from intake.problems import Problem
from intake.services import DbSession, ServiceError, enrolment
from intake.services.audit import record
from intake.services.host_audit import record_host
from intake.services.identity import create_identity_key
from intake.services.keyring import host_keyring, keyring_for
from intake.services.organisations import create_organisation
from intake.services.settings import DEFAULT_ORGANISATION
from intake.services.users import create_user, find_user, has_usable_password

# Words the host's own addresses use, or that would confuse a reader of /o/<slug>/.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "host",
        "o",
        "static",
        "staff",
        "www",
        "mail",
        "healthz",
        "open311",
        "stats",
        "track",
        "guide",
        "login",
        "directory",
        "intake",
    }
)
_HOSTNAME = re.compile(r"(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
# The two accounts every new organisation starts with; their people enrol by link.
FIRST_ADMIN = "admin"
FIRST_CUSTODIAN = "custodian"
FIRST_ACCOUNTS = {FIRST_ADMIN: Role.ADMIN, FIRST_CUSTODIAN: Role.CUSTODIAN}
FIRST_NAMES = {FIRST_ADMIN: "ผู้ดูแลระบบ", FIRST_CUSTODIAN: "ผู้ดูแลข้อมูลตัวตน"}


@dataclass(frozen=True)
class NewOrganisation:
    slug: str
    name_th: str
    kind: OrganisationType
    province: str
    district: str
    name_en: str = ""
    hostname: str = ""


@dataclass(frozen=True)
class OpenedOrganisation:
    organisation: Organisation
    links: tuple[enrolment.IssuedLink, ...]  # the administrator's, then the custodian's


def problems(session: DbSession, spec: NewOrganisation) -> dict[str, Problem]:
    """Every field that is wrong, with why (a form shows them all at once)."""
    found: dict[str, Problem] = {}
    if not valid_slug(spec.slug):
        found["slug"] = Problem.SLUG_INVALID
    elif spec.slug in RESERVED_SLUGS:
        found["slug"] = Problem.SLUG_RESERVED
    elif _taken(session, Organisation.slug == spec.slug):
        found["slug"] = Problem.SLUG_TAKEN
    if not spec.name_th.strip():
        found["name_th"] = Problem.ORGANISATION_NAME_REQUIRED
    if spec.hostname:
        if not _HOSTNAME.fullmatch(spec.hostname):
            found["hostname"] = Problem.HOSTNAME_INVALID
        elif _taken(session, Organisation.hostname == spec.hostname):
            found["hostname"] = Problem.HOSTNAME_TAKEN
    province = geography.province(spec.province)
    if province is None:
        found["province"] = Problem.PROVINCE_UNKNOWN
    elif geography.district(province.name_th, spec.district) is None:
        found["district"] = Problem.DISTRICT_UNKNOWN
    return found


def _taken(session: DbSession, condition: object) -> bool:
    query = select(Organisation.id).where(condition)  # type: ignore[arg-type]
    return session.scalars(host_wide(query)).first() is not None


def open_organisation(
    session: DbSession,
    spec: NewOrganisation,
    custodian_passphrase: str,
    *,
    actor: str,
    now: datetime,
) -> OpenedOrganisation:
    """Create the organisation, its first administrator and custodian (each with an
    enrolment link) and its identity key under the custodian's passphrase; commits.
    Raises ServiceError for the first wrong field, or "weak_passphrase". Afterwards the
    session works for the new organisation."""
    wrong = problems(session, spec)
    if wrong:
        raise ServiceError(next(iter(wrong.values())))
    province = geography.province(spec.province)
    district = geography.district(spec.province, spec.district)
    assert province is not None and district is not None  # noqa: S101 (checked above)
    settings = {**DEFAULT_ORGANISATION, "name_th": spec.name_th.strip(), "name_en": spec.name_en}
    try:
        organisation = create_organisation(
            session,
            slug=spec.slug,
            hostname=spec.hostname or None,
            kind=spec.kind,
            province=province.name_th,
            district=district.name_th,
            **settings,
        )
        work_for(session, organisation.id)
        own = keyring_for(organisation.id)  # its chain, links and identity key: its keys
        record(
            session,
            own,
            "organisation.created",
            actor=actor,
            now=now,
            detail=f"slug={spec.slug}",
        )
        record_host(
            session,
            host_keyring(),
            "organisation.created",
            actor=actor,
            now=now,
            organisation_slug=spec.slug,
            detail=f"kind={spec.kind.value}",
        )
        accounts = [
            create_user(session, name, FIRST_NAMES[name], role, None)
            for name, role in FIRST_ACCOUNTS.items()
        ]
        links = tuple(
            enrolment.issue(session, own, user, actor=actor, now=now) for user in accounts
        )
        for user in accounts:
            record_host(
                session,
                host_keyring(),
                "organisation.enrolment_issued",
                actor=actor,
                now=now,
                organisation_slug=spec.slug,
                detail=f"user:{user.id}",
            )
        create_identity_key(session, own, accounts[1], custodian_passphrase, now)
    except ServiceError:
        session.rollback()
        raise
    return OpenedOrganisation(organisation, links)


def set_status(
    session: DbSession,
    organisation: Organisation,
    status: OrganisationStatus,
    *,
    actor: str,
    now: datetime,
) -> bool:
    """Suspend or resume; False (and nothing recorded) when it already was. Commits."""
    if organisation.status is status:
        return False
    organisation.status = status
    action = (
        "organisation.suspended"
        if status is OrganisationStatus.SUSPENDED
        else ("organisation.resumed")
    )
    work_for(session, organisation.id)
    record(session, keyring_for(organisation.id), action, actor=actor, now=now)
    record_host(
        session, host_keyring(), action, actor=actor, now=now, organisation_slug=organisation.slug
    )
    session.commit()
    return True


def reissue_first_link(
    session: DbSession,
    organisation: Organisation,
    username: str,
    *,
    actor: str,
    now: datetime,
) -> enrolment.IssuedLink:
    """A new link for the first administrator or custodian, while they have not enrolled
    yet. Once a person has their own password, resetting it is their organisation's
    administrators' business, not the host's: a host administrator must never be able
    to take an organisation's account over. Raises "not_found" otherwise. Commits."""
    work_for(session, organisation.id)
    user = find_user(session, username) if username in FIRST_ACCOUNTS else None
    if user is None or not user.active or has_usable_password(user):
        raise ServiceError(Problem.NOT_FOUND)
    issued = enrolment.issue(session, keyring_for(organisation.id), user, actor=actor, now=now)
    record_host(
        session,
        host_keyring(),
        "organisation.enrolment_issued",
        actor=actor,
        now=now,
        organisation_slug=organisation.slug,
        detail=f"user:{user.id}",
    )
    session.commit()
    return issued
