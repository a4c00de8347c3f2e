"""Export then import loses nothing; bad rows name their line and import nothing;
Strong and Hevy exports map their hip-thrust exercises."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from log_support import stored_analysis
from thrustlab.log import (
    LogImportError,
    NewSet,
    RecordingRef,
    add_set,
    analysis_record,
    lifter_weight_unit,
    open_log,
    remember_weight_unit,
    session_scope,
)
from thrustlab.log.export import export_records, write_csv, write_json
from thrustlab.log.imports import import_file, map_exercise
from thrustlab.log.models import LiftSet, TrainingSession

DAY = dt.date(2024, 5, 1)


def _fill(engine: Engine) -> None:
    analysis = stored_analysis(0.123456789, asymmetry_index_pct=-17.5, reps=1)
    with session_scope(engine) as session:
        add_set(
            session,
            NewSet(
                "barbell_hip_thrust",
                DAY,
                load_kg=102.5,
                reps=8,
                rpe=8.5,
                rir=1.5,
                notes='felt "wobbly",\nsecond line',
                answers={"warmup": "none", "sleep_h": 6.5, "pain": False},
                session_notes="heavy day; ünïcode",
            ),
            analysis=analysis_record(analysis),
            recordings=[RecordingRef("rec/set1.csv", "ab" * 32, 4, blob=b"\x00\x01\x02\xff")],
        )
        add_set(session, NewSet("glute_bridge", DAY, kind="warmup", hard_lower_body=False))
        add_set(session, NewSet("single_leg_hip_thrust", DAY + dt.timedelta(days=2)), lifter="sam")
        remember_weight_unit(session, "sam", "lb")  # travels with the lifter, not per set
        set_id = add_set(
            session, NewSet("machine_hip_thrust", DAY + dt.timedelta(days=4), session_notes="n")
        ).id
    with session_scope(engine) as session:
        from thrustlab.log import delete_set

        delete_set(session, set_id)  # leaves a session with notes and no sets


def _import(engine: Engine, path: Path) -> None:
    with session_scope(engine) as session:
        import_file(session, path)


def _export(engine: Engine, fmt: str) -> str:
    stream = io.StringIO()
    with session_scope(engine) as session:
        records = export_records(session)
    (write_csv if fmt == "csv" else write_json)(records, stream)
    return stream.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_loses_nothing(
    engine: Engine, db_url: str, tmp_path: Path, fmt: str
) -> None:
    _fill(engine)
    exported = _export(engine, fmt)
    path = tmp_path / f"log.{fmt}"
    path.write_text(exported, encoding="utf-8")
    target = open_log(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    with session_scope(target) as session:
        result = import_file(session, path)
    assert result.imported == 3  # and one session with notes but no sets
    assert _export(target, fmt) == exported
    with session_scope(target) as session:  # sam's loads show in pounds in the copy too
        assert (lifter_weight_unit(session, "sam"), lifter_weight_unit(session, "me")) == (
            "lb",
            None,
        )
    with session_scope(target) as session:
        again = import_file(session, path)
    assert (again.imported, again.already_in_log) == (0, 3)
    target.dispose()


def test_importing_into_the_same_log_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    path = tmp_path / "log.csv"
    path.write_text(_export(engine, "csv"), encoding="utf-8")
    with session_scope(engine) as session:
        result = import_file(session, path)
        assert session.scalar(select(func.count()).select_from(LiftSet)) == 3
    assert (result.imported, result.already_in_log) == (0, 3)


def test_imported_sets_of_a_day_already_logged_go_after_its_sets(
    engine: Engine, tmp_path: Path
) -> None:
    _fill(engine)  # two sets on DAY, at positions 1 and 2
    path = tmp_path / "log.csv"
    path.write_text(_export(engine, "csv"), encoding="utf-8")
    other = open_log(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    with session_scope(other) as session:
        add_set(session, NewSet("glute_bridge", DAY, notes="logged here first"))
    _import(other, path)
    with session_scope(other) as session:
        day = session.scalars(
            select(LiftSet).join(TrainingSession).where(TrainingSession.date == DAY)
        ).all()
        by_position = {s.position: (s.exercise, s.notes) for s in day}
    other.dispose()
    assert sorted(by_position) == [1, 2, 3]  # before: two sets at position 1
    assert by_position[1] == ("glute_bridge", "logged here first")
    assert [by_position[p][0] for p in (2, 3)] == ["barbell_hip_thrust", "glute_bridge"]


def test_a_bad_row_names_its_line_and_nothing_is_imported(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    lines = _export(engine, "csv").splitlines()
    # line 1 is the header; the first set's notes span two lines (2-3); the file's line 6 is
    # the set of "sam" (lifters in name order)
    assert lines[5].startswith("sam,")
    lines[5] = lines[5].replace("single_leg_hip_thrust", "leg_press")
    fresh = open_log(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(LogImportError, match=r"line 6: unknown exercise 'leg_press'"):
        _import(fresh, path)
    with session_scope(fresh) as session:
        assert session.scalar(select(func.count()).select_from(LiftSet)) == 0
        assert session.scalar(select(func.count()).select_from(TrainingSession)) == 0
    fresh.dispose()


def test_the_same_set_twice_in_a_file_names_both_lines(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    lines = _export(engine, "csv").splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")
    with pytest.raises(LogImportError, match=rf"line {len(lines) + 1}: set_uid .* on line 6"):
        _import(engine, path)


def test_a_row_the_database_refuses_rolls_back_the_whole_file(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row that passes every check here but that the database refuses (the same set id
    twice, with the check for it switched off) is named by its line."""
    from thrustlab.log import imports

    monkeypatch.setattr(imports, "_check_unique_uids", lambda path, rows: None)
    monkeypatch.setattr(imports, "_WRITE_BATCH", 2)
    _fill(engine)
    lines = _export(engine, "csv").splitlines()
    path = tmp_path / "twice.csv"
    path.write_text("\n".join([*lines, lines[5]]) + "\n", encoding="utf-8")
    fresh = open_log(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    for target in (fresh, engine):
        with pytest.raises(LogImportError, match=rf"line {len(lines) + 1}: the database refused"):
            _import(target, path if target is fresh else _with_new_uid(path, lines))
    with session_scope(fresh) as session:
        assert session.scalar(select(func.count()).select_from(LiftSet)) == 0
    fresh.dispose()
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(LiftSet)) == 3


def _with_new_uid(path: Path, lines: list[str]) -> Path:
    """The file with the sam set's id replaced, twice over: new to the log, doubled in it."""
    uid = lines[5].split(",")[5]
    other = path.with_name("twice-new.csv")
    new = "00000000-0000-4000-8000-000000000001"
    other.write_text(path.read_text(encoding="utf-8").replace(uid, new), encoding="utf-8")
    return other


def test_a_bad_json_record_names_its_line(engine: Engine, tmp_path: Path) -> None:
    _fill(engine)
    lines = _export(engine, "json").splitlines()
    line = next(i for i, t in enumerate(lines, 1) if '"lifter": "sam"' in t)
    assert line > 2 and '"reps": null' in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace('"reps": null', '"reps": 2.5')
    path = tmp_path / "bad.json"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(LogImportError, match=rf"line {line}: 'reps' must be a whole number"):
        _import(engine, path)


STRONG_HEADER = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;"
    "Distance;Distance Unit;Seconds;Notes;Workout Notes;Workout Duration"
)
STRONG = f"""\
{STRONG_HEADER}
2024-03-04 18:01:07;"Legs";"Hip Thrust (Barbell)";W;60;kg;10;;;;0;"";"glutes";1h 5m
2024-03-04 18:01:07;"Legs";"Hip Thrust (Barbell)";1;100;kg;8;8.5;;;0;"shaky";"glutes";1h 5m
2024-03-04 18:01:07;"Legs";"Squat (Barbell)";1;120;kg;5;;;;0;"";"glutes";1h 5m
2024-03-04 18:01:07;"Legs";"Rest Timer";Rest Timer;;;;;;;90;"";"glutes";1h 5m
2024-03-06 17:30:00;"Pump";"Glute Bridge";1;135;lbs;12;;;;0;"";"";40m
"""

HEVY = """\
"title","start_time","end_time","description","exercise_title","superset_id","exercise_notes","set_index","set_type","weight_kg","reps","distance_km","duration_seconds","rpe"
"Lower","25 Jan 2024, 18:03","25 Jan 2024, 19:10","","Hip Thrust (Machine)",,"",0,"normal",80,10,,,8
"Lower","25 Jan 2024, 18:03","25 Jan 2024, 19:10","","Single Leg Hip Thrust",,"",0,"warmup",0,12,,,
"Lower","25 Jan 2024, 18:03","25 Jan 2024, 19:10","","Romanian Deadlift",,"",0,"normal",90,8,,,
"""


def test_strong_export_maps_hip_thrusts_and_converts_pounds(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "strong.csv"
    path.write_text(STRONG, encoding="utf-8")
    with session_scope(engine) as session:
        result = import_file(session, path)
        rows = session.execute(
            select(TrainingSession.date, LiftSet.exercise, LiftSet.kind, LiftSet.load_kg)
            .join(TrainingSession)
            .order_by(TrainingSession.date, LiftSet.position)
        ).all()
    assert result.source == "strong"
    assert result.imported == 3
    assert result.other_exercises == {"Squat (Barbell)": 1}
    assert [tuple(r) for r in rows] == [
        (dt.date(2024, 3, 4), "barbell_hip_thrust", "warmup", 60.0),
        (dt.date(2024, 3, 4), "barbell_hip_thrust", "working", 100.0),
        (dt.date(2024, 3, 6), "glute_bridge", "working", pytest.approx(61.235, abs=1e-3)),
    ]
    with session_scope(engine) as session:
        assert import_file(session, path).already_in_log == 3
        assert lifter_weight_unit(session, "me") == "kg"  # the file's first stated unit


def test_hevy_export_maps_hip_thrusts(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "hevy.csv"
    path.write_text(HEVY, encoding="utf-8")
    with session_scope(engine) as session:
        result = import_file(session, path, lifter="kim")
        rows = session.execute(select(LiftSet.exercise, LiftSet.kind, LiftSet.rpe)).all()
    assert (result.source, result.imported) == ("hevy", 2)
    with session_scope(engine) as session:
        assert lifter_weight_unit(session, "kim") == "kg"  # its weight_kg column
    assert sorted(tuple(r) for r in rows) == [
        ("machine_hip_thrust", "working", 8.0),
        ("single_leg_hip_thrust", "warmup", None),
    ]


def test_a_bad_strong_row_names_its_line(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "strong.csv"
    path.write_text(STRONG.replace(";100;kg;", ";heavy;kg;"), encoding="utf-8")
    with pytest.raises(LogImportError, match=r"line 3: 'Weight' must be a number"):
        _import(engine, path)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(LiftSet)) == 0


def test_an_unknown_file_is_refused(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(LogImportError, match="line 1: not a thrustlab, Strong or Hevy export"):
        _import(engine, path)


@pytest.mark.parametrize(
    ("name", "exercise"),
    [
        ("Hip Thrust (Barbell)", "barbell_hip_thrust"),
        ("Hip Thrust (Smith Machine)", "machine_hip_thrust"),
        ("Banded Hip Thrust", "banded_hip_thrust"),
        ("Single-Leg Hip Thrust", "single_leg_hip_thrust"),
        ("Glute Bridge (Barbell)", "glute_bridge"),
        ("Squat (Barbell)", None),
    ],
)
def test_map_exercise(name: str, exercise: str | None) -> None:
    assert map_exercise(name) == exercise


def test_a_recording_kept_in_the_log_survives_a_csv_round_trip(tmp_path: Path) -> None:
    """A copied recording is one CSV cell, far over the csv module's 128 kB default cap."""
    source = open_log(f"sqlite:///{tmp_path / 'source.sqlite3'}")
    blob = bytes(range(256)) * 1200  # 300 kB, every byte value
    with session_scope(source) as session:
        add_set(
            session,
            NewSet("barbell_hip_thrust", DAY, load_kg=100.0),
            recordings=[RecordingRef("set.csv", "cd" * 32, len(blob), blob=blob)],
        )
    path = tmp_path / "log.csv"
    path.write_text(_export(source, "csv"), encoding="utf-8")
    target = open_log(f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    with session_scope(target) as session:
        assert import_file(session, path).imported == 1
    assert _export(target, "csv") == _export(source, "csv")
    source.dispose()
    target.dispose()
