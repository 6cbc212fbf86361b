"""tasks: an index the province and national pages count the live tasks from (index-only)

Revision ID: b7d41c9e2f60
Revises: e9ae08f9884c
Create Date: 2026-12-03 14:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c9e2f60'
down_revision = 'e9ae08f9884c'
branch_labels = None
depends_on = None

# The columns the status rule's SQL form reads (tracker.tasks.models.LIVE_FIGURE_COLUMNS as
# of this revision): PostgreSQL answers from the index alone; SQLite has no INCLUDE.
COLUMNS = [
    "deadline", "completed_on", "entered_on", "withdrawn_on", "state", "cadence_every",
    "deadline_history", "completion_history",
]


def upgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(
            'ix_tasks_live_figures', ['plan_id'], unique=False,
            postgresql_include=COLUMNS,
            postgresql_where=sa.text('archived_at IS NULL'),
            sqlite_where=sa.text('archived_at IS NULL'),
        )


def downgrade():
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_live_figures')
