"""The web app's tables, beside the log's (own metadata, own Alembic history).

::

    users 1──* api_tokens
    users 1──* sessions (signed-in browsers; logging out deletes the row)
    users (coach) 1──* teams 1──* memberships *──1 users (lifter)
    users 1──* jobs ──0..1 sets (the log's set the analysis was stored in)

A user is a lifter of the log by ``lifter_name`` (the log keys lifters by name). A job keeps
the uploaded bytes until its analysis is stored, so queued work survives a restart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from thrustlab.log.models import NAMING, utcnow

ROLES: tuple[str, ...] = ("lifter", "coach")
JOB_STATES: tuple[str, ...] = ("queued", "running", "done", "failed")


class WebBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(WebBase):
    __tablename__ = "web_users"
    __table_args__ = (CheckConstraint("role IN ('lifter', 'coach')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    lifter_name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(WebBase):
    __tablename__ = "web_api_tokens"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class WebSession(WebBase):
    """A signed-in browser. Its cookie holds a random id and this table the id's hash, so
    logging out (deleting the row) ends the session even for a copy of the cookie."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Team(WebBase):
    __tablename__ = "web_teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_id: Mapped[int] = mapped_column(
        ForeignKey("web_users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    join_code: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Membership(WebBase):
    __tablename__ = "web_memberships"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("web_teams.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    shares_earlier: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    """Whether the coach sees the sets uploaded before the lifter joined (else only later)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Job(WebBase):
    """One upload's analysis: queued, running, done (stored in the log) or failed."""

    __tablename__ = "web_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), index=True)
    error: Mapped[str] = mapped_column(Text, default="")
    set_info: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Exercise, date, load, reps, RPE and the answers, as the form gave them."""
    file_names: Mapped[list[str]] = mapped_column(JSON)
    """One name (one sensor) or two (left, right)."""
    upload_left: Mapped[bytes | None] = mapped_column(LargeBinary)
    upload_right: Mapped[bytes | None] = mapped_column(LargeBinary)
    set_id: Mapped[int | None] = mapped_column(Integer)
    """The log's set holding the stored analysis (no foreign key: the log owns its tables)."""
    verdict: Mapped[str | None] = mapped_column(String(10))
    report_html: Mapped[str | None] = mapped_column(Text)
    progress_stage: Mapped[str | None] = mapped_column(String(40))
    """What the running analysis is doing, as people read it ("analysing the video")."""
    progress_pct: Mapped[int | None] = mapped_column(Integer)
    """How far that stage got, 0-100 (``None``: it reports no progress, like a sensor file)."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
