"""``thrustlab check``: a short questionnaire that works without a recording.

The questions come from the one table, ``thrustlab.explanation.questions.QUESTIONS``. Every
question can be skipped with Enter. The answers go through ``explain()`` like a measured
set's, and can be saved for ``thrustlab analyze --answers``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from thrustlab.errors import OptionError
from thrustlab.explanation.answers import Answers, answers_from_mapping, answers_to_json
from thrustlab.explanation.questions import QUESTIONS, AnswersError, Value, parse_reply

Ask = Callable[[str], str]


def ask_answers(ask: Ask, /, *, tell: Callable[[str], None] = lambda _: None) -> Answers:
    """Ask the questions (``QUESTIONS``, in order) through ``ask``; an empty reply skips one,
    a bad one is asked again once, and a follow-up is asked only when the answer it follows
    calls for it."""
    given: dict[str, Value] = {}
    for q in QUESTIONS:
        if q.follows and given.get(q.follows) not in q.ask_if:
            continue
        for _attempt in range(2):
            reply = ask(f"{q.prompt} [{q.hint}]" if q.hint else q.prompt).strip()
            if not reply:
                break
            try:
                given[q.key] = parse_reply(q, reply)
            except AnswersError as error:
                tell(f"  {error} (Enter skips)")
                continue
            break
    return answers_from_mapping(given)


def check(
    save: Annotated[
        Path | None,
        typer.Option("--save", help="Write the answers to this YAML file (for analyze --answers)."),
    ] = None,
) -> None:
    """Answer a few questions (no recording needed) and get the verdict, likely causes and a plan.

    Press Enter to skip any question."""
    import yaml
    from rich.console import Console

    from thrustlab.pipeline import process
    from thrustlab.report.terminal import analysis_view

    typer.echo("Why do your legs shake? Press Enter to skip any question.")
    answers = ask_answers(
        lambda text: str(typer.prompt(text, default="", show_default=False)),
        tell=typer.echo,
    )
    if save is not None:
        try:
            text = yaml.safe_dump(answers_to_json(answers), sort_keys=False, allow_unicode=True)
            save.write_text(text, "utf-8")
        except OSError as error:
            raise OptionError(f"cannot write the answers to {save}: {error.strerror}") from None
    Console().print(analysis_view(process([], answers=answers)))
