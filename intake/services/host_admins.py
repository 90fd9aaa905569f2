"""The host's administrators: accounts in no organisation, signing in with a password
and a TOTP code in one step at the host's root. Every refusal looks the same after the
same work (one scrypt), like staff sign-in; every sign-in and refusal is in the host's
audit chain."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp
from sqlalchemy import select
from werkzeug.security import check_password_hash

from intake import crypto
from intake.models import HostAdmin
from intake.organisation_scope import host_wide
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.auth import TOTP_WINDOW, _dummy_hash, check_password_strength, totp_uri
from intake.services.host_audit import host_actor, record_host
from intake.services.users import hash_password

_FIELD = {"table": "host_admins", "column": "totp_secret"}


@dataclass(frozen=True)
class NewHostAdmin:
    admin: HostAdmin
    provisioning_uri: str


def find(session: DbSession, username: str) -> HostAdmin | None:
    query = select(HostAdmin).where(HostAdmin.username == username)
    return session.scalars(host_wide(query)).first()


def by_session_id(session: DbSession, session_id: str) -> HostAdmin | None:
    """The administrator a signed session names (``id:version``), if still valid."""
    number, _, version = session_id.partition(":")
    if not (number.isdigit() and version.isdigit()):
        return None
    query = select(HostAdmin).where(HostAdmin.id == int(number))
    admin = session.scalars(host_wide(query)).first()
    if admin is None or not admin.active or admin.session_version != int(version):
        return None
    return admin


def session_id(admin: HostAdmin) -> str:
    return f"{admin.id}:{admin.session_version}"


def create(
    session: DbSession,
    keyring: crypto.Keyring,
    username: str,
    display_name: str,
    password: str,
    now: datetime,
) -> NewHostAdmin:
    """A host administrator with their password and a fresh TOTP secret; commits."""
    check_password_strength(password)
    if not username or len(username) > 80 or find(session, username) is not None:
        raise ServiceError(Problem.USERNAME_TAKEN if username else Problem.BAD_USERNAME)
    admin = HostAdmin(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
    )
    session.add(admin)
    session.flush()
    secret = pyotp.random_base32()
    admin.totp_secret_enc = crypto.encrypt_field(keyring, secret, row_id=str(admin.id), **_FIELD)
    record_host(
        session,
        keyring,
        "host_admin.created",
        actor=host_actor(None),
        now=now,
        detail=f"host_admin:{admin.id}",
    )
    session.commit()
    return NewHostAdmin(admin, totp_uri(secret, username, "host"))


def _code_step(keyring: crypto.Keyring, admin: HostAdmin, code: str, now: datetime) -> int | None:
    if admin.totp_secret_enc is None:
        return None
    totp = pyotp.TOTP(
        crypto.decrypt_text(keyring, admin.totp_secret_enc, row_id=str(admin.id), **_FIELD)
    )
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    current = totp.timecode(now)
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def sign_in(
    session: DbSession,
    keyring: crypto.Keyring,
    username: str,
    password: str,
    code: str,
    now: datetime,
) -> HostAdmin:
    """Password and code together. Raises ServiceError "invalid" whatever was wrong;
    commits the audit entry either way."""
    admin = find(session, username.strip())
    if admin is None or not admin.active:
        check_password_hash(_dummy_hash(), password)
        raise ServiceError(Problem.SIGN_IN_REFUSED)
    step = None
    if check_password_hash(admin.password_hash, password):
        step = _code_step(keyring, admin, code, now)
    if step is None or (admin.totp_last_step is not None and step <= admin.totp_last_step):
        record_host(
            session, keyring, "host_admin.sign_in_failed", actor=host_actor(admin.id), now=now
        )
        session.commit()
        raise ServiceError(Problem.SIGN_IN_REFUSED)
    admin.totp_last_step = step
    admin.last_login_at = now
    record_host(session, keyring, "host_admin.signed_in", actor=host_actor(admin.id), now=now)
    session.commit()
    return admin


def current_code(keyring: crypto.Keyring, admin: HostAdmin, now: datetime) -> str:
    """What the administrator's authenticator shows now (for tests and development)."""
    assert admin.totp_secret_enc is not None  # noqa: S101
    secret = crypto.decrypt_text(keyring, admin.totp_secret_enc, row_id=str(admin.id), **_FIELD)
    return pyotp.TOTP(secret).at(now)
