"""The host's own audit chain: what host administrators and the host's commands did to
organisations (created, suspended, resumed, enrolment links issued) and who signed in.

It is chained exactly as an organisation's log is (``services.audit.entry_text`` and the
same audit key), with the organisation's slug where a case id would be; the single
``host_audit_head`` row names the newest entry and is locked to append (the first
append makes it). An action on an
organisation is also recorded in that organisation's own chain by the caller, so each
organisation's auditor sees it too.
"""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

from sqlalchemy import select, text

from intake import crypto
from intake.models import HostAuditEntry, HostAuditHead
from intake.organisation_scope import host_wide
from intake.services import DbSession
from intake.services.audit import ACTOR_SYSTEM, VerifyResult, entry_text

HOST_ACTIONS = frozenset(
    {
        "organisation.created",
        "organisation.suspended",
        "organisation.resumed",
        "organisation.enrolment_issued",
        "organisation.deleted",
        "host_admin.created",
        "host_admin.signed_in",
        "host_admin.sign_in_failed",
    }
)
HEAD_ROW = text(
    "INSERT INTO host_audit_head (id, last_id, last_mac) VALUES (1, 0, '') "
    "ON CONFLICT (id) DO NOTHING"
)
_MAX = {"actor": 80, "organisation_slug": 63, "detail": 200}


def host_actor(host_admin_id: int | None) -> str:
    """``host_admin:<id>`` for a host administrator, ``system`` for a command."""
    return ACTOR_SYSTEM if host_admin_id is None else f"host_admin:{host_admin_id}"


def record_host(
    session: DbSession,
    keyring: crypto.Keyring,
    action: str,
    *,
    actor: str,
    now: datetime,
    organisation_slug: str = "",
    detail: str = "",
) -> HostAuditEntry:
    """Append one entry inside the caller's transaction; the caller commits."""
    if action not in HOST_ACTIONS:
        raise ValueError(f"unknown host audit action: {action!r}")
    if now.tzinfo is None:
        raise ValueError("audit time must be timezone-aware")
    for name, value in (
        ("actor", actor),
        ("organisation_slug", organisation_slug),
        ("detail", detail),
    ):
        if len(value) > _MAX[name] or any(ch in value for ch in "\x1f\n\r"):
            raise ValueError(f"host audit {name} is too long or holds a separator")
    # The head row is made by the first append; two first appends both insert nothing
    # twice, and then take turns on the row's lock.
    session.execute(HEAD_ROW)
    head = session.scalars(
        host_wide(select(HostAuditHead).with_for_update()).execution_options(populate_existing=True)
    ).one()
    at = now.astimezone(UTC)
    entry_id = head.last_id + 1
    text = entry_text(entry_id, at, actor, action, organisation_slug, detail)
    mac = crypto.audit_mac(keyring.audit_key, head.last_mac, text)
    entry = HostAuditEntry(
        id=entry_id,
        at=at,
        actor=actor,
        action=action,
        organisation_slug=organisation_slug,
        detail=detail,
        mac=mac,
    )
    session.add(entry)
    head.last_id, head.last_mac = entry_id, mac
    session.flush()
    return entry


def recent(session: DbSession, limit: int = 50) -> list[HostAuditEntry]:
    query = select(HostAuditEntry).order_by(HostAuditEntry.id.desc()).limit(limit)
    return list(session.scalars(host_wide(query)))


def verify_host(session: DbSession, keyring: crypto.Keyring) -> VerifyResult:
    """Walk the host chain; the first entry where it breaks. Read-only."""
    last_id, last_mac, checked = 0, "", 0
    for row in session.scalars(host_wide(select(HostAuditEntry).order_by(HostAuditEntry.id))):
        text = entry_text(row.id, row.at, row.actor, row.action, row.organisation_slug, row.detail)
        mac = crypto.audit_mac(keyring.audit_key, last_mac, text)
        if row.id != last_id + 1 or not hmac.compare_digest(mac, row.mac):
            return VerifyResult(False, checked, row.id, f"entry {row.id} does not match its mac")
        last_id, last_mac, checked = row.id, row.mac, checked + 1
    head = session.scalars(host_wide(select(HostAuditHead))).one_or_none()
    if head is None:
        ok = checked == 0  # nothing appended yet
        return VerifyResult(ok, checked, None if ok else 1, "" if ok else "the head is missing")
    if head.last_id != last_id or not hmac.compare_digest(head.last_mac, last_mac):
        return VerifyResult(False, checked, head.last_id, "newest entries missing")
    return VerifyResult(True, checked, None, "")
