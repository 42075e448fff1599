"""A setting's DfE establishment number, which Common Transfer Files name their school by
(with the LA code) when they carry no URN.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("setting", sa.Column("estab_number", sa.String(length=4), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+), not batch mode's copy of the table: dropping the
    # old table would break the foreign keys pointing at it (pupils, users, uploads...).
    op.drop_column("setting", "estab_number")
