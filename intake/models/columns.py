"""Column helpers shared by every model: aware timestamps, ids, enums stored by value."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa


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
        if value is None or value.tzinfo is UTC:
            return value  # PostgreSQL sessions run in UTC: most values come back as they are
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def stored_enum(enum_class: type[enum.Enum], name: str | None = None) -> sa.Enum:
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
