"""enrolment links

A staff account's pending one-time enrolment link: the keyed digest of its token (never
the token) and when it expires. The person sets their own password and enrols two-factor
through it; an administrator never sees either.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 22:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enrolment_digest", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("enrolment_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_users_enrolment_digest"), ["enrolment_digest"], unique=True
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_enrolment_digest"))
        batch_op.drop_column("enrolment_expires_at")
        batch_op.drop_column("enrolment_digest")
