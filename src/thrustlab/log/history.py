"""The lifter's history from the log: for ``explain`` (``history_for``) and for people
(``lift_trends``: one row per session and lift, the figures ``log history`` shows and plots).

Both are one query each over the indexed tables; warm-up sets are left out.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from thrustlab.log.models import Analysis, Lifter, LiftSet, TrainingSession
from thrustlab.log.repo import DEFAULT_LIFTER
from thrustlab.records import record

if TYPE_CHECKING:  # imported when used: importing explain loads its knowledge base
    from thrustlab.explanation.history import History

_VERDICT_RANK: dict[str | None, int] = {None: 0, "normal": 1, "caution": 2, "stop": 3}


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
    An RPE missing but RIR given is read through ``rpe_from_rir``.
    """
    from thrustlab.explanation.history import History, PastSet
    from thrustlab.explanation.questions import rpe_from_rir

    columns = (
        TrainingSession.date,
        LiftSet.exercise,
        LiftSet.load_kg,
        LiftSet.reps,
        LiftSet.rpe,
        LiftSet.rir,
        Analysis.tremor_rms_mps2,
        Analysis.asymmetry_index_pct,
        Analysis.verdict,
        LiftSet.hard_lower_body,
    )
    statement = _history_rows(columns, lifter, exercise=exercise, before=before).order_by(
        TrainingSession.date, LiftSet.position, LiftSet.id
    )
    # Core rows as plain tuples: the ORM's per-row bookkeeping is not needed for a read-out.
    rows = session.connection().execute(statement)
    sets = tuple(
        PastSet(
            date,
            lift,
            load,
            reps,
            rpe if rpe is not None or rir is None else rpe_from_rir(rir),
            tremor,
            asymmetry,
            verdict,
            hard,
        )
        for date, lift, load, reps, rpe, rir, tremor, asymmetry, verdict, hard in rows
    )
    return History(sets=sets)


@record
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
    measured: bool = False
    """Whether an analysis of the session found reps (``Assessment.basis``): else its
    verdict reads "not measured"."""


@record
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
    columns = (
        LiftSet.exercise,
        TrainingSession.date,
        LiftSet.load_kg,
        LiftSet.reps,
        Analysis.tremor_rms_mps2,
        Analysis.concentric_slowdown_pct,
        Analysis.verdict,
        Analysis.rep_count,
    )
    statement = _history_rows(columns, lifter, exercise=exercise).order_by(
        LiftSet.exercise, TrainingSession.date, LiftSet.position
    )
    rows = session.connection().execute(statement)
    trends = []
    for lift, lift_rows in groupby(rows, key=itemgetter(0)):
        days = tuple(
            _trend_row(day, list(day_rows)) for day, day_rows in groupby(lift_rows, itemgetter(1))
        )
        if last_sessions is not None:
            days = days[-last_sessions:] if last_sessions > 0 else ()
        trends.append(LiftTrend(exercise=lift, rows=days))
    return tuple(trends)


def _trend_row(day: dt.date, rows: list[tuple[Any, ...]]) -> TrendRow:
    """One session of one lift from its sets' (lift, date, load, reps, tremor, slowdown,
    verdict, reps found) rows."""
    top_load: float | None = None
    top_reps: int | None = rows[-1][3]
    tremor_sum, tremor_n = 0.0, 0
    slowdown: float | None = None
    verdict: str | None = None
    measured = False
    for _, _, load, reps, tremor, slow, set_verdict, found in rows:
        measured = measured or bool(found)
        if load is not None and (top_load is None or load > top_load):
            top_load, top_reps = load, reps
        if tremor is not None:
            tremor_sum += tremor
            tremor_n += 1
        if slow is not None and (slowdown is None or slow > slowdown):
            slowdown = slow
        if _VERDICT_RANK.get(set_verdict, 0) > _VERDICT_RANK.get(verdict, 0):
            verdict = set_verdict
    return TrendRow(
        date=day,
        sets=len(rows),
        load_kg=top_load,
        reps=top_reps,
        tremor_rms_mps2=tremor_sum / tremor_n if tremor_n else None,
        concentric_slowdown_pct=slowdown,
        verdict=verdict,
        measured=measured,
    )


def _history_rows(
    columns: tuple[Any, ...],
    lifter: str,
    *,
    exercise: str | None = None,
    before: dt.date | None = None,
) -> Select[*tuple[Any, ...]]:
    statement = (
        select(*columns)
        .select_from(LiftSet)
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
