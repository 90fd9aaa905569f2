"""What the reveal screens list (who asked, when, why, what was decided), one call per
screen. Reasons are decrypted here, for display only; a request or tip hidden from the
reader (a conflict of interest) is "not_found" to them. Reading a screen's notifications
marks them read, and commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select

from intake import crypto
from intake.models import Case, CaseKind, Notification, RevealRequest, RevealStatus, User
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.reveal import expire_reveals
from intake.services.visibility import is_excluded, may_view

# The notifications each side's list shows (and marks read).
CUSTODIAN_NOTICES = ("reveal.requested",)
REQUESTER_NOTICES = ("reveal.approved", "reveal.refused")
# Enough for any organisation's screen; older requests stay in the audit log.
LIST_LIMIT = 500


@dataclass(frozen=True)
class RequestRow:
    id: str
    case_id: str
    reference: str
    requester: str
    requested_at: datetime
    status: RevealStatus
    expires_at: datetime | None
    decided_at: datetime | None
    reason: str = ""
    refusal: str = ""


@dataclass(frozen=True)
class Notice:
    kind: str
    reference: str
    at: datetime


@dataclass(frozen=True)
class CustodianLists:
    notices: list[Notice]
    pending: list[RequestRow]
    running: list[RequestRow]


@dataclass(frozen=True)
class RequesterLists:
    notices: list[Notice]
    mine: list[RequestRow]


def _decrypt(keyring: crypto.Keyring, blob: bytes | None, column: str, request_id: str) -> str:
    if blob is None:
        return ""
    return crypto.decrypt_text(
        keyring, blob, table="reveal_requests", column=column, row_id=request_id
    )


def _rows(
    session: DbSession,
    keyring: crypto.Keyring,
    requests: Sequence[RevealRequest],
    *,
    reasons: bool = False,
    refusals: bool = False,
) -> list[RequestRow]:
    ids = {r.requester_id for r in requests}
    query = select(User.id, User.display_name).where(User.id.in_(ids))
    names = {user_id: name for user_id, name in session.execute(query)}
    return [
        RequestRow(
            id=r.id,
            case_id=r.case_id,
            reference=r.case.reference,
            requester=names.get(r.requester_id, ""),
            requested_at=r.requested_at,
            status=r.status,
            expires_at=r.expires_at,
            decided_at=r.decided_at,
            reason=_decrypt(keyring, r.reason_enc, "reason", r.id) if reasons else "",
            refusal=(
                _decrypt(keyring, r.decision_reason_enc, "decision_reason", r.id)
                if refusals
                else ""
            ),
        )
        for r in requests
    ]


def _requests_where(
    session: DbSession,
    *conditions: ColumnElement[bool],
    seen_by: User,
    newest_first: bool = False,
) -> list[RevealRequest]:
    """Requests matching ``conditions``, without those on cases hidden from ``seen_by``."""
    order = RevealRequest.requested_at.desc() if newest_first else RevealRequest.requested_at.asc()
    query = select(RevealRequest).where(*conditions).order_by(order).limit(LIST_LIMIT)
    return [r for r in session.scalars(query) if not is_excluded(seen_by, r.case)]


def _take_notices(
    session: DbSession, user: User, kinds: Iterable[str], now: datetime
) -> list[Notice]:
    """Unread notifications for ``user``, marked read because the screen shows them."""
    query = (
        select(Notification, Case.reference)
        .join(Case, Case.id == Notification.case_id)
        .where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            Notification.kind.in_(list(kinds)),
        )
        .order_by(Notification.created_at)
    )
    found = [(note, reference) for note, reference in session.execute(query)]
    notices = []
    for note, reference in found:
        note.read_at = now
        case = session.get(Case, note.case_id)
        if case is not None and is_excluded(user, case):
            continue  # the case is hidden from them now: never shown
        notices.append(Notice(note.kind, reference, note.created_at))
    if found:
        session.commit()
    return notices


def custodian_lists(
    session: DbSession, keyring: crypto.Keyring, custodian: User, now: datetime
) -> CustodianLists:
    """New requests, those waiting with their reasons, and approvals still running
    (those whose time is up are wiped first)."""
    expire_reveals(session, keyring, now)
    notices = _take_notices(session, custodian, CUSTODIAN_NOTICES, now)
    pending = _requests_where(
        session, RevealRequest.status == RevealStatus.PENDING, seen_by=custodian
    )
    running = _requests_where(
        session, RevealRequest.status == RevealStatus.APPROVED, seen_by=custodian
    )
    return CustodianLists(
        notices, _rows(session, keyring, pending, reasons=True), _rows(session, keyring, running)
    )


def requester_lists(
    session: DbSession, keyring: crypto.Keyring, requester: User, now: datetime
) -> RequesterLists:
    """The requester's decisions since they last looked, and every request they made,
    newest first, with the reason given for a refusal."""
    expire_reveals(session, keyring, now)
    notices = _take_notices(session, requester, REQUESTER_NOTICES, now)
    mine = _requests_where(
        session, RevealRequest.requester_id == requester.id, seen_by=requester, newest_first=True
    )
    return RequesterLists(notices, _rows(session, keyring, mine, refusals=True))


def visible_request(session: DbSession, request_id: str, user: User) -> RevealRequest:
    """The request, unless its case is hidden from ``user`` (then it does not exist)."""
    found = session.get(RevealRequest, request_id)
    if found is None or is_excluded(user, found.case):
        raise ServiceError(Problem.NOT_FOUND)
    return found


def request_row(
    session: DbSession,
    keyring: crypto.Keyring,
    user: User,
    request_id: str,
    *,
    reasons: bool = False,
) -> RequestRow:
    """One request as its screen shows it; "not_found" when hidden from ``user``."""
    (row,) = _rows(session, keyring, [visible_request(session, request_id, user)], reasons=reasons)
    return row


def sealed_tip(session: DbSession, case_id: str, user: User) -> Case:
    """A tip with a sealed identity that ``user`` may see; "not_found" otherwise."""
    case = session.get(Case, case_id)
    if case is None or case.kind is not CaseKind.TIP or case.identity_sealed is None:
        raise ServiceError(Problem.NOT_FOUND)
    if not may_view(user, case):
        raise ServiceError(Problem.NOT_FOUND)
    return case


def requests_on_tip(
    session: DbSession, keyring: crypto.Keyring, requester: User, case_id: str
) -> list[RequestRow]:
    """What ``requester`` asked before about this tip, newest first, with any refusal."""
    asked = _requests_where(
        session,
        RevealRequest.case_id == case_id,
        RevealRequest.requester_id == requester.id,
        seen_by=requester,
        newest_first=True,
    )
    return _rows(session, keyring, asked, refusals=True)
