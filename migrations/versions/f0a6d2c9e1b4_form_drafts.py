"""form drafts: what was typed into a form refused at login or for its size

Revision ID: f0a6d2c9e1b4
Revises: 51b75f079334
Create Date: 2026-12-03 11:40:00

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'f0a6d2c9e1b4'
down_revision = '51b75f079334'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=500), nullable=False),
    sa.Column('action', sa.String(length=500), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('created_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_form_drafts_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts'))
    )
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_drafts_officer_id'), ['officer_id'], unique=False)


def downgrade():
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_drafts_officer_id'))
    op.drop_table('form_drafts')
