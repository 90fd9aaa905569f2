"""row-level security between organisations (PostgreSQL)

Every table with an ``organisation_id`` is put behind one policy: a row is seen, and may
be written, only when its organisation is the one the transaction names in the setting
``intake.organisation``, or when the transaction says ``intake.host_wide = 'on'``. An
unset setting names nothing, so it shows nothing. FORCE makes the tables' owner obey it
too. SQLite has no such thing: there the application's own scoping is the only wall, and
this revision does nothing.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 06:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

POLICY = "organisation_rows"
ROWS_OF_THE_ORGANISATION = (
    "organisation_id = NULLIF(current_setting('intake.organisation', true), '')::integer"
    " OR COALESCE(current_setting('intake.host_wide', true), '') = 'on'"
)


def _owned_tables(bind):
    """Every table of the schema that has an organisation_id column."""
    query = sa.text(
        "SELECT c.table_name FROM information_schema.columns c"
        " JOIN information_schema.tables t"
        " ON t.table_schema = c.table_schema AND t.table_name = c.table_name"
        " WHERE c.table_schema = current_schema() AND c.column_name = 'organisation_id'"
        " AND t.table_type = 'BASE TABLE' ORDER BY c.table_name"
    )
    return [row[0] for row in bind.execute(query)]


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in _owned_tables(bind):
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {POLICY} ON {table}"
            f" USING ({ROWS_OF_THE_ORGANISATION}) WITH CHECK ({ROWS_OF_THE_ORGANISATION})"
        )


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in _owned_tables(bind):
        op.execute(f"DROP POLICY IF EXISTS {POLICY} ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
