"""two-step login: authenticators and recovery codes

Revision ID: c4f7a2d9e813
Revises: d5e8a1c3f902
Create Date: 2026-12-03 09:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'c4f7a2d9e813'
down_revision = 'd5e8a1c3f902'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('officer_totp',
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('enabled_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_step', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_officer_totp_officer_id_officers')),
    sa.PrimaryKeyConstraint('officer_id', name=op.f('pk_officer_totp'))
    )
    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', tracker.core.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_recovery_codes_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_officer_id'), ['officer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_officer_id'))

    op.drop_table('recovery_codes')
    op.drop_table('officer_totp')
