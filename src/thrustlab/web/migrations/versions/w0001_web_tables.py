"""Web tables: users, API tokens, teams, memberships, analysis jobs.

Revision ID: w0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("lifter_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('lifter', 'coach')", name=op.f("ck_web_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("email", name=op.f("uq_web_users_email")),
        sa.UniqueConstraint("lifter_name", name=op.f("uq_web_users_lifter_name")),
    )
    op.create_table(
        "web_api_tokens",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_users.id"],
            name=op.f("fk_web_api_tokens_user_id_web_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_web_api_tokens")),
    )
    op.create_index(op.f("ix_web_api_tokens_user_id"), "web_api_tokens", ["user_id"])
    op.create_table(
        "web_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("join_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["web_users.id"],
            name=op.f("fk_web_teams_coach_id_web_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_teams")),
        sa.UniqueConstraint("join_code", name=op.f("uq_web_teams_join_code")),
    )
    op.create_index(op.f("ix_web_teams_coach_id"), "web_teams", ["coach_id"])
    op.create_table(
        "web_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["web_teams.id"],
            name=op.f("fk_web_memberships_team_id_web_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_users.id"],
            name=op.f("fk_web_memberships_user_id_web_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_memberships")),
        sa.UniqueConstraint("team_id", "user_id", name=op.f("uq_web_memberships_team_id")),
    )
    op.create_index(op.f("ix_web_memberships_user_id"), "web_memberships", ["user_id"])
    op.create_table(
        "web_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("set_info", sa.JSON(), nullable=False),
        sa.Column("file_names", sa.JSON(), nullable=False),
        sa.Column("upload_left", sa.LargeBinary(), nullable=True),
        sa.Column("upload_right", sa.LargeBinary(), nullable=True),
        sa.Column("set_id", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=True),
        sa.Column("report_html", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_web_jobs_status")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["web_users.id"],
            name=op.f("fk_web_jobs_user_id_web_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_jobs")),
    )
    op.create_index(op.f("ix_web_jobs_user_id"), "web_jobs", ["user_id"])
    op.create_index(op.f("ix_web_jobs_status"), "web_jobs", ["status"])
    op.create_index(op.f("ix_web_jobs_created_at"), "web_jobs", ["created_at"])


def downgrade() -> None:
    op.drop_table("web_jobs")
    op.drop_table("web_memberships")
    op.drop_table("web_teams")
    op.drop_table("web_api_tokens")
    op.drop_table("web_users")
