"""A set's position is unique within its training session.

Concurrent writers on PostgreSQL could give two sets of one day the same position (each took
the largest plus one). Sessions holding such duplicates are renumbered 1, 2, ... in their
stored order (position, then id), and the index on (session_id, position) becomes unique.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_sets = sa.table(
    "sets",
    sa.column("id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("position", sa.Integer),
)


def upgrade() -> None:
    _renumber_sessions_with_duplicates()
    op.drop_index("ix_sets_session_id_position", table_name="sets")
    op.create_index("uq_sets_session_id_position", "sets", ["session_id", "position"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_sets_session_id_position", table_name="sets")
    op.create_index("ix_sets_session_id_position", "sets", ["session_id", "position"])


def _renumber_sessions_with_duplicates() -> None:
    connection = op.get_bind()
    doubled = (
        sa.select(_sets.c.session_id)
        .group_by(_sets.c.session_id, _sets.c.position)
        .having(sa.func.count() > 1)
        .distinct()
    )
    rows = connection.execute(
        sa.select(_sets.c.id, _sets.c.session_id)
        .where(_sets.c.session_id.in_(doubled))
        .order_by(_sets.c.session_id, _sets.c.position, _sets.c.id)
    ).all()
    position: dict[int, int] = {}
    for set_id, session_id in rows:
        position[session_id] = position.get(session_id, 0) + 1
        connection.execute(
            sa.update(_sets).where(_sets.c.id == set_id).values(position=position[session_id])
        )
