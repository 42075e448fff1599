"""Advice and support contacts (issue 23): one row per call, email, visit or session, with
an optional named child and an optional follow-up; events (training, network meetings,
drop-ins) whose attendance is one contact per setting.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contact_event",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "email",
                "visit",
                "meeting",
                "drop_in",
                "supervision",
                "training",
                name="contact_channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("event_date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
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
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_contact_event_recorded_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_event")),
    )
    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.create_index("ix_contact_event_date", ["event_date"], unique=False)

    op.create_table(
        "contact",
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("contact_date", sa.Date(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "phone",
                "email",
                "visit",
                "meeting",
                "drop_in",
                "supervision",
                "training",
                name="contact_channel",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column("setting_id", sa.Uuid(), nullable=False),
        sa.Column("pupil_id", sa.Uuid(), nullable=True),
        sa.Column(
            "need",
            sa.Enum(
                "SPLD",
                "MLD",
                "SLD",
                "PMLD",
                "SEMH",
                "SLCN",
                "HI",
                "VI",
                "MSI",
                "PD",
                "ASD",
                "DS",
                "OTH",
                "NSA",
                name="need_code",
                native_enum=False,
                create_constraint=True,
            ),
            nullable=True,
        ),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("advice", sa.Text(), nullable=True),
        sa.Column("follow_up_due", sa.Date(), nullable=True),
        sa.Column("follow_up_by_id", sa.Uuid(), nullable=True),
        sa.Column("follow_up_done_on", sa.Date(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("attendees", sa.Integer(), nullable=True),
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
            "attendees IS NULL OR attendees BETWEEN 1 AND 1000", name=op.f("ck_contact_attendees")
        ),
        sa.CheckConstraint(
            "follow_up_due IS NOT NULL OR follow_up_by_id IS NULL",
            name=op.f("ck_contact_follow_up_has_due"),
        ),
        sa.CheckConstraint(
            "minutes IS NULL OR minutes BETWEEN 0 AND 1440", name=op.f("ck_contact_minutes_range")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["contact_event.id"],
            name=op.f("fk_contact_event_id_contact_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["follow_up_by_id"],
            ["user_account.id"],
            name=op.f("fk_contact_follow_up_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"], name=op.f("fk_contact_pupil_id_pupil")),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_contact_recorded_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["setting_id"], ["setting.id"], name=op.f("fk_contact_setting_id_setting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("reference", name=op.f("uq_contact_reference")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_date", ["contact_date", "setting_id", "pupil_id"], unique=False
        )
        batch_op.create_index("ix_contact_event", ["event_id"], unique=False)
        batch_op.create_index(
            "ix_contact_follow_up",
            ["follow_up_done_on", "follow_up_by_id", "follow_up_due"],
            unique=False,
        )
        batch_op.create_index("ix_contact_pupil", ["pupil_id", "contact_date"], unique=False)
        batch_op.create_index(
            "ix_contact_setting_date", ["setting_id", "contact_date"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_setting_date")
        batch_op.drop_index("ix_contact_pupil")
        batch_op.drop_index("ix_contact_follow_up")
        batch_op.drop_index("ix_contact_event")
        batch_op.drop_index("ix_contact_date")

    op.drop_table("contact")
    with op.batch_alter_table("contact_event", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_event_date")

    op.drop_table("contact_event")
