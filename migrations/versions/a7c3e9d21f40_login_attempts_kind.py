"""login attempts: a kind, so that password-reset requests are paced too

Revision ID: a7c3e9d21f40
Revises: c46ef7aa0682
Create Date: 2026-12-03 11:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a7c3e9d21f40"
down_revision = "c46ef7aa0682"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("login_attempts") as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=16), server_default="login", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("login_attempts") as batch:
        batch.drop_column("kind")
