"""Revealing a tipster's identity: asked for by a legal officer with a reason, decided by a
different person who is a custodian, readable by the requester alone for a limited time.
Every step and every view leaves an audit entry.

At approval the custodian's passphrase opens the identity, which is then sealed to the
requester's personal key (``services.personal_keys``) and to nothing the server holds:
viewing takes the requester's password again. Expiry and revocation delete the sealed
copy; on SQLite the freed bytes are zeroed and the write-ahead log emptied after it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import select

from intake import crypto
from intake.database import forget_freed_pages
from intake.models import (
    Case,
    CaseKind,
    Notification,
    RevealRequest,
    RevealStatus,
    User,
    new_id,
)
from intake.permissions import Permission, has_permission
from intake.problems import Problem
from intake.services import DbSession, ServiceError, sign_in_throttle
from intake.services import personal_keys as personal_keys_service
from intake.services.audit import actor_label, record
from intake.services.identity import custodians, open_case_identity
from intake.services.settings import get_organisation
from intake.services.staff_sessions import end_all_sessions
from intake.services.visibility import excluded_user_ids, is_excluded, may_view

REASON_MIN = 20
REASON_MAX = 2000

_Args = ParamSpec("_Args")
_Result = TypeVar("_Result")


def _undone_when_refused(
    step: Callable[Concatenate[DbSession, _Args], _Result],
) -> Callable[Concatenate[DbSession, _Args], _Result]:
    """A step the rules refuse leaves nothing half-done in the session the page goes on
    reading (what it had to keep, such as a refused password, it has committed)."""

    @wraps(step)
    def run(session: DbSession, *args: _Args.args, **kwargs: _Args.kwargs) -> _Result:
        try:
            return step(session, *args, **kwargs)
        except ServiceError:
            session.rollback()
            raise

    return run


def _encrypt(keyring: crypto.Keyring, value: str, column: str, request_id: str) -> bytes:
    return crypto.encrypt_field(
        keyring, value, table="reveal_requests", column=column, row_id=request_id
    )


def _revealed_context(request: RevealRequest) -> str:
    return f"intake:revealed:{request.id}:{request.case_id}"


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < REASON_MIN:
        raise ServiceError(Problem.REASON_TOO_SHORT)
    if len(reason) > REASON_MAX:
        raise ServiceError(Problem.REASON_TOO_LONG)
    return reason


def _audit(
    session: DbSession,
    keyring: crypto.Keyring,
    action: str,
    actor: str,
    request: RevealRequest,
    now: datetime,
    extra_detail: str = "",
) -> None:
    """Every step of a reveal is audited by the request's id, never its reasons."""
    record(
        session,
        keyring,
        action,
        actor=actor,
        now=now,
        case_id=request.case_id,
        detail=f"request {request.id}{extra_detail}",
    )


def _get(session: DbSession, request_id: str) -> RevealRequest:
    request = session.get(RevealRequest, request_id)
    if request is None:
        raise ServiceError(Problem.NOT_FOUND)
    return request


@_undone_when_refused
def request_reveal(
    session: DbSession,
    keyring: crypto.Keyring,
    requester: User,
    case_id: str,
    reason: str,
    now: datetime,
) -> RevealRequest:
    if not requester.active or not has_permission(requester.role, Permission.REVEAL_REQUEST):
        raise ServiceError(Problem.NOT_ALLOWED)
    if personal_keys_service.public_key(session, requester.id) is None:
        # Nothing could be handed over: the key is made when the officer next signs in.
        raise ServiceError(Problem.NO_PERSONAL_KEY)
    # Locked: a purge running meanwhile waits, or is seen (services.retention).
    case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
    # An officer the tip is hidden from (a conflict of interest) cannot ask: to them it
    # does not exist.
    if case is None or case.kind is not CaseKind.TIP or not may_view(requester, case):
        raise ServiceError(Problem.NOT_FOUND)
    if case.identity_sealed is None:
        raise ServiceError(Problem.NO_IDENTITY)
    reason = _check_reason(reason)
    pending = session.scalars(
        select(RevealRequest).where(
            RevealRequest.case_id == case_id,
            RevealRequest.requester_id == requester.id,
            RevealRequest.status == RevealStatus.PENDING,
        )
    ).first()
    if pending is not None:
        raise ServiceError(Problem.ALREADY_PENDING)
    reveal = RevealRequest(
        id=new_id(), case_id=case_id, requester_id=requester.id, requested_at=now
    )
    reveal.reason_enc = _encrypt(keyring, reason, "reason", reveal.id)
    session.add(reveal)
    session.flush()
    deciders = custodians(session)
    excluded = excluded_user_ids(case, deciders)
    for custodian in deciders:
        if custodian.id != requester.id and custodian.id not in excluded:
            session.add(
                Notification(
                    user_id=custodian.id,
                    kind="reveal.requested",
                    case_id=case_id,
                    reveal_request_id=reveal.id,
                    created_at=now,
                )
            )
    _audit(session, keyring, "reveal.requested", actor_label(requester), reveal, now)
    session.commit()
    return reveal


def _check_custodian(request: RevealRequest, custodian: User) -> None:
    if not custodian.active or not has_permission(custodian.role, Permission.REVEAL_DECIDE):
        raise ServiceError(Problem.NOT_ALLOWED)
    # A custodian the tip is hidden from cannot act on it (it is "not found" to them).
    if is_excluded(custodian, request.case):
        raise ServiceError(Problem.NOT_FOUND)


def _request_to_decide(session: DbSession, request_id: str, custodian: User) -> RevealRequest:
    """The pending request ``custodian`` may approve or refuse."""
    request = _get(session, request_id)
    _check_custodian(request, custodian)
    # A request cannot go on once its asker has been excluded from the tip.
    requester = session.get(User, request.requester_id)
    if requester is None or is_excluded(requester, request.case):
        raise ServiceError(Problem.REQUESTER_EXCLUDED)
    if custodian.id == request.requester_id:
        raise ServiceError(Problem.SAME_PERSON)
    if request.status is not RevealStatus.PENDING:
        raise ServiceError(Problem.NOT_PENDING)
    return request


def _decide(
    session: DbSession,
    keyring: crypto.Keyring,
    request: RevealRequest,
    custodian: User,
    now: datetime,
    extra_detail: str = "",
) -> None:
    """The decision just given to ``request.status`` is signed by its custodian, notifies
    the requester and is audited, in one transaction."""
    request.decided_by_id = custodian.id
    request.decided_at = now
    action = f"reveal.{request.status.value}"
    session.add(
        Notification(
            user_id=request.requester_id,
            kind=action,
            case_id=request.case_id,
            reveal_request_id=request.id,
            created_at=now,
        )
    )
    _audit(session, keyring, action, actor_label(custodian), request, now, extra_detail)
    session.commit()


@_undone_when_refused
def approve_reveal(
    session: DbSession,
    keyring: crypto.Keyring,
    custodian: User,
    passphrase: str,
    request_id: str,
    now: datetime,
) -> RevealRequest:
    """Open the identity with the custodian's passphrase and seal it to the requester."""
    request = _request_to_decide(session, request_id, custodian)
    requester_key = personal_keys_service.public_key(session, request.requester_id)
    if requester_key is None:
        raise ServiceError(Problem.REQUESTER_HAS_NO_KEY)
    identity = open_case_identity(
        session, keyring, custodian, passphrase, request.case, now
    )
    days = get_organisation(session).reveal_days
    request.approved_at = now
    request.expires_at = now + timedelta(days=days)
    opened = json.dumps(identity, ensure_ascii=False).encode("utf-8")
    request.revealed_sealed = crypto.seal(requester_key, opened, context=_revealed_context(request))
    request.status = RevealStatus.APPROVED
    _decide(session, keyring, request, custodian, now, f"; {days} days")
    return request


@_undone_when_refused
def refuse_reveal(
    session: DbSession,
    keyring: crypto.Keyring,
    custodian: User,
    request_id: str,
    reason: str,
    now: datetime,
) -> RevealRequest:
    request = _request_to_decide(session, request_id, custodian)
    reason = _check_reason(reason)
    request.decision_reason_enc = _encrypt(keyring, reason, "decision_reason", request.id)
    request.status = RevealStatus.REFUSED
    _decide(session, keyring, request, custodian, now)
    return request


@_undone_when_refused
def revoke_reveal(
    session: DbSession, keyring: crypto.Keyring, custodian: User, request_id: str, now: datetime
) -> RevealRequest:
    """A custodian ends a running approval early; the opened identity is wiped."""
    request = _get(session, request_id)
    _check_custodian(request, custodian)
    if request.status is not RevealStatus.APPROVED:
        raise ServiceError(Problem.NOT_RUNNING)
    request.status = RevealStatus.REVOKED
    request.revealed_sealed = None
    _audit(session, keyring, "reveal.revoked", actor_label(custodian), request, now)
    session.commit()
    forget_freed_pages(session)
    return request


def _expire(
    session: DbSession, keyring: crypto.Keyring, request: RevealRequest, now: datetime
) -> None:
    request.status = RevealStatus.EXPIRED
    request.revealed_sealed = None
    _audit(session, keyring, "reveal.expired", "system", request, now)


def expire_reveals(session: DbSession, keyring: crypto.Keyring, now: datetime) -> int:
    """Wipe every approval whose time is up (run from `intake remind`, on view, and by
    each worker soon after the time is up: ``intake.reveal_sweep``)."""
    due = list(
        session.scalars(
            select(RevealRequest).where(
                RevealRequest.status == RevealStatus.APPROVED, RevealRequest.expires_at <= now
            )
        )
    )
    for request in due:
        _expire(session, keyring, request, now)
    session.commit()
    if due:
        forget_freed_pages(session)
    return len(due)


@dataclass(frozen=True)
class RevealedIdentity:
    case_id: str
    fields: dict[str, str]
    expires_at: datetime


@_undone_when_refused
def running_request(
    session: DbSession, keyring: crypto.Keyring, requester: User, request_id: str, now: datetime
) -> RevealRequest:
    """The requester's approval, while it runs (one whose time is up is wiped here)."""
    request = _get(session, request_id)
    if request.requester_id != requester.id or not requester.active:
        raise ServiceError(Problem.NOT_ALLOWED)
    if is_excluded(requester, request.case):
        raise ServiceError(Problem.NOT_FOUND)  # excluded after asking: the tip is gone for them
    if request.status is RevealStatus.APPROVED and request.expires_at and request.expires_at <= now:
        _expire(session, keyring, request, now)
        session.commit()
        forget_freed_pages(session)
    if request.status is not RevealStatus.APPROVED or request.revealed_sealed is None:
        raise ServiceError(Problem.NOT_RUNNING)
    return request


def _refuse_view(
    session: DbSession,
    keyring: crypto.Keyring,
    requester: User,
    request: RevealRequest,
    client: str,
    now: datetime,
) -> bool:
    """A wrong password counts as a failed sign-in from this client: once the client is
    locked out of the account, every session of it ends, so an unattended session cannot
    be used to guess. Returns whether that happened."""
    sign_in_throttle.record_failure(session, requester, client, now)
    locked = sign_in_throttle.refused(session, requester, client, now)
    if locked:
        end_all_sessions(session, requester, now)
    refused = "identity.view_refused"
    _audit(session, keyring, refused, actor_label(requester), request, now, "; wrong password")
    session.commit()
    return locked


@_undone_when_refused
def view_identity(
    session: DbSession,
    keyring: crypto.Keyring,
    requester: User,
    request_id: str,
    password: str,
    now: datetime,
    *,
    client: str = "",
) -> RevealedIdentity:
    """The requester alone, with their password, while the approval runs; each view and
    each refused password is audited. Raises "not_allowed", "not_running", "locked",
    "wrong_password" or "no_personal_key"."""
    request = running_request(session, keyring, requester, request_id, now)
    if sign_in_throttle.refused(session, requester, client, now):
        raise ServiceError(Problem.SIGN_IN_LOCKED)
    try:
        private = personal_keys_service.open_private_key(session, requester, password)
    except ServiceError as error:
        if error.code == Problem.WRONG_PASSWORD:
            if _refuse_view(session, keyring, requester, request, client, now):
                raise ServiceError(Problem.SIGN_IN_LOCKED) from error
        raise
    sealed = request.revealed_sealed or b""
    opened = crypto.open_sealed(private, sealed, context=_revealed_context(request))
    fields = json.loads(opened.decode("utf-8"))
    _audit(session, keyring, "identity.viewed", actor_label(requester), request, now)
    session.commit()
    return RevealedIdentity(request.case_id, fields, request.expires_at or now)


def identity_was_disclosed(session: DbSession, case_id: str) -> bool:
    """Whether the tipster should be told that an investigator has seen who they are."""
    query = select(RevealRequest.id).where(
        RevealRequest.case_id == case_id, RevealRequest.approved_at.is_not(None)
    )
    return session.scalars(query).first() is not None
