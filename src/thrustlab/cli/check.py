"""``thrustlab check``: a short questionnaire that works without a recording.

The questions come from the one table, ``thrustlab.explanation.questions.QUESTIONS``. Every
question can be skipped with Enter. The answers go through ``explain()`` like a measured
set's, and can be saved for ``thrustlab analyze --answers``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from thrustlab.cli.log_context import LogDb, LogLifter, history_note, read_log
from thrustlab.errors import OptionError
from thrustlab.explanation.answers import Answers, answers_from_mapping, answers_to_json
from thrustlab.explanation.questions import (
    QUESTIONS,
    WEIGHT_UNITS,
    AnswersError,
    Value,
    WeightUnit,
    parse_reply,
    stated_unit,
)

Ask = Callable[[str], str]


def ask_answers(
    ask: Ask,
    /,
    *,
    tell: Callable[[str], None] = lambda _: None,
    weight_unit: WeightUnit | None = None,
) -> Answers:
    """Ask the questions (``QUESTIONS``, in order) through ``ask``; an empty reply skips one,
    a bad one is asked again once, and a follow-up is asked only when the answer it follows
    calls for it. A ``weight_unit`` known from the log is not asked again."""
    given: dict[str, Value] = {} if weight_unit is None else {"weight_unit": weight_unit}
    for q in QUESTIONS:
        if (q.follows and given.get(q.follows) not in q.ask_if) or q.key in given:
            continue
        for _attempt in range(2):
            reply = ask(f"{q.prompt} [{q.hint}]" if q.hint else q.prompt).strip()
            if not reply:
                break
            try:
                value = parse_reply(q, reply)
            except AnswersError as error:
                tell(f"  The answer {error.problem} (Enter skips)")
                continue
            # a load keeps its reply, read in the lifter's unit; a bare one asks which unit
            given[q.key] = reply if q.kind == "load" else value
            if q.kind == "load" and stated_unit(reply) is None and "weight_unit" not in given:
                unit = ask(f"Is {reply} in kg or lb? [kg|lb]").strip().lower()
                if unit in WEIGHT_UNITS:
                    given["weight_unit"] = unit
                else:
                    tell(f"  taken as {reply} kg")
            break
    return answers_from_mapping(given)


def check(
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Write the answers to this YAML file (for analyze --answers)."),
    ] = None,
    db: LogDb = None,
    lifter: LogLifter = "me",
) -> None:
    """Answer a few questions (no recording needed) and get the verdict, likely causes and a plan.

    Press Enter to skip any question."""
    import yaml
    from rich.console import Console

    from thrustlab.pipeline import process
    from thrustlab.report.terminal import analysis_view

    log = read_log(db, lifter, today=dt.date.today())
    typer.echo("Why do your legs shake? Press Enter to skip any question.")
    answers = ask_answers(
        lambda text: str(typer.prompt(text, default="", show_default=False)),
        tell=typer.echo,
        weight_unit=log.weight_unit,
    )
    if save is not None:
        try:
            text = yaml.safe_dump(answers_to_json(answers), sort_keys=False, allow_unicode=True)
            save.write_text(text, "utf-8")
        except OSError as error:
            raise OptionError(f"cannot write the answers to {save}: {error.strerror}") from None
    Console().print(analysis_view(process([], answers=answers, history=log.history)))
    typer.echo(history_note(log))
