"""The log's tables, as SQLAlchemy 2.0 declarative models.

::

    lifters 1──* training_sessions 1──* sets 1──0..1 analyses
                                            1──*    recordings

A set's key metrics are real columns of ``analyses`` (for queries and the history); the
full analysis JSON (``thrustlab.analysis/2``) sits beside them. A recording is stored as its
path and SHA-256; its bytes only when the user asks (``blob``).

Every change to these models needs an Alembic revision in ``migrations/versions``; a test
compares the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

EXERCISES: tuple[str, ...] = (
    "barbell_hip_thrust",
    "single_leg_hip_thrust",
    "banded_hip_thrust",
    "machine_hip_thrust",
    "glute_bridge",
)
SET_KINDS: tuple[str, ...] = ("working", "warmup", "drop", "failure")
VERDICTS: tuple[str, ...] = ("normal", "caution", "stop")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Lifter(Base):
    __tablename__ = "lifters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    weight_unit: Mapped[str | None] = mapped_column(String(2))
    """kg or lb, as the lifter counts loads; None until they say."""

    sessions: Mapped[list[TrainingSession]] = relationship(
        back_populates="lifter", cascade="all, delete-orphan", passive_deletes=True
    )


class TrainingSession(Base):
    """One training day of one lifter."""

    __tablename__ = "training_sessions"
    __table_args__ = (UniqueConstraint("lifter_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lifter_id: Mapped[int] = mapped_column(ForeignKey("lifters.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    lifter: Mapped[Lifter] = relationship(back_populates="sessions")
    sets: Mapped[list[LiftSet]] = relationship(
        back_populates="session",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="LiftSet.position",
    )


class LiftSet(Base):
    """One set: what was lifted, how hard it felt, and the lifter's answers."""

    __tablename__ = "sets"
    __table_args__ = (
        CheckConstraint(_in("exercise", EXERCISES), name="exercise"),
        CheckConstraint(_in("kind", SET_KINDS), name="kind"),
        CheckConstraint("load_kg IS NULL OR load_kg >= 0", name="load_kg"),
        CheckConstraint("reps IS NULL OR reps >= 0", name="reps"),
        CheckConstraint("rpe IS NULL OR (rpe >= 0 AND rpe <= 10)", name="rpe"),
        CheckConstraint("rir IS NULL OR rir >= 0", name="rir"),
        # Unique, so two writers can never give one day two sets at the same position.
        Index("uq_sets_session_id_position", "session_id", "position", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    exercise: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10), default="working")
    load_kg: Mapped[float | None] = mapped_column(Float)
    reps: Mapped[int | None] = mapped_column(Integer)
    rpe: Mapped[float | None] = mapped_column(Float)
    rir: Mapped[float | None] = mapped_column(Float)
    hard_lower_body: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    session: Mapped[TrainingSession] = relationship(back_populates="sets")
    analysis: Mapped[Analysis | None] = relationship(
        back_populates="lift_set", cascade="all, delete-orphan", passive_deletes=True
    )
    recordings: Mapped[list[RecordingFile]] = relationship(
        back_populates="lift_set",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="RecordingFile.id",
    )


class Analysis(Base):
    """The analysis of a set: the JSON contract, and its key metrics as columns."""

    __tablename__ = "analyses"
    __table_args__ = (
        CheckConstraint(f"verdict IS NULL OR {_in('verdict', VERDICTS)}", name="verdict"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), unique=True)
    schema_id: Mapped[str] = mapped_column(String(60))
    findings_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    rep_count: Mapped[int | None] = mapped_column(Integer)
    tremor_rms_mps2: Mapped[float | None] = mapped_column(Float)
    tremor_trend_ratio: Mapped[float | None] = mapped_column(Float)
    asymmetry_index_pct: Mapped[float | None] = mapped_column(Float)
    concentric_slowdown_pct: Mapped[float | None] = mapped_column(Float)
    verdict: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    lift_set: Mapped[LiftSet] = relationship(back_populates="analysis")


class RecordingFile(Base):
    """A recording a set was analysed from: its path and hash; its bytes only if asked."""

    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    blob: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    lift_set: Mapped[LiftSet] = relationship(back_populates="recordings")
