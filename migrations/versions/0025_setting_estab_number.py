"""A setting's DfE establishment number, which Common Transfer Files name their school by
(with the LA code) when they carry no URN.

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
    with op.batch_alter_table("setting") as batch_op:
        batch_op.add_column(sa.Column("estab_number", sa.String(length=4), nullable=True))


def downgrade():
    with op.batch_alter_table("setting") as batch_op:
        batch_op.drop_column("estab_number")
