"""Statistics data version: one row, bumped by every commit that changes counted records.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    stamp = op.create_table(
        "statistics_stamp",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_stamp")),
    )
    op.bulk_insert(stamp, [{"id": 1, "version": 0}])


def downgrade():
    op.drop_table("statistics_stamp")
