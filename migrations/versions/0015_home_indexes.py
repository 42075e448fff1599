"""Indexes for the home pages at county scale: restricted children, a setting's EHCNA
requests, referrals by status and open overdue actions.

Revision ID: 0015
Revises: 0014

Written in parallel with 0014 (list pages), which already makes the partial index of
restricted children and the covering index of the year's awards; this adds the rest.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

INDEXES = [
    ("ehcna_request", "ix_ehcna_request_setting", ["setting_id"]),
    ("referral", "ix_referral_status", ["status"]),
    ("panel_action", "ix_panel_action_open", ["completed_on", "due_date", "decision_id"]),
]


def upgrade():
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
