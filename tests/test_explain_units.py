"""Loads follow the lifter's unit: the plan gives pounds to a lifter who counts in pounds, a
load without a unit is read in the lifter's unit, and one with none known is said to be
taken as kg (never silently)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from thrustlab.cli import app
from thrustlab.explanation import explain
from thrustlab.explanation.answers import answers_from_mapping
from thrustlab.explanation.questions import KG_PER_LB


def _load_steps(reply: dict[str, object]) -> list[str]:
    answers = answers_from_mapping({**reply, "rpe": 6, "warmup_minutes": 12})
    assessment = explain(None, answers)
    return [s for item in assessment.strategies for s in item.steps if "Next session" in s]


def test_a_load_in_pounds_gets_its_next_step_in_pounds() -> None:
    """220 lb steps up by two 2.5 lb plates to 225 lb (not '102.3 kg')."""
    (step,) = _load_steps({"load": "220 lb"})
    assert step == "Next session: 225 lb, one small step of 5 lb."
    assert " kg" not in step


def test_a_bare_load_is_in_the_lifters_unit() -> None:
    (pounds,) = _load_steps({"load": "220", "weight_unit": "lb"})
    assert pounds == "Next session: 225 lb, one small step of 5 lb."
    answers = answers_from_mapping({"load": "220", "weight_unit": "lb"})
    assert answers.load_kg == pytest.approx(220 * KG_PER_LB)
    (kilos,) = _load_steps({"load": "100 kg"})
    assert kilos == "Next session: 102.5 kg, one small step of 2.5 kg."


def test_a_lifter_who_counts_in_pounds_gets_pounds_for_a_load_in_kg() -> None:
    answers = answers_from_mapping({"load": "100 kg", "weight_unit": "lb"})
    assert answers.weight_unit == "lb" and answers.load_kg == pytest.approx(100.0)
    (step,) = _load_steps({"load": "100 kg", "weight_unit": "lb"})
    assert re.fullmatch(r"Next session: [0-9.]+ lb, one small step of 5 lb\.", step)


def _run(command: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, shlex.split(command))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def set_file(tmp_path: Path) -> Path:
    from thrustlab.simulate import SimulationSpec, simulate_set, to_csv_text

    recording, _ = simulate_set(SimulationSpec(seed=21, n_reps=6))
    path = tmp_path / "set.csv"
    path.write_text(to_csv_text(recording))
    return path


def test_analyze_says_when_a_bare_load_was_taken_as_kg(set_file: Path) -> None:
    code, out, err = _run(f"analyze {set_file} --load 8 --rpe 6")
    assert code == 0
    assert "The load 8 has no unit: taken as 8 kg" in err and "--weight-unit lb" in err
    code, out, err = _run(f"analyze {set_file} --load '220 lb' --rpe 6")
    assert code == 0 and "no unit" not in err
    assert "Next session: 225 lb" in " ".join(out.split())
    wrong = CliRunner().invoke(
        app, [*shlex.split(f"analyze {set_file} --load 220"), "--weight-unit", "stones"]
    )
    # main() turns this error into one line on stderr and exit code 2 (tests/test_cli.py)
    assert str(wrong.exception) == "--weight-unit must be one of kg, lb, not 'stones'"


def test_the_log_remembers_the_lifters_unit(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.db'}"
    code, out, _ = _run(f"log add --db {db} --load '220 lb' --reps 8")
    assert code == 0 and "barbell hip thrust 220 lb x 8" in out
    code, out, err = _run(f"log add --db {db} --load 225 --reps 8")
    assert code == 0 and "barbell hip thrust 225 lb x 8" in out and "no unit" not in err
    code, out, err = _run(f"log add --db {db} --lifter sam --load 80 --reps 8")
    assert code == 0 and "80 kg x 8" in out and "taken as 80 kg" in err
    code, out, _ = _run(f"log add --db {db} --weight-unit kg --load 100 --reps 5")
    assert code == 0 and "100 kg x 5" in out
    code, out, _ = _run(f"log add --db {db} --load 102.5 --reps 5")
    assert code == 0 and "102.5 kg x 5" in out  # the unit set last is the one kept


def test_analyze_says_what_the_log_would_add_and_uses_it_when_there_is_one(
    set_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THRUSTLAB_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # no default log here
    code, out, _ = _run(f"analyze {set_file} --load 100")
    text = " ".join(out.split())
    assert code == 0 and "History: no training log yet. Log your sets" in text
    assert "load jumps against your last sessions" in text
    assert not (tmp_path / "data").exists()  # reading made no log
    db = f"sqlite:///{tmp_path / 'log.db'}"
    for day, load in (("2026-11-10", 200), ("2026-11-14", 205)):
        assert _run(f"log add --db {db} --date {day} --load '{load} lb' --reps 8")[0] == 0
    code, out, err = _run(f"analyze {set_file} --db {db} --load 240 --rpe 6")
    text = " ".join(out.split())
    assert code == 0 and "no unit" not in err  # the log knows this lifter counts in lb
    assert "History: compared with 2 earlier sets of me in your log" in text
    assert "Today's 240 lb was 17 % above your heaviest of the last 2 sessions (205 lb)" in text
    assert "go back to at most 225 lb" in text
    code, out, _ = _run(f"analyze {set_file} --db {db} --lifter sam --load 100")
    assert "History: no sets of sam before today" in " ".join(out.split())


def test_check_asks_the_unit_of_a_bare_load_unless_the_log_knows_it() -> None:
    from thrustlab.cli.check import ask_answers

    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        if prompt.startswith("Load on the bar?"):
            return "100"
        return "lb" if prompt.startswith("Is 100 in kg or lb?") else ""

    answers = ask_answers(ask)
    assert answers.weight_unit == "lb" and answers.load_kg == pytest.approx(100 * KG_PER_LB)
    assert any(p.startswith("Is 100 in kg or lb?") for p in asked)
    asked.clear()
    answers = ask_answers(ask, weight_unit="kg")
    assert answers.weight_unit == "kg" and answers.load_kg == pytest.approx(100.0)
    assert not any("kg or lb" in p for p in asked)  # neither the unit nor the load's unit
