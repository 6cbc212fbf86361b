"""api tokens: a name, a scope (read or write) and an expiry

Revision ID: d5e8a1c3f7b9
Revises: d41f7a2c9e63
Create Date: 2026-12-03 09:10:00.000000

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'd5e8a1c3f7b9'
down_revision = 'd41f7a2c9e63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('scope', sa.Enum('read', 'write', name='token_scope', native_enum=False, create_constraint=True, length=32), server_default='read', nullable=False))
        batch_op.add_column(sa.Column('expires_at', tracker.core.types.UTCDateTime(timezone=True), nullable=True))

    # Tokens made before expiry existed (`tracker token create`) read on for the default 90 days
    # from the upgrade, then stop: their holders make new ones with a name.
    tokens = sa.table('api_tokens', sa.column('expires_at', tracker.core.types.UTCDateTime(timezone=True)),
                      sa.column('name', sa.String))
    op.get_bind().execute(
        tokens.update().values(expires_at=datetime.now(timezone.utc) + timedelta(days=90),
                               name='CLI')
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=tracker.core.types.UTCDateTime(timezone=True),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_api_tokens_token_scope'), type_='check')
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')
        batch_op.drop_column('name')
