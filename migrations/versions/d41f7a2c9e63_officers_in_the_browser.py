"""officers in the browser: department, phone, when the last invitation was sent

Revision ID: d41f7a2c9e63
Revises: 61a6daa42ff2
Create Date: 2026-12-03 09:05:00.000000

"""

from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'd41f7a2c9e63'
down_revision = '61a6daa42ff2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('invited_at', tracker.core.types.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_column('invited_at')
        batch_op.drop_column('phone')
        batch_op.drop_column('department')
