"""Staff sign-in: password, then a TOTP code; lockout; sign-out everywhere.

Passwords are hashed with werkzeug's scrypt. TOTP secrets are stored under the content
key. A code is accepted once: the last accepted time step is remembered.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from werkzeug.security import check_password_hash, generate_password_hash

from intake import crypto
from intake.models import Role, User
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record
from intake.services.personal_keys import ensure_personal_key, rewrap_personal_key
from intake.services.users import create_user, find_user, hash_password

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
PASSWORD_MIN = 10
ISSUER = "Intake"
# A little drift either way between the server's clock and the phone's.
TOTP_WINDOW = 1


@functools.cache
def _dummy_hash() -> str:
    """A hash to compare against when the username does not exist, so timing says
    nothing. Made on first need: scrypt takes 32 MB and a tenth of a second, which every
    worker would otherwise spend at start."""
    return generate_password_hash(secrets.token_hex(8))


@dataclass(frozen=True)
class NewUser:
    user: User
    provisioning_uri: str


def _totp_secret(keyring: crypto.Keyring, user: User) -> str:
    if user.totp_secret_enc is None:
        raise ServiceError("no_totp")
    return crypto.decrypt_text(
        keyring, user.totp_secret_enc, table="users", column="totp_secret", row_id=str(user.id)
    )


def _new_totp_secret(keyring: crypto.Keyring, user: User) -> str:
    secret = pyotp.random_base32()
    user.totp_secret_enc = crypto.encrypt_field(
        keyring, secret, table="users", column="totp_secret", row_id=str(user.id)
    )
    user.totp_confirmed = False
    user.totp_last_step = None
    return secret


def provisioning_uri(keyring: crypto.Keyring, user: User, organisation_name: str) -> str:
    issuer = f"{ISSUER} {organisation_name}".strip()[:60]
    return pyotp.TOTP(_totp_secret(keyring, user)).provisioning_uri(
        name=user.username, issuer_name=issuer
    )


def check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ServiceError("weak_password")


def register_user(
    session: DbSession,
    keyring: crypto.Keyring,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    organisation_name: str,
    department_id: int | None = None,
) -> NewUser:
    """A staff account with a fresh TOTP secret; commits."""
    check_password_strength(password)
    if role is Role.DEPARTMENT and department_id is None:
        raise ServiceError("department_required")
    user = create_user(session, username, display_name, role, password, department_id)
    _new_totp_secret(keyring, user)
    session.commit()
    return NewUser(user, provisioning_uri(keyring, user, organisation_name))


def _locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _fail(session: DbSession, keyring: crypto.Keyring, user: User, now: datetime) -> None:
    user.failed_logins += 1
    if user.failed_logins >= MAX_FAILURES:
        user.locked_until = now + LOCKOUT
        user.failed_logins = 0
    record(session, keyring, "user.sign_in_failed", actor=actor_label(user), now=now)
    session.commit()


def check_password(
    session: DbSession, keyring: crypto.Keyring, username: str, password: str, now: datetime
) -> User:
    """First step. Raises ServiceError "invalid" (never says which part) or "locked"."""
    user = find_user(session, username.strip())
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        raise ServiceError("invalid")
    if _locked(user, now):
        raise ServiceError("locked")
    if not check_password_hash(user.password_hash, password):
        _fail(session, keyring, user, now)
        raise ServiceError("locked" if _locked(user, now) else "invalid")
    # The password is in hand only now: a legal officer's personal key is made (or
    # checked) with it, for what a reveal hands over.
    if ensure_personal_key(session, keyring, user, password, now) is not None:
        session.commit()
    return user


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    current = totp.timecode(now)
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_code(
    session: DbSession, keyring: crypto.Keyring, user: User, code: str, now: datetime
) -> None:
    """Second step: the code from the authenticator. A used code is refused."""
    if _locked(user, now) or not user.active:
        raise ServiceError("locked")
    step = _matching_step(_totp_secret(keyring, user), code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        _fail(session, keyring, user, now)
        raise ServiceError("locked" if _locked(user, now) else "bad_code")
    user.totp_last_step = step
    user.totp_confirmed = True
    user.failed_logins = 0
    user.last_login_at = now
    record(session, keyring, "user.signed_in", actor=actor_label(user), now=now)
    session.commit()


def development_code(keyring: crypto.Keyring, user: User, now: datetime) -> str:
    """The code an authenticator would show now; only development pages display it."""
    return pyotp.TOTP(_totp_secret(keyring, user)).at(now)


def change_password(session: DbSession, user: User, current: str, new: str, now: datetime) -> None:
    """Changing the password signs the user out of every other session, and re-wraps
    the personal key under the new password."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError("invalid")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    rewrap_personal_key(session, user, current, new)
    user.session_version += 1
    session.commit()


def reset_two_factor(session: DbSession, keyring: crypto.Keyring, user: User) -> None:
    """An administrator's reset: a new secret, enrolment again at next sign-in."""
    _new_totp_secret(keyring, user)
    user.session_version += 1
    session.commit()


def load_user(session: DbSession, session_user_id: str) -> User | None:
    """Flask-Login's loader: ``id:version``; an old version means signed out."""
    user_id, _, version = session_user_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user
