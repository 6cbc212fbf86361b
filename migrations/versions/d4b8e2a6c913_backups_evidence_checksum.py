"""backups and evidence integrity: an evidence file's SHA-256, the backups' retention setting

Revision ID: d4b8e2a6c913
Revises: d5e8a1c3f7b9
Create Date: 2026-12-03 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'd4b8e2a6c913'
down_revision = 'd5e8a1c3f7b9'
branch_labels = None
depends_on = None


def upgrade():
    # Files stored before keep no checksum: `tracker files check` records one as found.
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sha256', sa.String(length=64), nullable=True))

    op.create_table('backup_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('keep_count', sa.Integer(), nullable=False),
    sa.Column('keep_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_backup_settings'))
    )


def downgrade():
    op.drop_table('backup_settings')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('sha256')
