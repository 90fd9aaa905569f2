"""Typed SQLAlchemy 2.0 models.

Ciphertext columns end in ``_enc`` and hold the output of ``intake.crypto`` under the
content key, bound to (table, column without ``_enc``, row id): key rotation finds them by
that suffix. ``_sealed`` columns are sealed to a public key the server cannot open.
Nothing else in a row says more than a reference, a date, a status or a category. Case and
attachment ids are UUIDs made by the application, so that the associated data that
binds a ciphertext to its row is known before the row is inserted.
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.deadlines import CountingMode
from intake.extensions import Model
from intake.workflow import OPEN, Status


class CaseKind(enum.StrEnum):
    COMPLAINT = "complaint"
    TIP = "tip"


class Channel(enum.StrEnum):
    """How a case reached the organisation; statistics break down by it."""

    WEB = "web"
    WALK_IN = "walk_in"
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    SOCIAL = "social"  # Facebook, LINE: typed in by staff
    DAMRONGDHAM = "damrongdham"  # referred by ศูนย์ดำรงธรรม
    AGENCY = "agency"  # referred by another agency


class Role(enum.StrEnum):
    INTAKE = "intake"
    LEGAL = "legal"
    DEPARTMENT = "department"
    CUSTODIAN = "custodian"
    EXECUTIVE = "executive"
    ADMIN = "admin"
    AUDITOR = "auditor"


class AccusedRole(enum.StrEnum):
    """Who the tipster says the accused is, in the organisation: it decides who must
    not see the tip (``intake.services.exclusions``)."""

    EXECUTIVE = "executive"  # ผู้บริหาร: the mayor, the chief, their deputies
    STAFF = "staff"  # เจ้าหน้าที่ของหน่วยงาน
    OTHER = "other"  # someone else, or not known


class RevealStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"
    REVOKED = "revoked"
    EXPIRED = "expired"


class EventType(enum.StrEnum):
    FILED = "filed"
    STATUS = "status"  # a move in the workflow; its body, if any, is told to the complainant
    INTERIM_NOTICE = "interim_notice"  # progress told to the complainant; restarts the clock
    UPDATE = "update"  # a public message to the complainant
    NOTE = "note"  # internal only
    MOVED = "moved"  # a complaint moved onto the tip channel
    QUESTION = "question"  # staff ask the complainant something; shown on their page
    REPLY = "reply"  # the complainant's own message (and files) from their status page


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class AwareDateTime(sa.types.TypeDecorator[datetime]):
    """Stores UTC and always hands back aware datetimes, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to an aware column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _enum(enum_class: type[enum.Enum], name: str | None = None) -> sa.Enum:
    """Enums stored by value, as plain strings with a CHECK, the same on both engines.

    ``name`` names the CHECK constraint; two columns of one table need different names.
    """
    return sa.Enum(
        enum_class,
        values_callable=lambda members: [m.value for m in members],
        native_enum=False,
        create_constraint=True,
        length=20,
        name=name or enum_class.__name__.lower(),
        validate_strings=True,
    )


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
        _enum(CountingMode), default=CountingMode.CALENDAR
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
    kind: Mapped[CaseKind] = mapped_column(_enum(CaseKind))
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

    kind: Mapped[CaseKind] = mapped_column(_enum(CaseKind), primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class User(Model):
    """A staff account. Sign-in and two-factor arrive with the staff workspace."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    # Work address for reminders (staff, not complainants: kept in the clear).
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    # Head of a department, or lead of the complaint centre / legal unit: hears of
    # overdue cases.
    is_lead: Mapped[bool] = mapped_column(default=False)
    # Set by an administrator for people close to the executive (a deputy, a secretary,
    # a legal officer who answers to them): tips naming the executive are hidden from
    # them, as from every executive.
    excluded_from_executive_tips: Mapped[bool] = mapped_column(default=False)
    totp_secret_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # Set when the first code has been entered: until then sign-in shows the enrolment.
    totp_confirmed: Mapped[bool] = mapped_column(default=False)
    # The last accepted TOTP time step: a code is accepted once.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # A pending enrolment link: only a keyed digest of its token is kept (like tracking
    # codes), so the database alone cannot be used to enrol. One per user; issuing a new
    # link replaces it, and using it clears it.
    enrolment_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True, unique=True)
    enrolment_expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Part of the session's user id: bumping it signs the user out everywhere (a second
    # wall behind the server-side ``StaffSession`` rows, which sign-out ends one by one).
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship()

    # Flask-Login's protocol.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class StaffSession(Model):
    """A staff sign-in held on the server. The cookie carries a random id whose digest is
    here: ending the row ends every copy of the cookie, wherever it was copied to."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class SignInFailures(Model):
    """Failed sign-ins of one account from one client, counted to lock that pair only.

    ``client`` is a keyed digest of the address (``privacy.client_key``), never the
    address; the row with ``client == ACCOUNT_WIDE`` counts every client's failures for
    the account-wide slow-down, which delays but never locks.
    """

    __tablename__ = "sign_in_failures"

    ACCOUNT_WIDE = "*"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    client: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(AwareDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Set when this client completed a sign-in: the account-wide slow-down spares it.
    trusted_until: Mapped[datetime | None] = mapped_column(AwareDateTime)


class EndedPublicToken(Model):
    """A public-session token that was used up (a receipt shown) or ended ("leave").

    Only a digest of the token's random id is kept, never the case or the code, and only
    until every copy of that token has expired anyway, so the table stays small.
    """

    __tablename__ = "ended_public_tokens"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)


# The open statuses as SQL, for the partial index of open cases (the queue's condition
# must name the same list for the planner to use it).
OPEN_STATUSES_SQL = "status IN ({})".format(
    ", ".join(f"'{status.value}'" for status in Status if status in OPEN)
)


class Case(Model):
    __tablename__ = "cases"
    # No unique (kind, fiscal_year, sequence): a complaint moved to the tip channel keeps
    # its รร number, so two tips can share a sequence; the unique reference is what counts.
    __table_args__ = (
        sa.Index("ix_cases_kind_received_at", "kind", "received_at"),
        sa.Index("ix_cases_status_due_at", "status", "due_at"),
        # The staff queue's orders (due first, newest first), whole and for open cases
        # only, and a department officer's queue: a page is read off an index, not sorted
        # out of a million rows.
        sa.Index("ix_cases_due_order", "due_at", "received_at", "id"),
        sa.Index("ix_cases_received_order", "received_at", "id"),
        sa.Index("ix_cases_department_due", "department_id", "due_at"),
        # Possible duplicates are looked for among recent cases of one category.
        sa.Index("ix_cases_category_received", "category_id", "received_at"),
        sa.Index(
            "ix_cases_open_due_order",
            "due_at",
            "received_at",
            "id",
            postgresql_where=sa.text(OPEN_STATUSES_SQL),
            sqlite_where=sa.text(OPEN_STATUSES_SQL),
        ),
        # Reference search is by prefix (LIKE 'รร-2569%'): PostgreSQL needs pattern ops.
        sa.Index(
            "ix_cases_reference_prefix",
            "reference",
            postgresql_ops={"reference": "varchar_pattern_ops"},
        ),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    kind: Mapped[CaseKind] = mapped_column(_enum(CaseKind))
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    status: Mapped[Status] = mapped_column(_enum(Status), default=Status.RECEIVED)
    reference: Mapped[str] = mapped_column(sa.String(32), unique=True)
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
    accused_role: Mapped[AccusedRole | None] = mapped_column(_enum(AccusedRole))
    received_at: Mapped[datetime] = mapped_column(AwareDateTime)
    # The first deadline never moves (statistics' on_time); due_at is the current one.
    first_due_at: Mapped[datetime] = mapped_column(AwareDateTime)
    due_at: Mapped[datetime] = mapped_column(AwareDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # Where a referred case went: a code from intake.labels.REFERRAL or "other".
    referred_to: Mapped[str | None] = mapped_column(sa.String(30))
    referred_to_name: Mapped[str | None] = mapped_column(sa.String(200))
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
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


class CaseExclusion(Model):
    """A member of staff who must not see a case at all (conflict of interest: the tip
    names them, or someone they answer to). Added by a legal lead, audited."""

    __tablename__ = "case_exclusions"

    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class CaseEvent(Model):
    """One line of a case's timeline. ``public`` lines are shown to the complainant."""

    __tablename__ = "case_events"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    type: Mapped[EventType] = mapped_column(_enum(EventType))
    from_status: Mapped[Status | None] = mapped_column(_enum(Status, "from_status"))
    to_status: Mapped[Status | None] = mapped_column(_enum(Status, "to_status"))
    public: Mapped[bool] = mapped_column(default=True)
    body_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    case: Mapped[Case] = relationship(back_populates="events")


class Attachment(Model):
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


class ReopenRequest(Model):
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
        _enum(ReopenOutcome), default=ReopenOutcome.PENDING
    )
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer_event_id: Mapped[str | None] = mapped_column(sa.ForeignKey("case_events.id"))

    case: Mapped[Case] = relationship()


class SatisfactionResponse(Model):
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


class CaseTally(Model):
    """How many cases of a kind and month fall under one value of one breakdown.

    Kept by ``intake.tallies`` in the flush that changes a case, so every published
    figure is a sum over this small table instead of a scan of ``cases``; a test checks
    it always equals a recount.
    """

    __tablename__ = "case_tallies"

    kind: Mapped[CaseKind] = mapped_column(_enum(CaseKind), primary_key=True)
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


class ReportNarrative(Model):
    """What staff write into a period's report: problems, remedies and the sign-off.

    ``half`` is 1 (Oct–Mar), 2 (Apr–Sep) or 0 for the whole fiscal year. These texts are
    written to be published, so they are not encrypted.
    """

    __tablename__ = "report_narratives"
    __table_args__ = (sa.UniqueConstraint("kind", "fiscal_year", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CaseKind] = mapped_column(_enum(CaseKind))
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


class IdentityKey(Model):
    """A generation of the organisation's identity key pair; only the public half is here."""

    __tablename__ = "identity_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class CustodianKey(Model):
    """A custodian's own key pair; the private half is wrapped under their passphrase."""

    __tablename__ = "custodian_keys"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    private_wrapped: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    # Wrong passphrases since the last right one; reaching the limit refuses further
    # tries until ``passphrase_locked_until``, for longer each time (``passphrase_lockouts``).
    passphrase_failures: Mapped[int] = mapped_column(default=0)
    passphrase_lockouts: Mapped[int] = mapped_column(default=0)
    passphrase_locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime)

    user: Mapped[User] = relationship()


class IdentityKeyGrant(Model):
    """An identity private key sealed to one custodian's public key."""

    __tablename__ = "identity_key_grants"

    identity_key_id: Mapped[int] = mapped_column(
        sa.ForeignKey("identity_keys.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("custodian_keys.user_id"), primary_key=True)
    private_sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class PersonalKey(Model):
    """A staff member's own key pair, for what a reveal hands to them alone.

    Only people whose role may ask for reveals hold one. The private half is wrapped
    under their sign-in password (scrypt), which the server never keeps.
    """

    __tablename__ = "personal_keys"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    private_wrapped: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class RevealRequest(Model):
    """A legal officer's request to see one tipster's identity, and its decision.

    While an approval runs, the opened identity is sealed to the requester's personal key
    (``revealed_sealed``), never kept under a key the server holds; it is wiped on expiry
    or revocation. The name does not end in ``_enc``: content-key rotation must leave it.
    """

    __tablename__ = "reveal_requests"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[RevealStatus] = mapped_column(_enum(RevealStatus), default=RevealStatus.PENDING)
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decision_reason_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    approved_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    revealed_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    case: Mapped[Case] = relationship()


class Notification(Model):
    """Something a staff member must see (and, later, be mailed). Carries no content."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    case_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cases.id"))
    reveal_request_id: Mapped[str | None] = mapped_column(sa.ForeignKey("reveal_requests.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class OutboxMessage(Model):
    """A mail waiting to be sent (or sent). Recipient and body are encrypted: a
    complainant's address is personal data, even when the mail itself says nothing.

    Each message has its own state (intake.mail.state): sent, failed for good (the
    server refused it permanently, or too many attempts), or waiting until
    ``next_attempt_at`` (a temporary refusal backs off this message alone)."""

    __tablename__ = "outbox"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    subject_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    body_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # The SMTP server's last reply code for this message (e.g. 451, 550); never its text,
    # which can quote the recipient.
    last_code: Mapped[int | None] = mapped_column()


class ReminderSent(Model):
    """One digest per person, kind and Bangkok day: running `remind` twice sends nothing."""

    __tablename__ = "reminders_sent"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    cases: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class AuditEntry(Model):
    """One append-only audit line: who, what, when, which case. Never content.

    ``mac`` chains each entry to the one before it with a server-held key; database
    triggers refuse UPDATE and DELETE; ``AuditHead`` remembers the newest entry so that
    deleting it is noticed too.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    actor: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(60))
    case_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    detail: Mapped[str] = mapped_column(sa.String(200), default="")
    mac: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(Model):
    """The single row naming the newest audit entry; appending locks it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(default=0)
    last_mac: Mapped[str] = mapped_column(sa.String(64), default="")


# The audit log refuses to be changed, whichever way the tables were created.
AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
    ],
}

for _dialect, _statements in AUDIT_TRIGGERS.items():
    for _statement in _statements:
        sa.event.listen(
            AuditEntry.__table__,
            "after_create",
            sa.DDL(_statement).execute_if(dialect=_dialect),
        )

# The head row exists from the start, so the first two appends cannot race to create it.
sa.event.listen(
    AuditHead.__table__,
    "after_create",
    sa.DDL("INSERT INTO audit_head (id, last_id, last_mac) VALUES (1, 0, '')"),
)
