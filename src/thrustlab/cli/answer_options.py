"""The answer options of ``thrustlab analyze`` and ``thrustlab log add``, generated from the
questions table (``thrustlab.explanation.questions.QUESTIONS``): the same names, help and parsing
on both, and error messages that name the option."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

from thrustlab.errors import OptionError
from thrustlab.explanation.answers import Answers, answers_from_options
from thrustlab.explanation.questions import QUESTIONS, AnswersError, Question, question

GivenAnswers = dict[str, str | bool]
"""The answer options that were given: question key -> the option's raw value."""
Command = Callable[..., None]


def with_answer_options(command: Command, /) -> Command:
    """``command`` takes a keyword ``given: GivenAnswers``; the command returned has, in its
    place, one option per question and passes the ones given as ``given``."""
    signature = inspect.signature(command, eval_str=True)
    kept = [p for p in signature.parameters.values() if p.name != "given"]
    options = [
        inspect.Parameter(
            _param_name(q), inspect.Parameter.KEYWORD_ONLY, default=None, annotation=_option(q)
        )
        for q in QUESTIONS
    ]

    def run(**values: Any) -> None:
        given: GivenAnswers = {}
        for q in QUESTIONS:
            value = values.pop(_param_name(q))
            if value is not None:
                given[q.key] = value
        command(**values, given=given)

    run.__name__ = command.__name__
    run.__qualname__ = command.__qualname__
    run.__doc__ = command.__doc__
    run.__module__ = command.__module__
    run.__signature__ = signature.replace(parameters=[*kept, *options])  # type: ignore[attr-defined]
    return run


def answers_from_cli(
    path: Path | None, given: GivenAnswers, /, *, pairs: Mapping[str, str] | None = None
) -> Answers:
    """The ``Answers`` of an optional answers file, ``KEY=VALUE`` pairs over it and the
    answer options over both; a bad option's message names the option (``--rpe must be
    between 1 and 10, not 14``)."""
    try:
        return answers_from_options(path, {**(pairs or {}), **given})
    except AnswersError as error:
        if error.key in given:
            raise OptionError(f"{question(error.key).cli_name} {error.problem}") from None
        raise


def assumed_unit_note(answers: Answers, /) -> str | None:
    """What to tell a lifter whose load came without a unit and no ``--weight-unit``: that
    it was taken as kg, and how to say pounds (``None`` when the unit was known)."""
    if answers.load_kg is None or answers.weight_unit is not None:
        return None
    load = f"{round(answers.load_kg, 1):g}"
    return (
        f"The load {load} has no unit: taken as {load} kg "
        f"(for pounds give --load '{load} lb' or --weight-unit lb)."
    )


def tell_assumed_unit(answers: Answers, /) -> None:
    """Print ``assumed_unit_note`` on stderr when there is one."""
    note = assumed_unit_note(answers)
    if note is not None:
        typer.echo(note, err=True)


def _param_name(q: Question) -> str:
    return f"answer_{q.key}"


def _option(q: Question) -> Any:
    """The parameter's annotation: a yes/no flag pair, else the raw text (parsed by the
    questions' one parser, so the CLI, the web form and answer files read it alike)."""
    if q.kind == "yes_no":
        return Annotated[bool | None, typer.Option(q.cli_flag, help=_help(q), show_default=False)]
    info = typer.Option(q.cli_flag, help=_help(q), metavar=_metavar(q), show_default=False)
    return Annotated[str | None, info]


def _help(q: Question) -> str:
    if q.kind == "yes_no":
        return q.prompt
    text = q.label
    if q.low is not None and q.high is not None and q.kind != "load":
        text += f", {q.low:g}-{q.high:g}"
        text += f" {q.unit}" if q.unit else ""
    elif q.unit and q.kind != "load":
        text += f" ({q.unit})"
    if q.choices:
        text += ": " + ", ".join(q.choices)
    elif q.help:
        text += f" ({q.help})"
    return text + "."


def _metavar(q: Question) -> str:
    if q.choices:
        return "[" + "|".join(q.choices) + "]"
    return {"load": "LOAD", "text": "TEXT", "whole": "INTEGER"}.get(q.kind, "NUMBER")
