"""The ``thrustlab`` command end to end, in a subprocess as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from thrustlab.recording import Recording
from thrustlab.simulate import SimulationSpec, simulate_legs, simulate_set, to_csv_text

CONTRACT_SET_KEYS = {
    "rep_count", "tremor_rms_mps2", "tremor_peak_hz", "tremor_trend_ratio", "tremor_onset_rep",
    "post_set_tremor_rms_mps2", "asymmetry_index_pct", "concentric_slowdown_pct",
    "velocity_loss_pct",
}  # fmt: skip
CONTRACT_REP_KEYS = {
    "index", "start_s", "end_s", "lockout_start_s", "lockout_end_s", "concentric_s", "lockout_s",
    "eccentric_s", "rom_deg", "tremor_rms_mps2", "tremor_peak_hz", "fatigue_band_rms_mps2", "legs",
}  # fmt: skip


def run(
    *args: str, cwd: Path | None = None, module: str = "thrustlab.cli"
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def set_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    recording, _ = simulate_set(SimulationSpec(seed=21, n_reps=6))
    assert isinstance(recording, Recording)
    path = tmp_path_factory.mktemp("cli") / "set.csv"
    path.write_text(to_csv_text(recording))
    return path


@pytest.fixture(scope="module")
def leg_csvs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    (left, right), _ = simulate_legs(SimulationSpec(seed=22, n_reps=5, asymmetry_pct=30))
    folder = tmp_path_factory.mktemp("legs")
    paths = (folder / "left.csv", folder / "right.csv")
    for path, recording in zip(paths, (left, right), strict=True):
        path.write_text(to_csv_text(recording))
    return paths


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0 and done.stdout.startswith("thrustlab ")


def test_python_dash_m_thrustlab_is_the_command_too() -> None:
    done = run("--version", module="thrustlab")
    assert done.returncode == 0 and done.stdout.startswith("thrustlab ")


def test_every_command_has_help() -> None:
    for command in ("analyze", "check", "demo", "log"):
        done = run(command, "--help")
        assert done.returncode == 0, done.stderr
        assert "Usage:" in done.stdout


def test_analyze_prints_the_rep_table_summary_and_verdict(set_csv: Path) -> None:
    done = run("analyze", str(set_csv), "--rpe", "8")
    assert done.returncode == 0, done.stderr
    assert "Reps" in done.stdout and "Shaking" in done.stdout
    assert any(word in done.stdout for word in ("NORMAL", "CAUTION", "STOP"))


def test_analyze_json_is_the_contract(set_csv: Path) -> None:
    done = run("analyze", str(set_csv), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["schema"] == "thrustlab.analysis/2"
    assert set(out) >= {"schema", "source", "reps", "set", "quality", "assessment"}
    assert out["source"]["kind"] == "sensor" and out["source"]["format"] == "csv"
    assert out["set"]["rep_count"] == 6 == len(out["reps"])
    assert set(out["set"]) >= CONTRACT_SET_KEYS
    assert all(set(rep) >= CONTRACT_REP_KEYS for rep in out["reps"])
    assert out["set"]["asymmetry_index_pct"] is None
    assert out["assessment"]["verdict"] in ("normal", "caution", "stop")


def test_analyze_two_legs(leg_csvs: tuple[Path, Path]) -> None:
    left, right = leg_csvs
    done = run("analyze", "--left", str(left), "--right", str(right), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["set"]["asymmetry_index_pct"] > 15
    assert all(rep["legs"]["left"]["tremor_rms_mps2"] is not None for rep in out["reps"])


def test_analyze_writes_a_report(set_csv: Path, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.html"
    done = run("analyze", str(set_csv), "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert report.read_text().startswith("<!DOCTYPE html>") or "<html" in report.read_text()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("analyze",), "give a recording"),
        (("analyze", "--left", "x.csv"), "both --left and --right"),
        (("analyze", "missing.csv"), "missing.csv"),
        (("analyze", "SET", "--time-unit", "hours"), "--time-unit"),
        (("analyze", "SET", "--rpe", "14"), "rpe"),
        (("analyze", "SET", "--format", "xml"), "xml"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    args: tuple[str, ...], needle: str, set_csv: Path
) -> None:
    done = run(*(str(set_csv) if a == "SET" else a for a in args))
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0]
    assert "Traceback" not in done.stderr


def test_garbage_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "garbage.csv"
    path.write_bytes(bytes(range(256)) * 10)
    done = run("analyze", str(path))
    assert done.returncode == 2 and "garbage.csv" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("name", "content", "args", "needle"),
    [
        # a line break in the file's name is written as \n, not as a second line
        ("a\nb.csv", b"t,q\n0,1\n1,2\n", (), "a\\nb.csv: "),
        # 2,000 columns and no header: no --columns to fill in with 2,000 names
        ("wide.csv", b",".join([b"1.5"] * 2000) + b"\n", (), "more than any sensor export"),
        # seconds read as microseconds: 1e8 Hz, 0.0 s long, was analysed
        (
            "us.csv",
            b"time,ax,ay,az\n0,0,0,9.8\n0.01,0,0,9.8\n0.02,0,0,9.8\n",
            ("--time-unit", "us"),
            "faster than any phone",
        ),
        (
            "big.json",
            b'[{"sensor": "Accelerometer", "time": ' + b"9" * 5000 + b"}]",
            (),
            "thousands of digits",
        ),
    ],
)
def test_hostile_files_get_one_line_in_the_command_lines_words(
    tmp_path: Path, name: str, content: bytes, args: tuple[str, ...], needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    done = run("analyze", str(path), "--json", *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and len(lines[0]) <= 600, done.stderr
    assert "sys." not in lines[0] and "ReadOptions" not in lines[0]


def test_unknown_option_is_a_usage_error_not_a_traceback() -> None:
    done = run("analyze", "--no-such-option")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "no-such-option" in done.stderr


def test_demo_prints_an_assessment_and_writes_the_report(tmp_path: Path) -> None:
    report = tmp_path / "demo.html"
    done = run("demo", "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "Report written" in done.stdout and report.stat().st_size > 10_000


def test_analyze_a_video_gives_the_same_contract(tmp_path: Path) -> None:
    from thrustlab.video.synth import Scene, render_set

    video = tmp_path / "set.mp4"
    render_set(video, Scene(reps=3))
    annotated = tmp_path / "annotated.mp4"
    done = run("analyze", str(video), "--json", "--annotate", str(annotated))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # the rendered scene holds no person, and reps need the thigh's angle from the pose:
    # none are counted (before, the plate's path stood in), and the output says why
    assert out["source"]["kind"] == "video" and out["set"]["rep_count"] == 0
    assert "pose_not_found" in {q["code"] for q in out["quality"]}
    assert out["form"] is not None
    assert out["assessment"]["verdict"] in ("normal", "caution", "stop")
    assert annotated.stat().st_size > 0


def test_serve_says_where_on_which_database_and_warns_without_a_secret_key() -> None:
    from thrustlab.cli.serve import startup_lines

    lines = startup_lines("127.0.0.1", 8000, "postgresql+psycopg://me:hunter2@db/x", secret=False)
    assert lines[0].startswith("thrustlab web app on http://127.0.0.1:8000")
    assert "db/x" in lines[1] and "hunter2" not in " ".join(lines)
    assert any("THRUSTLAB_SECRET_KEY" in line for line in lines)
    quiet = startup_lines("127.0.0.1", 8000, "sqlite:///log.sqlite3", secret=True)
    assert not any("THRUSTLAB_SECRET_KEY" in line for line in quiet)
