"""Integrity (issue 19, R8 and R9): a version on every record a form edits that lacked one
(user accounts and their roles, annual review notes, agenda items' conflicts of interest,
clusters, settings, unit rates, the council's settings, budgets and RTF bands), so an
earlier-opened form is refused instead of overwriting; and the submissions table, which
remembers the record each create form's token made, so a repeated post makes one record.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

VERSIONED = (
    "user_account",
    "annual_review",
    "agenda_item",
    "cluster",
    "setting",
    "unit_rate",
    "local_authority",
    "cluster_budget",
    "rtf_budget",
    "rtf_band",
)


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )
    op.create_table(
        "submission",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=60), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_submission_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "token", name=op.f("pk_submission")),
    )
    op.create_index("ix_submission_created_at", "submission", ["created_at"])


def downgrade():
    op.drop_index("ix_submission_created_at", table_name="submission")
    op.drop_table("submission")
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode's copy of the table: dropping the
    # old table would break the foreign keys pointing at it (settings, clusters, users).
    for table in reversed(VERSIONED):
        op.drop_column(table, "version")
