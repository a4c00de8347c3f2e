"""One pipeline: every shell gives the same answer for the same recording and answers.

``analyze --json``, ``log add --recording`` then ``log show --json``, the web API and the batch
all call ``thrustlab.pipeline.process``; this test holds them to the same reps, figures,
verdict and causes."""

from __future__ import annotations

import json
import re
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from thrustlab.analysis import Analysis
from thrustlab.batch import run_batch
from thrustlab.cli import app
from thrustlab.document import assessment_of, from_document, to_document
from thrustlab.errors import OptionError
from thrustlab.pipeline import process
from thrustlab.simulate import (
    SimulationSpec,
    scenario,
    simulate_legs,
    simulate_set,
    to_csv_text,
)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*install `httpx2`")
    from fastapi.testclient import TestClient

ANSWERS_CLI = ["--rpe", "9", "--sleep-h", "5.5", "--no-warmup"]
ANSWERS_LOG = ["--rpe", "9", "-a", "sleep_h=5.5", "-a", "warmup_done=no"]
ANSWERS_WEB = {"rpe": 9, "sleep_h": 5.5, "warmup_done": False}
WAIT_S = 60.0


@pytest.fixture(scope="module")
def set_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    recording, _ = simulate_set(scenario("fatigue", seed=11))
    path = tmp_path_factory.mktemp("pipeline") / "set.csv"
    path.write_text(to_csv_text(recording), encoding="utf-8")  # type: ignore[arg-type]
    return path


def _same(document: dict[str, Any]) -> dict[str, Any]:
    """What must agree between shells: reps, set figures, verdict, causes and warnings."""
    assessment = document["assessment"]
    return {
        "reps": document["reps"],
        "set": document["set"],
        "bands": document["bands"],
        "verdict": assessment["verdict"],
        "basis": assessment["basis"],
        "causes": [(c["id"], c["likelihood"]) for c in assessment["causes"]],
        "red_flags": [(f["id"], f["urgency"]) for f in assessment["red_flags"]],
    }


def _cli(*args: str) -> str:
    done = CliRunner().invoke(app, list(args))
    assert done.exit_code == 0, done.output
    return done.stdout


def _web(set_csv: Path, tmp_path: Path) -> dict[str, Any]:
    from thrustlab.log import session_scope
    from thrustlab.web import WebSettings, create_app
    from thrustlab.web.accounts import create_user, issue_token

    settings = WebSettings(
        database_url=f"sqlite:///{tmp_path / 'web.sqlite3'}", secure_cookies=False, workers=1
    )
    app_ = create_app(settings)
    with TestClient(app_) as client:
        with session_scope(app_.state.engine) as session:
            user = create_user(session, email="p@example.org", password="x" * 12, role="lifter")
            headers = {"Authorization": f"Bearer {issue_token(session, user)}"}
        made = client.post(
            "/api/analyses",
            headers=headers,
            files={"file": ("set.csv", set_csv.read_bytes())},
            data={"answers": json.dumps(ANSWERS_WEB)},
        )
        assert made.status_code in (200, 201, 202), made.text
        job = made.json()["id"]
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            body: dict[str, Any] = client.get(f"/api/analyses/{job}", headers=headers).json()
            if body["status"] in ("done", "failed"):
                break
            time.sleep(0.1)
        assert body["status"] == "done", body
        document: dict[str, Any] = body["analysis"]
        return document


def test_every_shell_gives_the_same_answer(set_csv: Path, tmp_path: Path) -> None:
    analyzed = json.loads(_cli("analyze", str(set_csv), "--json", *ANSWERS_CLI))
    assert analyzed["set"]["rep_count"] >= 5 and analyzed["assessment"]["causes"]

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    logged = _cli("log", "add", "--recording", str(set_csv), *ANSWERS_LOG, "--db", db)
    found = re.search(r"Logged set (\d+)", logged)
    assert found, logged
    shown = json.loads(_cli("log", "show", found.group(1), "--json", "--db", db))

    web = _web(set_csv, tmp_path)
    expected = _same(analyzed)
    assert _same(shown) == expected
    assert _same(web) == expected

    # The batch has no answers: it agrees with analyze given none.
    plain = json.loads(_cli("analyze", str(set_csv), "--json"))
    batch = run_batch([str(set_csv)], workers=1, checkpoint_dir=tmp_path / "checkpoint")
    [row] = batch.sets.to_pylist()
    assert row["rep_count"] == plain["set"]["rep_count"]
    for key, value in plain["set"].items():
        if key in row and not isinstance(value, dict | list):
            assert row[key] == value, key
    assert [r["start_s"] for r in batch.reps.to_pylist()] == [r["start_s"] for r in plain["reps"]]
    assert row["verdict"] == plain["assessment"]["verdict"]
    assert json.loads(row["causes"]) == [c["id"] for c in plain["assessment"]["causes"]]


def test_the_document_round_trips(set_csv: Path) -> None:
    analysis = process([set_csv])
    document = json.loads(json.dumps(to_document(analysis)))
    assert from_document(document) == analysis
    assert assessment_of(document) == analysis.assessment  # built alone, for the verdict


def test_a_two_leg_set_and_a_video_are_logged_like_analyze(tmp_path: Path) -> None:
    recordings, _ = simulate_legs(scenario("asymmetry", seed=4))
    left, right = tmp_path / "left.csv", tmp_path / "right.csv"
    for path, recording in zip((left, right), recordings, strict=True):
        path.write_text(to_csv_text(recording), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    logged = _cli("log", "add", "--left", str(left), "--right", str(right), "--db", db)
    set_id = re.search(r"Logged set (\d+)", logged)
    assert set_id, logged
    shown = json.loads(_cli("log", "show", set_id.group(1), "--json", "--db", db))
    analyzed = json.loads(_cli("analyze", "--left", str(left), "--right", str(right), "--json"))
    assert _same(shown) == _same(analyzed)
    assert shown["set"]["legs"] is not None and shown["set"]["asymmetry_index_pct"] is not None


def test_one_set_is_one_or_two_recordings(set_csv: Path) -> None:
    with pytest.raises(OptionError):
        process([set_csv, set_csv, set_csv])
    answers_only = process([])
    assert isinstance(answers_only, Analysis) and answers_only.findings is None
    assert answers_only.assessment.basis == "answers_only"


def test_reps_without_their_shaking_are_not_called_measured_shaking(tmp_path: Path) -> None:
    """A phone logging at 10 Hz shows the reps but not the 6 Hz and up band: the figures are
    null, and the headline says what the verdict rests on before anything else."""
    recording, _ = simulate_set(replace(SimulationSpec(seed=5), rate_hz=10.0))
    slow = tmp_path / "slow.csv"
    slow.write_text(to_csv_text(recording), encoding="utf-8")
    document = json.loads(_cli("analyze", str(slow), "--json"))
    assert document["set"]["rep_count"] == 10 and document["set"]["tremor_rms_mps2"] is None
    assert document["assessment"]["headline"].startswith(
        "The shaking itself could not be measured (at 10 Hz the tremor band"
    )
    assert "measured shaking" not in document["assessment"]["headline"]


def test_a_version_1_document_in_an_old_log_is_still_read() -> None:
    """What /1 lacks (names, urgency, strength) comes from the knowledge base."""
    old = {
        "schema": "thrustlab.analysis/1",
        "source": {"kind": "sensor", "format": "csv", "duration_s": 40.0, "sample_rate_hz": 100.0},
        "mode": "hip_thrust",
        "bands": {"tremor_hz": [6.0, 12.0], "fatigue_hz": [3.0, 6.0]},
        "reps": [],
        "set": {
            "rep_count": 0,
            "tremor_rms_mps2": None,
            "tremor_peak_hz": None,
            "tremor_trend_ratio": None,
            "tremor_onset_rep": None,
            "post_set_tremor_rms_mps2": None,
            "asymmetry_index_pct": None,
            "concentric_slowdown_pct": None,
            "velocity_loss_pct": None,
        },
        "quality": [],
        "form": None,
        "assessment": {
            "verdict": "stop",
            "causes": [{"id": "muscle_fatigue", "likelihood": 0.7, "evidence": []}],
            "red_flags": [{"id": "sharp_pain", "evidence": []}],
            "strategies": [{"id": "recovery", "why": "Rest.", "steps": ["Sleep."]}],
        },
    }
    analysis = from_document(old)
    assert assessment_of(old) == analysis.assessment
    [flag] = analysis.assessment.red_flags
    assert (flag.urgency, flag.name) == ("now", "Sharp pain")
    assert analysis.assessment.causes[0].strength == "strong"
    assert to_document(analysis)["schema"] == "thrustlab.analysis/2"


def test_a_document_that_is_not_an_analysis_is_refused_in_one_line() -> None:
    from thrustlab.errors import DocumentError

    with pytest.raises(DocumentError, match="not a thrustlab analysis"):
        from_document({"schema": "something/else"})
    with pytest.raises(DocumentError, match="not a thrustlab analysis"):
        assessment_of({"schema": "something/else"})
    with pytest.raises(DocumentError, match="broken"):
        from_document({"schema": "thrustlab.analysis/2", "source": None})


def test_filler_rows_leave_a_calm_set_calm(tmp_path: Path) -> None:
    """Five rows of -9999 (a logger's "missing") in a calm set's file: before, they rang
    through the band filters as 0.3-2.8 m/s2 of shaking in six reps, and the verdict went
    from normal to caution (muscle fatigue, a tired nervous system). Dropped as values no
    accelerometer reads, the set reads as without them: the same reps, verdict and causes,
    its shaking within 2 % (the five rows' own share of it)."""
    recording, _ = simulate_set(SimulationSpec(seed=3))
    lines = to_csv_text(recording).splitlines()
    clean = tmp_path / "clean.csv"
    clean.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for row in (200, 1650, 3100, 4550, 6000):
        time_s, *rest = lines[row].split(",")
        lines[row] = ",".join([time_s, "-9999", "-9999", "-9999", *rest[3:]])
    filled = tmp_path / "filled.csv"
    filled.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before, after = process([clean]), process([filled])
    assert before.findings is not None and after.findings is not None
    assert before.assessment.verdict == after.assessment.verdict == "normal"
    assert [c.id for c in after.assessment.causes] == [c.id for c in before.assessment.causes]
    assert len(after.findings.reps) == len(before.findings.reps) == 10
    calm, kept = before.findings.set.tremor_rms_mps2, after.findings.set.tremor_rms_mps2
    assert calm is not None and kept == pytest.approx(calm, rel=0.02)
    assert "rows_dropped" in {f.code for f in after.findings.quality}
