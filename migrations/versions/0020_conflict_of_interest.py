"""conflict of interest on tips

A tip says whether the accused is an executive or a staff member (``cases.accused_role``);
administrators mark people who must not see tips naming the executive
(``users.excluded_from_executive_tips``); legal leads exclude named people from one case
(``case_exclusions``).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 23:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "accused_role",
                sa.Enum(
                    "executive",
                    "staff",
                    "other",
                    name="accusedrole",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "excluded_from_executive_tips",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
    op.create_table(
        "case_exclusions",
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_exclusions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_case_exclusions_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_case_exclusions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_case_exclusions")),
    )
    with op.batch_alter_table("case_exclusions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_exclusions_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("case_exclusions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_exclusions_user_id"))
    op.drop_table("case_exclusions")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("excluded_from_executive_tips")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_cases_accusedrole"), type_="check")
        batch_op.drop_column("accused_role")
