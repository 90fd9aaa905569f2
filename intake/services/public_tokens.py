"""Public-session tokens that must not come back: a receipt already shown, a followed case
the person left.

The public session lives in the browser's cookie, so an older copy of it could be sent
again. Each token therefore carries a random id; using up or ending a token records a
digest of that id here until every copy of the token has expired anyway, and a token
whose id is recorded opens nothing. Nothing here names a case, a code or a person.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from intake.models import EndedPublicToken
from intake.services import DbSession


def new_token_id() -> str:
    return secrets.token_urlsafe(16)


def _digest(token_id: str) -> str:
    return hashlib.sha256(token_id.encode("utf-8")).hexdigest()


def is_ended(session: DbSession, token_id: str) -> bool:
    return session.get(EndedPublicToken, _digest(token_id)) is not None


def _purge(session: DbSession, now: datetime) -> None:
    session.execute(delete(EndedPublicToken).where(EndedPublicToken.expires_at < now))


def use_up(session: DbSession, token_id: str, *, expires_at: datetime, now: datetime) -> bool:
    """Marks the token used; True only for the first use (two requests racing with the
    same cookie: one wins). Commits."""
    _purge(session, now)
    session.commit()
    session.add(EndedPublicToken(digest=_digest(token_id), expires_at=expires_at))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def end(session: DbSession, token_id: str, *, expires_at: datetime, now: datetime) -> None:
    """Ends the token for every copy of it; ending it twice is harmless. Commits."""
    use_up(session, token_id, expires_at=expires_at, now=now)
