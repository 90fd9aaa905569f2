"""Deleting one organisation from a host: every row of it, its files, its keys.

Refused unless an export of it was made since its last change: the newest entry of its
audit chain must be the export (every change to an organisation's cases, staff and
settings is audited, so any change after the export comes after it in the chain). An
operator who means to delete without one says so.

Its own audit chain goes with it (it is one of its tables), so the deletion is recorded
by the host, in ``organisation_deletions``: which organisation, when, by whom, whether it
was exported first, how many rows and files went; and the same in the host's own
hash-chained audit log. The audit log's trigger lets the
organisation's entries be deleted only while that record is pending, in the same
transaction.

After the rows are committed, its keys are destroyed (crypto-shredding) and then its
files. Old backups of the host still hold its rows, but its contents there are ciphertext
under keys that no longer exist anywhere but in a copy of the keys folder kept from
before: destroy those copies too for the deletion to be complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from intake.extensions import Base
from intake.models import Attachment, AuditEntry, Organisation, OrganisationDeletion
from intake.organisation_scope import forget_only_organisation, work_for
from intake.services import DbSession
from intake.services.host_audit import record_host
from intake.services.keyring import host_keyring

EXPORT_ACTION = "organisation.exported"


class DeletionRefused(Exception):
    """The organisation is not deleted; the message says why and what to do."""


@dataclass(frozen=True)
class DeletionReport:
    organisation_id: int
    slug: str
    rows: int
    stored_names: tuple[str, ...]


def exported_since_last_change(session: DbSession, organisation_id: int) -> bool:
    """Whether the newest entry of the organisation's audit chain is an export."""
    work_for(session, organisation_id)
    newest = sa.select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)
    return session.scalar(newest) == EXPORT_ACTION


def delete_organisation_rows(
    session: DbSession,
    organisation: Organisation,
    *,
    actor: str,
    without_export: bool,
    now: datetime,
) -> DeletionReport:
    """Delete every row of the organisation and record it for the host; commits."""
    organisation_id, slug = organisation.id, organisation.slug
    exported = exported_since_last_change(session, organisation_id)
    if not exported and not without_export:
        raise DeletionRefused(
            f"{slug} has changed since its last export (or was never exported): run "
            f"`intake org export {slug}` first, or delete it with --without-export"
        )
    connection = session.connection()
    query = sa.select(Attachment.__table__.c.stored_name).where(
        Attachment.__table__.c.organisation_id == organisation_id
    )
    stored = tuple(connection.execute(query).scalars())
    record = OrganisationDeletion(
        deleted_organisation_id=organisation_id,
        slug=slug,
        name_th=organisation.name_th,
        deleted_at=now,
        actor=actor,
        exported_first=exported,
        pending=True,
    )
    session.add(record)
    session.flush()
    rows = 0
    # Children before parents: the tables are deleted from in reverse dependency order.
    for table in reversed(Base.metadata.sorted_tables):
        if "organisation_id" in table.c:
            deleted = connection.execute(
                table.delete().where(table.c.organisation_id == organisation_id)
            )
            rows += max(deleted.rowcount, 0)
    connection.execute(sa.delete(Organisation).where(Organisation.id == organisation_id))
    record.rows_deleted = rows + 1
    record.files_deleted = len(stored)
    record.pending = False
    # The record above is a row anyone with the database could change; the host's
    # hash-chained log keeps the deletion where that would show.
    record_host(
        session,
        host_keyring(),
        "organisation.deleted",
        actor=actor,
        now=now,
        organisation_slug=slug,
        detail=f"rows={rows + 1} files={len(stored)} exported_first={'yes' if exported else 'no'}",
    )
    session.flush()
    session.commit()
    session.expunge_all()
    forget_only_organisation(session)
    return DeletionReport(organisation_id, slug, rows + 1, stored)


def delete_files(uploads_dir: Path, stored_names: tuple[str, ...]) -> int:
    """The organisation's attachment files (already unreadable once its keys are gone)."""
    removed = 0
    for name in stored_names:
        path = uploads_dir / name
        if path.exists():
            path.unlink()
            removed += 1
    return removed
