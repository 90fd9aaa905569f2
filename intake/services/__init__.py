"""Use cases. Each takes the session, enforces the rules, and owns its transaction."""

from typing import Any, TypeAlias

from sqlalchemy.orm import Session, scoped_session

from intake.problems import Problem

# Views pass Flask-SQLAlchemy's scoped session; scripts and tests may pass a plain one.
DbSession: TypeAlias = Session | scoped_session[Any]


class ServiceError(Exception):
    """A domain rule said no; ``code`` tells the view which message to show."""

    def __init__(self, code: Problem) -> None:
        # A free-text code would fall through every message table: refuse it here.
        if not isinstance(code, Problem):
            raise TypeError(f"ServiceError takes a Problem, not {code!r}")
        super().__init__(code.value)
        self.code = code
