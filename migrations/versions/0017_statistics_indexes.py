"""Covering indexes for the statistics: panel decisions are counted from the indexes alone,
and a child's earlier referrals are found from the index (found with
bench/stats_vs_pandas.py on the county-scale data).

Revision ID: 0017
Revises: 0016
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

OLD = {
    "ix_referral_pupil": ("referral", ["pupil_id"]),
    "ix_panel_decision_referral": ("panel_decision", ["referral_id"]),
    "ix_panel_decision_date_outcome": ("panel_decision", ["decision_date", "outcome"]),
}
NEW = {
    "ix_referral_pupil": ("referral", ["pupil_id", "id"]),
    "ix_panel_decision_referral": (
        "panel_decision",
        ["referral_id", "decision_date", "outcome", "confirmed_at"],
    ),
    "ix_panel_decision_date_outcome": (
        "panel_decision",
        ["decision_date", "outcome", "confirmed_at", "referral_id", "amount_awarded", "id"],
    ),
}


def upgrade():
    for name, (table, _columns) in OLD.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in NEW.items():
        op.create_index(name, table, columns)


def downgrade():
    for name, (table, _columns) in NEW.items():
        op.drop_index(name, table_name=table)
    for name, (table, columns) in OLD.items():
        op.create_index(name, table, columns)
