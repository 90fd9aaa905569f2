"""The append-only, hash-chained audit log and its head row."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import Model
from intake.models.columns import AwareDateTime
from intake.models.ownership import OrganisationOwned, organisation_column


class AuditEntry(OrganisationOwned, Model):
    """One append-only audit line: who, what, when, which case. Never content.

    ``mac`` chains each entry to the one before it with a server-held key; database
    triggers refuse UPDATE and DELETE; ``AuditHead`` remembers the newest entry so that
    deleting it is noticed too.
    """

    __tablename__ = "audit_log"

    organisation_id: Mapped[int] = organisation_column(primary_key=True)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    actor: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(60))
    case_id: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    detail: Mapped[str] = mapped_column(sa.String(200), default="")
    mac: Mapped[str] = mapped_column(sa.String(64))


class AuditHead(OrganisationOwned, Model):
    """The row naming an organisation's newest audit entry; appending locks it. Each
    organisation has its own chain, made with the organisation (so the first two appends
    cannot race to create it), and can be verified, exported or deleted alone."""

    __tablename__ = "audit_head"

    organisation_id: Mapped[int] = organisation_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    last_mac: Mapped[str] = mapped_column(sa.String(64), default="")


# The audit log refuses to be changed, whichever way the tables were created. The one
# exception: an organisation's entries go with it, while the host's record of its
# deletion is pending (``host_records.OrganisationDeletion``, same transaction).
DELETION_PENDING = (
    "SELECT 1 FROM organisation_deletions "
    "WHERE deleted_organisation_id = OLD.organisation_id AND pending"
)
AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        f"WHEN NOT EXISTS ({DELETION_PENDING}) "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger AS $$ "
        f"BEGIN IF TG_OP = 'DELETE' THEN IF EXISTS ({DELETION_PENDING}) THEN RETURN OLD; "
        "END IF; END IF; RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
    ],
}

for _dialect, _statements in AUDIT_TRIGGERS.items():
    for _statement in _statements:
        sa.event.listen(
            AuditEntry.__table__,
            "after_create",
            sa.DDL(_statement).execute_if(dialect=_dialect),
        )
