"""Staff accounts and what guards them: sessions, sign-in failures, ended public tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.extensions import Model
from intake.models.columns import AwareDateTime, stored_enum, utcnow
from intake.models.enums import Role
from intake.models.ownership import OrganisationOwned

if TYPE_CHECKING:  # relationships name these by string at run time
    from intake.models.organisation import Department


class User(OrganisationOwned, Model):
    """A staff account. Sign-in and two-factor arrive with the staff workspace."""

    __tablename__ = "users"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "username"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80))
    display_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(stored_enum(Role))
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
    # The id this person's wrapped keys are bound to, when an organisation's import gave
    # the account a new id (a passphrase-wrapped key cannot be re-bound without it).
    key_binding_id: Mapped[int | None] = mapped_column()
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
    def key_binding(self) -> int:
        return self.key_binding_id or self.id

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


class StaffSession(OrganisationOwned, Model):
    """A staff sign-in held on the server. The cookie carries a random id whose digest is
    here: ending the row ends every copy of the cookie, wherever it was copied to."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime)


class SignInFailures(OrganisationOwned, Model):
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


class EndedPublicToken(OrganisationOwned, Model):
    """A public-session token that was used up (a receipt shown) or ended ("leave").

    Only a digest of the token's random id is kept, never the case or the code, and only
    until every copy of that token has expired anyway, so the table stays small.
    """

    __tablename__ = "ended_public_tokens"

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime, index=True)
