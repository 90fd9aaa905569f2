"""A tipster who filed anonymously gives their identity later, from the status page.

The identity is sealed exactly as one given at filing (``identity.seal_case_identity``:
to the organisation's identity public key, bound to the case), so the server cannot read
it back, the tipster cannot either, and only a reveal opens it. It is written once: a
case that already carries an identity keeps it. Past retention the case is a read-only
record, and a closed case is no longer worked on, so neither takes one.
"""

from __future__ import annotations

from datetime import datetime

from intake import crypto, workflow
from intake.models import Case, CaseKind
from intake.problems import Problem
from intake.services import DbSession, ServiceError
from intake.services.audit import ACTOR_PUBLIC, record
from intake.services.identity import seal_case_identity

# The same details a tip form asks for (intake.services.filing.REPORTER_FIELDS).
IDENTITY_KEYS = ("name", "phone", "email", "address", "national_id")


def refusal(case: Case) -> Problem | None:
    """Why this case cannot take an identity now; None if it can."""
    if case.kind is not CaseKind.TIP or not case.anonymous:
        return Problem.NOT_ANONYMOUS
    if case.identity_sealed is not None or case.identity_added_at is not None:
        return Problem.IDENTITY_ALREADY_GIVEN
    if case.contents_purged_at is not None or case.identity_purged_at is not None:
        return Problem.CASE_PURGED
    if workflow.is_closed(case.status):
        return Problem.CASE_CLOSED
    return None


def may_add(case: Case) -> bool:
    return refusal(case) is None


def add_identity(
    session: DbSession,
    keyring: crypto.Keyring,
    case_id: str,
    identity: dict[str, str],
    now: datetime,
) -> None:
    """Seal ``identity`` to the followed tip and record that it was given, and when.

    Errors: ``not_found``, ``not_anonymous``, ``already_given``, ``purged``, ``closed``,
    ``identity_required`` (nothing given), ``identity_unavailable`` (no identity key)."""
    details = {key: value.strip() for key, value in identity.items() if key in IDENTITY_KEYS}
    details = {key: value for key, value in details.items() if value}
    try:
        # Locked: a purge or a second submission running meanwhile waits, or is seen.
        case = session.get(Case, case_id, with_for_update=True, populate_existing=True)
        if case is None:
            raise ServiceError(Problem.NOT_FOUND)
        reason = refusal(case)
        if reason is not None:
            raise ServiceError(reason)
        if not details:
            raise ServiceError(Problem.IDENTITY_REQUIRED)
        case.identity_sealed, case.identity_key_id = seal_case_identity(session, details, case.id)
        case.identity_added_at = now
        record(
            session,
            keyring,
            "case.identity_added",
            actor=ACTOR_PUBLIC,
            now=now,
            case_id=case.id,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
