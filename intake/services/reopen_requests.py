"""Asking to reopen a closed case, and deciding on it.

For ``organisation.reopen_days`` after a case closes (30 by default), the person who
follows it by its code may say the problem is not solved, with a message and files: a
public reply event, stored as any reply is (the same file checks, encryption and, for
tips, metadata cleaning), plus a ``ReopenRequest`` row. One request may be pending per
case. Staff who may route the case then reopen it (the workflow's reopen move, with the
request's message as the reason and a new response period) or answer why not (a public
message; the case stays closed). Every step is audited; purged cases refuse all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from intake import crypto, deadlines, workflow
from intake.attachments import PreparedAttachment
from intake.models import (
    Case,
    CaseEvent,
    CaseKind,
    EventType,
    ReopenOutcome,
    ReopenRequest,
    User,
    new_id,
)
from intake.problems import Problem
from intake.services import DbSession, ServiceError, case_actions, case_work
from intake.services.filing import undone_on_failure
from intake.services.public_replies import add_public_reply
from intake.services.public_status import ReopenWindow
from intake.services.settings import get_organisation
from intake.workflow import Action

MESSAGE_MAX = 5000
NOTIFICATION_KIND = "case.reopen_request"


def _pending(session: DbSession, case_id: str) -> ReopenRequest | None:
    return session.scalars(
        select(ReopenRequest).where(
            ReopenRequest.case_id == case_id, ReopenRequest.outcome == ReopenOutcome.PENDING
        )
    ).first()


def window(session: DbSession, case: Case, now: datetime) -> ReopenWindow:
    if not workflow.is_closed(case.status) or case.closed_at is None:
        return ReopenWindow(False, None, False)
    ends = deadlines.reopen_window_ends(case.closed_at, get_organisation(session).reopen_days)
    pending = _pending(session, case.id) is not None
    usable = case.contents_purged_at is None and now <= ends and not pending
    return ReopenWindow(usable, ends, pending)


def _check_may_ask(session: DbSession, case: Case | None, now: datetime) -> Case:
    if case is None:
        raise ServiceError(Problem.NOT_FOUND)
    if case.contents_purged_at is not None:
        raise ServiceError(Problem.CASE_PURGED)
    if not workflow.is_closed(case.status) or case.closed_at is None:
        raise ServiceError(Problem.CASE_NOT_CLOSED)
    state = window(session, case, now)
    if state.pending:
        raise ServiceError(Problem.REOPEN_PENDING)
    if not state.open:
        raise ServiceError(Problem.REOPEN_WINDOW_CLOSED)
    return case


def _message(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError(Problem.MESSAGE_REQUIRED)
    if len(text) > MESSAGE_MAX:
        raise ServiceError(Problem.TEXT_TOO_LONG)
    return text


def ask(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads: Path,
    case_id: str,
    *,
    message: str,
    files: list[PreparedAttachment],
    now: datetime,
) -> None:
    """The complainant asks to reopen their closed case.

    Errors: ``not_found``, ``purged``, ``not_closed``, ``pending`` (one at a time),
    ``window_closed``, ``message_required``, ``text_too_long``, ``storage_unavailable``."""
    written: list[Path] = []
    with undone_on_failure(session, written):
        case = _check_may_ask(session, case_work.locked_case(session, case_id), now)
        text = _message(message)
        event = add_public_reply(
            session,
            keyring,
            uploads,
            case,
            text,
            files,
            now,
            written=written,
            notification_kind=NOTIFICATION_KIND,
            audit=("case.reopen_requested", f"files {len(files)}"),
        )
        session.add(
            ReopenRequest(id=new_id(), case_id=case.id, event_id=event.id, requested_at=now)
        )
        session.commit()


def _pending_for_decision(session: DbSession, case: Case) -> ReopenRequest:
    request = _pending(session, case.id)
    if request is None:
        raise ServiceError(Problem.NO_REOPEN_REQUEST)
    return request


def _request_text(keyring: crypto.Keyring, session: DbSession, request: ReopenRequest) -> str:
    event = session.get(CaseEvent, request.event_id)
    if event is None or event.body_enc is None:
        return ""
    return crypto.decrypt_text(
        keyring, event.body_enc, table="case_events", column="body", row_id=event.id
    )


def grant(
    session: DbSession,
    keyring: crypto.Keyring,
    actor: User,
    case_id: str,
    *,
    message: str = "",
    now: datetime,
) -> Case:
    """Reopen the case on the pending request: back to screening, the request's message
    as the reason, a new response period from now; ``message`` optionally tells the
    complainant more. Errors as the reopen action, and ``no_reopen_request``."""
    with case_work.working(session, actor, case_id, Action.REOPEN) as case:
        request = _pending_for_decision(session, case)
        reason = _request_text(keyring, session, request) or "-"
        detail = case_actions.reopen_locked(
            session, keyring, actor, case, reason=reason, message=message, now=now
        )
        return case_work.finish(session, keyring, actor, case, now, f"{detail} on request")


def decline(
    session: DbSession,
    keyring: crypto.Keyring,
    actor: User,
    case_id: str,
    *,
    message: str,
    now: datetime,
) -> Case:
    """Answer why the case is not reopened: a public message; the case stays closed.
    Errors as the reopen action, ``message_required`` and ``no_reopen_request``."""
    with case_work.working(session, actor, case_id, Action.REOPEN) as case:
        request = _pending_for_decision(session, case)
        text = case_work.required_text(message, Problem.MESSAGE_REQUIRED)
        case_work.add_event(keyring, case, actor, now, EventType.UPDATE, public=True, message=text)
        session.flush()
        request.outcome = ReopenOutcome.DECLINED
        request.decided_at = now
        request.decided_by_id = actor.id
        request.answer_event_id = case.events[-1].id
        return case_work.finish(
            session, keyring, actor, case, now, "declined", "case.reopen_declined"
        )


# ------------------------------------------------------------------ reading them back


@dataclass(frozen=True)
class PendingRequest:
    """For the staff case page: the request waiting for a decision."""

    requested_at: datetime
    message: str
    event_id: str


def pending_for_staff(
    session: DbSession, keyring: crypto.Keyring, case: Case
) -> PendingRequest | None:
    request = _pending(session, case.id)
    if request is None or case.contents_purged_at is not None:
        return None
    return PendingRequest(
        request.requested_at, _request_text(keyring, session, request), request.event_id
    )


def reopen_event_ids(session: DbSession, case_id: str) -> tuple[dict[str, ReopenOutcome], set[str]]:
    """The reply events that were reopen requests, with what became of each; and the
    staff messages that answered one by refusing it. One read for both."""
    rows = session.execute(
        select(
            ReopenRequest.event_id, ReopenRequest.outcome, ReopenRequest.answer_event_id
        ).where(ReopenRequest.case_id == case_id)
    ).all()
    requests = {event_id: outcome for event_id, outcome, _answer in rows}
    refusals = {
        answer
        for _event, outcome, answer in rows
        if answer and outcome is ReopenOutcome.DECLINED
    }
    return requests, refusals


@dataclass(frozen=True)
class WaitingRequest:
    case_id: str
    reference: str
    kind: CaseKind
    requested_at: datetime


def waiting(session: DbSession, cases: list[Case]) -> list[WaitingRequest]:
    """Pending requests on these cases (already filtered to what the person may see)."""
    by_id = {case.id: case for case in cases}
    if not by_id:
        return []
    rows = session.execute(
        select(ReopenRequest.case_id, ReopenRequest.requested_at)
        .where(
            ReopenRequest.outcome == ReopenOutcome.PENDING,
            ReopenRequest.case_id.in_(list(by_id)),
        )
        .order_by(ReopenRequest.requested_at)
    )
    return [
        WaitingRequest(case_id, by_id[case_id].reference, by_id[case_id].kind, at)
        for case_id, at in rows
    ]


def pending_cases(session: DbSession) -> list[Case]:
    """Every case with a pending request (few: one per case, decided within days); a
    purged case is a record, not a case to decide on."""
    ids = select(ReopenRequest.case_id).where(ReopenRequest.outcome == ReopenOutcome.PENDING)
    return list(
        session.scalars(select(Case).where(Case.id.in_(ids), Case.contents_purged_at.is_(None)))
    )
