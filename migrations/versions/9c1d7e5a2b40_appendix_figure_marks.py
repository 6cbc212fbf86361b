"""appendix: a typed row's mark (not arising, or confirmed blank when freezing)

Revision ID: 9c1d7e5a2b40
Revises: 35917f776537
Create Date: 2026-12-03 08:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c1d7e5a2b40'
down_revision = '35917f776537'
branch_labels = None
depends_on = None


def upgrade():
    # Rows saved before this change are typed figures (or notes): "typed".
    with op.batch_alter_table('appendix_figures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mark', sa.Enum('typed', 'not_arising', 'no_data', name='figure_mark', native_enum=False, create_constraint=True, length=32), nullable=False, server_default='typed'))


def downgrade():
    with op.batch_alter_table('appendix_figures', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appendix_figures_figure_mark'), type_='check')
        batch_op.drop_column('mark')
