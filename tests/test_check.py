"""`thrustlab check`: the questionnaire works without a recording; every question skips."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from rich.console import Console
from typer.testing import CliRunner

from thrustlab.cli import app
from thrustlab.cli.check import ask_answers
from thrustlab.explanation import Answers, answers_from_mapping, explain, load_answers
from thrustlab.explanation.questions import QUESTIONS
from thrustlab.report.assessment_view import assessment_view


def _scripted(replies: dict[str, str]) -> tuple[list[str], list[str]]:
    asked: list[str] = []
    told: list[str] = []

    def ask(text: str) -> str:
        asked.append(text)
        question = next(q for q in QUESTIONS if text.startswith(q.prompt))
        return replies.get(question.key, "")

    ask_answers(ask, tell=told.append)
    return asked, told


def test_every_question_can_be_skipped() -> None:
    asked, told = _scripted({})
    assert told == []
    follow_ups = {"pain_where", "same_leg_every_time", "warmup_what"}  # need a yes, pain, a leg
    keys = [q.key for q in QUESTIONS if any(text.startswith(q.prompt) for text in asked)]
    assert keys == [q.key for q in QUESTIONS if q.key not in follow_ups]
    assessment = explain(None, answers_from_mapping({}))
    assert assessment.verdict == "normal" and not assessment.measured


def test_warning_sign_questions_come_first_and_bad_replies_are_asked_again() -> None:
    assert [q.key for q in QUESTIONS[:4]] == [
        "pain",
        "pain_where",
        "dizziness",
        "shaking_after_min",
    ]
    replies = {"pain": "stabbing", "rpe": "9"}
    asked, told = _scripted(replies)
    assert sum(text.startswith("Any pain") for text in asked) == 2
    # the prompt names the question: the reply says what is wrong, in words, with no key
    assert any("The answer must be one of none, dull, sharp, not 'stabbing'" in t for t in told)


def test_check_end_to_end(tmp_path: Path) -> None:
    replies = ["dull", "lower back", "yes"] + [""] * (len(QUESTIONS) - 3)
    out = tmp_path / "answers.yaml"
    result = CliRunner().invoke(app, ["check", "--save", str(out)], input="\n".join(replies) + "\n")
    assert result.exit_code == 0, result.output
    verdict_at = result.output.index("STOP")
    assert verdict_at < result.output.index("Warning signs") < result.output.index("Dizziness")
    assert yaml.safe_load(out.read_text("utf-8")) == {
        "pain": "dull",
        "pain_where": "lower back",
        "dizziness": True,
    }
    assert load_answers(out).dizziness is True


def _render(answers: Answers) -> str:
    console = Console(record=True, width=100, color_system="truecolor", force_terminal=True)
    console.print(assessment_view(explain(None, answers)))
    return console.export_text(styles=False)


def test_view_order_verdict_then_warning_signs_in_red_then_causes_then_plan() -> None:
    answers = Answers(dizziness=True, warmup_done=False, sleep_h=5.0, rpe=9.5)
    console = Console(record=True, width=100, color_system="truecolor", force_terminal=True)
    console.print(assessment_view(explain(None, answers)))
    text = console.export_text(styles=False, clear=False)
    order = [text.index(word) for word in ("STOP", "Warning signs", "Likely causes", "Plan")]
    assert order == sorted(order)
    styled = console.export_text(styles=True)
    assert "\x1b[1;31mWarning signs" in styled
    assert re.search(r"\x1b\[1;31m!\x1b\[0m +\x1b\[1;31mDizziness", styled)  # both in red
    cause_line = next(line for line in text.splitlines() if "1. Not warmed up" in line)
    assert "You did not warm up." in cause_line


def test_view_of_a_normal_assessment_has_no_warning_section() -> None:
    """Answers alone are never shown as NORMAL: nothing was measured (issue: sets as they
    really happen)."""
    text = _render(Answers(rpe=7.0, warmup_done=True, warmup_minutes=10))
    assert text.startswith(" NOT MEASURED ")
    assert "NORMAL" not in text
    assert "Warning signs" not in text


def test_demo_prints_an_assessment_and_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "demo.html"
    result = CliRunner().invoke(app, ["demo", "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert "Likely causes" in result.output and "Plan" in result.output
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    bad = CliRunner().invoke(app, ["demo", "--scenario", "sleepy"])
    assert bad.exit_code != 0


def test_demo_saves_its_recording_and_the_printed_command_gives_the_same_answer(
    tmp_path: Path,
) -> None:
    import json
    import re
    import shlex

    out = tmp_path / "demo.html"
    result = CliRunner().invoke(app, ["demo", "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert out.with_suffix(".csv").exists()
    command = re.search(r"^  (thrustlab analyze .*)$", result.output, flags=re.MULTILINE)
    assert command, result.output
    again = CliRunner().invoke(app, [*shlex.split(command.group(1))[1:], "--json"])
    assert again.exit_code == 0, again.output
    document = json.loads(again.stdout)
    reps = re.search(r"Simulated set: \w+ \(seed \d+\), (\d+) reps", result.output)
    assert reps and document["set"]["rep_count"] == int(reps.group(1))
    printed = " ".join(result.output.split())  # rich wraps long lines
    assert " ".join(document["assessment"]["headline"].split()) in printed
