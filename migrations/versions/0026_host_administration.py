"""host administration

The host's own accounts (``host_admins``: password and TOTP, in no organisation) and its
own hash-chained, append-only audit log (``host_audit_log``; its single head row is made
by the first append) for
what they do: organisations created, suspended and resumed, sign-ins, enrolment links.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 05:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)
# As in intake.models.host (a migration keeps its own copy).
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


def upgrade():
    op.create_table(
        "host_admins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("totp_secret_enc", sa.LargeBinary(), nullable=True),
        sa.Column("totp_last_step", sa.BigInteger(), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("last_login_at", AWARE, nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_admins")),
        sa.UniqueConstraint("username", name=op.f("uq_host_admins_username")),
    )
    op.create_table(
        "host_audit_log",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", AWARE, nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("organisation_slug", sa.String(length=63), nullable=False),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_audit_log")),
    )
    op.create_table(
        "host_audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_audit_head")),
    )
    for statement in HOST_AUDIT_TRIGGERS[op.get_bind().dialect.name]:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS host_audit_log_no_change ON host_audit_log")
        op.execute("DROP TRIGGER IF EXISTS host_audit_log_no_truncate ON host_audit_log")
    op.drop_table("host_audit_head")
    op.drop_table("host_audit_log")
    op.drop_table("host_admins")
