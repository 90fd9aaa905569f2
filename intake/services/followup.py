"""The complainant's side of a case they follow by its tracking code.

What they may read is ``cases.public_status``; what they may add is a reply (a message and
files) while the case is open. A reply is a public timeline event with no staff actor, so
it shows on their own page as theirs and on the staff page as the complainant's. The
people who work the case are told (a notification without content); department officers
are never told of a tip. Once the case is closed the thread is read-only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from intake import crypto, tracking, workflow
from intake.attachments import PreparedAttachment
from intake.models import Case, CaseKind
from intake.problems import Problem
from intake.services import (
    DbSession,
    ServiceError,
    host_referral_tracking,
    late_identity,
    reopen_requests,
)
from intake.services.case_work import locked_case
from intake.services.filing import undone_on_failure
from intake.services.host_referral_tracking import Moved
from intake.services.public_replies import add_public_reply
from intake.services.public_status import PublicStatus, find_by_code, public_status
from intake.services.reveal import identity_was_disclosed
from intake.services.settings import get_organisation

REPLY_MAX = 5000
NOTIFICATION_KIND = "case.reply"
# Until a department works the case, the intake desk handles what comes in.


@dataclass(frozen=True)
class Followed:
    """A case found by its code: the id stays on the server (in the session), the status
    goes to the page."""

    case_id: str
    status: PublicStatus


def _status(session: DbSession, keyring: crypto.Keyring, case: Case, now: datetime) -> PublicStatus:
    # The session's identity map holds cases weakly: without this reference the status
    # page's survey and notice partials would load the case a second time.
    session.info["intake.followed_case"] = case
    disclosed = (
        case.kind is CaseKind.TIP
        and get_organisation(session).tell_tipster_of_reveal
        and identity_was_disclosed(session, case.id)
    )
    requests, refusals = reopen_requests.reopen_event_ids(session, case.id)
    status = public_status(
        keyring,
        case,
        now,
        disclosed,
        reopen_requests=requests,
        reopen_answers=refusals,
        reopen=reopen_requests.window(session, case, now),
    )
    return replace(status, may_add_identity=late_identity.may_add(case))


def find_followed(
    session: DbSession, keyring: crypto.Keyring, typed_code: str, now: datetime
) -> Followed | None:
    """Raises tracking.CodeFormatError for a mistyped code; None when no case has it."""
    case = find_by_code(session, keyring, typed_code)
    if case is None:
        # Perhaps referred here from another organisation on the host, and not yet
        # followed here: its sender's digest of the code says so.
        case = host_referral_tracking.claim_here(session, tracking.normalize(typed_code), now)
    if case is None:
        return None
    return Followed(case.id, _status(session, keyring, case, now))


def moved_away(session: DbSession, typed_code: str, now: datetime) -> Moved | None:
    """Where a case with this code went when it was referred to another organisation on
    the host (the code found no case here)."""
    return host_referral_tracking.moved_away(session, tracking.normalize(typed_code), now)


def followed_status(
    session: DbSession, keyring: crypto.Keyring, case_id: str, now: datetime
) -> PublicStatus | None:
    """The status of the case the session follows; None if it no longer exists."""
    case = session.get(Case, case_id)
    return None if case is None else _status(session, keyring, case, now)


def scrubs_images(session: DbSession, kind: CaseKind) -> bool:
    """As at filing: a photo's GPS can point at the person who took it, so tips always
    lose it; complaints follow the organisation's setting."""
    return kind is CaseKind.TIP or get_organisation(session).strip_image_metadata


def post_reply(
    session: DbSession,
    keyring: crypto.Keyring,
    uploads: Path,
    case_id: str,
    *,
    message: str,
    files: list[PreparedAttachment],
    now: datetime,
) -> None:
    """Add the complainant's message (and files) to an open case and tell its staff.

    Errors: ``not_found``; ``closed`` once the case is closed; ``message_required``;
    ``text_too_long``."""
    text = (message or "").strip()
    written: list[Path] = []
    with undone_on_failure(session, written):
        case = locked_case(session, case_id)
        if case is None:
            raise ServiceError(Problem.NOT_FOUND)
        if workflow.is_closed(case.status):
            raise ServiceError(Problem.CASE_CLOSED)
        if not text:
            raise ServiceError(Problem.MESSAGE_REQUIRED)
        if len(text) > REPLY_MAX:
            raise ServiceError(Problem.TEXT_TOO_LONG)
        add_public_reply(
            session,
            keyring,
            uploads,
            case,
            text,
            files,
            now,
            written=written,
            notification_kind=NOTIFICATION_KIND,
            audit=("case.updated", "reply"),
        )
        session.commit()
