"""One administrative change and its audit entry, committed together."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from intake import crypto
from intake.models import User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record


def save_with_audit(
    session: DbSession,
    keyring: crypto.Keyring,
    admin: User,
    now: datetime,
    detail: str | Callable[[], str],
    action: str = "admin.reference_changed",
    taken: Problem = Problem.NAME_TAKEN,
) -> None:
    """Write the change, then its audit entry, and commit them together.

    The change is flushed before the entry, so a name taken by a concurrent change shows
    as the same error as a taken one, before the audit head is locked. ``detail`` may be
    a callable, for a new row whose id exists only after the flush.
    """
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise ServiceError(taken) from error
    text = detail() if callable(detail) else detail
    record(session, keyring, action, actor=actor_label(admin), now=now, detail=text)
    session.commit()
