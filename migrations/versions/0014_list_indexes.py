"""Indexes for the list pages at county scale (RTF, referrals, EHCNA queue, register, panel
meeting, cluster budgets): covering indexes for their counts and totals, indexes in the lists'
order, the restricted children, and decisions by meeting.

Five indexes are replaced by wider ones that begin with the same columns.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pupil") as batch_op:
        batch_op.drop_index("ix_pupil_setting_status")
        batch_op.create_index(
            "ix_pupil_register",
            ["setting_id", "sen_status", "left_date", "is_restricted"],
            unique=False,
        )
        batch_op.create_index(
            "ix_pupil_setting_name",
            ["setting_id", sa.text("lower(legal_surname)"), sa.text("lower(legal_forename)"), "id"],
            unique=False,
            sqlite_where=sa.text("left_date IS NULL"),
            postgresql_where=sa.text("left_date IS NULL"),
        )
        batch_op.create_index("ix_pupil_id_setting", ["id", "setting_id"], unique=False)
        batch_op.create_index(
            "ix_pupil_restricted",
            ["is_restricted", "id"],
            unique=False,
            sqlite_where=sa.text("is_restricted IS 1"),
            postgresql_where=sa.text("is_restricted IS TRUE"),
        )
    with op.batch_alter_table("referral") as batch_op:
        batch_op.drop_index("ix_referral_setting_status")
        batch_op.drop_index("ix_referral_cluster_status")
        batch_op.create_index(
            "ix_referral_setting_status_pupil", ["setting_id", "status", "pupil_id"], unique=False
        )
        batch_op.create_index(
            "ix_referral_cluster_status_pupil", ["cluster_id", "status", "pupil_id"], unique=False
        )
        batch_op.create_index(
            "ix_referral_setting_updated", ["setting_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            "ix_referral_cluster_updated", ["cluster_id", "updated_at"], unique=False
        )
    with op.batch_alter_table("rtf_application") as batch_op:
        batch_op.drop_index("ix_rtf_application_receiving")
        batch_op.drop_index("ix_rtf_application_decision")
        batch_op.create_index(
            "ix_rtf_application_decided",
            ["decision_date", "decision", "amount_awarded"],
            unique=False,
        )
        batch_op.create_index(
            "ix_rtf_application_totals",
            ["receiving_setting_id", "status", "decision", "amount_requested", "amount_awarded"],
            unique=False,
        )
        batch_op.create_index(
            "ix_rtf_application_date", ["application_date", "reference"], unique=False
        )
        batch_op.create_index(
            "ix_rtf_application_unlinked",
            ["linked_at", "decision", "pupil_id", "receiving_setting_id"],
            unique=False,
        )
    with op.batch_alter_table("panel_decision") as batch_op:
        batch_op.create_index("ix_panel_decision_meeting", ["meeting_id"], unique=False)
        batch_op.create_index(
            "ix_panel_decision_budget",
            ["decision_date", "confirmed_at", "amount_awarded", "amount_paid", "referral_id"],
            unique=False,
        )
    with op.batch_alter_table("ehcna_request") as batch_op:
        batch_op.create_index(
            "ix_ehcna_request_queue",
            [
                "decision",
                "outcome",
                "plan_issued_date",
                "received_date",
                "assigned_officer_id",
                "reference",
                "id",
                "decision_date",
                "setting_id",
            ],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("ehcna_request") as batch_op:
        batch_op.drop_index("ix_ehcna_request_queue")
    with op.batch_alter_table("panel_decision") as batch_op:
        batch_op.drop_index("ix_panel_decision_budget")
        batch_op.drop_index("ix_panel_decision_meeting")
    with op.batch_alter_table("rtf_application") as batch_op:
        batch_op.drop_index("ix_rtf_application_unlinked")
        batch_op.drop_index("ix_rtf_application_date")
        batch_op.drop_index("ix_rtf_application_totals")
        batch_op.drop_index("ix_rtf_application_decided")
        batch_op.create_index(
            "ix_rtf_application_decision", ["decision_date", "decision"], unique=False
        )
        batch_op.create_index(
            "ix_rtf_application_receiving", ["receiving_setting_id", "status"], unique=False
        )
    with op.batch_alter_table("referral") as batch_op:
        batch_op.drop_index("ix_referral_cluster_updated")
        batch_op.drop_index("ix_referral_setting_updated")
        batch_op.drop_index("ix_referral_cluster_status_pupil")
        batch_op.drop_index("ix_referral_setting_status_pupil")
        batch_op.create_index("ix_referral_cluster_status", ["cluster_id", "status"], unique=False)
        batch_op.create_index("ix_referral_setting_status", ["setting_id", "status"], unique=False)
    with op.batch_alter_table("pupil") as batch_op:
        batch_op.drop_index("ix_pupil_restricted")
        batch_op.drop_index("ix_pupil_id_setting")
        batch_op.drop_index("ix_pupil_setting_name")
        batch_op.drop_index("ix_pupil_register")
        batch_op.create_index("ix_pupil_setting_status", ["setting_id", "sen_status"], unique=False)
