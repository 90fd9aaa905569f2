"""Referrals of a case to another organisation on the same host.

The row belongs to the sending organisation. It waits (``pending``) while a tip's sealed
identity needs one of the sender's custodians to move it; once done it names the case
made at the receiver, and keeps the sender's tracking digest so that the complainant's
code, typed at either organisation, still finds the case (``intake.services.host_referral``).
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake.extensions import Model
from intake.models.cases import Case
from intake.models.columns import AwareDateTime, new_id, stored_enum
from intake.models.ownership import OrganisationOwned


class HostReferralStatus(enum.StrEnum):
    PENDING = "pending"  # a custodian of the sender must move the identity first
    DONE = "done"
    CANCELLED = "cancelled"  # the case moved on before the custodian acted


class HostReferral(OrganisationOwned, Model):
    __tablename__ = "host_referrals"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=new_id)
    case_id: Mapped[str] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    to_organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    # The public reason, under the sender's content key.
    reason_enc: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[HostReferralStatus] = mapped_column(
        stored_enum(HostReferralStatus), default=HostReferralStatus.PENDING
    )
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    done_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    # The receiver's case (a row of the receiving organisation).
    new_case_id: Mapped[str | None] = mapped_column(sa.ForeignKey("cases.id"))
    # The sender's digest of the complainant's code: the code typed at the sender finds
    # this row; typed at the receiver, it is checked against it once (``claimed_at``).
    tracking_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
