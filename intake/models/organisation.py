"""The organisation and its reference data: settings, departments, categories, extra
holidays, reference numbering."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.deadlines import CountingMode
from intake.extensions import Model
from intake.models.columns import stored_enum
from intake.models.enums import CaseKind


class Organisation(Model):
    """The single row of settings for the organisation this system serves."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
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


class Department(Model):
    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_th: Mapped[str] = mapped_column(sa.String(200), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)


class Category(Model):
    """A subject category, offered on one channel's form (complaint or tip)."""

    __tablename__ = "categories"
    __table_args__ = (sa.UniqueConstraint("kind", "name_th"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind))
    name_th: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200), default="")
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    department: Mapped[Department | None] = relationship()


class ExtraHoliday(Model):
    """A non-working day declared by the cabinet or the organisation."""

    __tablename__ = "extra_holidays"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))


class ReferenceCounter(Model):
    """The last reference number given per kind and fiscal year.

    Allocation is an upsert that holds this row's lock until the filing commits, so two
    filings never get the same number and a failed filing gives its number back.
    """

    __tablename__ = "reference_counters"

    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
