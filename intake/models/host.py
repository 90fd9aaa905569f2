"""What belongs to the host itself, not to any organisation: its administrators and the
audit chain of what they do. Neither table is ``OrganisationOwned``: no organisation's
query reads them, and they read no organisation's cases."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from intake.extensions import Model
from intake.models.columns import AwareDateTime, utcnow


class HostAdmin(Model):
    """A person who runs the host: creates, suspends and resumes organisations, issues
    their first enrolment links and reads their health. Signs in with a password and a
    TOTP code, like staff, at the host's root; holds no role in any organisation."""

    __tablename__ = "host_admins"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    totp_secret_enc: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # The last accepted TOTP time step: a code is accepted once.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Part of the signed session: bumping it signs the administrator out everywhere.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime, default=utcnow)


class HostAuditEntry(Model):
    """One line of the host's own audit chain: organisations created, suspended and
    resumed, host administrators' sign-ins, enrolment links issued. Chained with the
    same mac as an organisation's log; never content."""

    __tablename__ = "host_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(AwareDateTime)
    actor: Mapped[str] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(60))
    # The organisation acted on (its slug stays readable after the organisation is gone).
    organisation_slug: Mapped[str] = mapped_column(sa.String(63), default="")
    detail: Mapped[str] = mapped_column(sa.String(200), default="")
    mac: Mapped[str] = mapped_column(sa.String(64))


class HostAuditHead(Model):
    """The single row naming the host chain's newest entry; appending locks it. Made by
    the first append (not by the schema, so that a restored backup brings its own)."""

    __tablename__ = "host_audit_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_id: Mapped[int] = mapped_column(default=0)
    last_mac: Mapped[str] = mapped_column(sa.String(64), default="")


# Like the organisations' log: append-only whichever way the tables were made.
HOST_AUDIT_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER host_audit_log_no_update BEFORE UPDATE ON host_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
        "CREATE TRIGGER host_audit_log_no_delete BEFORE DELETE ON host_audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER host_audit_log_no_change BEFORE UPDATE OR DELETE ON host_audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
        "CREATE TRIGGER host_audit_log_no_truncate BEFORE TRUNCATE ON host_audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
    ],
}

for _dialect, _statements in HOST_AUDIT_TRIGGERS.items():
    for _statement in _statements:
        _ddl = sa.DDL(_statement).execute_if(dialect=_dialect)
        sa.event.listen(HostAuditEntry.__table__, "after_create", _ddl)
