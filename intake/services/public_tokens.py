"""Public-session tokens that must not come back: a receipt already shown, a followed case
the person left.

The public session lives in the browser's cookie, so an older copy of it could be sent
again. Each token therefore carries a random id; using up or ending a token records a
digest of that id here until every copy of the token has expired anyway, and a token
whose id is recorded opens nothing. Nothing here names a case, a code or a person.

What such a token carries (a receipt, the followed case, a registration slip) is sealed
here too, under the content key, so the views that keep it in the session hold no key.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from intake import crypto
from intake.models import EndedPublicToken
from intake.services import DbSession


def new_token_id() -> str:
    return secrets.token_urlsafe(16)


def seal(keyring: crypto.Keyring, payload: dict[str, Any], *, purpose: str) -> str:
    """``payload`` sealed for the session cookie, which is signed but not secret."""
    return crypto.seal_token(keyring, json.dumps(payload), purpose=purpose)


def opened(keyring: crypto.Keyring, token: str | None, *, purpose: str) -> dict[str, Any] | None:
    """What ``seal`` put in ``token`` for this ``purpose``, or None when there is no
    token or it was not sealed by us for it (altered, another purpose, a retired key)."""
    if not token:
        return None
    try:
        payload = json.loads(crypto.open_token(keyring, token, purpose=purpose))
    except (crypto.DecryptionFailed, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


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
