"""One-time enrolment links: how each person sets their own password and enrols two-factor.

An administrator, or an operator at the command line, issues a link; only whoever opens it
chooses the password and sees the two-factor secret, so an administrator never knows
either. The token carries 192 random bits and is never stored: only its keyed digest is
(like tracking codes), so a copy of the database enrols nobody. A link is bound to one
account, works once, and expires after ``LIFETIME``.

Issuing a link also ends what the account had: its password and two-factor stop working
and every session ends at once. That is what an administrator's "reset" means, so a lost
phone, a forgotten password and a leaked one are all dealt with the same way.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from intake import crypto
from intake.database import forget_freed_pages
from intake.models import Role, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError, sign_in_throttle
from intake.services import auth as auth_service
from intake.services.audit import ACTOR_SYSTEM, actor_label, record
from intake.services.personal_keys import withdraw_personal_key
from intake.services.staff_sessions import end_all_sessions
from intake.services.users import UNUSABLE_PASSWORD, create_user

LIFETIME = timedelta(hours=72)
TOKEN_BYTES = 24  # 192 bits from `secrets`
# Longer than any token we issue; a longer value is not looked up at all.
MAX_TOKEN_LENGTH = 64
PATH = "/staff/enrol"
_SEAL_PURPOSE = "enrolment"


@dataclass(frozen=True)
class IssuedLink:
    user: User
    token: str
    expires_at: datetime

    def url(self, base_url: str) -> str:
        return enrolment_url(base_url, self.token)


@dataclass(frozen=True)
class PendingEnrolment:
    """What one browser holds while its person enrols: the token they came with and the
    two-factor secret shown to them (sealed in the session cookie, which is not secret)."""

    token: str
    secret: str


def enrolment_url(base_url: str, token: str) -> str:
    """The link to hand over. The token rides in the query string, which neither the
    application's access log nor the recommended proxy log format writes down."""
    return f"{base_url.rstrip('/')}{PATH}?token={token}"


def issue(
    session: DbSession, keyring: crypto.Keyring, user: User, *, actor: str, now: datetime
) -> IssuedLink:
    """A new link for ``user``; the previous one, the password and two-factor stop working
    and every session of the user ends. Audited; does not commit."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    replaced = user.enrolment_digest is not None
    user.enrolment_digest = crypto.enrolment_digest(keyring, token)
    user.enrolment_expires_at = now + LIFETIME
    user.password_hash = UNUSABLE_PASSWORD
    user.totp_secret_enc = None
    user.totp_confirmed = False
    user.totp_last_step = None
    sign_in_throttle.lift(session, user)
    end_all_sessions(session, user, now)
    # A key wrapped under the old password must not wait for whoever enrols next.
    withdraw_personal_key(session, keyring, user, actor=actor, now=now)
    detail = f"user:{user.id}" + (" replaced" if replaced else "")
    record(session, keyring, "user.enrolment_issued", actor=actor, now=now, detail=detail)
    return IssuedLink(user, token, user.enrolment_expires_at)


def issue_link(
    session: DbSession, keyring: crypto.Keyring, user: User, *, actor: str, now: datetime
) -> IssuedLink:
    """``issue``, committed; on SQLite the pages a withdrawn reveal freed are emptied."""
    issued = issue(session, keyring, user, actor=actor, now=now)
    session.commit()
    forget_freed_pages(session)
    return issued


def create_account(
    session: DbSession,
    keyring: crypto.Keyring,
    *,
    username: str,
    display_name: str,
    role: Role,
    department_id: int | None,
    actor: str,
    now: datetime,
) -> IssuedLink:
    """A staff account with no password and no two-factor yet, and its enrolment link.
    Does not commit."""
    if role is Role.DEPARTMENT and department_id is None:
        raise ServiceError(Problem.DEPARTMENT_REQUIRED)
    user = create_user(session, username, display_name, role, None, department_id)
    return issue(session, keyring, user, actor=actor, now=now)


def _expire(session: DbSession, keyring: crypto.Keyring, user: User, now: datetime) -> None:
    user.enrolment_digest = None
    user.enrolment_expires_at = None
    record(
        session,
        keyring,
        "user.enrolment_expired",
        actor=ACTOR_SYSTEM,
        now=now,
        detail=f"user:{user.id}",
    )


def find_pending(session: DbSession, keyring: crypto.Keyring, token: str, now: datetime) -> User:
    """The account a token enrols. Raises ServiceError "enrolment_invalid" (unknown, used
    or replaced) or "enrolment_expired" (which also clears and audits the expiry)."""
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise ServiceError(Problem.ENROLMENT_INVALID)
    digest = crypto.enrolment_digest(keyring, token)
    user = session.scalars(select(User).where(User.enrolment_digest == digest)).first()
    if user is None or not user.active:
        raise ServiceError(Problem.ENROLMENT_INVALID)
    if user.enrolment_expires_at is None or user.enrolment_expires_at <= now:
        _expire(session, keyring, user, now)
        session.commit()
        raise ServiceError(Problem.ENROLMENT_EXPIRED)
    return user


def expire_links(session: DbSession, keyring: crypto.Keyring, now: datetime) -> int:
    """Clear every link past its time, each audited (the daily `remind` run); commits."""
    query = select(User).where(User.enrolment_expires_at <= now).order_by(User.id)
    expired = list(session.scalars(query))
    for user in expired:
        _expire(session, keyring, user, now)
    session.commit()
    return len(expired)


def start(keyring: crypto.Keyring, token: str) -> str:
    """What a browser keeps, sealed, once it has followed a link: the token and a fresh
    two-factor secret for its person."""
    text = json.dumps(
        {"token": token.strip()[:MAX_TOKEN_LENGTH], "secret": auth_service.new_totp_secret()}
    )
    return crypto.seal_token(keyring, text, purpose=_SEAL_PURPOSE)


def open_pending(keyring: crypto.Keyring, sealed: str) -> PendingEnrolment:
    try:
        data = json.loads(crypto.open_token(keyring, sealed, purpose=_SEAL_PURPOSE))
        return PendingEnrolment(str(data["token"]), str(data["secret"]))
    except (crypto.CryptoError, ValueError, KeyError, TypeError) as exc:
        raise ServiceError(Problem.ENROLMENT_INVALID) from exc


def complete(
    session: DbSession,
    keyring: crypto.Keyring,
    pending: PendingEnrolment,
    *,
    password: str,
    code: str,
    now: datetime,
) -> User:
    """Set the person's own password and two-factor, and end the link; commits.

    Raises ServiceError "enrolment_invalid", "enrolment_expired", "weak_password" or
    "bad_code" (the link stays usable after the last two)."""
    user = find_pending(session, keyring, pending.token, now)
    try:
        auth_service.set_password(session, user, password)
        auth_service.enrol_two_factor(keyring, user, pending.secret, code, now)
    except ServiceError:
        session.rollback()
        raise
    # Claimed with a condition, so two browsers racing with one link cannot both enrol.
    claimed = session.execute(
        update(User)
        .where(User.id == user.id, User.enrolment_digest == user.enrolment_digest)
        .values(enrolment_digest=None, enrolment_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        session.rollback()
        raise ServiceError(Problem.ENROLMENT_INVALID)
    user.enrolment_digest = None
    user.enrolment_expires_at = None
    sign_in_throttle.lift(session, user)
    end_all_sessions(session, user, now)
    record(
        session,
        keyring,
        "user.enrolled",
        actor=actor_label(user),
        now=now,
        detail=f"user:{user.id}",
    )
    session.commit()
    return user
