"""Generated panel packs: versions, fingerprint, SHA-256, build progress and the PDF.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "generated_pack",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("pseudonymised", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum("queued", "building", "ready", "failed", name="pack_status",
                    native_enum=False, create_constraint=True, length=8),
            server_default="queued",
            nullable=False,
        ),
        sa.Column("progress_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("progress_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("case_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("case_pages", sa.JSON(), nullable=True),
        sa.Column("generated_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("generated_by_id", sa.Uuid(), nullable=True),
        sa.Column("generated_by_name", sa.String(length=120), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint("version_number >= 1", name=op.f("ck_generated_pack_version_positive")),
        sa.CheckConstraint("progress_done >= 0 AND progress_done <= progress_total",
                           name=op.f("ck_generated_pack_progress")),
        sa.ForeignKeyConstraint(["generated_by_id"], ["user_account.id"],
                                name=op.f("fk_generated_pack_generated_by_id_user_account")),
        sa.ForeignKeyConstraint(["meeting_id"], ["panel_meeting.id"],
                                name=op.f("fk_generated_pack_meeting_id_panel_meeting"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generated_pack")),
        sa.UniqueConstraint("meeting_id", "version_number",
                            name=op.f("uq_generated_pack_meeting_id_version_number")),
    )
    with op.batch_alter_table("generated_pack", schema=None) as batch_op:
        batch_op.create_index("ix_generated_pack_meeting_fingerprint",
                              ["meeting_id", "fingerprint"], unique=False)


def downgrade():
    with op.batch_alter_table("generated_pack", schema=None) as batch_op:
        batch_op.drop_index("ix_generated_pack_meeting_fingerprint")
    op.drop_table("generated_pack")
