"""Staff sign-in: password, then a TOTP code; throttling; sign-out everywhere.

Passwords are hashed with werkzeug's scrypt. TOTP secrets are stored under the content
key. A code is accepted once: the last accepted time step is remembered. Every refusal
of the password step is the same error ("invalid") after the same work (one scrypt), so
neither the text nor the time tells an unknown, disabled, locked-out or real account
apart. Throttling is per account and client (``services.sign_in_throttle``).
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from werkzeug.security import check_password_hash, generate_password_hash

from intake import crypto
from intake.models import Role, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services import sign_in_throttle as throttle
from intake.services.audit import actor_label, record
from intake.services.personal_keys import ensure_personal_key, rewrap_personal_key
from intake.services.staff_sessions import end_all_sessions, parse_user_id, start_session
from intake.services.users import create_user, find_user, has_usable_password, hash_password

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
        raise ServiceError(Problem.NO_TWO_FACTOR)
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


def new_totp_secret() -> str:
    """A secret for an authenticator, not yet stored anywhere (see ``enrol_two_factor``)."""
    return pyotp.random_base32()


def totp_uri(secret: str, username: str, organisation_name: str) -> str:
    issuer = f"{ISSUER} {organisation_name}".strip()[:60]
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def provisioning_uri(keyring: crypto.Keyring, user: User, organisation_name: str) -> str:
    return totp_uri(_totp_secret(keyring, user), user.username, organisation_name)


def check_password_strength(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise ServiceError(Problem.WEAK_PASSWORD)


def set_password(session: DbSession, user: User, password: str) -> None:
    """The one place a person's password is set: at creation from the command line, at
    enrolment and on a change. Anything that must follow a new password belongs here.
    Does not commit."""
    check_password_strength(password)
    user.password_hash = hash_password(password)


def enrol_two_factor(
    keyring: crypto.Keyring, user: User, secret: str, code: str, now: datetime
) -> None:
    """Store ``secret`` as the user's, confirmed by a code the person's authenticator made
    from it (so a mistyped secret cannot lock them out). Does not commit."""
    step = _matching_step(secret, code, now)
    if step is None:
        raise ServiceError(Problem.WRONG_TWO_FACTOR_CODE)
    user.totp_secret_enc = crypto.encrypt_field(
        keyring, secret, table="users", column="totp_secret", row_id=str(user.id)
    )
    user.totp_confirmed = True
    user.totp_last_step = step


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
        raise ServiceError(Problem.DEPARTMENT_REQUIRED)
    user = create_user(session, username, display_name, role, None, department_id)
    set_password(session, user, password)
    _new_totp_secret(keyring, user)
    session.commit()
    return NewUser(user, provisioning_uri(keyring, user, organisation_name))


def _fail(
    session: DbSession, keyring: crypto.Keyring, user: User, client: str, now: datetime
) -> None:
    throttle.record_failure(session, user, client, now)
    record(session, keyring, "user.sign_in_failed", actor=actor_label(user), now=now)
    session.commit()


def check_password(
    session: DbSession,
    keyring: crypto.Keyring,
    username: str,
    password: str,
    client: str,
    now: datetime,
) -> User:
    """First step. Raises ServiceError "invalid" whatever the reason."""
    user = find_user(session, username.strip())
    # An account still waiting for its enrolment has no password that could match.
    if (
        user is None
        or not user.active
        or not has_usable_password(user)
        or throttle.refused(session, user, client, now)
    ):
        check_password_hash(_dummy_hash(), password)
        raise ServiceError(Problem.SIGN_IN_REFUSED)
    if not check_password_hash(user.password_hash, password):
        _fail(session, keyring, user, client, now)
        raise ServiceError(Problem.SIGN_IN_REFUSED)
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
    session: DbSession,
    keyring: crypto.Keyring,
    user: User,
    code: str,
    client: str,
    now: datetime,
) -> str:
    """Second step: the code from the authenticator. A used code is refused.

    Returns the id of the new server-side session, for the cookie.
    """
    if not user.active or throttle.refused(session, user, client, now):
        raise ServiceError(Problem.SIGN_IN_LOCKED)
    step = _matching_step(_totp_secret(keyring, user), code, now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        _fail(session, keyring, user, client, now)
        locked = throttle.refused(session, user, client, now)
        raise ServiceError(Problem.SIGN_IN_LOCKED if locked else Problem.WRONG_TWO_FACTOR_CODE)
    user.totp_last_step = step
    user.totp_confirmed = True
    user.last_login_at = now
    throttle.record_success(session, user, client, now)
    token = start_session(session, user, now)
    record(session, keyring, "user.signed_in", actor=actor_label(user), now=now)
    session.commit()
    return token


def development_code(keyring: crypto.Keyring, user: User, now: datetime) -> str:
    """The code an authenticator would show now; only development pages display it."""
    return pyotp.TOTP(_totp_secret(keyring, user)).at(now)


def change_password(
    session: DbSession,
    user: User,
    current: str,
    new: str,
    now: datetime,
    *,
    keep_token: str | None,
) -> None:
    """Changing the password ends every other session of the user on the server and
    re-wraps the personal key under the new password."""
    if not check_password_hash(user.password_hash, current):
        raise ServiceError(Problem.SIGN_IN_REFUSED)
    set_password(session, user, new)
    rewrap_personal_key(session, user, current, new)
    end_all_sessions(session, user, now, keep_token=keep_token)
    session.commit()


def reset_two_factor(
    session: DbSession, keyring: crypto.Keyring, user: User, now: datetime
) -> None:
    """A new secret, shown at the next sign-in (development's demo accounts), and every
    session of the user ends now. People otherwise get a new enrolment link instead: see
    ``services.enrolment``."""
    _new_totp_secret(keyring, user)
    end_all_sessions(session, user, now)
    session.commit()


def pending_user(session: DbSession, session_user_id: str) -> User | None:
    """The user between the password and the code step (``id:version``, no session yet)."""
    parsed = parse_user_id(session_user_id)
    if parsed is None:
        return None
    user = session.get(User, parsed[0])
    if user is None or not user.active or user.session_version != parsed[1]:
        return None
    return user
