"""Open311 GeoReport v2: client applications and the cases they file

A client application's API key is kept as its SHA-256 only. A case filed through the API
names its client (statistics count it as ``open311:<client>``) and keeps the digest of the
request id the client was given for reading its status. The channel ``open311`` joins the
channels of receipt.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07 21:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

OLD_CHANNELS = (
    "web", "walk_in", "phone", "letter", "email", "social", "damrongdham", "agency",
)  # fmt: skip
NEW_CHANNELS = (*OLD_CHANNELS, "open311")
# The same policy as revision 0025 puts on every table of an organisation's rows.
POLICY = "organisation_rows"
ROWS_OF_THE_ORGANISATION = (
    "organisation_id = NULLIF(current_setting('intake.organisation', true), '')::integer"
    " OR COALESCE(current_setting('intake.host_wide', true), '') = 'on'"
)


def _channels(old, new):
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.alter_column(
            "channel",
            existing_type=sa.Enum(
                *old, name="channel", native_enum=False, create_constraint=True, length=20
            ),
            type_=sa.Enum(
                *new, name="channel", native_enum=False, create_constraint=True, length=20
            ),
            existing_nullable=False,
        )


def upgrade():
    op.create_table(
        "open311_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("key_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_open311_clients_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_open311_clients_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_clients")),
        sa.UniqueConstraint("key_digest", name=op.f("uq_open311_clients_key_digest")),
    )
    with op.batch_alter_table("open311_clients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_open311_clients_organisation_id"), ["organisation_id"], unique=False
        )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("open311_client_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("open311_request_digest", sa.String(length=64), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_open311_client_id_open311_clients"),
            "open311_clients",
            ["open311_client_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_cases_open311_request_digest"), ["open311_request_digest"]
        )
    _channels(OLD_CHANNELS, NEW_CHANNELS)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE open311_clients ENABLE ROW LEVEL SECURITY")
        op.execute("ALTER TABLE open311_clients FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {POLICY} ON open311_clients"
            f" USING ({ROWS_OF_THE_ORGANISATION}) WITH CHECK ({ROWS_OF_THE_ORGANISATION})"
        )


def downgrade():
    # A case filed through the API has no channel to go back to: refuse rather than
    # relabel it and leave its statistics counting a channel that no longer exists.
    filed = op.get_bind().execute(sa.text("SELECT count(*) FROM cases WHERE channel = 'open311'"))
    if filed.scalar_one():
        raise RuntimeError("cases were filed through Open311: this revision cannot be undone")
    _channels(NEW_CHANNELS, OLD_CHANNELS)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_cases_open311_request_digest"), type_="unique")
        batch_op.drop_constraint(
            batch_op.f("fk_cases_open311_client_id_open311_clients"), type_="foreignkey"
        )
        batch_op.drop_column("open311_request_digest")
        batch_op.drop_column("open311_client_id")
    op.drop_table("open311_clients")
