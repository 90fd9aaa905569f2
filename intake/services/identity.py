"""Whistleblower identities: sealing at filing, custodians, and identity-key rotation.

Keys and where they live:
- the organisation's identity key pair: public half in ``identity_keys``; private half
  only sealed to each custodian's public key in ``identity_key_grants``;
- each custodian's own key pair: public half and the private half wrapped under their
  passphrase (scrypt) in ``custodian_keys``.
Opening one identity therefore takes one custodian's passphrase and the database; the
server's own keys (content key, tracking pepper, audit key) never suffice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from intake import crypto
from intake.models import Case, CustodianKey, IdentityKey, IdentityKeyGrant, User
from intake.permissions import Permission, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError, passphrase_attempts
from intake.services.audit import actor_label, record


def _custodian_context(user_id: int) -> str:
    return f"intake:custodian:{user_id}"


def _grant_context(session: DbSession, identity_key_id: int, user_id: int) -> str:
    # Bound to the ids the key and the custodian had when first made (an imported
    # organisation's rows have new ids; what is sealed keeps the old ones).
    key, user = session.get(IdentityKey, identity_key_id), session.get(User, user_id)
    key_binding = key.key_binding if key is not None else identity_key_id
    user_binding = user.key_binding if user is not None else user_id
    return f"intake:grant:{key_binding}:{user_binding}"


def current_identity_key(session: DbSession) -> IdentityKey | None:
    """The newest identity key: new identities are sealed to it."""
    query = select(IdentityKey).where(IdentityKey.retired_at.is_(None))
    return session.scalars(query.order_by(IdentityKey.id.desc())).first()


def custodians(session: DbSession) -> list[User]:
    """Custodians who can open the current identity key."""
    key = current_identity_key(session)
    if key is None:
        return []
    query = (
        select(User)
        .join(IdentityKeyGrant, IdentityKeyGrant.user_id == User.id)
        .where(IdentityKeyGrant.identity_key_id == key.id, User.active.is_(True))
        .order_by(User.id)
    )
    return list(session.scalars(query))


def seal_case_identity(
    session: DbSession, identity: dict[str, str], case_id: str
) -> tuple[bytes, int]:
    """Seal a tipster's identity at filing; raises when no identity key exists yet."""
    key = current_identity_key(session)
    if key is None:
        raise ServiceError(Problem.IDENTITY_UNAVAILABLE)
    text = json.dumps(identity, ensure_ascii=False, sort_keys=True)
    return crypto.seal_identity(key.public_key, text, case_id=case_id), key.id


def _check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < crypto.MIN_PASSPHRASE_LENGTH:
        raise ServiceError(Problem.WEAK_PASSPHRASE)


def _enrol(session: DbSession, user: User, passphrase: str) -> CustodianKey:
    if not has_permission(user.role, Permission.IDENTITY_KEY):
        raise ServiceError(Problem.NOT_CUSTODIAN)
    existing = session.get(CustodianKey, user.id)
    if existing is not None:
        return existing
    _check_passphrase_strength(passphrase)
    pair = crypto.generate_keypair()
    custodian_key = CustodianKey(
        user_id=user.id,
        public_key=pair.public,
        private_wrapped=crypto.wrap_with_passphrase(
            pair.private, passphrase, context=_custodian_context(user.key_binding)
        ),
    )
    session.add(custodian_key)
    session.flush()
    return custodian_key


def _custodian_private(
    session: DbSession, keyring: crypto.Keyring, user: User, passphrase: str, now: datetime
) -> bytes:
    """The one place a custodian's passphrase is checked: limited, and every failure
    audited (``services.passphrase_attempts``)."""
    custodian_key = session.get(CustodianKey, user.id)
    allowed = has_permission(user.role, Permission.IDENTITY_KEY)
    if custodian_key is None or not allowed or not user.active:
        raise ServiceError(Problem.NOT_CUSTODIAN)
    passphrase_attempts.check_allowed(custodian_key, now)
    try:
        private = crypto.unwrap_with_passphrase(
            custodian_key.private_wrapped, passphrase, context=_custodian_context(user.key_binding)
        )
    except crypto.WrongPassphrase as exc:
        passphrase_attempts.record_failure(session, keyring, user, now)
        raise ServiceError(Problem.WRONG_PASSPHRASE) from exc
    passphrase_attempts.record_success(custodian_key)
    return private


def identity_private_key(
    session: DbSession,
    keyring: crypto.Keyring,
    custodian: User,
    passphrase: str,
    identity_key_id: int,
    now: datetime,
) -> bytes:
    """Open one generation's private key with a custodian's passphrase (memory only)."""
    grant = session.get(IdentityKeyGrant, (identity_key_id, custodian.id))
    if grant is None:
        raise ServiceError(Problem.NOT_CUSTODIAN)
    private = _custodian_private(session, keyring, custodian, passphrase, now)
    context = _grant_context(session, identity_key_id, custodian.id)
    return crypto.open_sealed(private, grant.private_sealed, context=context)


def open_case_identity(
    session: DbSession,
    keyring: crypto.Keyring,
    custodian: User,
    passphrase: str,
    case: Case,
    now: datetime,
) -> dict[str, str]:
    if case.identity_sealed is None or case.identity_key_id is None:
        raise ServiceError(Problem.NO_IDENTITY)
    private = identity_private_key(
        session, keyring, custodian, passphrase, case.identity_key_id, now
    )
    opened = crypto.open_identity(private, case.identity_sealed, case_id=case.id)
    return dict(json.loads(opened))


def _grant(session: DbSession, key_id: int, private: bytes, custodian_key: CustodianKey) -> None:
    context = _grant_context(session, key_id, custodian_key.user_id)
    sealed = crypto.seal(custodian_key.public_key, private, context=context)
    session.add(
        IdentityKeyGrant(
            identity_key_id=key_id, user_id=custodian_key.user_id, private_sealed=sealed
        )
    )


def create_identity_key(
    session: DbSession, keyring: crypto.Keyring, custodian: User, passphrase: str, now: datetime
) -> IdentityKey:
    """The first identity key and its first custodian (`intake init`)."""
    if current_identity_key(session) is not None:
        raise ServiceError(Problem.IDENTITY_KEY_EXISTS)
    custodian_key = _enrol(session, custodian, passphrase)
    pair = crypto.generate_keypair()
    key = IdentityKey(public_key=pair.public, created_at=now)
    session.add(key)
    session.flush()
    _grant(session, key.id, pair.private, custodian_key)
    record(
        session,
        keyring,
        "key.identity_created",
        actor="system",
        now=now,
        detail=f"identity key {key.id}",
    )
    record(
        session,
        keyring,
        "custodian.added",
        actor="system",
        now=now,
        detail=f"custodian {actor_label(custodian)}",
    )
    session.commit()
    return key


def add_custodian(
    session: DbSession,
    keyring: crypto.Keyring,
    granting: User,
    granting_passphrase: str,
    new: User,
    new_passphrase: str,
    now: datetime,
) -> None:
    """An existing custodian opens the identity key and seals it to a new custodian."""
    if granting.id == new.id:
        raise ServiceError(Problem.SAME_PERSON)
    keys = list(session.scalars(select(IdentityKey).where(IdentityKey.retired_at.is_(None))))
    if not keys:
        raise ServiceError(Problem.IDENTITY_UNAVAILABLE)
    if any(session.get(IdentityKeyGrant, (key.id, new.id)) for key in keys):
        raise ServiceError(Problem.ALREADY_CUSTODIAN)
    new_key = _enrol(session, new, new_passphrase)
    for key in keys:
        private = identity_private_key(session, keyring, granting, granting_passphrase, key.id, now)
        _grant(session, key.id, private, new_key)
    record(
        session,
        keyring,
        "custodian.added",
        actor=actor_label(granting),
        now=now,
        detail=f"custodian {actor_label(new)}",
    )
    session.commit()


def remove_custodian(
    session: DbSession, keyring: crypto.Keyring, user: User, actor: str, now: datetime
) -> None:
    """Refuses to remove the last custodian: identities would become unrecoverable."""
    others = [c for c in custodians(session) if c.id != user.id]
    if session.get(CustodianKey, user.id) is None:
        raise ServiceError(Problem.NOT_CUSTODIAN)
    if not others:
        raise ServiceError(Problem.LAST_CUSTODIAN)
    for grant in session.scalars(
        select(IdentityKeyGrant).where(IdentityKeyGrant.user_id == user.id)
    ):
        session.delete(grant)
    session.flush()
    custodian_key = session.get(CustodianKey, user.id)
    session.delete(custodian_key)
    record(
        session,
        keyring,
        "custodian.removed",
        actor=actor,
        now=now,
        detail=f"custodian {actor_label(user)}",
    )
    session.commit()


@dataclass(frozen=True)
class IdentityRotation:
    new_key_id: int
    started: bool  # False when this run resumed an interrupted rotation
    resealed: int
    retired: list[int]


def rotate_identity_key(
    session: DbSession,
    keyring: crypto.Keyring,
    custodian: User,
    passphrase: str,
    now: datetime,
    *,
    batch_size: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> IdentityRotation:
    """Re-seal every identity to a new key pair; resumable, one passphrase needed.

    A new generation is granted to every custodian at once (sealing to their public keys
    needs no passphrase). Identities move in committed batches; when none is left on an
    older generation, the older ones are retired and their grants deleted.
    """
    current = current_identity_key(session)
    if current is None:
        raise ServiceError(Problem.IDENTITY_UNAVAILABLE)
    older = list(
        session.scalars(
            select(IdentityKey).where(
                IdentityKey.retired_at.is_(None), IdentityKey.id != current.id
            )
        )
    )
    started = not older
    if started:
        # Check the passphrase before creating anything.
        identity_private_key(session, keyring, custodian, passphrase, current.id, now)
        pair = crypto.generate_keypair()
        new_key = IdentityKey(public_key=pair.public, created_at=now)
        session.add(new_key)
        session.flush()
        for custodian_key in session.scalars(
            select(CustodianKey)
            .join(IdentityKeyGrant, IdentityKeyGrant.user_id == CustodianKey.user_id)
            .where(IdentityKeyGrant.identity_key_id == current.id)
        ):
            _grant(session, new_key.id, pair.private, custodian_key)
        session.commit()
        older, current = [current], new_key

    old_private = {
        key.id: identity_private_key(session, keyring, custodian, passphrase, key.id, now)
        for key in older
    }
    old_ids = list(old_private)
    total = (
        session.scalar(
            select(func.count()).select_from(Case).where(Case.identity_key_id.in_(old_ids))
        )
        or 0
    )
    done = 0
    while True:
        batch = list(
            session.scalars(
                select(Case)
                .where(Case.identity_key_id.in_(old_ids))
                .order_by(Case.id)
                .limit(batch_size)
            )
        )
        if not batch:
            break
        for case in batch:
            if case.identity_sealed is None or case.identity_key_id is None:
                continue  # not reachable: the query selects sealed identities only
            opened = crypto.open_identity(
                old_private[case.identity_key_id], case.identity_sealed, case_id=case.id
            )
            case.identity_sealed = crypto.seal_identity(current.public_key, opened, case_id=case.id)
            case.identity_key_id = current.id
        session.commit()
        done += len(batch)
        if progress is not None:
            progress(done, total)

    for key in older:
        key.retired_at = now
        for grant in session.scalars(
            select(IdentityKeyGrant).where(IdentityKeyGrant.identity_key_id == key.id)
        ):
            session.delete(grant)
    record(
        session,
        keyring,
        "key.identity_rotated",
        actor=actor_label(custodian),
        now=now,
        detail=f"identity key {current.id}; {done} resealed",
    )
    session.commit()
    return IdentityRotation(current.id, started, done, [key.id for key in older])
