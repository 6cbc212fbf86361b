"""plans in the browser: the leader who oversees a plan

Revision ID: d5e8a1c3f902
Revises: 61a6daa42ff2
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e8a1c3f902'
down_revision = '61a6daa42ff2'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # Not batch mode: rebuilding `plans` would break the tasks' keys to it; SQLite adds a
        # column with its REFERENCES clause in place.
        op.execute('ALTER TABLE plans ADD COLUMN leader_id INTEGER '
                   'CONSTRAINT fk_plans_leader_id_officers REFERENCES officers (id)')
        return
    op.add_column('plans', sa.Column('leader_id', sa.Integer(), nullable=True))
    op.create_foreign_key(op.f('fk_plans_leader_id_officers'), 'plans', 'officers',
                          ['leader_id'], ['id'])


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE plans DROP COLUMN leader_id')
        return
    op.drop_constraint(op.f('fk_plans_leader_id_officers'), 'plans', type_='foreignkey')
    op.drop_column('plans', 'leader_id')
