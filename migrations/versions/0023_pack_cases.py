"""The cases a panel pack version contains: the referral ids on its agenda when it was built
and the children they are about, so the meeting and pack pages can mark a version built
before an agenda change as superseded, and keep one naming a child no longer on the agenda
for LA officers (issue 19, R11). Versions built before this revision have NULL: their cases
were not recorded (see docs/pseudonymisation.md).

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("generated_pack") as batch_op:
        batch_op.add_column(sa.Column("referral_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pupil_ids", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("generated_pack") as batch_op:
        batch_op.drop_column("pupil_ids")
        batch_op.drop_column("referral_ids")
