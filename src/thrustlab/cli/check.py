"""``thrustlab check``: a short questionnaire that works without a recording.

Every question can be skipped with Enter. The answers go through ``explain()`` like a
measured set's, and can be saved for ``thrustlab analyze --answers``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from thrustlab.errors import OptionError


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    """The answer's name (a field of ``Answers``, or ``load`` / ``rir``)."""
    text: str
    hint: str = ""


QUESTIONS: tuple[Question, ...] = (
    Question("pain", "Any pain with the shaking?", "none / dull / sharp"),
    Question("pain_where", "Where does it hurt?", "e.g. left glute, lower back"),
    Question("dizziness", "Did you feel dizzy or light-headed?", "yes / no"),
    Question("shaking_after_min", "How long did the shaking last after the session?", "minutes"),
    Question("shakier_leg", "Which leg shakes more?", "left / right / both / neither"),
    Question("same_leg_every_time", "Is it the same leg every time?", "yes / no"),
    Question("load", "Load on the bar?", "e.g. 100 kg or 220 lb"),
    Question("reps", "Reps in the set?", "number"),
    Question("rpe", "How hard was it, RPE 1-10?", "10 = nothing left"),
    Question("warmup_done", "Did you warm up?", "yes / no"),
    Question("warmup_minutes", "How many minutes of warm-up?", "minutes"),
    Question("sleep_h", "Hours of sleep last night?", "hours"),
    Question("fluids_l", "How much have you drunk today?", "litres"),
    Question("hours_since_meal", "Hours since your last meal?", "hours"),
    Question("caffeine_mg", "Caffeine today?", "mg; a coffee is about 100"),
    Question("cramps", "Any cramps?", "yes / no"),
    Question("pr_attempt", "Was it a record attempt?", "yes / no"),
    Question("nervous", "Did you feel nervous?", "yes / no"),
    Question("knees_cave", "Did your knees cave in or wander?", "yes / no"),
    Question("back_arching", "Did your lower back arch at the top?", "yes / no"),
    Question("feet", "Feet position?", "ok / too_near / too_far"),
    Question("experience_sessions", "How many times have you done this exercise?", "sessions"),
    Question("days_since_hard", "Days since your last hard leg session?", "days"),
)
"""Warning-sign questions first: they matter most."""

Ask = Callable[[str], str]


def ask_answers(ask: Ask, /, *, tell: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Ask every question through ``ask``; an empty reply skips it, a bad one is asked again
    once. Returns the raw answers, ready for ``answers_from_mapping``."""
    from thrustlab.explain.answers import answers_from_mapping

    given: dict[str, Any] = {}
    for question in QUESTIONS:
        if _irrelevant(question.key, given):
            continue
        for _attempt in range(2):
            reply = ask(f"{question.text} [{question.hint}]" if question.hint else question.text)
            if not reply.strip():
                break
            try:
                answers_from_mapping({**given, question.key: reply.strip()})
            except OptionError as error:
                tell(f"  {error} (Enter skips)")
                continue
            given[question.key] = reply.strip()
            break
    return given


def _irrelevant(key: str, given: dict[str, Any]) -> bool:
    """Follow-up questions that make no sense after the answer before them."""
    if key == "pain_where":
        return str(given.get("pain", "none")).lower() in ("none", "no")
    if key == "same_leg_every_time":
        return str(given.get("shakier_leg", "")).lower() not in ("left", "right")
    if key == "warmup_minutes":
        return str(given.get("warmup_done", "")).lower() in ("no", "n", "false")
    return False


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

    from thrustlab.explain import answers_from_mapping
    from thrustlab.explain.answers import answered
    from thrustlab.pipeline import process
    from thrustlab.report.terminal import analysis_view

    typer.echo("Why do your legs shake? Press Enter to skip any question.")
    raw = ask_answers(
        lambda text: str(typer.prompt(text, default="", show_default=False)),
        tell=typer.echo,
    )
    answers = answers_from_mapping(raw)
    if save is not None:
        try:
            text = yaml.safe_dump(answered(answers), sort_keys=False, allow_unicode=True)
            save.write_text(text, "utf-8")
        except OSError as error:
            raise OptionError(f"cannot write the answers to {save}: {error.strerror}") from None
    Console().print(analysis_view(process([], answers=answers)))
