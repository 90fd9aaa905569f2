"""linked duplicate cases

A case reported by several people can be linked to one primary case
(``cases.primary_case_id``); possible duplicates are looked for among recent cases of one
category (``ix_cases_category_received``).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 23:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("primary_case_id", sa.String(length=36), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_cases_primary_case_id_cases"),
            "cases",
            ["primary_case_id"],
            ["id"],
            # checked at commit: a restore inserts cases in id order, a duplicate maybe first
            deferrable=True,
            initially="DEFERRED",
        )
        batch_op.create_index(
            batch_op.f("ix_cases_primary_case_id"), ["primary_case_id"], unique=False
        )
        batch_op.create_index(
            "ix_cases_category_received", ["category_id", "received_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_category_received")
        batch_op.drop_index(batch_op.f("ix_cases_primary_case_id"))
        batch_op.drop_constraint(batch_op.f("fk_cases_primary_case_id_cases"), type_="foreignkey")
        batch_op.drop_column("primary_case_id")
