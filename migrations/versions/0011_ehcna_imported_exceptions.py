"""EHCNA: a 20-week exception imported from a council's history may have no recorded ground.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("timescale_exception", schema=None) as batch_op:
        batch_op.alter_column("ground", existing_type=sa.String(length=22), nullable=True)


def downgrade():
    with op.batch_alter_table("timescale_exception", schema=None) as batch_op:
        batch_op.alter_column("ground", existing_type=sa.String(length=22), nullable=False)
