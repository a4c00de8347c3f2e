"""Repository functions: the only code that writes or reads the log's rows.

Each function takes an open ``Session`` (one transaction, see ``db.session_scope``) and
plain values; what it returns is either a mapped row or a small frozen view.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from thrustlab.records import record

if TYPE_CHECKING:
    from thrustlab.analysis import Analysis as AnalysisResult

from thrustlab.errors import OptionError
from thrustlab.explanation.questions import WeightUnit
from thrustlab.log.errors import NotFoundError
from thrustlab.log.models import (
    EXERCISES,
    SET_KINDS,
    VERDICTS,
    Analysis,
    Lifter,
    LiftSet,
    RecordingFile,
    TrainingSession,
)
from thrustlab.schema import ANALYSIS_SCHEMA

DEFAULT_LIFTER = "me"
_HASH_CHUNK_BYTES = 1 << 20


@record
class NewSet:
    """A set to log. RPE or RIR (reps in reserve), or both, as the lifter reports them."""

    exercise: str
    date: dt.date
    load_kg: float | None = None
    reps: int | None = None
    rpe: float | None = None
    rir: float | None = None
    kind: str = "working"
    hard_lower_body: bool = True
    notes: str = ""
    answers: Mapping[str, Any] = field(default_factory=dict)
    session_notes: str = ""
    uid: str | None = None

    def __post_init__(self) -> None:
        if self.exercise not in EXERCISES:
            raise OptionError(
                f"unknown exercise {self.exercise!r}; use one of: {', '.join(EXERCISES)}"
            )
        if self.kind not in SET_KINDS:
            raise OptionError(f"unknown set kind {self.kind!r}; use one of: {', '.join(SET_KINDS)}")
        if self.load_kg is not None and not self.load_kg >= 0:
            raise OptionError(f"load must be 0 kg or more, not {self.load_kg}")
        if self.reps is not None and self.reps < 0:
            raise OptionError(f"reps must be 0 or more, not {self.reps}")
        if self.rpe is not None and not 0 <= self.rpe <= 10:
            raise OptionError(f"RPE must be between 0 and 10, not {self.rpe}")
        if self.rir is not None and not self.rir >= 0:
            raise OptionError(f"RIR (reps in reserve) must be 0 or more, not {self.rir}")


@record
class AnalysisRecord:
    """An analysis to store: the JSON document and the key metrics read from it."""

    findings_json: Mapping[str, Any]
    schema_id: str = ANALYSIS_SCHEMA
    rep_count: int | None = None
    tremor_rms_mps2: float | None = None
    tremor_trend_ratio: float | None = None
    asymmetry_index_pct: float | None = None
    concentric_slowdown_pct: float | None = None
    verdict: str | None = None
    created_at: dt.datetime | None = None

    def __post_init__(self) -> None:
        if self.verdict is not None and self.verdict not in VERDICTS:
            raise OptionError(f"unknown verdict {self.verdict!r}; use one of {VERDICTS}")


def analysis_record(analysis: AnalysisResult, /) -> AnalysisRecord:
    """The record of an analysis: its document (the JSON contract), with its key metrics as
    columns."""
    from thrustlab.document import to_document

    s = analysis.findings.set if analysis.findings is not None else None
    return AnalysisRecord(
        findings_json=to_document(analysis),
        schema_id=ANALYSIS_SCHEMA,
        rep_count=None if s is None else s.rep_count,
        tremor_rms_mps2=None if s is None else s.tremor_rms_mps2,
        tremor_trend_ratio=None if s is None else s.tremor_trend_ratio,
        asymmetry_index_pct=None if s is None else s.asymmetry_index_pct,
        concentric_slowdown_pct=None if s is None else s.concentric_slowdown_pct,
        verdict=analysis.assessment.verdict,
    )


@record
class RecordingRef:
    """A recording a set came from: where it was, its hash, and its bytes if asked to keep."""

    path: str
    sha256: str
    size_bytes: int
    blob: bytes | None = None
    created_at: dt.datetime | None = None


def recording_ref(path: Path, /, *, copy: bool = False) -> RecordingRef:
    """Hash the file at ``path`` (streamed); keep its bytes only when ``copy`` is true."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(_HASH_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    blob = path.read_bytes() if copy else None
    return RecordingRef(str(path), digest.hexdigest(), size, blob)


@record
class SetRow:
    """One line of ``log list``: a set, its day and its analysis' key figures."""

    id: int
    lifter: str
    date: dt.date
    exercise: str
    kind: str
    load_kg: float | None
    reps: int | None
    rpe: float | None
    rir: float | None
    rep_count: int | None
    """Reps the analysis found (None: no recording): with none the set was not measured."""
    tremor_rms_mps2: float | None
    concentric_slowdown_pct: float | None
    verdict: str | None
    weight_unit: WeightUnit | None  # the lifter's unit, for showing the load


def ensure_lifter(session: Session, name: str, /) -> int:
    """The id of the lifter called ``name``, added if new (safe with concurrent writers)."""
    name = name.strip()
    if not name:
        raise OptionError("a lifter needs a name")
    found = session.scalar(select(Lifter.id).where(Lifter.name == name))
    if found is not None:
        return found
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(Lifter)
        .values(name=name, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    lifter_id = session.scalar(select(Lifter.id).where(Lifter.name == name))
    assert lifter_id is not None
    return lifter_id


def lifter_weight_unit(session: Session, name: str, /) -> WeightUnit | None:
    """The weight unit the lifter called ``name`` counts in (``None``: not said, or new)."""
    return _unit(session.scalar(select(Lifter.weight_unit).where(Lifter.name == name.strip())))


def _unit(stored: str | None, /) -> WeightUnit | None:
    return "lb" if stored == "lb" else "kg" if stored == "kg" else None


def remember_weight_unit(session: Session, name: str, unit: WeightUnit, /) -> None:
    """Keep ``unit`` as the lifter's weight unit (added as a lifter if new)."""
    lifter = session.get(Lifter, ensure_lifter(session, name))
    assert lifter is not None
    lifter.weight_unit = unit


def ensure_session(
    session: Session, lifter_id: int, date: dt.date, /, *, notes: str = ""
) -> TrainingSession:
    """The lifter's training session on ``date``, added if new; ``notes`` are appended."""
    statement = select(TrainingSession).where(
        TrainingSession.lifter_id == lifter_id, TrainingSession.date == date
    )
    found = session.scalar(statement)
    if found is None:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(
            insert(TrainingSession)
            .values(lifter_id=lifter_id, date=date, notes="", created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["lifter_id", "date"])
        )
        found = session.scalar(statement)
        assert found is not None
    if notes and notes not in found.notes:
        found.notes = f"{found.notes}\n{notes}" if found.notes else notes
    return found


def add_set(
    session: Session,
    new: NewSet,
    /,
    *,
    lifter: str = DEFAULT_LIFTER,
    analysis: AnalysisRecord | None = None,
    recordings: Sequence[RecordingRef] = (),
    position: int | None = None,
    created_at: dt.datetime | None = None,
) -> LiftSet:
    """Log one set (with its analysis and recordings) in the lifter's session of that day; a
    weight unit among its answers becomes the lifter's."""
    training = ensure_session(
        session, ensure_lifter(session, lifter), new.date, notes=new.session_notes
    )
    unit = new.answers.get("weight_unit")
    if unit in ("kg", "lb"):
        remember_weight_unit(session, lifter, unit)
    if position is None:
        position = next_position(session, training.id)
    row = set_row(
        training,
        new,
        position=position,
        analysis=analysis,
        recordings=recordings,
        created_at=created_at,
    )
    session.add(row)
    session.flush()
    return row


def next_position(session: Session, session_id: int, /) -> int:
    """The position the next set of a training session takes (1 for the first).

    Locks the training session's row until the transaction ends (PostgreSQL; SQLite's
    writers hold the whole database), so concurrent writers to one day queue here and each
    sees the sets the others committed; the unique index on (session, position) makes a
    shared position impossible whatever the caller does."""
    lock_training(session, session_id)
    last = session.scalar(
        select(func.max(LiftSet.position)).where(LiftSet.session_id == session_id)
    )
    return 1 if last is None else last + 1


def taken_positions(session: Session, session_id: int, /) -> set[int]:
    """The positions the sets of a training session hold, with the session's row locked (see
    ``next_position``)."""
    lock_training(session, session_id)
    return set(session.scalars(select(LiftSet.position).where(LiftSet.session_id == session_id)))


def lock_training(session: Session, session_id: int, /) -> None:
    """Hold the training session's row lock until the transaction ends (a no-op on SQLite)."""
    session.execute(
        select(TrainingSession.id).where(TrainingSession.id == session_id).with_for_update()
    )


def set_row(
    training: TrainingSession,
    new: NewSet,
    /,
    *,
    position: int,
    analysis: AnalysisRecord | None = None,
    recordings: Sequence[RecordingRef] = (),
    created_at: dt.datetime | None = None,
) -> LiftSet:
    """The row of a new set in ``training`` (not yet added to a session)."""
    row = LiftSet(
        uid=new.uid or str(uuid.uuid4()),
        session_id=training.id,
        position=position,
        exercise=new.exercise,
        kind=new.kind,
        load_kg=new.load_kg,
        reps=new.reps,
        rpe=new.rpe,
        rir=new.rir,
        hard_lower_body=new.hard_lower_body,
        notes=new.notes,
        answers=dict(new.answers),
        created_at=created_at or utcnow(),
    )
    if analysis is not None:
        row.analysis = _analysis_row(analysis)
    row.recordings = [
        RecordingFile(
            path=r.path,
            sha256=r.sha256,
            size_bytes=r.size_bytes,
            blob=r.blob,
            created_at=r.created_at or utcnow(),
        )
        for r in recordings
    ]
    return row


def _analysis_row(record: AnalysisRecord) -> Analysis:
    return Analysis(
        schema_id=record.schema_id,
        findings_json=dict(record.findings_json),
        rep_count=record.rep_count,
        tremor_rms_mps2=record.tremor_rms_mps2,
        tremor_trend_ratio=record.tremor_trend_ratio,
        asymmetry_index_pct=record.asymmetry_index_pct,
        concentric_slowdown_pct=record.concentric_slowdown_pct,
        verdict=record.verdict,
        created_at=record.created_at or utcnow(),
    )


def get_set(session: Session, set_id: int, /) -> LiftSet:
    """The set with this id, with its session, lifter, analysis and recordings loaded."""
    row = session.scalar(
        select(LiftSet)
        .where(LiftSet.id == set_id)
        .options(
            selectinload(LiftSet.session).selectinload(TrainingSession.lifter),
            selectinload(LiftSet.analysis),
            selectinload(LiftSet.recordings),
        )
    )
    if row is None:
        raise NotFoundError(f"no set with id {set_id} in the log; `thrustlab log list` shows ids")
    return row


def list_sets(
    session: Session,
    /,
    *,
    lifter: str | None = None,
    exercise: str | None = None,
    limit: int | None = None,
) -> list[SetRow]:
    """Logged sets, newest first."""
    statement = _set_rows().order_by(TrainingSession.date.desc(), LiftSet.position.desc())
    if lifter is not None:
        statement = statement.where(Lifter.name == lifter)
    if exercise is not None:
        statement = statement.where(LiftSet.exercise == exercise)
    if limit is not None:
        statement = statement.limit(limit)
    return [
        SetRow(**{**row._asdict(), "weight_unit": _unit(row.weight_unit)})
        for row in session.execute(statement)
    ]


def _set_rows() -> Select[*tuple[Any, ...]]:
    return (
        select(
            LiftSet.id,
            Lifter.name.label("lifter"),
            TrainingSession.date,
            LiftSet.exercise,
            LiftSet.kind,
            LiftSet.load_kg,
            LiftSet.reps,
            LiftSet.rpe,
            LiftSet.rir,
            Analysis.rep_count,
            Analysis.tremor_rms_mps2,
            Analysis.concentric_slowdown_pct,
            Analysis.verdict,
            Lifter.weight_unit,
        )
        .join(TrainingSession, LiftSet.session_id == TrainingSession.id)
        .join(Lifter, TrainingSession.lifter_id == Lifter.id)
        .outerjoin(Analysis, Analysis.set_id == LiftSet.id)
    )


def delete_set(session: Session, set_id: int, /) -> None:
    """Delete a set with its analysis and recordings; a session left with no sets and no
    notes goes too."""
    row = get_set(session, set_id)
    training = row.session
    session.delete(row)
    session.flush()
    remaining = session.scalar(select(func.count()).where(LiftSet.session_id == training.id))
    if remaining == 0 and not training.notes:
        session.execute(delete(TrainingSession).where(TrainingSession.id == training.id))


def update_set(
    session: Session,
    set_id: int,
    new: NewSet,
    /,
    *,
    lifter: str,
    analysis: AnalysisRecord | None = None,
) -> LiftSet:
    """Replace a set's load, reps, effort, notes and answers with ``new``'s (its day, lift
    and recordings stay), and its analysis' document and verdict with ``analysis``'s."""
    row = get_set(session, set_id)
    row.load_kg, row.reps, row.rpe, row.rir = new.load_kg, new.reps, new.rpe, new.rir
    row.notes, row.answers = new.notes, dict(new.answers)
    unit = new.answers.get("weight_unit")
    if unit in ("kg", "lb"):
        remember_weight_unit(session, lifter, unit)
    if analysis is not None and row.analysis is not None:
        row.analysis.findings_json = dict(analysis.findings_json)
        row.analysis.verdict = analysis.verdict
    session.flush()
    return row


def delete_lifter(session: Session, name: str, /) -> None:
    """Delete a lifter with all their sessions, sets, analyses and recordings."""
    session.execute(delete(Lifter).where(Lifter.name == name))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
