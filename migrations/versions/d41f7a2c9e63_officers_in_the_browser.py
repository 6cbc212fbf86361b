"""officers in the browser: department, phone, when the last invitation was sent

Revision ID: d41f7a2c9e63
Revises: 61a6daa42ff2
Create Date: 2026-12-03 09:05:00.000000

"""
import contextlib

from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'd41f7a2c9e63'
down_revision = '61a6daa42ff2'
branch_labels = None
depends_on = None


@contextlib.contextmanager
def _foreign_keys_off_on_sqlite():
    """Dropping a column makes SQLite rebuild `officers` (copy, drop, rename): with foreign
    keys on, the drop would delete their roles (ON DELETE CASCADE) or be stopped by the tasks
    pointing at them. Foreign keys can only be turned off between transactions, so: commit what
    ran so far, rebuild with them off, check them, turn them on (as d5e8a1c4b702 does)."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        yield
        return
    bind.commit()
    raw = bind.connection.driver_connection
    raw.execute('PRAGMA foreign_keys = OFF')
    try:
        yield
        bind.commit()
        broken = raw.execute('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise RuntimeError(f'foreign keys broken by the rebuild: {broken[:5]}')
    finally:
        raw.execute('PRAGMA foreign_keys = ON')


def upgrade():
    with op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('department', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('phone', sa.String(length=32), server_default='', nullable=False))
        batch_op.add_column(sa.Column('invited_at', tracker.core.types.UTCDateTime(), nullable=True))


def downgrade():
    with _foreign_keys_off_on_sqlite(), op.batch_alter_table('officers', schema=None) as batch_op:
        batch_op.drop_column('invited_at')
        batch_op.drop_column('phone')
        batch_op.drop_column('department')
