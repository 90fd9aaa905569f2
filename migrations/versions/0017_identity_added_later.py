"""identity added later

When a tipster who filed anonymously gave their identity afterwards from the status page
(the identity itself is sealed in ``identity_sealed``, as at filing).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 23:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("identity_added_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("identity_added_at")
