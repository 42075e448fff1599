"""Covering indexes for a school's open APDR cycles: the register's counts (each child's open
cycle and review date) and the home page's reviews due and overdue (the cycle's child) are
read from the indexes alone (found with bench/pages.py on the county-scale data: 12 ms and
10 ms of table reads for a 2,000-child school).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")


def upgrade():
    with op.batch_alter_table("apdr_cycle") as batch_op:
        batch_op.drop_index("ix_apdr_cycle_setting_review")
        batch_op.create_index(
            "ix_apdr_cycle_setting_review", ["setting_id", "status", "review_date", "pupil_id"]
        )
        batch_op.create_index(
            "ix_apdr_cycle_open_review",
            ["pupil_id", "status", "review_date"],
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade():
    with op.batch_alter_table("apdr_cycle") as batch_op:
        batch_op.drop_index("ix_apdr_cycle_open_review")
        batch_op.drop_index("ix_apdr_cycle_setting_review")
        batch_op.create_index(
            "ix_apdr_cycle_setting_review", ["setting_id", "status", "review_date"]
        )
