"""Initial log schema: lifters, training sessions, sets, analyses, recordings.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lifters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifters")),
        sa.UniqueConstraint("name", name=op.f("uq_lifters_name")),
    )
    op.create_table(
        "training_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lifter_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lifter_id"],
            ["lifters.id"],
            name=op.f("fk_training_sessions_lifter_id_lifters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_sessions")),
        sa.UniqueConstraint("lifter_id", "date", name=op.f("uq_training_sessions_lifter_id")),
    )
    op.create_table(
        "sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("exercise", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("load_kg", sa.Float(), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("rir", sa.Float(), nullable=True),
        sa.Column("hard_lower_body", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "exercise IN ('barbell_hip_thrust', 'single_leg_hip_thrust', 'banded_hip_thrust',"
            " 'machine_hip_thrust', 'glute_bridge')",
            name=op.f("ck_sets_exercise"),
        ),
        sa.CheckConstraint(
            "kind IN ('working', 'warmup', 'drop', 'failure')", name=op.f("ck_sets_kind")
        ),
        sa.CheckConstraint("load_kg IS NULL OR load_kg >= 0", name=op.f("ck_sets_load_kg")),
        sa.CheckConstraint("reps IS NULL OR reps >= 0", name=op.f("ck_sets_reps")),
        sa.CheckConstraint("rir IS NULL OR rir >= 0", name=op.f("ck_sets_rir")),
        sa.CheckConstraint("rpe IS NULL OR (rpe >= 0 AND rpe <= 10)", name=op.f("ck_sets_rpe")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_sessions.id"],
            name=op.f("fk_sets_session_id_training_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sets")),
        sa.UniqueConstraint("uid", name=op.f("uq_sets_uid")),
    )
    op.create_index("ix_sets_session_id_position", "sets", ["session_id", "position"])
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("schema_id", sa.String(length=60), nullable=False),
        sa.Column("findings_json", sa.JSON(), nullable=False),
        sa.Column("rep_count", sa.Integer(), nullable=True),
        sa.Column("tremor_rms_mps2", sa.Float(), nullable=True),
        sa.Column("tremor_trend_ratio", sa.Float(), nullable=True),
        sa.Column("asymmetry_index_pct", sa.Float(), nullable=True),
        sa.Column("concentric_slowdown_pct", sa.Float(), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "verdict IS NULL OR verdict IN ('normal', 'caution', 'stop')",
            name=op.f("ck_analyses_verdict"),
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_analyses_set_id_sets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analyses")),
        sa.UniqueConstraint("set_id", name=op.f("uq_analyses_set_id")),
    )
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_recordings_set_id_sets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
    )
    op.create_index(op.f("ix_recordings_set_id"), "recordings", ["set_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recordings_set_id"), table_name="recordings")
    op.drop_table("recordings")
    op.drop_table("analyses")
    op.drop_index("ix_sets_session_id_position", table_name="sets")
    op.drop_table("sets")
    op.drop_table("training_sessions")
    op.drop_table("lifters")
