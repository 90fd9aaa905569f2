"""directory search index

Revision ID: 0024
Revises: 0023

The directory's search (``search_key LIKE '%term%'``) read every organisation: on
PostgreSQL a trigram GIN index (pg_trgm) answers it from the index instead. SQLite gets a
plain index of the same name, as the models declare it.
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_organisation_search_key_trgm",
        "organisation",
        ["search_key"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"search_key": "gin_trgm_ops"},
    )


def downgrade():
    # The extension stays: other objects may use it.
    op.drop_index(
        "ix_organisation_search_key_trgm",
        table_name="organisation",
        postgresql_using="gin",
        postgresql_ops={"search_key": "gin_trgm_ops"},
    )
