"""LINE Official Account: the account's keys, webhook events until handled, chats

The channel ``line`` joins the channels of receipt. An organisation's channel secret and
access token are kept encrypted (``line_accounts``). A webhook event waits encrypted in
``line_events`` until it is handled, then only LINE's event id stays, so a redelivery is
not handled twice. A chat (``line_chats``) is found by a keyed digest of the LINE user
id; the id itself is kept encrypted only with the case it filed (``cases.line_user_enc``).
News of a case waits in ``line_messages`` (encrypted) until it is pushed to that chat.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 22:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

OLD_CHANNELS = (
    "web", "walk_in", "phone", "letter", "email", "social", "damrongdham", "agency", "open311",
)  # fmt: skip
NEW_CHANNELS = (*OLD_CHANNELS, "line")
TABLES = ("line_accounts", "line_events", "line_chats", "line_messages")
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


def _organisation(table):
    return (
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f(f"fk_{table}_organisation_id_organisation"),
        ),
    )


def upgrade():
    op.create_table(
        "line_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret_enc", sa.LargeBinary(), nullable=False),
        sa.Column("token_enc", sa.LargeBinary(), nullable=False),
        sa.Column("connected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("connected_by_id", sa.Integer(), nullable=True),
        *_organisation("line_accounts"),
        sa.ForeignKeyConstraint(
            ["connected_by_id"], ["users.id"], name=op.f("fk_line_accounts_connected_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_accounts")),
        sa.UniqueConstraint("organisation_id", name=op.f("uq_line_accounts_organisation_id")),
    )
    op.create_table(
        "line_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body_enc", sa.LargeBinary(), nullable=True),
        *_organisation("line_events"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_events")),
        sa.UniqueConstraint(
            "organisation_id", "event_id", name=op.f("uq_line_events_organisation_id_event_id")
        ),
    )
    op.create_table(
        "line_chats",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_digest", sa.String(length=64), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("draft_enc", sa.LargeBinary(), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        *_organisation("line_chats"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_line_chats_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_chats")),
        sa.UniqueConstraint(
            "organisation_id", "user_digest", name=op.f("uq_line_chats_organisation_id_user_digest")
        ),
    )
    op.create_table(
        "line_messages",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("body_enc", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        *_organisation("line_messages"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_line_messages_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_line_messages")),
    )
    with op.batch_alter_table("line_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_line_messages_case_id"), ["case_id"], unique=False)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f(f"ix_{table}_organisation_id"), ["organisation_id"], unique=False
            )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("line_user_enc", sa.LargeBinary(), nullable=True))
    _channels(OLD_CHANNELS, NEW_CHANNELS)
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
            op.execute(
                f"CREATE POLICY {POLICY} ON {table}"
                f" USING ({ROWS_OF_THE_ORGANISATION}) WITH CHECK ({ROWS_OF_THE_ORGANISATION})"
            )


def downgrade():
    # A case filed in a LINE chat has no channel to go back to: refuse rather than relabel.
    filed = op.get_bind().execute(sa.text("SELECT count(*) FROM cases WHERE channel = 'line'"))
    if filed.scalar_one():
        raise RuntimeError("cases were filed through LINE: this revision cannot be undone")
    _channels(NEW_CHANNELS, OLD_CHANNELS)
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("line_user_enc")
    for table in reversed(TABLES):
        op.drop_table(table)
