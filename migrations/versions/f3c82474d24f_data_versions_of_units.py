"""data_versions: each unit's data version, renewed by every commit that changes its data
(tracker.core.versions), the key of what pages keep in process

Revision ID: f3c82474d24f
Revises: b7d41c9e2f60
Create Date: 2026-12-03 17:50:04.377800

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3c82474d24f'
down_revision = 'b7d41c9e2f60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_versions',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_data_versions_unit_id_units')),
    sa.PrimaryKeyConstraint('unit_id', name=op.f('pk_data_versions'))
    )


def downgrade():
    op.drop_table('data_versions')
