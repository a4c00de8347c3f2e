"""The questions table: every answer asked once, the same options and parsing on ``analyze``
and ``log add``, errors that name the option, and the two conversions answers need."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from thrustlab.cli import app
from thrustlab.cli.check import ask_answers
from thrustlab.errors import OptionError
from thrustlab.explanation.answers import (
    Answers,
    answers_from_json,
    answers_from_mapping,
    answers_to_json,
)
from thrustlab.explanation.questions import (
    QUESTIONS,
    AnswersError,
    kg_from_lb,
    parse_reply,
    question,
    rpe_from_rir,
)

ANALYZE_ANSWER_OPTIONS_BEFORE = (
    "--load", "--reps", "--rpe", "--rir", "--warmup", "--no-warmup", "--warmup-minutes",
    "--sleep-h", "--fluids-l", "--pain", "--pain-where", "--dizziness", "--no-dizziness",
    "--shaking-after-min", "--shakier-leg", "--pr-attempt", "--no-pr-attempt", "--nervous",
    "--calm", "--cramps", "--no-cramps",
)  # fmt: skip
"""``analyze``'s answer options before the table: users rely on these names."""


def _options(*path: str) -> set[str]:
    """The option names of a command, as click builds them from the typer app."""
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return {name for param in command.params for name in param.opts + param.secondary_opts}


def test_every_answer_has_one_question_and_every_question_one_answer() -> None:
    fields = [f.name for f in dataclasses.fields(Answers)]
    filled = [q.answer_field for q in QUESTIONS]
    assert sorted(filled) == sorted(fields)
    assert len({q.key for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        assert q.prompt.endswith("?") and q.label
        assert (q.kind == "choice") == bool(q.choices)
        if q.kind in ("number", "whole", "load"):
            assert q.low is not None and q.high is not None and q.low < q.high
        if q.follows:
            assert QUESTIONS.index(question(q.follows)) < QUESTIONS.index(q)


def test_analyze_and_log_add_take_the_same_answer_options() -> None:
    analyze, add = _options("analyze"), _options("log", "add")
    flags = {name for q in QUESTIONS for name in q.cli_flag.split("/")}
    assert flags <= analyze and flags <= add
    assert set(ANALYZE_ANSWER_OPTIONS_BEFORE) <= analyze
    assert {"--load-kg", "--answer", "-a", "--answers"} <= add  # the log's older forms stay


def _fails(command: str) -> str:
    result = CliRunner().invoke(app, shlex.split(command))
    assert isinstance(result.exception, OptionError), result.output
    return str(result.exception)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("--rpe 14", "--rpe must be between 1 and 10, not 14"),
        ("--rir 12", "--rir must be between 0 and 9 reps, not 12"),
        ("--load heavy", "--load must look like '100 kg' or '220 lb', not 'heavy'"),
        ("--reps 8.5", "--reps must be a whole number, not '8.5'"),
        ("--sleep-h lots", "--sleep-h must be a number, not 'lots'"),
        ("--pain stabbing", "--pain must be one of none, dull, sharp, not 'stabbing'"),
    ],
)
def test_a_bad_answer_option_is_named_by_its_flag_on_both_commands(
    options: str, message: str, tmp_path: Path
) -> None:
    recording = tmp_path / "set.csv"
    recording.write_text("t,ax,ay,az\n", encoding="utf-8")  # never read: answers come first
    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    assert _fails(f"analyze {recording} {options}") == message
    assert _fails(f"log add --db {db} {options}") == message


def test_log_add_parses_the_shared_options_like_analyze(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    options = "--load '220 lb' --rir 1 --no-warmup --sleep-h 6 --pain dull --nervous"
    done = CliRunner().invoke(app, shlex.split(f"log add --db {db} --date 2024-05-01 {options}"))
    assert done.exit_code == 0, done.output
    shown = CliRunner().invoke(app, shlex.split(f"log show 1 --db {db}")).output
    assert "load:     220 lb" in shown and "RIR 1" in shown  # shown in the unit logged
    for line in ("Warmed up: no", "Sleep last night: 6 h", "Pain: dull", "Nervous or wired: yes"):
        assert line in shown
    clash = _fails(f"log add --db {db} --load 100kg --load-kg 100")
    assert "--load or --load-kg" in clash
    assert (
        _fails(f"log add --db {db} --load-kg 2000")
        == "--load-kg must be between 0 and 1000 kg, not 2000"
    )


def test_one_parser_reads_every_shell_alike() -> None:
    rpe, load, warmup = question("rpe"), question("load"), question("warmup_done")
    assert parse_reply(rpe, "8.5") == parse_reply(rpe, 8.5) == 8.5
    assert parse_reply(load, "100 kg") == parse_reply(load, 100) == 100.0
    assert parse_reply(load, "220lb") == pytest.approx(kg_from_lb(220))
    assert parse_reply(warmup, "No") is False and parse_reply(warmup, True) is True
    with pytest.raises(AnswersError) as caught:
        parse_reply(rpe, "0")
    assert caught.value.key == "rpe" and caught.value.problem.startswith("must be between")


def test_conversions() -> None:
    assert kg_from_lb(1.0) == 0.45359237  # the international pound, exactly
    assert kg_from_lb(220.0) == pytest.approx(99.79, abs=0.01)
    # The RIR-based RPE scale (Zourdos 2016): 0 in reserve is RPE 10, 1 is 9, ...
    assert [rpe_from_rir(r) for r in (0, 1, 2.5, 9)] == [10.0, 9.0, 7.5, 1.0]
    assert rpe_from_rir(15) == 1.0  # an easy warm-up set stays on the scale
    assert Answers(rir=2.0).effort_rpe == 8.0
    assert Answers(rpe=7.0, rir=0.0).effort_rpe == 7.0  # the RPE given wins


def test_the_log_reads_stored_rir_through_the_same_conversion(tmp_path: Path) -> None:
    from thrustlab.log import NewSet, add_set, history_for, open_log, session_scope

    engine = open_log(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    day = dt.date(2024, 5, 1)
    with session_scope(engine) as session:
        for rir in (1.0, 15.0):
            add_set(session, NewSet("barbell_hip_thrust", day, load_kg=100.0, rir=rir))
    with session_scope(engine) as session:
        efforts = [s.rpe for s in history_for(session, "me").sets]
    engine.dispose()
    assert efforts == [rpe_from_rir(1.0), rpe_from_rir(15.0)] == [9.0, 1.0]


def test_answers_are_stored_and_read_back_through_one_pair() -> None:
    answers = answers_from_mapping(
        {"load": "225 lb", "reps": "8", "rir": "2", "warmup_done": "yes", "pain": "Dull"}
    )
    stored = json.loads(json.dumps(answers_to_json(answers)))  # what a JSON column keeps
    assert answers_from_json(stored) == answers
    assert answers_from_json({"sleep_h": 7, "reps": 8}).sleep_h == 7.0
    with pytest.raises(AnswersError, match="unknown stored answer"):
        answers_from_json({"load": "100 kg"})


def test_check_asks_a_follow_up_only_when_the_answer_before_calls_for_it() -> None:
    def asked_with(replies: dict[str, str]) -> list[str]:
        asked: list[str] = []

        def ask(text: str) -> str:
            q = next(q for q in QUESTIONS if text.startswith(q.prompt))
            asked.append(q.key)
            return replies.get(q.key, "")

        ask_answers(ask)
        return asked

    skipped = asked_with({})
    assert "rir" in skipped and "warmup_minutes" in skipped
    assert "pain_where" not in skipped and "warmup_what" not in skipped
    answered = asked_with({"rpe": "8", "warmup_done": "no", "pain": "sharp", "shakier_leg": "left"})
    assert "rir" not in answered and "warmup_minutes" not in answered
    assert "pain_where" in answered and "same_leg_every_time" in answered
    assert "warmup_what" in asked_with({"warmup_done": "yes"})
