"""plans in the browser: the leader who oversees a plan

Revision ID: d5e8a1c3f902
Revises: d4b8e2a6c913
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e8a1c3f902'
down_revision = 'd4b8e2a6c913'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leader_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_plans_leader_id_officers'), 'officers', ['leader_id'], ['id'])


def downgrade():
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plans_leader_id_officers'), type_='foreignkey')
        batch_op.drop_column('leader_id')
