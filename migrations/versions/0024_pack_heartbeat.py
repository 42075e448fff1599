"""A pack build's heartbeat: the worker that renders a version stamps it every few seconds,
so a version whose worker died is seen as stopped within minutes (services/packs.is_stale)
and is rebuilt rather than reused.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("generated_pack") as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("generated_pack") as batch_op:
        batch_op.drop_column("heartbeat_at")
