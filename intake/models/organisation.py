"""The organisations and their reference data: settings, departments, categories, extra
holidays, reference numbering."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.deadlines import CountingMode
from intake.extensions import Model
from intake.models.columns import AwareDateTime, stored_enum, utcnow
from intake.models.enums import CaseKind, OrganisationType
from intake.models.ownership import OrganisationOwned, organisation_column


class OrganisationStatus(enum.StrEnum):
    ACTIVE = "active"
    # A suspended organisation's pages say so and take nothing in; its data stays.
    SUSPENDED = "suspended"


class Organisation(Model):
    """One organisation the installation serves: who it is, where its pages are, and its
    settings. A one-organisation installation has one row."""

    __tablename__ = "organisation"
    __table_args__ = (
        # The directory's search is ``search_key LIKE '%term%'`` per term: on PostgreSQL a
        # trigram index answers it without reading every organisation (pg_trgm takes
        # Thai letters as word characters under a UTF-8 LC_CTYPE such as C.UTF-8).
        sa.Index(
            "ix_organisation_search_key_trgm",
            "search_key",
            postgresql_using="gin",
            postgresql_ops={"search_key": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Its pages live under /o/<slug>/ (and at the root of ``hostname`` when it has one).
    slug: Mapped[str] = mapped_column(sa.String(63), unique=True)
    hostname: Mapped[str | None] = mapped_column(sa.String(253), unique=True)
    kind: Mapped[OrganisationType] = mapped_column(
        stored_enum(OrganisationType), default=OrganisationType.SAO
    )
    province: Mapped[str] = mapped_column(sa.String(100), default="")
    district: Mapped[str] = mapped_column(sa.String(100), default="")
    # The names, type and places normalised for the directory's search.
    search_key: Mapped[str] = mapped_column(sa.String(600), default="")
    status: Mapped[OrganisationStatus] = mapped_column(
        stored_enum(OrganisationStatus), default=OrganisationStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    unit_name_th: Mapped[str] = mapped_column(sa.String(200), default="")
    unit_name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(500), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    office_hours: Mapped[str] = mapped_column(sa.String(200), default="")
    office_hours_en: Mapped[str] = mapped_column(sa.String(200), default="")
    deadline_mode: Mapped[CountingMode] = mapped_column(
        stored_enum(CountingMode), default=CountingMode.CALENDAR
    )
    response_days: Mapped[int] = mapped_column(default=15)
    # A case is "due soon" this many days before its due date (reminders go out then).
    due_soon_days: Mapped[int] = mapped_column(default=3)
    # A complainant may ask to reopen a closed case for this many days after it closed.
    reopen_days: Mapped[int] = mapped_column(default=30)
    max_attachments: Mapped[int] = mapped_column(default=5)
    max_attachment_mb: Mapped[int] = mapped_column(default=10)
    strip_image_metadata: Mapped[bool] = mapped_column(default=True)
    # How long an approved reveal stays readable by the officer who asked for it.
    reveal_days: Mapped[int] = mapped_column(default=7)
    # The tipster's status page says that their identity was disclosed (EU 2019/1937).
    tell_tipster_of_reveal: Mapped[bool] = mapped_column(default=True)
    # Retention (PDPA): whole years after a case closes that its contents, and separately
    # its complainant's or tipster's identity, are kept; then `intake purge` removes them.
    complaint_contents_years: Mapped[int] = mapped_column(default=10)
    complaint_identity_years: Mapped[int] = mapped_column(default=10)
    tip_contents_years: Mapped[int] = mapped_column(default=10)
    tip_identity_years: Mapped[int] = mapped_column(default=10)
    # What the published guideline (/guide) names besides the above (ITA).
    officer_title_th: Mapped[str] = mapped_column(sa.String(200), default="")
    officer_title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    tip_unit_name_th: Mapped[str] = mapped_column(sa.String(200), default="")
    tip_unit_name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    hotline: Mapped[str] = mapped_column(sa.String(50), default="")
    line_id: Mapped[str] = mapped_column(sa.String(100), default="")
    facebook_url: Mapped[str] = mapped_column(sa.String(300), default="")  # https:// only
    centre_location_th: Mapped[str] = mapped_column(sa.String(300), default="")
    centre_location_en: Mapped[str] = mapped_column(sa.String(300), default="")
    address_en: Mapped[str] = mapped_column(sa.String(500), default="")
    # When the guideline was announced; the guide shows today's date while it is unset.
    guide_published_on: Mapped[date | None] = mapped_column(sa.Date)
    # The corruption-tip guideline (/guide/tips) is its own document with its own contacts:
    # a tipster reaches the tip unit directly, not the complaint centre's switchboard.
    tip_phone: Mapped[str] = mapped_column(sa.String(50), default="")
    tip_email: Mapped[str] = mapped_column(sa.String(254), default="")
    tip_location_th: Mapped[str] = mapped_column(sa.String(300), default="")
    tip_location_en: Mapped[str] = mapped_column(sa.String(300), default="")
    tip_guide_published_on: Mapped[date | None] = mapped_column(sa.Date)
    # Thai numerals (๐–๙) in the Thai PDFs, as the organisation's own documents print them.
    pdf_thai_digits: Mapped[bool] = mapped_column(default=False)


class Department(OrganisationOwned, Model):
    __tablename__ = "departments"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "name_th"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Category(OrganisationOwned, Model):
    """A subject category, offered on one channel's form (complaint or tip)."""

    __tablename__ = "categories"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "kind", "name_th"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind))
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department | None] = relationship()


class ExtraHoliday(OrganisationOwned, Model):
    """A non-working day declared by the cabinet or the organisation."""

    __tablename__ = "extra_holidays"

    organisation_id: Mapped[int] = organisation_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class ReferenceCounter(OrganisationOwned, Model):
    """The last reference number given per kind and fiscal year.

    Allocation is an upsert that holds this row's lock until the filing commits, so two
    filings never get the same number and a failed filing gives its number back.
    """

    __tablename__ = "reference_counters"

    organisation_id: Mapped[int] = organisation_column(primary_key=True)
    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


# The trigram operator class comes with the pg_trgm extension (a trusted one: the
# database's owner may create it); it must exist before the table's index.
sa.event.listen(
    Organisation.__table__,
    "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"),
)
