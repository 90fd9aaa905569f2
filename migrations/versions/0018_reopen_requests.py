"""reopen requests

A complainant may ask, within ``organisation.reopen_days`` (30 by default) of a case
closing, to have it reopened; staff reopen it or answer why not. One row per request;
at most one pending per case (a partial unique index).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 23:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reopen_days", sa.Integer(), nullable=False, server_default="30")
        )
    op.create_table(
        "reopen_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending",
                "reopened",
                "declined",
                name="reopenoutcome",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("answer_event_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["answer_event_id"],
            ["case_events.id"],
            name=op.f("fk_reopen_requests_answer_event_id_case_events"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_reopen_requests_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_reopen_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["case_events.id"], name=op.f("fk_reopen_requests_event_id_case_events")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reopen_requests")),
    )
    with op.batch_alter_table("reopen_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reopen_requests_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reopen_requests_requested_at"), ["requested_at"], unique=False
        )
        batch_op.create_index(
            "ux_reopen_requests_one_pending",
            ["case_id"],
            unique=True,
            postgresql_where=sa.text("outcome = 'pending'"),
            sqlite_where=sa.text("outcome = 'pending'"),
        )


def downgrade():
    with op.batch_alter_table("reopen_requests", schema=None) as batch_op:
        batch_op.drop_index("ux_reopen_requests_one_pending")
        batch_op.drop_index(batch_op.f("ix_reopen_requests_requested_at"))
        batch_op.drop_index(batch_op.f("ix_reopen_requests_case_id"))
    op.drop_table("reopen_requests")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("reopen_days")
