"""outbox message state

Each outbox message has its own state, so that one address the SMTP server refuses no
longer holds back every other mail: when it may be tried again (back-off per message),
when it failed for good, and the server's last reply code. Messages that had already
used up their attempts count as failed from when they were queued.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 22:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

MAX_ATTEMPTS_BEFORE = 10  # intake.mail.MAX_ATTEMPTS when this revision was written


def upgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_code", sa.Integer(), nullable=True))
    outbox = sa.table(
        "outbox",
        sa.column("sent_at", sa.DateTime(timezone=True)),
        sa.column("attempts", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("failed_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        outbox.update()
        .where(outbox.c.sent_at.is_(None), outbox.c.attempts >= MAX_ATTEMPTS_BEFORE)
        .values(failed_at=outbox.c.created_at)
    )


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("last_code")
        batch_op.drop_column("failed_at")
        batch_op.drop_column("next_attempt_at")
