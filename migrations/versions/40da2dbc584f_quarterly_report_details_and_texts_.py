"""quarterly report details and texts; meeting items marked as recommendations

Revision ID: 40da2dbc584f
Revises: 87c27c8406d5
Create Date: 2026-12-03 11:12:38.407830

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = '40da2dbc584f'
down_revision = '87c27c8406d5'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('report_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=50), nullable=False),
    sa.Column('report_date', sa.Date(), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=False),
    sa.Column('signer_title', sa.String(length=100), nullable=False),
    sa.Column('signer_authority', sa.String(length=200), nullable=False),
    sa.Column('addressee', sa.Text(), nullable=False),
    sa.Column('recipients', sa.Text(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('updated_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['period_id'], ['reporting_periods.id'], name=op.f('fk_report_drafts_period_id_reporting_periods')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_report_drafts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_drafts')),
    sa.UniqueConstraint('period_id', name=op.f('uq_report_drafts_period_id'))
    )
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_recommendation', sa.Boolean(), server_default=sa.false(), nullable=False))




def downgrade():
    
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_column('is_recommendation')

    op.drop_table('report_drafts')

