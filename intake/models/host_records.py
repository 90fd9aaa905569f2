"""What the host itself keeps about organisations that are gone.

An organisation's own audit chain is deleted with it, so the deletion is recorded here,
outside every organisation: which organisation (its id, address and name at the time),
when, by whom, and whether an export of it had been made first. ``pending`` is true only
inside the transaction that deletes it: the audit log's trigger lets that organisation's
entries go then, and never otherwise.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import Model
from intake.models.columns import AwareDateTime, utcnow


class OrganisationDeletion(Model):
    """One organisation deleted from this host (not owned by any organisation)."""

    __tablename__ = "organisation_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    deleted_organisation_id: Mapped[int] = mapped_column(index=True)  # no key: it is gone
    slug: Mapped[str] = mapped_column(sa.String(63))
    name_th: Mapped[str] = mapped_column(sa.String(300))
    deleted_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(sa.String(120))
    exported_first: Mapped[bool] = mapped_column()
    rows_deleted: Mapped[int] = mapped_column(default=0)
    files_deleted: Mapped[int] = mapped_column(default=0)
    pending: Mapped[bool] = mapped_column(default=False)
