"""Open311 GeoReport v2 clients: the other systems an organisation lets file general
complaints through its API (``intake.services.open311``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import Model
from intake.models.columns import AwareDateTime
from intake.models.ownership import OrganisationOwned


class Open311Client(OrganisationOwned, Model):
    """One client application and its API key. The key is shown once when issued; only
    its SHA-256 is kept (it is 256 random bits, so a plain digest cannot be reversed)."""

    __tablename__ = "open311_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The application's name as statistics label it ("Open311: <name>"); names no person.
    name: Mapped[str] = mapped_column(sa.String(80))
    key_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
