"""retention

How long contents and identities are kept after a case closes, per kind (the settings
row, ten years each to start with: the records regulation's general minimum), and when a
case's contents and identity were purged.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 03:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

YEAR_COLUMNS = (
    "complaint_contents_years",
    "complaint_identity_years",
    "tip_contents_years",
    "tip_identity_years",
)
PURGE_COLUMNS = ("contents_purged_at", "identity_purged_at")


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        for name in YEAR_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="10"))
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in PURGE_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for name in reversed(PURGE_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        for name in reversed(YEAR_COLUMNS):
            batch_op.drop_column(name)
