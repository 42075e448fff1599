"""Ranges and ordinarily available provision: framework versions (areas, levels,
descriptors, expected provision) and the judgements made against them.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "ranges_framework",
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="framework_status",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="draft",
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Uuid(), nullable=True),
        sa.Column("based_on_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "(status = 'draft' AND number IS NULL) OR "
            "(status = 'published' AND number IS NOT NULL AND effective_from IS NOT NULL)",
            name=op.f("ck_ranges_framework_published_numbered"),
        ),
        sa.ForeignKeyConstraint(
            ["based_on_id"],
            ["ranges_framework.id"],
            name=op.f("fk_ranges_framework_based_on_id_ranges_framework"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["user_account.id"],
            name=op.f("fk_ranges_framework_published_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranges_framework")),
        sa.UniqueConstraint("number", name=op.f("uq_ranges_framework_number")),
    )
    with op.batch_alter_table("ranges_framework", schema=None) as batch_op:
        batch_op.create_index(
            "uq_ranges_framework_one_draft",
            ["status"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )

    op.create_table(
        "ranges_area",
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("need_codes", sa.String(length=200), server_default="", nullable=False),
        sa.Column("lineage_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["ranges_framework.id"],
            name=op.f("fk_ranges_area_framework_id_ranges_framework"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranges_area")),
        sa.UniqueConstraint("framework_id", "name", name=op.f("uq_ranges_area_framework_id_name")),
    )
    op.create_table(
        "ranges_level",
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column(
            "usually_next",
            sa.Enum(
                "ordinarily_available",
                "cluster_referral",
                "top_up_funding",
                "consider_ehcna",
                name="usually_next",
                native_enum=False,
                create_constraint=True,
            ),
            server_default="ordinarily_available",
            nullable=False,
        ),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_ranges_level_rank_positive")),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["ranges_framework.id"],
            name=op.f("fk_ranges_level_framework_id_ranges_framework"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranges_level")),
        sa.UniqueConstraint("framework_id", "name", name=op.f("uq_ranges_level_framework_id_name")),
        sa.UniqueConstraint("framework_id", "rank", name=op.f("uq_ranges_level_framework_id_rank")),
    )
    op.create_table(
        "ranges_descriptor",
        sa.Column("area_id", sa.Uuid(), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["ranges_area.id"],
            name=op.f("fk_ranges_descriptor_area_id_ranges_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["ranges_level.id"],
            name=op.f("fk_ranges_descriptor_level_id_ranges_level"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranges_descriptor")),
    )
    with op.batch_alter_table("ranges_descriptor", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ranges_descriptor_area_level", ["area_id", "level_id"], unique=False
        )

    op.create_table(
        "ranges_expected_provision",
        sa.Column("area_id", sa.Uuid(), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("provision_type", sa.String(length=100), nullable=True),
        sa.Column("frequency", sa.String(length=100), nullable=True),
        sa.Column("group_size", sa.Integer(), nullable=True),
        sa.Column("staff_role", sa.String(length=100), nullable=True),
        sa.Column("minutes_per_week", sa.Integer(), nullable=True),
        sa.Column("weeks", sa.Integer(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "group_size IS NULL OR group_size >= 1",
            name=op.f("ck_ranges_expected_provision_group_size_positive"),
        ),
        sa.CheckConstraint(
            "minutes_per_week IS NULL OR minutes_per_week >= 0",
            name=op.f("ck_ranges_expected_provision_minutes_nonneg"),
        ),
        sa.CheckConstraint(
            "weeks IS NULL OR (weeks >= 0 AND weeks <= 52)",
            name=op.f("ck_ranges_expected_provision_weeks_range"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["ranges_area.id"],
            name=op.f("fk_ranges_expected_provision_area_id_ranges_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["ranges_level.id"],
            name=op.f("fk_ranges_expected_provision_level_id_ranges_level"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranges_expected_provision")),
    )
    with op.batch_alter_table("ranges_expected_provision", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ranges_expected_provision_area_level", ["area_id", "level_id"], unique=False
        )

    op.create_table(
        "ranges_judgement",
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("pupil_id", sa.Uuid(), nullable=False),
        sa.Column("setting_id", sa.Uuid(), nullable=False),
        sa.Column("framework_id", sa.Uuid(), nullable=False),
        sa.Column("area_id", sa.Uuid(), nullable=False),
        sa.Column("suggested_level_id", sa.Uuid(), nullable=True),
        sa.Column("level_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("judged_on", sa.Date(), nullable=False),
        sa.Column("judged_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "level_id IS NULL OR suggested_level_id IS NULL OR level_id = suggested_level_id "
            "OR reason IS NOT NULL",
            name=op.f("ck_ranges_judgement_override_has_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["area_id"], ["ranges_area.id"], name=op.f("fk_ranges_judgement_area_id_ranges_area")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["apdr_cycle.id"],
            name=op.f("fk_ranges_judgement_cycle_id_apdr_cycle"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["ranges_framework.id"],
            name=op.f("fk_ranges_judgement_framework_id_ranges_framework"),
        ),
        sa.ForeignKeyConstraint(
            ["judged_by_id"],
            ["user_account.id"],
            name=op.f("fk_ranges_judgement_judged_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["ranges_level.id"],
            name=op.f("fk_ranges_judgement_level_id_ranges_level"),
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupil.id"],
            name=op.f("fk_ranges_judgement_pupil_id_pupil"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["setting_id"], ["setting.id"], name=op.f("fk_ranges_judgement_setting_id_setting")
        ),
        sa.ForeignKeyConstraint(
            ["suggested_level_id"],
            ["ranges_level.id"],
            name=op.f("fk_ranges_judgement_suggested_level_id_ranges_level"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranges_judgement")),
        sa.UniqueConstraint(
            "cycle_id", "area_id", name=op.f("uq_ranges_judgement_cycle_id_area_id")
        ),
    )
    with op.batch_alter_table("ranges_judgement", schema=None) as batch_op:
        batch_op.create_index("ix_ranges_judgement_pupil", ["pupil_id", "judged_on"], unique=False)

    op.create_table(
        "ranges_judgement_tick",
        sa.Column("judgement_id", sa.Uuid(), nullable=False),
        sa.Column("descriptor_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["descriptor_id"],
            ["ranges_descriptor.id"],
            name=op.f("fk_ranges_judgement_tick_descriptor_id_ranges_descriptor"),
        ),
        sa.ForeignKeyConstraint(
            ["judgement_id"],
            ["ranges_judgement.id"],
            name=op.f("fk_ranges_judgement_tick_judgement_id_ranges_judgement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "judgement_id", "descriptor_id", name=op.f("pk_ranges_judgement_tick")
        ),
    )

    op.create_table(
        "ranges_planned",
        sa.Column("provision_id", sa.Uuid(), nullable=False),
        sa.Column("expected_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expected_id"],
            ["ranges_expected_provision.id"],
            name=op.f("fk_ranges_planned_expected_id_ranges_expected_provision"),
        ),
        sa.ForeignKeyConstraint(
            ["provision_id"],
            ["provision.id"],
            name=op.f("fk_ranges_planned_provision_id_provision"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("provision_id", name=op.f("pk_ranges_planned")),
    )
    with op.batch_alter_table("ranges_planned", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ranges_planned_expected_id"), ["expected_id"], unique=False
        )

    op.create_table(
        "ranges_moderation",
        sa.Column("judgement_id", sa.Uuid(), nullable=False),
        sa.Column("agreed", sa.Boolean(), nullable=False),
        sa.Column("level_id", sa.Uuid(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("moderated_on", sa.Date(), nullable=False),
        sa.Column("moderated_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "agreed OR (level_id IS NOT NULL AND comment IS NOT NULL)",
            name=op.f("ck_ranges_moderation_disagreement_explained"),
        ),
        sa.ForeignKeyConstraint(
            ["judgement_id"],
            ["ranges_judgement.id"],
            name=op.f("fk_ranges_moderation_judgement_id_ranges_judgement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["level_id"],
            ["ranges_level.id"],
            name=op.f("fk_ranges_moderation_level_id_ranges_level"),
        ),
        sa.ForeignKeyConstraint(
            ["moderated_by_id"],
            ["user_account.id"],
            name=op.f("fk_ranges_moderation_moderated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranges_moderation")),
        sa.UniqueConstraint("judgement_id", name=op.f("uq_ranges_moderation_judgement_id")),
    )

def downgrade():
    op.drop_table("ranges_moderation")
    with op.batch_alter_table("ranges_planned", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ranges_planned_expected_id"))
    op.drop_table("ranges_planned")
    op.drop_table("ranges_judgement_tick")
    with op.batch_alter_table("ranges_judgement", schema=None) as batch_op:
        batch_op.drop_index("ix_ranges_judgement_pupil")

    op.drop_table("ranges_judgement")
    with op.batch_alter_table("ranges_expected_provision", schema=None) as batch_op:
        batch_op.drop_index("ix_ranges_expected_provision_area_level")

    op.drop_table("ranges_expected_provision")
    with op.batch_alter_table("ranges_descriptor", schema=None) as batch_op:
        batch_op.drop_index("ix_ranges_descriptor_area_level")

    op.drop_table("ranges_descriptor")
    op.drop_table("ranges_level")
    op.drop_table("ranges_area")
    with op.batch_alter_table("ranges_framework", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ranges_framework_one_draft",
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )

    op.drop_table("ranges_framework")
