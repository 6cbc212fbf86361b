"""units: short name, closing, more kinds (district, special zone…); the unit_admin role

Revision ID: d5e8a1c4b702
Revises: a9c3e5f1d207
Create Date: 2026-12-03 09:10:00.000000

"""

from alembic import op
import sqlalchemy as sa

import tracker.core.types


# revision identifiers, used by Alembic.
revision = 'd5e8a1c4b702'
down_revision = 'a9c3e5f1d207'
branch_labels = None
depends_on = None

OLD_KINDS = ('ward', 'commune', 'city', 'province')
NEW_KINDS = (*OLD_KINDS, 'district', 'town', 'township', 'special_zone')
OLD_ROLES = ('admin', 'chairperson', 'vice_chairperson', 'focal_officer', 'officer', 'inspector')
NEW_ROLES = (*OLD_ROLES, 'unit_admin')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _recheck(table, name, column, values):
    # Written by hand: the enums are stored as strings checked by a named constraint; the
    # constraint is replaced (batch mode rebuilds the table on SQLite, alters it on PostgreSQL).
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(op.f(name), type_='check')
        batch_op.create_check_constraint(op.f(name), _in(column, values))


def upgrade():
    # SQLite rebuilds `units` to change its CHECK; migrations/env.py runs every migration with
    # foreign keys off (and checks them after), so the tables pointing at it do not stop that.
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('short_name', sa.String(length=100), server_default='', nullable=False)
        )
        batch_op.add_column(
            sa.Column('closed_at', tracker.core.types.UTCDateTime(timezone=True),
                      nullable=True)
        )
    _recheck('units', 'ck_units_unit_kind', 'kind', NEW_KINDS)
    _recheck('officer_roles', 'ck_officer_roles_role', 'role', NEW_ROLES)


def downgrade():
    # The old schema has no unit administrators and fewer kinds: refuse rather than lose them.
    bind = op.get_bind()
    admins = bind.execute(
        sa.text("SELECT COUNT(*) FROM officer_roles WHERE role = 'unit_admin'")
    ).scalar()
    kinds = bind.execute(
        sa.text(f"SELECT COUNT(*) FROM units WHERE NOT ({_in('kind', OLD_KINDS)})")
    ).scalar()
    if admins or kinds:
        raise RuntimeError(
            f'{admins} unit administrator roles and {kinds} units of the new kinds: the previous '
            'schema cannot hold them; remove them before downgrading'
        )
    _recheck('officer_roles', 'ck_officer_roles_role', 'role', OLD_ROLES)
    _recheck('units', 'ck_units_unit_kind', 'kind', OLD_KINDS)
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('short_name')
