"""A lifter's weight unit: kg or lb, as they count their loads (empty: not said yet).

A load logged without a unit is read in it, and the plan gives the next load in it.

Revision ID: 0003
Revises: 0001 (the log's 0002, when it is merged, comes before this one)
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lifters") as batch:
        batch.add_column(sa.Column("weight_unit", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lifters") as batch:
        batch.drop_column("weight_unit")
