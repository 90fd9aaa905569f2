"""Staff sessions held on the server, so that signing out really ends them.

Flask's session cookie is kept by the browser: anyone holding a copy could replay it
until it timed out. So a sign-in creates a ``StaffSession`` row and the cookie carries
only its random id; the row is checked on every request, and ending it (sign-out, idle
timeout, disabling the account, a password change, a 2FA reset) makes every copy of the
cookie worthless. Only a digest of the id is stored: the table alone opens nothing.

``User.session_version`` stays as a second wall: ending all of a user's sessions also
bumps it, and the cookie's user id carries the version it was issued under.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from intake.models import StaffSession, User
from intake.services import DbSession

# The last-seen time is written at most this often: one indexed read per request,
# a write only once a minute.
TOUCH_EVERY = timedelta(minutes=1)
# Ended and long-idle rows are deleted after this long (they only help answer "why was
# I signed out" for a while).
KEEP_ENDED = timedelta(days=30)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(session: DbSession, user: User, now: datetime) -> str:
    """A new server-side session for ``user``; returns the id for the cookie. Not committed."""
    token = secrets.token_urlsafe(32)
    stale = now - KEEP_ENDED
    session.execute(
        delete(StaffSession).where(
            or_(StaffSession.ended_at < stale, StaffSession.last_seen_at < stale)
        )
    )
    session.add(
        StaffSession(digest=_digest(token), user_id=user.id, created_at=now, last_seen_at=now)
    )
    return token


def parse_user_id(session_user_id: str) -> tuple[int, int] | None:
    """Flask-Login's user id is ``id:session_version``."""
    user_id, _, version = session_user_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    return int(user_id), int(version)


def _has_pending_changes(session: DbSession) -> bool:
    return bool(session.new or session.dirty or session.deleted)


def load_session_user(
    session: DbSession,
    session_user_id: str,
    token: str | None,
    now: datetime,
    idle: timedelta,
) -> tuple[User | None, bool]:
    """The signed-in user, or None; and whether the session has just ended for idleness.

    One indexed lookup (the session row joined to its user). A session idle for longer
    than ``idle`` is ended here, on the server, whatever the cookie says.
    """
    parsed = parse_user_id(session_user_id)
    if parsed is None or not token:
        return None, False
    row = session.execute(
        select(StaffSession, User)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.digest == _digest(token))
    ).first()
    if row is None:
        return None, False
    staff_session, user = row[0], row[1]
    if (
        staff_session.ended_at is not None
        or (user.id, user.session_version) != parsed
        or not user.active
    ):
        return None, False
    if now - staff_session.last_seen_at > idle:
        staff_session.ended_at = now
        session.commit()
        return None, True
    if now - staff_session.last_seen_at >= TOUCH_EVERY and not _has_pending_changes(session):
        staff_session.last_seen_at = now
        session.commit()
    return user, False


def end_session(session: DbSession, token: str | None, now: datetime) -> None:
    """Sign-out: this session ends on the server; commits."""
    if token:
        session.execute(
            update(StaffSession)
            .where(StaffSession.digest == _digest(token), StaffSession.ended_at.is_(None))
            .values(ended_at=now)
        )
    session.commit()


def end_all_sessions(
    session: DbSession, user: User, now: datetime, *, keep_token: str | None = None
) -> None:
    """Every session of ``user`` ends (all but ``keep_token``'s, when given).

    The one way to sign a person out everywhere: disabling the account, a password change,
    a two-factor reset. Part of the caller's transaction (not committed here). The kept
    session must be re-issued under the new ``session_version`` (``login_user`` again).
    """
    query = update(StaffSession).where(
        StaffSession.user_id == user.id, StaffSession.ended_at.is_(None)
    )
    if keep_token:
        query = query.where(StaffSession.digest != _digest(keep_token))
    session.execute(query.values(ended_at=now))
    user.session_version += 1
