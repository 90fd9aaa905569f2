"""tip guideline settings and Thai digits in PDFs

The corruption-tip guideline is published apart from the general one (anti-corruption
action plan, measure 43 item 8), with the tip unit's own contacts and its own date of
announcement; the Thai PDFs may print Thai numerals. Not null with empty defaults, so the
existing settings row upgrades and the tip guideline keeps its general wording.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("tip_phone", 50),
    ("tip_email", 254),
    ("tip_location_th", 300),
    ("tip_location_en", 300),
)


def upgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        for name, length in TEXT_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), nullable=False, server_default="")
            )
        batch_op.add_column(sa.Column("tip_guide_published_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("pdf_thai_digits", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("pdf_thai_digits")
        batch_op.drop_column("tip_guide_published_on")
        for name, _length in reversed(TEXT_COLUMNS):
            batch_op.drop_column(name)
