"""referral of a case to another organisation on the host

``host_referrals`` (one row per referral, owned by the sending organisation) and, on
``cases``, the organisation a case was referred to or received from.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 05:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("referred_to_organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("referred_from_organisation_id", sa.Integer(), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_referred_to_organisation_id_organisation"),
            "organisation",
            ["referred_to_organisation_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_referred_from_organisation_id_organisation"),
            "organisation",
            ["referred_from_organisation_id"],
            ["id"],
        )
    op.create_table(
        "host_referrals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("to_organisation_id", sa.Integer(), nullable=False),
        sa.Column("reason_enc", sa.LargeBinary(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "done",
                "cancelled",
                name="hostreferralstatus",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("new_case_id", sa.String(length=36), nullable=True),
        sa.Column("tracking_digest", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_host_referrals_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_host_referrals_done_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["new_case_id"], ["cases.id"], name=op.f("fk_host_referrals_new_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_host_referrals_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_host_referrals_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["to_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_host_referrals_to_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_host_referrals")),
    )
    with op.batch_alter_table("host_referrals", schema=None) as batch_op:
        for column in ("case_id", "organisation_id", "to_organisation_id", "tracking_digest"):
            batch_op.create_index(batch_op.f(f"ix_host_referrals_{column}"), [column])


def downgrade():
    with op.batch_alter_table("host_referrals", schema=None) as batch_op:
        for column in ("case_id", "organisation_id", "to_organisation_id", "tracking_digest"):
            batch_op.drop_index(batch_op.f(f"ix_host_referrals_{column}"))
    op.drop_table("host_referrals")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_cases_referred_from_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_cases_referred_to_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_column("referred_from_organisation_id")
        batch_op.drop_column("referred_to_organisation_id")
