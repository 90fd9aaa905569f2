"""reveals sealed to the requester

What an approved reveal hands over was kept under the content key (``revealed_enc``),
which the server holds: the database and the keys folder together opened it. It is now
sealed to the requester's own key pair (``personal_keys``: one per person who may ask for
reveals, the private half wrapped under that person's password), in ``revealed_sealed``.

Reveals still running at the upgrade are ended (status ``expired``) and the identities
they held are wiped: they cannot be sealed to a key that does not exist yet. Whoever
needs one asks again and a custodian approves again. The migration writes no audit entry
(it holds no audit key); the requests keep their trail up to the approval. On SQLite the
wipe runs with secure_delete on, so the old values are zeroed, not left in free pages.
The downgrade ends running reveals the same way (nothing sealed can go back under the
content key) and drops every personal key.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 23:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _end_running_reveals(column):
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA secure_delete=ON")
    op.execute("UPDATE reveal_requests SET status = 'expired' WHERE status = 'approved'")
    op.execute(f"UPDATE reveal_requests SET {column} = NULL")


def upgrade():
    op.create_table(
        "personal_keys",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("private_wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_personal_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_personal_keys")),
    )
    _end_running_reveals("revealed_enc")
    with op.batch_alter_table("reveal_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revealed_sealed", sa.LargeBinary(), nullable=True))
        batch_op.drop_column("revealed_enc")


def downgrade():
    _end_running_reveals("revealed_sealed")
    with op.batch_alter_table("reveal_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revealed_enc", sa.LargeBinary(), nullable=True))
        batch_op.drop_column("revealed_sealed")
    op.drop_table("personal_keys")
