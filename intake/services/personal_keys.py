"""Personal keys: a key pair per person who may ask for reveals, so that what a reveal
hands over is sealed to the requester and to nobody else.

The public half lies in ``personal_keys``; the private half is wrapped under the person's
sign-in password with scrypt (as custodians' keys are under their passphrase). The server
keeps no password, so nothing it holds — database, keys folder, backups — opens the
private half.

When it exists, and when it goes:
- made when such a person signs in with the right password and has none (the password is
  in hand only then); a key that the right password does not open is replaced there too;
- re-wrapped under the new password when the person changes it;
- deleted when an administrator resets their sign-in, disables them or gives them a role
  that may not ask; every reveal sealed to it ends then (nothing could open it any more).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from intake import crypto
from intake.models import PersonalKey, RevealRequest, RevealStatus, User
from intake.permissions import Permission, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import record


def _context(user_id: int) -> str:
    return f"intake:personal:{user_id}"


def may_hold(user: User) -> bool:
    """Only people who may ask for a reveal need a key to receive one."""
    return user.active and has_permission(user.role, Permission.REVEAL_REQUEST)


def _create(session: DbSession, user: User, password: str) -> PersonalKey:
    pair = crypto.generate_keypair()
    key = PersonalKey(
        user_id=user.id,
        public_key=pair.public,
        private_wrapped=crypto.wrap_with_passphrase(
            pair.private, password, context=_context(user.key_binding)
        ),
    )
    session.add(key)
    session.flush()
    return key


def _opens(key: PersonalKey, user: User, password: str) -> bool:
    try:
        crypto.unwrap_with_passphrase(
            key.private_wrapped, password, context=_context(user.key_binding)
        )
    except crypto.WrongPassphrase:
        return False
    return True


def ensure_personal_key(
    session: DbSession, keyring: crypto.Keyring, user: User, password: str, now: datetime
) -> PersonalKey | None:
    """At sign-in, once the password is known to be right: the key exists and opens with it.

    A key the right password does not open (the password was set by a way that could not
    re-wrap it) is useless to its owner, so it is replaced and what was sealed to it ends.
    Does not commit.
    """
    if not may_hold(user):
        return None
    key = session.get(PersonalKey, user.id)
    if key is not None and _opens(key, user, password):
        return key
    if key is not None:
        withdraw_personal_key(session, keyring, user, actor="system", now=now)
    return _create(session, user, password)


def rewrap_personal_key(session: DbSession, user: User, current: str, new: str) -> None:
    """On a change of password (``current`` already checked): the same key, under ``new``.

    Without a key, one is made under ``new``. A key that ``current`` does not open is left
    as it is: the next sign-in replaces it (ensure_personal_key). Does not commit.
    """
    key = session.get(PersonalKey, user.id)
    if key is None:
        if may_hold(user):
            _create(session, user, new)
        return
    try:
        private = crypto.unwrap_with_passphrase(
            key.private_wrapped, current, context=_context(user.key_binding)
        )
    except crypto.WrongPassphrase:
        return
    key.private_wrapped = crypto.wrap_with_passphrase(
        private, new, context=_context(user.key_binding)
    )


def public_key(session: DbSession, user_id: int) -> bytes | None:
    key = session.get(PersonalKey, user_id)
    return None if key is None else key.public_key


def open_private_key(session: DbSession, user: User, password: str) -> bytes:
    """The private half, in memory only, for one use; raises "no_personal_key" or
    "wrong_password"."""
    key = session.get(PersonalKey, user.id)
    if key is None or not may_hold(user):
        raise ServiceError(Problem.NO_PERSONAL_KEY)
    try:
        return crypto.unwrap_with_passphrase(
            key.private_wrapped, password, context=_context(user.key_binding)
        )
    except crypto.WrongPassphrase as exc:
        raise ServiceError(Problem.WRONG_PASSWORD) from exc


def withdraw_personal_key(
    session: DbSession, keyring: crypto.Keyring, user: User, *, actor: str, now: datetime
) -> int:
    """Delete the key and end every running reveal sealed to it, each audited; returns how
    many reveals ended. Does not commit."""
    running = list(
        session.scalars(
            select(RevealRequest).where(
                RevealRequest.requester_id == user.id,
                RevealRequest.status == RevealStatus.APPROVED,
            )
        )
    )
    for request in running:
        request.status = RevealStatus.REVOKED
        request.revealed_sealed = None
        record(
            session,
            keyring,
            "reveal.revoked",
            actor=actor,
            now=now,
            case_id=request.case_id,
            detail=f"request {request.id}; the requester's key was withdrawn",
        )
    key = session.get(PersonalKey, user.id)
    if key is not None:
        session.delete(key)
    session.flush()
    return len(running)
