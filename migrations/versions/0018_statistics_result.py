"""Figures computed at a data version, shared by every web worker (a worker's own cache
meant each of them computed the dashboard's figures cold once, seconds each at county scale).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "statistics_result",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key_hash", name=op.f("pk_statistics_result")),
    )
    op.create_index(
        op.f("ix_statistics_result_version"), "statistics_result", ["version"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_statistics_result_version"), table_name="statistics_result")
    op.drop_table("statistics_result")
