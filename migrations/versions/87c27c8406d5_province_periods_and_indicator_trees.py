"""province periods and indicator trees; the reminder kind "report"

Revision ID: 87c27c8406d5
Revises: e3a7c1f95b20
Create Date: 2026-12-03 11:10:16.716193

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.types

KINDS = ('before', 'due', 'overdue', 'escalation', 'digest', 'meeting', 'prompt', 'explanation')


def _reminder_kinds(kinds):
    with op.batch_alter_table('reminder_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reminder_items_reminder_kind'), type_='check')
        batch_op.create_check_constraint(
            batch_op.f('ck_reminder_items_reminder_kind'),
            sa.column('kind').in_(kinds),
        )


# revision identifiers, used by Alembic.
revision = '87c27c8406d5'
down_revision = 'e3a7c1f95b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('indicator_trees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('loaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loaded_by_id'], ['officers.id'], name=op.f('fk_indicator_trees_loaded_by_id_officers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_indicator_trees_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_indicator_trees'))
    )
    with op.batch_alter_table('indicator_trees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicator_trees_unit_id'), ['unit_id'], unique=False)

    op.create_table('province_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('quarter', 'half', 'year', name='period_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('tree_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('"end" >= start', name=op.f('ck_province_periods_dates_ordered')),
    sa.ForeignKeyConstraint(['created_by_id'], ['officers.id'], name=op.f('fk_province_periods_created_by_id_officers')),
    sa.ForeignKeyConstraint(['tree_id'], ['indicator_trees.id'], name=op.f('fk_province_periods_tree_id_indicator_trees')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_province_periods_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_province_periods')),
    sa.UniqueConstraint('unit_id', 'kind', 'start', 'end', name=op.f('uq_province_periods_unit_id_kind_start_end'))
    )
    with op.batch_alter_table('province_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_province_periods_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('reporting_periods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_period_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('tree_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('figures', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reporting_periods_province_period_id'), ['province_period_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reporting_periods_tree_id_indicator_trees'), 'indicator_trees', ['tree_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_reporting_periods_province_period_id_province_periods'), 'province_periods', ['province_period_id'], ['id'])

    _reminder_kinds((*KINDS, 'report'))


def downgrade():
    op.execute("DELETE FROM reminder_items WHERE kind = 'report'")
    _reminder_kinds(KINDS)
    with op.batch_alter_table('reporting_periods', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reporting_periods_province_period_id_province_periods'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_reporting_periods_tree_id_indicator_trees'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reporting_periods_province_period_id'))
        batch_op.drop_column('figures')
        batch_op.drop_column('tree_id')
        batch_op.drop_column('due_on')
        batch_op.drop_column('province_period_id')

    with op.batch_alter_table('province_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_province_periods_unit_id'))

    op.drop_table('province_periods')
    with op.batch_alter_table('indicator_trees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicator_trees_unit_id'))

    op.drop_table('indicator_trees')
