"""The identity key pair and who holds it: custodians, grants, personal keys, and the
reveal requests they serve."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.extensions import Model
from intake.models.columns import AwareDateTime, new_id, stored_enum, utcnow
from intake.models.enums import RevealStatus
from intake.models.ownership import OrganisationOwned

if TYPE_CHECKING:  # relationships name these by string at run time
    from intake.models.cases import Case
    from intake.models.people import User


class IdentityKey(OrganisationOwned, Model):
    """A generation of the organisation's identity key pair; only the public half is here."""

    __tablename__ = "identity_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # The id its custodians' grants are bound to, when an import gave it a new id.
    key_binding_id: Mapped[int | None] = mapped_column()

    @property
    def key_binding(self) -> int:
        return self.key_binding_id or self.id


class CustodianKey(OrganisationOwned, Model):
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


class IdentityKeyGrant(OrganisationOwned, Model):
    """An identity private key sealed to one custodian's public key."""

    __tablename__ = "identity_key_grants"

    identity_key_id: Mapped[int] = mapped_column(
        sa.ForeignKey("identity_keys.id"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("custodian_keys.user_id"), primary_key=True)
    private_sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class PersonalKey(OrganisationOwned, Model):
    """A staff member's own key pair, for what a reveal hands to them alone.

    Only people whose role may ask for reveals hold one. The private half is wrapped
    under their sign-in password (scrypt), which the server never keeps.
    """

    __tablename__ = "personal_keys"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(sa.LargeBinary)
    private_wrapped: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class RevealRequest(OrganisationOwned, Model):
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
    status: Mapped[RevealStatus] = mapped_column(
        stored_enum(RevealStatus), default=RevealStatus.PENDING
    )
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    decision_reason_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    approved_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    revealed_sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)

    case: Mapped[Case] = relationship()
