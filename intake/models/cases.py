"""Cases and what hangs on them: exclusions, timeline events, attachments, reopen
requests, satisfaction answers."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.extensions import Model
from intake.models.columns import AwareDateTime, new_id, stored_enum, utcnow
from intake.models.enums import AccusedRole, CaseKind, Channel, EventType
from intake.models.ownership import OrganisationOwned
from intake.workflow import OPEN, Status

if TYPE_CHECKING:  # relationships name these by string at run time
    from intake.models.organisation import Category, Department

# The open statuses as SQL, for the partial index of open cases (the queue's condition
# must name the same list for the planner to use it).
OPEN_STATUSES_SQL = "status IN ({})".format(
    ", ".join(f"'{status.value}'" for status in Status if status in OPEN)
)


class Case(OrganisationOwned, Model):
    __tablename__ = "cases"
    # No unique (kind, fiscal_year, sequence): a complaint moved to the tip channel keeps
    # its รร number, so two tips can share a sequence; the unique reference is what counts.
    __table_args__ = (
        sa.UniqueConstraint("organisation_id", "reference"),
        sa.Index("ix_cases_kind_received_at", "organisation_id", "kind", "received_at"),
        sa.Index("ix_cases_status_due_at", "organisation_id", "status", "due_at"),
        # The staff queue's orders (due first, newest first), whole and for open cases
        # only, and a department officer's queue: a page is read off an index, not sorted
        # out of a million rows.
        sa.Index("ix_cases_due_order", "organisation_id", "due_at", "received_at", "id"),
        sa.Index("ix_cases_received_order", "organisation_id", "received_at", "id"),
        sa.Index("ix_cases_department_due", "organisation_id", "department_id", "due_at"),
        # Possible duplicates are looked for among recent cases of one category.
        sa.Index("ix_cases_category_received", "organisation_id", "category_id", "received_at"),
        sa.Index(
            "ix_cases_open_due_order",
            "organisation_id",
            "due_at",
            "received_at",
            "id",
            postgresql_where=sa.text(OPEN_STATUSES_SQL),
            sqlite_where=sa.text(OPEN_STATUSES_SQL),
        ),
        # Reference search is by prefix (LIKE 'รร-2569%'): PostgreSQL needs pattern ops.
        sa.Index(
            "ix_cases_reference_prefix",
            "organisation_id",
            "reference",
            postgresql_ops={"reference": "varchar_pattern_ops"},
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    # The queue's indexes lead with the organisation, so no index of its own.
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    kind: Mapped[CaseKind] = mapped_column(stored_enum(CaseKind))
    channel: Mapped[Channel] = mapped_column(stored_enum(Channel))
    status: Mapped[Status] = mapped_column(stored_enum(Status), default=Status.RECEIVED)
    reference: Mapped[str] = mapped_column(sa.String(32))
    fiscal_year: Mapped[int]
    sequence: Mapped[int]
    tracking_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    subject_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    details_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    location_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    accused_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # A complainant's contact details, as encrypted JSON (content key).
    contact_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # A tipster's identity, as JSON sealed to the organisation's identity key.
    identity_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    identity_key_id: Mapped[int | None] = mapped_column(sa.ForeignKey("identity_keys.id"))
    incident_date: Mapped[date | None] = mapped_column(sa.Date)
    anonymous: Mapped[bool] = mapped_column(default=False)
    # Tips: the tipster's answer to "is the accused an executive or staff member?". Kept
    # in the clear because every listing filters on it in SQL; it names nobody.
    accused_role: Mapped[AccusedRole | None] = mapped_column(stored_enum(AccusedRole))
    received_at: Mapped[datetime] = mapped_column(AwareDateTime)
    # The first deadline never moves (statistics' on_time); due_at is the current one.
    first_due_at: Mapped[datetime] = mapped_column(AwareDateTime)
    due_at: Mapped[datetime] = mapped_column(AwareDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Where a referred case went: a code from intake.labels.REFERRAL or "other".
    referred_to: Mapped[str | None] = mapped_column(sa.String(30))
    referred_to_name: Mapped[str | None] = mapped_column(sa.String(200))
    # A case referred to, or received from, another organisation on the same host
    # (intake.services.host_referral).
    referred_to_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id")
    )
    referred_from_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id")
    )
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # Filed through the Open311 API: by which client, and the digest of the request id
    # the client was given (high-entropy, distinct from the tracking code; status only).
    open311_client_id: Mapped[int | None] = mapped_column(sa.ForeignKey("open311_clients.id"))
    open311_request_digest: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Filed in a LINE chat: the LINE user id, contact data like a phone number (content key).
    line_user_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # A duplicate of another report follows that primary case's status
    # (intake.services.case_links); never a chain: a primary has no primary itself.
    # Checked at commit: a restore inserts cases in id order, a duplicate maybe first.
    primary_case_id: Mapped[str | None] = mapped_column(
        sa.String(36),
        sa.ForeignKey("cases.id", deferrable=True, initially="DEFERRED"),
        index=True,
    )
    # "Check with your code" mails: a complainant can stop them from the status page.
    notices_stopped: Mapped[bool] = mapped_column(default=False)
    # A tipster may opt in to such mails with an address kept apart from the sealed
    # identity, under the content key (the status page says what that costs).
    notice_address_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # Set by `intake purge` when retention ran out (intake.services.retention).
    contents_purged_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    identity_purged_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # A tipster who filed anonymously may give their identity later, sealed the same way.
    identity_added_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow, onupdate=utcnow)

    category: Mapped[Category | None] = relationship()
    department: Mapped[Department | None] = relationship()
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.at", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="case", order_by="Attachment.created_at", cascade="all, delete-orphan"
    )
    # Read once per case and kept for the request: every visibility check asks it.
    exclusions: Mapped[list[CaseExclusion]] = relationship(cascade="all, delete-orphan")


class CaseExclusion(OrganisationOwned, Model):
    """A member of staff who must not see a case at all (conflict of interest: the tip
    names them, or someone they answer to). Added by a legal lead, audited."""

    __tablename__ = "case_exclusions"

    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class CaseEvent(OrganisationOwned, Model):
    """One line of a case's timeline. ``public`` lines are shown to the complainant."""

    __tablename__ = "case_events"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    type: Mapped[EventType] = mapped_column(stored_enum(EventType))
    from_status: Mapped[Status | None] = mapped_column(stored_enum(Status, "from_status"))
    to_status: Mapped[Status | None] = mapped_column(stored_enum(Status, "to_status"))
    public: Mapped[bool] = mapped_column(default=True)
    body_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="events")


class Attachment(OrganisationOwned, Model):
    """A file's row; its bytes live encrypted on disk under ``stored_name``."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    name_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    mime: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    metadata_removed: Mapped[bool] = mapped_column(default=False)
    # What cleaning removed and what it could not (intake.cleaning.Report.encode): codes
    # from a fixed list, never a value read from the file, so it needs no encryption.
    metadata_report: Mapped[str] = mapped_column(sa.String(200), default="")
    # Files sent later with a complainant's reply belong to that message.
    event_id: Mapped[str | None] = mapped_column(sa.ForeignKey("case_events.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="attachments")


class ReopenOutcome(enum.StrEnum):
    PENDING = "pending"
    REOPENED = "reopened"
    DECLINED = "declined"


class ReopenRequest(OrganisationOwned, Model):
    """A complainant's "the problem is not solved" on a closed case, and what staff
    decided. Its message and files are a public reply event (``event_id``); the answer
    (the reopening, or why not) is ``answer_event_id``. At most one is pending per case.
    """

    __tablename__ = "reopen_requests"
    __table_args__ = (
        sa.Index(
            "ux_reopen_requests_one_pending",
            "case_id",
            unique=True,
            postgresql_where=sa.text("outcome = 'pending'"),
            sqlite_where=sa.text("outcome = 'pending'"),
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    event_id: Mapped[str] = mapped_column(sa.ForeignKey("case_events.id"))
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
    outcome: Mapped[ReopenOutcome] = mapped_column(
        stored_enum(ReopenOutcome), default=ReopenOutcome.PENDING
    )
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer_event_id: Mapped[str | None] = mapped_column(sa.ForeignKey("case_events.id"))

    case: Mapped[Case] = relationship()


class SatisfactionResponse(OrganisationOwned, Model):
    """One survey answer per closed case (measure 44: at least 80% satisfied)."""

    __tablename__ = "satisfaction"

    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    speed: Mapped[int]
    fairness: Mapped[int]
    clarity: Mapped[int]
    overall: Mapped[int]
    comment_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "speed BETWEEN 1 AND 5 AND fairness BETWEEN 1 AND 5 AND clarity BETWEEN 1 AND 5 "
            "AND overall BETWEEN 1 AND 5",
            name="scores",
        ),
    )
