"""attachment metadata report

What cleaning removed from each attachment and what it could not remove, as short codes
(intake.cleaning.Report). Files stored before this revision were cleaned only when they
were images, which the old flag says.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

IMAGE_REPORT = "cleaned:location,device,dates,properties;kept:content"


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("metadata_report", sa.String(length=200), nullable=False, server_default="")
        )
    attachments = sa.table(
        "attachments",
        sa.column("metadata_removed", sa.Boolean()),
        sa.column("metadata_report", sa.String()),
    )
    op.execute(
        attachments.update()
        .where(attachments.c.metadata_removed.is_(True))
        .values(metadata_report=IMAGE_REPORT)
    )


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("metadata_report")
