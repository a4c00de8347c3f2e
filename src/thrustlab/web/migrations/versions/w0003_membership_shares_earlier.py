"""Memberships say whether the coach sees the sets uploaded before the lifter joined.

Revision ID: w0003
Revises: w0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0003"
down_revision = "w0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_memberships") as batch:
        batch.add_column(
            sa.Column("shares_earlier", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("web_memberships") as batch:
        batch.drop_column("shares_earlier")
