"""Statistics tallies and the narrative parts of the 6-monthly reports."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import Model
from intake.models.columns import AwareDateTime, stored_enum, utcnow
from intake.models.enums import CaseKind
from intake.models.ownership import OrganisationOwned, organisation_column


class CaseTally(OrganisationOwned, Model):
    """How many cases of a kind and month fall under one value of one breakdown.

    Kept by ``intake.tallies`` in the flush that changes a case, so every published
    figure is a sum over this small table instead of a scan of ``cases``; a test checks
    it always equals a recount.
    """

    __tablename__ = "case_tallies"
    # The host's statistics sum one kind's total rows of one year for every organisation:
    # read off this index alone (PostgreSQL: an index-only scan), not out of the whole
    # table, whose key leads with the organisation.
    __table_args__ = (
        sa.Index(
            "ix_case_tallies_year_totals",
            "kind",
            "month",
            "organisation_id",
            "closed",
            "on_time",
            postgresql_where=sa.text("dimension = 'total'"),
            sqlite_where=sa.text("dimension = 'total'"),
            postgresql_include=["cases", "responses", "satisfied"],
        ),
    )

    organisation_id: Mapped[int] = organisation_column(primary_key=True)
    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind), primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), primary_key=True)  # "2025-10", Bangkok
    # "total", "category", "channel", "department" or "outcome", and the value in it
    # (a category or department id, 0 for none; a channel; an outcome; "" for the total).
    dimension: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    closed: Mapped[bool] = mapped_column(primary_key=True)
    on_time: Mapped[bool] = mapped_column(primary_key=True)
    cases: Mapped[int] = mapped_column(default=0)
    responses: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)


class ReportNarrative(OrganisationOwned, Model):
    """What staff write into a period's report: problems, remedies and the sign-off.

    ``half`` is 1 (Oct–Mar), 2 (Apr–Sep) or 0 for the whole fiscal year. These texts are
    written to be published, so they are not encrypted.
    """

    __tablename__ = "report_narratives"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "kind", "fiscal_year", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind))
    fiscal_year: Mapped[int]
    half: Mapped[int]
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    remedies: Mapped[str] = mapped_column(sa.Text, default="")
    recommendations: Mapped[str] = mapped_column(sa.Text, default="")
    prepared_name: Mapped[str] = mapped_column(sa.String(200), default="")
    prepared_position: Mapped[str] = mapped_column(sa.String(200), default="")
    prepared_on: Mapped[date | None] = mapped_column(sa.Date)
    reviewed_name: Mapped[str] = mapped_column(sa.String(200), default="")
    reviewed_position: Mapped[str] = mapped_column(sa.String(200), default="")
    reviewed_on: Mapped[date | None] = mapped_column(sa.Date)
    approved_name: Mapped[str] = mapped_column(sa.String(200), default="")
    approved_position: Mapped[str] = mapped_column(sa.String(200), default="")
    approved_on: Mapped[date | None] = mapped_column(sa.Date)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
