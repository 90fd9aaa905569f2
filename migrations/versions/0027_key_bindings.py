"""keys bound to the ids they were made with; the host's record of deleted organisations

An organisation exported from one host and imported on another gets new ids for its
staff accounts and identity keys. What is wrapped under a passphrase or sealed to a
custodian is bound to the old ids and cannot be re-bound without the passphrase, so the
imported rows keep the id they are bound to.

Deleting an organisation deletes its audit chain, which the audit log's triggers refused;
they now let an organisation's entries go while the host's record of its deletion
(``organisation_deletions``, kept outside every organisation) is pending, in the same
transaction, and never otherwise.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 05:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


PENDING = (
    "SELECT 1 FROM organisation_deletions "
    "WHERE deleted_organisation_id = OLD.organisation_id AND pending"
)
REFUSE_DELETE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_log_no_delete",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        f"WHEN NOT EXISTS ({PENDING}) "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger AS $$ "
        f"BEGIN IF TG_OP = 'DELETE' THEN IF EXISTS ({PENDING}) THEN RETURN OLD; "
        "END IF; END IF; RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
    ],
}
REFUSE_ALWAYS = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_log_no_delete",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END",
    ],
    "postgresql": [
        "CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql",
    ],
}


def _run(statements):
    for statement in statements[op.get_bind().dialect.name]:
        op.execute(statement)


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("key_binding_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("identity_keys") as batch:
        batch.add_column(sa.Column("key_binding_id", sa.Integer(), nullable=True))
    op.create_table(
        "organisation_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deleted_organisation_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("name_th", sa.String(length=300), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("exported_first", sa.Boolean(), nullable=False),
        sa.Column("rows_deleted", sa.Integer(), nullable=False),
        sa.Column("files_deleted", sa.Integer(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_deletions")),
    )
    with op.batch_alter_table("organisation_deletions") as batch:
        batch.create_index(
            batch.f("ix_organisation_deletions_deleted_organisation_id"),
            ["deleted_organisation_id"],
            unique=False,
        )
    _run(REFUSE_DELETE)


def downgrade():
    _run(REFUSE_ALWAYS)
    with op.batch_alter_table("organisation_deletions") as batch:
        batch.drop_index(batch.f("ix_organisation_deletions_deleted_organisation_id"))
    op.drop_table("organisation_deletions")
    with op.batch_alter_table("identity_keys") as batch:
        batch.drop_column("key_binding_id")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("key_binding_id")
