"""The lifter's history from the log: for ``explain`` (``history_for``) and for people
(``lift_trends``: one row per session and lift, the figures ``log history`` shows and plots).

Both are one query each over the indexed tables; warm-up sets are left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from thrustlab.explain.history import History, PastSet
from thrustlab.log.models import Analysis, Lifter, LiftSet, TrainingSession
from thrustlab.log.repo import DEFAULT_LIFTER

_VERDICT_RANK = {None: 0, "normal": 1, "caution": 2, "stop": 3}


def history_for(
    session: Session,
    lifter: str = DEFAULT_LIFTER,
    /,
    *,
    exercise: str | None = None,
    before: dt.date | None = None,
) -> History:
    """The lifter's working sets, oldest first, as ``explain`` reads them.

    ``before`` keeps only sessions dated earlier (for judging a set logged on that day).
    An RPE missing but RIR given is read as ``10 - RIR``.
    """
    statement = _history_rows(lifter, exercise=exercise, before=before).order_by(
        TrainingSession.date, LiftSet.position, LiftSet.id
    )
    sets = tuple(
        PastSet(
            date=row.date,
            exercise=row.exercise,
            load_kg=row.load_kg,
            reps=row.reps,
            rpe=row.rpe if row.rpe is not None or row.rir is None else max(0.0, 10.0 - row.rir),
            tremor_rms_mps2=row.tremor_rms_mps2,
            asymmetry_index_pct=row.asymmetry_index_pct,
            verdict=row.verdict,
            hard_lower_body=row.hard_lower_body,
        )
        for row in session.execute(statement)
    )
    return History(sets=sets)


@dataclass(frozen=True, slots=True)
class TrendRow:
    """One session of one lift: the heaviest set and what the analyses measured."""

    date: dt.date
    sets: int
    load_kg: float | None
    """The heaviest load of the session."""
    reps: int | None
    """Reps of the heaviest set."""
    tremor_rms_mps2: float | None
    """Mean shaking over the session's analysed sets."""
    concentric_slowdown_pct: float | None
    """The largest slowdown of the session's analysed sets."""
    verdict: str | None
    """The worst verdict of the session."""


@dataclass(frozen=True, slots=True)
class LiftTrend:
    exercise: str
    rows: tuple[TrendRow, ...]  # oldest first


def lift_trends(
    session: Session,
    lifter: str = DEFAULT_LIFTER,
    /,
    *,
    exercise: str | None = None,
    last_sessions: int | None = None,
) -> tuple[LiftTrend, ...]:
    """Per lift, one row per session (oldest first); ``last_sessions`` keeps the newest N."""
    statement = _history_rows(lifter, exercise=exercise).order_by(
        LiftSet.exercise, TrainingSession.date, LiftSet.position
    )
    trends = []
    for lift, lift_rows in groupby(session.execute(statement), key=lambda row: row.exercise):
        rows = tuple(
            _trend_row(day, list(day_rows)) for day, day_rows in groupby(lift_rows, _row_date)
        )
        if last_sessions is not None:
            rows = rows[-last_sessions:] if last_sessions > 0 else ()
        trends.append(LiftTrend(exercise=lift, rows=rows))
    return tuple(trends)


def _row_date(row: Any) -> dt.date:
    date: dt.date = row.date
    return date


def _trend_row(day: dt.date, rows: list[Any]) -> TrendRow:
    loaded = [row for row in rows if row.load_kg is not None]
    top = max(loaded, key=lambda row: row.load_kg) if loaded else rows[-1]
    tremors = [row.tremor_rms_mps2 for row in rows if row.tremor_rms_mps2 is not None]
    slowdowns = [
        row.concentric_slowdown_pct for row in rows if row.concentric_slowdown_pct is not None
    ]
    verdict = max((row.verdict for row in rows), key=lambda v: _VERDICT_RANK.get(v, 0))
    return TrendRow(
        date=day,
        sets=len(rows),
        load_kg=top.load_kg,
        reps=top.reps,
        tremor_rms_mps2=sum(tremors) / len(tremors) if tremors else None,
        concentric_slowdown_pct=max(slowdowns) if slowdowns else None,
        verdict=verdict,
    )


def _history_rows(
    lifter: str, *, exercise: str | None = None, before: dt.date | None = None
) -> Select[*tuple[Any, ...]]:
    statement = (
        select(
            TrainingSession.date,
            LiftSet.exercise,
            LiftSet.load_kg,
            LiftSet.reps,
            LiftSet.rpe,
            LiftSet.rir,
            LiftSet.hard_lower_body,
            Analysis.tremor_rms_mps2,
            Analysis.asymmetry_index_pct,
            Analysis.concentric_slowdown_pct,
            Analysis.verdict,
        )
        .join(TrainingSession, LiftSet.session_id == TrainingSession.id)
        .join(Lifter, TrainingSession.lifter_id == Lifter.id)
        .outerjoin(Analysis, Analysis.set_id == LiftSet.id)
        .where(Lifter.name == lifter, LiftSet.kind != "warmup")
    )
    if exercise is not None:
        statement = statement.where(LiftSet.exercise == exercise)
    if before is not None:
        statement = statement.where(TrainingSession.date < before)
    return statement
