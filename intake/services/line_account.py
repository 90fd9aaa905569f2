"""An organisation's LINE Official Account: connected with its channel secret and access
token (kept encrypted, never shown again), disconnected, and opened for the webhook and
the Messaging API. The chats themselves are ``intake.services.line_chat``."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import select

from intake import crypto
from intake.models import Case, LineAccount, LineChat, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import actor_label, record

SECRET_MAX = 100
TOKEN_MAX = 400


def account(session: DbSession) -> LineAccount | None:
    return session.scalars(select(LineAccount)).one_or_none()


def _encrypt(keyring: crypto.Keyring, value: str, column: str, row: LineAccount) -> bytes:
    return crypto.encrypt_field(
        keyring, value, table="line_accounts", column=column, row_id=str(row.id)
    )


def _decrypt(keyring: crypto.Keyring, blob: bytes, column: str, row: LineAccount) -> str:
    return crypto.decrypt_text(
        keyring, blob, table="line_accounts", column=column, row_id=str(row.id)
    )


def secret(keyring: crypto.Keyring, row: LineAccount) -> str:
    return _decrypt(keyring, row.secret_enc, "secret", row)


def token(keyring: crypto.Keyring, row: LineAccount) -> str:
    return _decrypt(keyring, row.token_enc, "token", row)


def connect(
    session: DbSession,
    keyring: crypto.Keyring,
    actor: User,
    *,
    channel_secret: str,
    access_token: str,
    now: datetime,
) -> None:
    """Connect the Official Account, or replace its keys."""
    channel_secret, access_token = channel_secret.strip(), access_token.strip()
    if (
        not channel_secret
        or len(channel_secret) > SECRET_MAX
        or any(c.isspace() for c in channel_secret)
    ):
        raise ServiceError(Problem.LINE_KEYS_INVALID)
    if not access_token or len(access_token) > TOKEN_MAX or any(c.isspace() for c in access_token):
        raise ServiceError(Problem.LINE_KEYS_INVALID)
    row = account(session)
    if row is None:
        row = LineAccount(secret_enc=b"", token_enc=b"", connected_at=now)
        session.add(row)
        session.flush()  # the id the ciphertexts are bound to
    row.secret_enc = _encrypt(keyring, channel_secret, "secret", row)
    row.token_enc = _encrypt(keyring, access_token, "token", row)
    row.connected_at = now
    row.connected_by_id = actor.id
    record(session, keyring, "admin.line_connected", actor=actor_label(actor), now=now)
    session.commit()


def disconnect(session: DbSession, keyring: crypto.Keyring, actor: User, *, now: datetime) -> None:
    row = account(session)
    if row is None:
        return
    session.delete(row)
    record(session, keyring, "admin.line_disconnected", actor=actor_label(actor), now=now)
    session.commit()


def forget_person(session: DbSession, case: Case) -> None:
    """The case keeps no LINE user id, and no chat follows it any more (its contact was
    purged, or it became a tip, whose informant LINE must not be able to name)."""
    case.line_user_enc = None
    session.execute(sa.update(LineChat).where(LineChat.case_id == case.id).values(case_id=None))
