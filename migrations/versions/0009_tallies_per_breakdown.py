"""tallies per breakdown

One tally row per kind, month, breakdown and value (instead of one per combination of
every breakdown), so a year's statistics sum a few thousand rows however many cases
there are. The table holds nothing that cannot be recounted: it is rebuilt.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 15:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

KIND = sa.Enum("complaint", "tip", name="casekind", native_enum=False, create_constraint=True, length=20)


def _counts():
    return [
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
    ]


def upgrade():
    op.drop_table("case_tallies")
    op.create_table(
        "case_tallies",
        sa.Column("kind", KIND, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("dimension", sa.String(length=12), nullable=False),
        sa.Column("value", sa.String(length=36), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        *_counts(),
        sa.PrimaryKeyConstraint(
            "kind", "month", "dimension", "value", "closed", "on_time", name=op.f("pk_case_tallies")
        ),
    )
    # Left empty: 0021 (tallies per organisation) rebuilds the table and recounts it by the
    # one definition the application keeps it by, which needs that revision's columns.


def downgrade():
    # Back to the 0006 shape, empty: `intake stats-check --repair` on that version refills it.
    op.drop_table("case_tallies")
    op.create_table(
        "case_tallies",
        sa.Column("kind", KIND, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "web", "walk_in", "phone", "letter", "email", "social", "damrongdham", "agency",
                name="channel", native_enum=False, create_constraint=True, length=20,
            ),
            nullable=False,
        ),
        sa.Column("department_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("on_time", sa.Boolean(), nullable=False),
        *_counts(),
        sa.PrimaryKeyConstraint(
            "kind", "month", "category_id", "channel", "department_id", "outcome", "on_time",
            name=op.f("pk_case_tallies"),
        ),
    )
