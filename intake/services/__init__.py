"""Use cases. Each takes the session, enforces the rules, and owns its transaction."""

from typing import Any, TypeAlias

from sqlalchemy.orm import Session, scoped_session

# Views pass Flask-SQLAlchemy's scoped session; scripts and tests may pass a plain one.
DbSession: TypeAlias = Session | scoped_session[Any]


class ServiceError(Exception):
    """A domain rule said no; ``code`` tells the view which message to show."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code
