"""server-side sessions and throttling

Staff sessions held on the server (sign-out ends every copy of the cookie); public-session
tokens that were used up or ended ("leave", a receipt shown); sign-in failures per account
and client (the lock is on the pair; the account-wide row slows down, never locks), which
replace the account-wide counter on ``users``; and a per-custodian passphrase failure
counter with a growing lockout.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 22:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

AWARE = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", AWARE, nullable=False),
        sa.Column("last_seen_at", AWARE, nullable=False),
        sa.Column("ended_at", AWARE, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_staff_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_sessions")),
        sa.UniqueConstraint("digest", name=op.f("uq_staff_sessions_digest")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "sign_in_failures",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", AWARE, nullable=False),
        sa.Column("locked_until", AWARE, nullable=True),
        sa.Column("trusted_until", AWARE, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sign_in_failures_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", "client", name=op.f("pk_sign_in_failures")),
    )

    op.create_table(
        "ended_public_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", AWARE, nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_ended_public_tokens")),
    )
    with op.batch_alter_table("ended_public_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ended_public_tokens_expires_at"), ["expires_at"], unique=False
        )

    with op.batch_alter_table("custodian_keys", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("passphrase_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("passphrase_lockouts", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("passphrase_locked_until", AWARE, nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", AWARE, nullable=True))

    with op.batch_alter_table("custodian_keys", schema=None) as batch_op:
        batch_op.drop_column("passphrase_locked_until")
        batch_op.drop_column("passphrase_lockouts")
        batch_op.drop_column("passphrase_failures")

    with op.batch_alter_table("ended_public_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ended_public_tokens_expires_at"))
    op.drop_table("ended_public_tokens")
    op.drop_table("sign_in_failures")
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_user_id"))
    op.drop_table("staff_sessions")
