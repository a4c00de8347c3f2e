"""Logging, listing, showing and deleting sets; the history that feeds ``explain``."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from log_support import stored_analysis
from thrustlab.errors import OptionError
from thrustlab.explanation.history import history_checks
from thrustlab.log import (
    NewSet,
    NotFoundError,
    add_set,
    analysis_record,
    delete_set,
    get_set,
    history_for,
    lift_trends,
    list_sets,
    session_scope,
)
from thrustlab.log.models import Analysis, RecordingFile, TrainingSession

DAY = dt.date(2024, 5, 1)


def test_a_logged_set_is_listed_shown_and_deleted(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = add_set(
            session,
            NewSet("barbell_hip_thrust", DAY, load_kg=100.0, reps=8, rpe=8.5),
            analysis=analysis_record(stored_analysis(0.4)),
        ).id
        add_set(session, NewSet("glute_bridge", DAY, load_kg=60.0, reps=12, rir=2.0))
    with session_scope(engine) as session:
        rows = list_sets(session)
        assert [row.exercise for row in rows] == ["glute_bridge", "barbell_hip_thrust"]
        shown = get_set(session, first)
        assert shown.session.lifter.name == "me"
        assert shown.position == 1
        assert shown.analysis is not None
        assert shown.analysis.tremor_rms_mps2 == pytest.approx(0.4)
        assert shown.analysis.findings_json["assessment"]["verdict"] == "normal"
    with session_scope(engine) as session:
        delete_set(session, first)
    with session_scope(engine) as session:
        assert [row.exercise for row in list_sets(session)] == ["glute_bridge"]
        assert session.scalar(select(func.count()).select_from(Analysis)) == 0
        with pytest.raises(NotFoundError, match="no set with id"):
            get_set(session, first)


def test_deleting_the_last_set_of_a_day_removes_the_empty_session(engine: Engine) -> None:
    with session_scope(engine) as session:
        set_id = add_set(session, NewSet("glute_bridge", DAY, load_kg=40.0)).id
    with session_scope(engine) as session:
        delete_set(session, set_id)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(TrainingSession)) == 0


def test_foreign_keys_cascade_to_recordings(engine: Engine) -> None:
    from thrustlab.log import RecordingRef

    with session_scope(engine) as session:
        set_id = add_set(
            session,
            NewSet("banded_hip_thrust", DAY),
            recordings=[RecordingRef("a.csv", "0" * 64, 10, blob=b"0123456789")],
        ).id
    with session_scope(engine) as session:
        assert get_set(session, set_id).recordings[0].blob == b"0123456789"
        delete_set(session, set_id)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(RecordingFile)) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("exercise", "squat", "unknown exercise"),
        ("rpe", 11.0, "RPE must be between 0 and 10"),
        ("load_kg", -5.0, "load must be 0 kg or more"),
        ("reps", -1, "reps must be 0 or more"),
        ("kind", "cooldown", "unknown set kind"),
    ],
)
def test_bad_values_are_option_errors(field: str, value: object, message: str) -> None:
    values: dict[str, object] = {"exercise": "barbell_hip_thrust", "date": DAY, field: value}
    with pytest.raises(OptionError, match=message):
        NewSet(**values)  # type: ignore[arg-type]


def test_sets_of_one_day_share_a_session_and_keep_their_order(engine: Engine) -> None:
    with session_scope(engine) as session:
        for load in (60.0, 80.0, 100.0):
            add_set(session, NewSet("barbell_hip_thrust", DAY, load_kg=load, session_notes="legs"))
    with session_scope(engine) as session:
        sessions = session.scalars(select(TrainingSession)).all()
        assert len(sessions) == 1
        assert sessions[0].notes == "legs"
        assert [s.load_kg for s in sessions[0].sets] == [60.0, 80.0, 100.0]
        assert [s.position for s in sessions[0].sets] == [1, 2, 3]


def _log(engine: Engine, day: dt.date, load: float, tremor: float, asymmetry: float) -> None:
    with session_scope(engine) as session:
        add_set(
            session,
            NewSet("barbell_hip_thrust", day, load_kg=load, reps=8, rir=2.0),
            analysis=analysis_record(stored_analysis(tremor, asymmetry_index_pct=asymmetry)),
        )


def test_a_logged_history_trips_all_four_checks(engine: Engine) -> None:
    """Section 4: load jump, back-to-back hard days, more shaking, repeated asymmetry."""
    _log(engine, DAY, 100.0, 0.30, 18.0)
    _log(engine, DAY + dt.timedelta(days=3), 100.0, 0.32, 19.0)
    _log(engine, DAY + dt.timedelta(days=6), 100.0, 0.35, 4.0)
    today = DAY + dt.timedelta(days=7)
    with session_scope(engine) as session:
        history = history_for(session, "me", exercise="barbell_hip_thrust", before=today)
    assert [s.load_kg for s in history.sets] == [100.0, 100.0, 100.0]
    assert history.sets[0].rpe == pytest.approx(8.0)  # from RIR 2

    jumped = history_checks(
        history, today=today, load_kg=115.0, tremor_rms_mps2=0.36, asymmetry_index_pct=None
    )
    assert jumped.load_jump is not None and jumped.load_jump.jump_pct == pytest.approx(15.0)
    assert jumped.consecutive_days is not None and jumped.consecutive_days.days_in_a_row == 2
    assert jumped.repeated_asymmetry is not None and jumped.repeated_asymmetry.side == "right"

    same_load = history_checks(
        history, today=today, load_kg=100.0, tremor_rms_mps2=0.50, asymmetry_index_pct=None
    )
    assert same_load.load_jump is None
    assert same_load.shaking_increase is not None
    assert same_load.shaking_increase.previous_tremor_rms_mps2 == pytest.approx(0.35)


def test_a_calm_steady_history_trips_nothing(engine: Engine) -> None:
    _log(engine, DAY, 100.0, 0.30, 2.0)
    _log(engine, DAY + dt.timedelta(days=3), 102.5, 0.30, 3.0)
    today = DAY + dt.timedelta(days=6)
    with session_scope(engine) as session:
        history = history_for(session, "me", before=today)
    checks = history_checks(
        history, today=today, load_kg=105.0, tremor_rms_mps2=0.31, asymmetry_index_pct=5.0
    )
    assert checks.load_jump is None
    assert checks.consecutive_days is None
    assert checks.shaking_increase is None
    assert checks.repeated_asymmetry is None


def test_history_leaves_out_warmups_later_days_and_other_lifters(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_set(session, NewSet("barbell_hip_thrust", DAY, load_kg=40.0, kind="warmup"))
        add_set(session, NewSet("barbell_hip_thrust", DAY, load_kg=100.0))
        add_set(session, NewSet("barbell_hip_thrust", DAY, load_kg=120.0), lifter="sam")
        add_set(session, NewSet("barbell_hip_thrust", DAY + dt.timedelta(days=1), load_kg=105.0))
        history = history_for(session, "me", before=DAY + dt.timedelta(days=1))
    assert [s.load_kg for s in history.sets] == [100.0]


def test_lift_trends_give_one_row_per_session_and_lift(engine: Engine) -> None:
    _log(engine, DAY, 90.0, 0.30, 0.0)
    _log(engine, DAY, 100.0, 0.50, 0.0)
    _log(engine, DAY + dt.timedelta(days=2), 105.0, 0.40, 0.0)
    with session_scope(engine) as session:
        add_set(session, NewSet("glute_bridge", DAY, load_kg=50.0, reps=15))
        trends = lift_trends(session, "me")
        newest = lift_trends(session, "me", exercise="barbell_hip_thrust", last_sessions=1)
    assert [t.exercise for t in trends] == ["barbell_hip_thrust", "glute_bridge"]
    first = trends[0].rows[0]
    assert (first.date, first.sets, first.load_kg, first.reps) == (DAY, 2, 100.0, 8)
    assert first.tremor_rms_mps2 == pytest.approx(0.40)
    assert first.verdict == "normal"
    assert trends[1].rows[0].tremor_rms_mps2 is None
    assert [r.load_kg for r in newest[0].rows] == [105.0]
