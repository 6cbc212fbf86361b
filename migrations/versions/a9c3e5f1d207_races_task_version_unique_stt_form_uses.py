"""races: a task's version, one STT per plan, single-use form tokens

Revision ID: a9c3e5f1d207
Revises: 9a3c51e0d7b2
Create Date: 2026-12-03 08:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'a9c3e5f1d207'
down_revision = '9a3c51e0d7b2'
branch_labels = None
depends_on = None


def _renumber_duplicate_ordinals():
    """Two tasks created at once could get the same STT (and a task typed in by hand could
    repeat an imported one's). Before the unique key: in each plan, the first task (lowest id)
    keeps a repeated number, the others take the plan's next free numbers, in id order."""
    tasks = sa.table('tasks', sa.column('id', sa.Integer), sa.column('plan_id', sa.Integer),
                     sa.column('ordinal', sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(tasks.c.id, tasks.c.plan_id, tasks.c.ordinal)
        .order_by(tasks.c.plan_id, tasks.c.ordinal, tasks.c.id)
    ).all()
    last: dict[int, int] = {}
    for _id, plan_id, ordinal in rows:
        last[plan_id] = max(last.get(plan_id, 0), ordinal or 0)
    seen: set[tuple[int, int]] = set()
    for task_id, plan_id, ordinal in rows:
        if (plan_id, ordinal) in seen:
            last[plan_id] += 1
            connection.execute(
                tasks.update().where(tasks.c.id == task_id).values(ordinal=last[plan_id])
            )
        else:
            seen.add((plan_id, ordinal))


def upgrade():
    _renumber_duplicate_ordinals()
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_tasks_plan_id_ordinal'), ['plan_id', 'ordinal'])

    op.create_table('form_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('created_at', tracker.core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_form_uses_officer_id_officers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_uses')),
    sa.UniqueConstraint('token', name=op.f('uq_form_uses_token'))
    )


def downgrade():
    op.drop_table('form_uses')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_tasks_plan_id_ordinal'), type_='unique')
        batch_op.drop_column('version')
