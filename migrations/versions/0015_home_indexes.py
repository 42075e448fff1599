"""Indexes for the home pages at county scale: restricted children, a setting's EHCNA
requests, referrals by status, open overdue actions, and the year's awards by cluster.

Revision ID: 0015
Revises: 0013

Written in parallel with 0014 (list pages): the lead re-chains this onto 0014 on merge.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

INDEXES = [
    ("ehcna_request", "ix_ehcna_request_setting", ["setting_id"]),
    ("referral", "ix_referral_status", ["status"]),
    ("panel_action", "ix_panel_action_open", ["completed_on", "due_date", "decision_id"]),
    (
        "panel_decision",
        "ix_panel_decision_awards",
        ["decision_date", "confirmed_at", "amount_awarded", "amount_paid", "referral_id"],
    ),
]


def upgrade():
    # Partial: only the (few) restricted children, so "is_restricted IS false" never uses it.
    op.create_index(
        "ix_pupil_restricted",
        "pupil",
        ["id"],
        unique=False,
        sqlite_where=sa.text("is_restricted IS 1"),
        postgresql_where=sa.text("is_restricted IS true"),
    )
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_pupil_restricted", table_name="pupil")
