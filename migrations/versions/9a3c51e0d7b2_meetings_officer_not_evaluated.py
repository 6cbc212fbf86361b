"""meetings: an officer may be "không đánh giá" (no grade, with its reason)

Revision ID: 9a3c51e0d7b2
Revises: 9c1d7e5a2b40
Create Date: 2026-12-03 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9a3c51e0d7b2'
down_revision = '9c1d7e5a2b40'
branch_labels = None
depends_on = None


def upgrade():
    # Written by hand: the grade becomes optional ("không đánh giá"), and a row without a
    # grade must carry its reason (the minutes never show a blank grade).
    with op.batch_alter_table('officer_evaluations', schema=None) as batch_op:
        batch_op.alter_column('grade_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_officer_evaluations_graded_or_reason'),
            "grade_id IS NOT NULL OR reason <> ''",
        )


def downgrade():
    # The old schema cannot hold "không đánh giá": refuse rather than delete those rows.
    bind = op.get_bind()
    marked = bind.execute(
        sa.text('SELECT COUNT(*) FROM officer_evaluations WHERE grade_id IS NULL')
    ).scalar()
    if marked:
        raise RuntimeError(
            f'{marked} evaluations are "không đánh giá" (no grade): the previous schema '
            'cannot hold them; grade them before downgrading'
        )
    with op.batch_alter_table('officer_evaluations', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_officer_evaluations_graded_or_reason'), type_='check'
        )
        batch_op.alter_column('grade_id', existing_type=sa.Integer(), nullable=False)
