"""Derived data for the statistics (services/statistics/facts.py): each panel decision's
child and the date its referral's next confirmed decision superseded it, and each child's
first early-support episode ever; filled here from the records (found with
bench/stats_vs_pandas.py: the joins and windows these replace were most of the time).

Revision ID: 0019
Revises: 0018
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Frozen here as at this revision, so the migration never changes with the app's code.
CHILD = """
UPDATE panel_decision SET pupil_id = (
    SELECT referral.pupil_id FROM referral WHERE referral.id = panel_decision.referral_id)
"""
SUPERSEDED = """
UPDATE panel_decision SET superseded_on = (
    SELECT min(following.decision_date) FROM panel_decision AS following
    WHERE following.referral_id = panel_decision.referral_id
      AND following.confirmed_at IS NOT NULL
      AND (following.decision_date > panel_decision.decision_date
           OR (following.decision_date = panel_decision.decision_date
               AND (following.confirmed_at > panel_decision.confirmed_at
                    OR (following.confirmed_at = panel_decision.confirmed_at
                        AND following.id > panel_decision.id)))))
"""
FIRST_EPISODES = """
INSERT INTO early_support_start
    (pupil_id, decision_date, source, source_id, answer, setting_id, cluster_id)
SELECT pupil_id, decision_date, source, source_id, answer, setting_id, cluster_id FROM (
    SELECT episode.*, row_number() OVER (
        PARTITION BY pupil_id ORDER BY decision_date, source, source_id) AS nth
    FROM (
        SELECT d.pupil_id, d.decision_date, 'panel' AS source, d.id AS source_id,
               r.would_request_ehcna AS answer, r.setting_id, r.cluster_id
        FROM panel_decision AS d JOIN referral AS r ON r.id = d.referral_id
        WHERE d.confirmed_at IS NOT NULL
          AND d.outcome IN ('advice', 'advice_and_resources', 'resources')
        UNION ALL
        SELECT a.pupil_id, a.decision_date, 'rtf', a.id, a.would_request_ehcna,
               a.receiving_setting_id, NULL
        FROM rtf_application AS a
        WHERE a.decision IN ('approved', 'part_approved')
          AND a.pupil_id IS NOT NULL AND a.decision_date IS NOT NULL
    ) AS episode
) AS ranked WHERE nth = 1
"""


def upgrade():
    with op.batch_alter_table("panel_decision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pupil_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("superseded_on", sa.Date(), nullable=True))
    op.execute(CHILD)
    # On SQLite the batch rebuilds panel_decision, reflecting pupil only to resolve the new
    # foreign key: pupil itself is untouched, so its expression index (which reflection
    # cannot read, and warns about) is not lost.
    with (
        warnings.catch_warnings(),
        op.batch_alter_table("panel_decision", schema=None) as batch_op,
    ):
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        batch_op.alter_column("pupil_id", existing_type=sa.Uuid(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_panel_decision_pupil_id_pupil"), "pupil", ["pupil_id"], ["id"]
        )
        batch_op.create_index(
            "ix_panel_decision_statistics",
            [
                "decision_date",
                "confirmed_at",
                "superseded_on",
                "outcome",
                "amount_awarded",
                "pupil_id",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_panel_decision_pupil", ["pupil_id", "decision_date"], unique=False
        )
    op.execute(SUPERSEDED)
    # Not in a batch: SQLite would reflect the table, and its expression index with it.
    op.create_index(
        "ix_pupil_as_at",
        "pupil",
        ["sen_status", "left_date", "sen_status_since", "setting_id"],
        unique=False,
    )
    op.create_table(
        "early_support_start",
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=5), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "yes",
                "no",
                "unsure",
                name="would_request_ehcna",
                native_enum=False,
                create_constraint=True,
                length=6,
            ),
            nullable=True,
        ),
        sa.Column("setting_id", sa.Uuid(), nullable=True),
        sa.Column("cluster_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupil.id"],
            name=op.f("fk_early_support_start_pupil_id_pupil"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pupil_id", name=op.f("pk_early_support_start")),
    )
    op.create_index(
        "ix_early_support_start_date",
        "early_support_start",
        ["decision_date", "answer", "pupil_id"],
        unique=False,
    )
    op.execute(FIRST_EPISODES)


def downgrade():
    op.drop_index("ix_early_support_start_date", table_name="early_support_start")
    op.drop_table("early_support_start")
    op.drop_index("ix_pupil_as_at", table_name="pupil")
    with (
        warnings.catch_warnings(),
        op.batch_alter_table("panel_decision", schema=None) as batch_op,
    ):
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        batch_op.drop_index("ix_panel_decision_pupil")
        batch_op.drop_index("ix_panel_decision_statistics")
        batch_op.drop_constraint(batch_op.f("fk_panel_decision_pupil_id_pupil"), type_="foreignkey")
        batch_op.drop_column("superseded_on")
        batch_op.drop_column("pupil_id")
