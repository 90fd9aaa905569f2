"""host statistics index

The host's statistics sum, for one kind and fiscal year, the total rows of
``case_tallies`` of every organisation. The table's key leads with the organisation, so
without this partial index PostgreSQL reads the whole table (every breakdown of every
year); with it, only the year's total rows, from the index alone.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 05:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

TOTALS = "dimension = 'total'"


def upgrade():
    with op.batch_alter_table("case_tallies", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_tallies_year_totals",
            ["kind", "month", "organisation_id", "closed", "on_time"],
            unique=False,
            postgresql_where=sa.text(TOTALS),
            sqlite_where=sa.text(TOTALS),
            postgresql_include=["cases", "responses", "satisfied"],
        )


def downgrade():
    with op.batch_alter_table("case_tallies", schema=None) as batch_op:
        batch_op.drop_index("ix_case_tallies_year_totals")
