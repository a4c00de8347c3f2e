"""Jobs say how far their analysis got: the stage and its percent, written by the worker.

Revision ID: w0004
Revises: w0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0004"
down_revision = "w0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_jobs") as batch:
        batch.add_column(sa.Column("progress_stage", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("progress_pct", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_jobs") as batch:
        batch.drop_column("progress_pct")
        batch.drop_column("progress_stage")
