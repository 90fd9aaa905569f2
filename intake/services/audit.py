"""The append-only, hash-chained audit log: who did what, when, to which case.

Each entry's ``mac`` is ``crypto.audit_mac(audit key, previous entry's mac, entry text)``,
so changing, inserting or deleting an entry breaks the chain from that entry on, and
nobody without the server's audit key can re-chain it. Database triggers refuse UPDATE
and DELETE on ``audit_log``; the single ``audit_head`` row names the newest entry, so
deleting the newest entries is noticed too.

Appending locks the head row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every
write transaction already holds the database's write lock from BEGIN IMMEDIATE), so two
transactions can never both append after the same entry. The head is a single hot row:
record as late as possible in a transaction, just before its commit.

An entry says who, what, when and which case, never content: ``detail`` is a short
machine-ish note (a status name, a key id, a count), never anything a complainant or
tipster wrote, never an identity, never a reason typed by staff.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from intake import crypto
from intake.models import AuditEntry, AuditHead, User
from intake.services import DbSession

ACTOR_PUBLIC = "public"
ACTOR_SYSTEM = "system"

ACTIONS = frozenset(
    {
        "case.filed",
        "case.viewed",
        "case.status_changed",
        "case.moved",
        "case.updated",
        "case.noted",
        "case.reopen_requested",
        "case.reopen_declined",
        "case.linked",  # a duplicate linked to its primary case
        "case.unlinked",
        "case.exported",
        "case.exclusion_added",  # a conflict of interest: someone may no longer see it
        "identity.sealed",
        "identity.viewed",
        "identity.view_refused",
        "reveal.requested",
        "reveal.approved",
        "reveal.refused",
        "reveal.revoked",
        "reveal.expired",
        "key.content_rotated",
        "key.content_retired",
        "key.identity_created",
        "key.identity_rotated",
        "custodian.added",
        "custodian.removed",
        "custodian.passphrase_failed",
        "custodian.passphrase_locked",
        "user.signed_in",
        "user.sign_in_failed",
        "user.enrolment_issued",
        "user.enrolment_expired",
        "user.enrolled",
        "audit.verified",
        "admin.user_created",
        "admin.user_changed",
        "admin.user_disabled",
        "admin.user_enabled",
        "admin.two_factor_reset",
        "admin.settings_changed",
        "admin.reference_changed",
        "admin.holiday_added",
        "admin.holiday_removed",
        "admin.demo_data_loaded",
        "admin.mail_retried",
        "admin.open311_key_issued",
        "admin.open311_key_revoked",
        "admin.line_connected",
        "admin.line_disconnected",
        "report.narrative_saved",
        "report.exported",
        "backup.created",
        "backup.restored",
        "organisation.exported",
        "organisation.imported",
        "retention.purged",
        # One per `remind` run, with its counts: `intake check` reads when it last ran.
        "reminders.run",
        "case.contents_purged",
        "case.identity_purged",
        "case.identity_added",
        # A case referred to another organisation on the host: asked, done (at the
        # sender), received (at the receiver), dropped; a code typed at the sender or the
        # receiver that found the case through its referral.
        "case.host_referral_requested",
        "case.host_referred",
        "case.host_received",
        "case.host_referral_cancelled",
        "case.tracking_forwarded",
        # The host acting on the organisation (also in the host's own chain).
        "organisation.created",
        "organisation.suspended",
        "organisation.resumed",
    }
)

VERIFY_BATCH = 1000
SEPARATOR = "\x1f"  # ASCII unit separator; refused inside every field
_FORBIDDEN = (SEPARATOR, "\n", "\r")
# Column widths in intake.models.AuditEntry; checked here so SQLite refuses what PostgreSQL would.
_MAX_ACTOR = 80
_MAX_CASE_ID = 36
_MAX_DETAIL = 200


def actor_label(user: User | None) -> str:
    """How an entry names who acted: ``user:<id>`` for staff, else the public."""
    return f"user:{user.id}" if user is not None else ACTOR_PUBLIC


def _check_field(name: str, value: str, max_length: int) -> None:
    if any(ch in value for ch in _FORBIDDEN):
        raise ValueError(f"audit {name} must not contain a newline or the separator")
    if len(value) > max_length:
        raise ValueError(f"audit {name} is longer than {max_length} characters")


def entry_text(
    entry_id: int, at: datetime, actor: str, action: str, case_id: str | None, detail: str
) -> str:
    """The canonical form of an entry that its mac covers."""
    if at.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    when = at.astimezone(UTC).isoformat(timespec="microseconds")
    return SEPARATOR.join((str(entry_id), when, actor, action, case_id or "", detail))


def record(
    session: DbSession,
    keyring: crypto.Keyring,
    action: str,
    *,
    actor: str,
    now: datetime,
    case_id: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry inside the caller's transaction; the caller commits (or rolls back).

    ``detail`` is a short note, never content or an identity (see the module docstring).
    Raises ValueError for an unknown action, a naive ``now``, or a field that is too long
    or holds a newline or the separator.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action: {action!r}")
    if not actor:
        raise ValueError("audit actor must not be empty")
    if now.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    _check_field("actor", actor, _MAX_ACTOR)
    _check_field("case id", case_id or "", _MAX_CASE_ID)
    _check_field("detail", detail, _MAX_DETAIL)

    # populate_existing: the values come from the locked row, not an older copy in the session.
    head = session.scalars(
        select(AuditHead).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()
    if head is None:
        raise RuntimeError("the audit_head row is missing; the audit log cannot be appended to")

    at = now.astimezone(UTC)
    entry_id = head.last_id + 1
    text = entry_text(entry_id, at, actor, action, case_id, detail)
    mac = crypto.audit_mac(keyring.audit_key, head.last_mac, text)
    entry = AuditEntry(
        id=entry_id, at=at, actor=actor, action=action, case_id=case_id, detail=detail, mac=mac
    )
    session.add(entry)
    head.last_id = entry_id
    head.last_mac = mac
    # Write now, so that the database (and the lock) always agrees with the session.
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int  # entries whose mac was found correct
    first_broken_id: int | None
    problem: str  # "" when ok, else a short English description


def _missing(expected: int, found: int) -> str:
    if found == expected + 1:
        return f"entry {expected} is missing"
    return f"entries {expected} to {found - 1} are missing"


def verify(session: DbSession, keyring: crypto.Keyring) -> VerifyResult:
    """Walk the whole log in id order and report the first entry where the chain breaks.

    Read-only: it records nothing and leaves the transaction to the caller.
    """
    checked = 0
    last_id = 0
    last_mac = ""

    def broken(entry_id: int | None, problem: str) -> VerifyResult:
        return VerifyResult(False, checked, entry_id, problem)

    # Entries committed while the walk runs are taken in: a head found beyond the walk
    # is walked to once more; if the log still stops short, its newest entries are gone.
    target: int | None = None
    while True:
        while True:
            rows = session.execute(
                select(
                    AuditEntry.id,
                    AuditEntry.at,
                    AuditEntry.actor,
                    AuditEntry.action,
                    AuditEntry.case_id,
                    AuditEntry.detail,
                    AuditEntry.mac,
                )
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(VERIFY_BATCH)
            ).all()
            if not rows:
                break
            for row in rows:
                expected = last_id + 1
                if row.id != expected:
                    return broken(row.id, _missing(expected, row.id))
                text = entry_text(row.id, row.at, row.actor, row.action, row.case_id, row.detail)
                mac = crypto.audit_mac(keyring.audit_key, last_mac, text)
                if not hmac.compare_digest(mac, row.mac):
                    return broken(row.id, f"entry {row.id} does not match its mac")
                checked += 1
                last_id, last_mac = row.id, row.mac
        if target is not None and last_id < target:
            return broken(target, "newest entries missing")

        head = session.execute(select(AuditHead.last_id, AuditHead.last_mac)).one_or_none()
        if head is None:
            return broken(None, "the audit head row is missing")
        if head.last_id > last_id:
            target = head.last_id
            continue
        if head.last_id < last_id:
            return broken(head.last_id + 1, f"the head names entry {head.last_id}, not {last_id}")
        if not hmac.compare_digest(head.last_mac, last_mac):
            return broken(head.last_id, "newest entries missing")
        return VerifyResult(True, checked, None, "")
