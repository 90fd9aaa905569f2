"""The organisation's settings as an administrator edits them: read with their defaults,
checked against the ranges the form offers, saved, and audited by name (never by value).

Accounts live in ``admin_users``, departments and categories in ``departments_categories``,
holidays in ``extra_holidays``. Neither this module nor those read a case's contents: the
audit page shows a case's reference number, which is not content, and nothing else of it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from urllib.parse import urlsplit

from intake import crypto
from intake.deadlines import CountingMode
from intake.models import Organisation, User
from intake.organisation_scope import current_organisation
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record
from intake.services.organisations import FIRST_SLUG, create_organisation, refresh_search_key
from intake.services.settings import DEFAULT_ORGANISATION

# Ranges the settings form offers; the service refuses anything outside them too.
RESPONSE_DAYS = (1, 60)
DUE_SOON_DAYS = (0, 14)
MAX_ATTACHMENTS = (0, 10)
MAX_ATTACHMENT_MB = (1, 25)
REVEAL_DAYS = (1, 30)
REOPEN_DAYS = (1, 365)
RETENTION_YEARS = (1, 99)
RETENTION_FIELDS = (
    "complaint_contents_years",
    "complaint_identity_years",
    "tip_contents_years",
    "tip_identity_years",
)
DEFAULT_RETENTION_YEARS = 10
DETAIL_MAX = 200  # AuditEntry.detail


@dataclass(frozen=True)
class OrganisationSettings:
    """Everything the settings page edits, by the names of ``Organisation``'s columns."""

    name_th: str
    name_en: str
    unit_name_th: str
    unit_name_en: str
    address: str
    phone: str
    email: str
    office_hours: str
    office_hours_en: str
    deadline_mode: CountingMode
    response_days: int
    due_soon_days: int
    reopen_days: int
    max_attachments: int
    max_attachment_mb: int
    strip_image_metadata: bool
    reveal_days: int
    tell_tipster_of_reveal: bool
    complaint_contents_years: int
    complaint_identity_years: int
    tip_contents_years: int
    tip_identity_years: int
    # What the published guideline names (ITA): last, so the audit detail of an ordinary
    # change still fits in its column.
    officer_title_th: str
    officer_title_en: str
    tip_unit_name_th: str
    tip_unit_name_en: str
    hotline: str
    line_id: str
    facebook_url: str
    centre_location_th: str
    centre_location_en: str
    address_en: str
    guide_published_on: date | None
    tip_phone: str
    tip_email: str
    tip_location_th: str
    tip_location_en: str
    tip_guide_published_on: date | None
    pdf_thai_digits: bool

    @classmethod
    def of(cls, organisation: Organisation) -> OrganisationSettings:
        return cls(**{f.name: getattr(organisation, f.name) for f in fields(cls)})


def _check_range(value: int, bounds: tuple[int, int]) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise ServiceError(Problem.SETTING_OUT_OF_RANGE)


def is_https_url(text: str) -> bool:
    """An absolute https:// address on a named host: the guide links to it, so nothing else
    (no javascript:, no plain http, no user:password@)."""
    if any(char.isspace() or not char.isprintable() for char in text):
        return False
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        return False
    return parts.scheme == "https" and "." in host.strip(".") and parts.username is None


def _names_within(names: list[str], limit: int) -> str:
    """Whole names that fit the audit detail, then how many more ("... +3")."""
    text = " ".join(names)
    if len(text) <= limit:
        return text
    shown: list[str] = []
    for name in names:
        more = f" +{len(names) - len(shown) - 1}"
        if len(" ".join([*shown, name])) + len(more) > limit:
            break
        shown.append(name)
    return f"{' '.join(shown)} +{len(names) - len(shown)}"


def current_settings(session: DbSession) -> OrganisationSettings:
    organisation = current_organisation(session)
    if organisation is None:
        organisation = Organisation(
            **DEFAULT_ORGANISATION,
            deadline_mode=CountingMode.CALENDAR,
            response_days=15,
            due_soon_days=3,
            reopen_days=30,
            max_attachments=5,
            max_attachment_mb=10,
            strip_image_metadata=True,
            reveal_days=7,
            tell_tipster_of_reveal=True,
            pdf_thai_digits=False,
            **dict.fromkeys(RETENTION_FIELDS, DEFAULT_RETENTION_YEARS),
        )
    return OrganisationSettings.of(organisation)


def update_settings(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    values: OrganisationSettings,
    now: datetime,
) -> list[str]:
    """Save the settings; returns the names of what changed (audited by name, not value).

    New deadlines follow the new counting rule; the due dates of cases already received
    stay as they were computed.
    """
    if not values.name_th.strip():
        raise ServiceError(Problem.ORGANISATION_NAME_REQUIRED)
    _check_range(values.response_days, RESPONSE_DAYS)
    _check_range(values.due_soon_days, DUE_SOON_DAYS)
    _check_range(values.reopen_days, REOPEN_DAYS)
    _check_range(values.max_attachments, MAX_ATTACHMENTS)
    _check_range(values.max_attachment_mb, MAX_ATTACHMENT_MB)
    _check_range(values.reveal_days, REVEAL_DAYS)
    for name in RETENTION_FIELDS:
        _check_range(getattr(values, name), RETENTION_YEARS)
    if values.facebook_url and not is_https_url(values.facebook_url):
        raise ServiceError(Problem.BAD_URL)
    organisation = current_organisation(session)
    if organisation is None:
        organisation = create_organisation(session, slug=FIRST_SLUG, **DEFAULT_ORGANISATION)
    changed = [
        f.name for f in fields(values) if getattr(organisation, f.name) != getattr(values, f.name)
    ]
    if not changed:
        return []
    for name in changed:
        setattr(organisation, name, getattr(values, name))
    refresh_search_key(organisation)
    session.flush()
    detail = _names_within(changed, DETAIL_MAX)
    record(
        session,
        keyring,
        "admin.settings_changed",
        actor=actor_label(admin),
        now=now,
        detail=detail,
    )
    session.commit()
    return changed
