"""Indexes for the home pages and the register at county scale (found with bench/pages.py):
a school's open APDR cycles, for the register's counts (each child's open cycle and review
date) and the home page's reviews due (the cycle's child), read from the indexes alone: 12 ms
and 10 ms of table reads for a 2,000-child school; and the panel decisions whose review is
pending, for the follow-up figures, which read all 48,000 decisions.

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
REVIEW_PENDING = sa.text("confirmed_at IS NOT NULL AND impact_recorded_on IS NULL")


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
    with op.batch_alter_table("panel_decision") as batch_op:
        batch_op.create_index(
            "ix_panel_decision_review_due",
            ["review_date", "referral_id"],
            sqlite_where=REVIEW_PENDING,
            postgresql_where=REVIEW_PENDING,
        )


def downgrade():
    with op.batch_alter_table("panel_decision") as batch_op:
        batch_op.drop_index("ix_panel_decision_review_due")
    with op.batch_alter_table("apdr_cycle") as batch_op:
        batch_op.drop_index("ix_apdr_cycle_open_review")
        batch_op.drop_index("ix_apdr_cycle_setting_review")
        batch_op.create_index(
            "ix_apdr_cycle_setting_review", ["setting_id", "status", "review_date"]
        )
