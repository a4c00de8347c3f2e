"""``thrustlab log ...`` end to end on a SQLite file (the commands are thin; the store's own
tests run on both backends)."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thrustlab.cli import app


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'log.sqlite3'}"


def run(command: str, *, input: str | None = None) -> str:
    """Run ``thrustlab <command>`` in-process; it must succeed."""
    result = CliRunner().invoke(app, shlex.split(command), input=input, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_add_list_show_and_history(db: str) -> None:
    out = run(
        f"log add --db {db} --date 2024-05-01 --load-kg 100 --reps 8 --rpe 8 "
        "--answer sleep_h=6 --answer warmup_done=yes"
    )
    assert "Logged set 1: barbell hip thrust 100 kg x 8 @ RPE 8 on 2024-05-01 (me)." in out
    run(f"log add --db {db} --date 2024-05-04 --load-kg 102.5 --reps 8")
    out = run(f"log add --db {db} --date 2024-05-05 --load-kg 120 --reps 5 --rir 1")
    assert "load jump: 120 kg is 17 % above" in out
    assert "2 hard lower-body days in a row" in out

    listed = run(f"log list --db {db}")
    assert listed.index("120") < listed.index("102.5") < listed.index("100 ")
    shown = run(f"log show 1 --db {db}")
    assert "Sleep last night: 6 h" in shown and "Warmed up: yes" in shown
    history = run(f"log history --db {db}")
    assert "barbell hip thrust" in history and "2024-05-05" in history
    trend = json.loads(run(f"log history --db {db} --json"))
    assert [s["load_kg"] for s in trend[0]["sessions"]] == [100.0, 102.5, 120.0]


def test_list_show_and_history_speak_plainly_in_the_lifters_unit(db: str) -> None:
    """No internal names (``barbell_hip_thrust``, ``(weight_unit)``), no ``-`` placeholders,
    and loads in the unit the lifter logs in, in all three views."""
    run(f"log add --db {db} --date 2024-05-01 --load '220 lb' --reps 10 --rir 1")
    run(f"log add --db {db} --date 2024-05-03 --load 225 --reps 8")  # bare: the lifter's lb
    views = {
        "list": run(f"log list --db {db}"),
        "show": run(f"log show 1 --db {db}"),
        "history": run(f"log history --db {db}"),
    }
    for name, text in views.items():
        assert "kg" not in text and "_" not in text, name
        assert not re.search(r"(^|\s)-(\s|$)", text), f"a '-' placeholder in log {name}"
    assert "220 lb" in views["list"] and "225 lb" in views["list"]
    assert "220 lb, 10 reps, RIR 1" in views["show"]
    assert "225 lb" in views["history"]


def test_list_of_several_lifters_reads_at_80_columns(db: str) -> None:
    """One table per lifter, titled with the full name: nothing cut to "…" at 80 columns."""
    lifters = ("Alexandra Montgomery-Smith", "Bartholomew Fitzgerald", "me")
    for lifter in lifters:
        run(
            f"log add --db {db} --lifter '{lifter}' --date 2024-05-01 -e 'single leg hip thrust' "
            "--kind warmup --load '225 lb' --reps 12 --rpe 9.5"
        )
    result = CliRunner().invoke(
        app, shlex.split(f"log list --db {db}"), env={"COLUMNS": "80"}, catch_exceptions=False
    )
    lines = [line.rstrip() for line in result.output.splitlines()]
    assert max(map(len, lines)) <= 80 and "…" not in result.output, result.output
    for lifter in lifters:
        assert lifter in lines, f"{lifter}'s table has no title of its own"
    headers = [line.split() for line in lines if line.startswith("id ")]
    assert headers == [
        ["id", "date", "lift", "load", "reps", "effort", "shaking", "slowdown", "verdict"]
    ] * len(lifters)
    assert result.output.count("225 lb") == 3 and result.output.count("RPE 9.5") == 3


def test_history_writes_an_svg_plot(db: str, tmp_path: Path) -> None:
    run(f"log add --db {db} --date 2024-05-01 --load-kg 100")
    run(f"log add --db {db} --date 2024-05-03 --load-kg 105 -e glute_bridge")
    svg = tmp_path / "history.svg"
    run(f"log history --db {db} --svg {svg}")
    text = svg.read_text()
    assert text.startswith("<svg") and text.count("<polyline") == 2
    assert "glute bridge" in text


def test_export_then_import_through_the_cli(db: str, tmp_path: Path) -> None:
    run(f"log add --db {db} --date 2024-05-01 --load-kg 100 --notes 'a, b'")
    for fmt in ("csv", "json"):
        exported = tmp_path / f"log.{fmt}"
        run(f"log export --db {db} -o {exported}")
        copy = f"sqlite:///{tmp_path / f'copy-{fmt}.sqlite3'}"
        assert "Imported 1 sets" in run(f"log import {exported} --db {copy}")
        again = tmp_path / f"again.{fmt}"
        run(f"log export --db {copy} -o {again}")
        assert again.read_text() == exported.read_text()
    assert run(f"log export --db {db}").startswith("lifter,")


def test_delete_asks_first(db: str) -> None:
    run(f"log add --db {db} --date 2024-05-01 --load-kg 100")
    result = CliRunner().invoke(app, shlex.split(f"log delete 1 --db {db}"), input="n\n")
    assert result.exit_code == 1 and "Nothing deleted" in result.output
    assert "100" in run(f"log list --db {db}")
    assert "Deleted set 1" in run(f"log delete 1 --db {db}", input="y\n")
    assert "The log is empty" in run(f"log list --db {db}")


def _main(command: str) -> subprocess.CompletedProcess[str]:
    """Run the real entry point in a new process (error handling and exit codes included)."""
    code = "from thrustlab.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *shlex.split(command)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )


def test_bad_input_is_one_line_and_exit_code_2(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    for command, message in [
        (f"log add --db {db} --exercise squat", "unknown exercise 'squat'"),
        (f"log add --db {db} --answer slep_h=6", "did you mean 'sleep_h'"),
        (f"log show 7 --db {db}", "no set with id 7"),
        (f"log import {bad} --db {db}", "line 1: not a thrustlab, Strong or Hevy"),
    ]:
        result = _main(command)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


def test_the_database_url_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THRUSTLAB_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    run("log add --load-kg 90 --date 2024-05-01")
    assert (tmp_path / "env.sqlite3").exists()


def _recording_file(tmp_path: Path) -> tuple[Path, int]:
    """A simulated set (one leg, growing fatigue) as a CSV file, and its true rep count."""
    from thrustlab.simulate import scenario, simulate_set, to_csv_text

    recording, truth = simulate_set(scenario("fatigue", seed=3))
    path = tmp_path / "set.csv"
    path.write_text(to_csv_text(recording), encoding="utf-8")
    return path, truth.n_reps


def test_add_with_a_recording_stores_its_analysis(db: str, tmp_path: Path) -> None:
    import hashlib

    from thrustlab.log import get_set, open_log, session_scope

    path, n_reps = _recording_file(tmp_path)
    out = run(f"log add --db {db} --date 2024-05-01 --load-kg 100 --recording {path}")
    assert "analysis:" in out
    document = json.loads(run(f"log show 1 --db {db} --json"))
    verdict_line = f"  {document['assessment']['verdict'].upper()}: "
    assert verdict_line + document["assessment"]["headline"] in out  # the verdict and why
    document = json.loads(run(f"log show 1 --db {db} --json"))
    assert document["schema"] == "thrustlab.analysis/2"
    assert document["set"]["rep_count"] == n_reps
    assert document["assessment"]["verdict"] in ("normal", "caution", "stop")
    shown = run(f"log show 1 --db {db}")
    assert f"recording: {path}" in shown and "stored in the log" not in shown

    run(f"log add --db {db} --date 2024-05-02 --recording {path} --copy-recording")
    engine = open_log(db)
    with session_scope(engine) as session:
        row = get_set(session, 2)
        assert row.analysis is not None
        assert row.analysis.rep_count == n_reps
        assert row.analysis.tremor_rms_mps2 == document["set"]["tremor_rms_mps2"]
        assert row.analysis.verdict == row.analysis.findings_json["assessment"]["verdict"]
        (stored,) = row.recordings
        assert stored.blob == path.read_bytes()
        assert stored.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    engine.dispose()


def test_add_gives_the_verdict_its_reason_and_loads_in_the_lifters_unit(
    db: str, tmp_path: Path
) -> None:
    """A stop names its warning signs and prints their advice (the headline says "read the
    advice below"); the figures have no '-' placeholder; the load jump is in pounds."""
    path, _ = _recording_file(tmp_path)
    run(f"log add --db {db} --date 2024-05-01 --load '200 lb' --reps 8")
    out = run(
        f"log add --db {db} --date 2024-05-03 --load 240 --reps 8 --pain sharp --recording {path}"
    )
    assert "STOP: A warning sign came up (sharp pain)" in out
    assert "! Sharp pain: Stop the exercise now." in out
    assert not re.search(r"(^|\s)-(\s|,|$)", out), out
    assert "load jump: 240 lb is 20 % above the heaviest of the last session (200 lb)" in out
    assert " kg" not in out


def test_the_logged_history_feeds_the_assessment(db: str, tmp_path: Path) -> None:
    """Section 4 end to end: a 20 % jump on the day after a hard session shows up in the
    stored assessment's evidence, not only in the printed warnings."""
    path, _ = _recording_file(tmp_path)
    for day in ("01", "04", "07"):
        run(f"log add --db {db} --date 2024-05-{day} --load-kg 100 --reps 8")
    out = run(f"log add --db {db} --date 2024-05-08 --load-kg 120 --reps 8 --recording {path}")
    assert "load jump: 120 kg is 20 % above" in out
    document = json.loads(run(f"log show 4 --db {db} --json"))
    evidence = {
        item["feature"]: item["value"]
        for cause in document["assessment"]["causes"]
        for item in cause["evidence"]
    }
    assert evidence["load_jump_pct"] == pytest.approx(20.0)
    assert evidence["consecutive_hard_days"] == 2


def test_a_set_whose_shaking_was_not_measured_reads_alike_in_every_view(
    db: str, tmp_path: Path
) -> None:
    """A phone logging at 10 Hz gives the reps (and their slowdown) but not the 6 Hz and up
    band: every table says the shaking was not measured, still shows the slowdown, and reads
    the verdict as ``log add`` does (the reps were measured: ``Assessment.basis``)."""
    from dataclasses import replace

    from thrustlab.simulate import SimulationSpec, simulate_set, to_csv_text

    recording, _ = simulate_set(replace(SimulationSpec(seed=5), rate_hz=10.0))
    slow = tmp_path / "slow.csv"
    slow.write_text(to_csv_text(recording), encoding="utf-8")
    added = run(f"log add --db {db} --date 2024-05-01 --load-kg 100 --recording {slow}")
    slowdown = re.search(r"shaking not measured, slowdown (\d+ %)", added)
    verdict = re.search(r"^  (NORMAL|CAUTION): ", added, re.MULTILINE)
    assert slowdown and verdict, added
    views = [run(f"log {view} --db {db}") for view in ("list", "history", "show 1")]
    for text in views:
        assert slowdown[1] in text and "not" in text, text  # the shaking: not measured
        assert verdict[1].lower() in text, text
