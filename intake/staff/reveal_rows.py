"""What the reveal screens list (who asked, when, why, what was decided), read for the
views in ``intake.staff.reveals``; reasons are decrypted here, for display only. Reading a
page's notifications marks them read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, select

from intake import crypto
from intake.extensions import db
from intake.keystore import current_keyring
from intake.models import Case, CaseKind, Notification, RevealRequest, RevealStatus, User
from intake.services.visibility import is_excluded, may_view

NOTICE_LABELS = {
    "reveal.requested": _l("มีคำขอเปิดเผยตัวตนใหม่"),
    "reveal.approved": _l("คำขอเปิดเผยตัวตนของท่านได้รับอนุมัติ"),
    "reveal.refused": _l("คำขอเปิดเผยตัวตนของท่านไม่ได้รับอนุมัติ"),
}


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
    label: str
    reference: str
    at: datetime


def _decrypt(blob: bytes | None, column: str, request_id: str) -> str:
    if blob is None:
        return ""
    return crypto.decrypt_text(
        current_keyring(), blob, table="reveal_requests", column=column, row_id=request_id
    )


def request_rows(
    requests: Sequence[RevealRequest], *, reasons: bool = False, refusals: bool = False
) -> list[RequestRow]:
    ids = {r.requester_id for r in requests}
    query = select(User.id, User.display_name).where(User.id.in_(ids))
    names = {user_id: name for user_id, name in db.session.execute(query)}
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
            reason=_decrypt(r.reason_enc, "reason", r.id) if reasons else "",
            refusal=(_decrypt(r.decision_reason_enc, "decision_reason", r.id) if refusals else ""),
        )
        for r in requests
    ]


def requests_where(
    *conditions: ColumnElement[bool], seen_by: User, newest_first: bool = False
) -> list[RevealRequest]:
    """Requests matching ``conditions``, without those on cases hidden from ``seen_by``."""
    order = RevealRequest.requested_at.desc() if newest_first else RevealRequest.requested_at.asc()
    query = select(RevealRequest).where(*conditions).order_by(order).limit(500)
    found = db.session.scalars(query)
    return [r for r in found if not is_excluded(seen_by, r.case)]


def take_notices(user: User, kinds: Iterable[str], now: datetime) -> list[Notice]:
    """Unread notifications for ``user``, marked read because this page shows them."""
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
    found = [(note, reference) for note, reference in db.session.execute(query)]
    notices = []
    for note, reference in found:
        case = db.session.get(Case, note.case_id)
        if case is not None and is_excluded(user, case):
            note.read_at = now  # the case is hidden from them now: never shown
            continue
        note.read_at = now
        notices.append(
            Notice(str(NOTICE_LABELS.get(note.kind, note.kind)), reference, note.created_at)
        )
    if found:
        db.session.commit()
    return notices


def request_or_404(request_id: str, user: User) -> RevealRequest:
    """The request, unless its case is hidden from ``user`` (then it does not exist)."""
    found = db.session.get(RevealRequest, request_id)
    if found is None or is_excluded(user, found.case):
        abort(404)
    return found


def sealed_tip_or_404(case_id: str, user: User) -> Case:
    case = db.session.get(Case, case_id)
    if case is None or case.kind is not CaseKind.TIP or case.identity_sealed is None:
        abort(404)
    if not may_view(user, case):
        abort(404)
    return case
