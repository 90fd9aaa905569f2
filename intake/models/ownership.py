"""Every table but ``organisation`` holds rows of one organisation.

``OrganisationOwned`` gives a table its ``organisation_id``; ``intake.organisation_scope``
is the one place that keeps every query to the current organisation's rows and stamps new
rows with it (and on PostgreSQL, row-level security policies hold the same line in the
database itself). A table whose primary key starts with the organisation declares the
column itself, as part of that key.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake import row_security
from intake.extensions import Base


def organisation_column(primary_key: bool = False) -> Mapped[int]:
    """The owning organisation: part of the key, or indexed on its own."""
    return mapped_column(
        sa.ForeignKey("organisation.id"), primary_key=primary_key, index=not primary_key
    )


class OrganisationOwned:
    """A row that belongs to one organisation."""

    organisation_id: Mapped[int] = organisation_column()


# ``create_all`` (tests, a fresh development database) puts every owned table behind the
# same row-level security policy as migration 0022 does.
sa.event.listen(Base.metadata, "after_create", row_security.put_behind_the_wall)
