"""Answers: what the lifter reports about the set. Every field is optional.

The questions behind the fields (wording, unit, range, choices) are declared once in
``thrustlab.explanation.questions``; ``Answers`` checks its values against them.
``answers_from_mapping`` builds answers from loose input (a YAML file, CLI options, a web
form: the question keys, ``load: "100 kg"``, ``load_lb``), ``load_answers(path)`` reads a
YAML file, and ``answers_to_json`` / ``answers_from_json`` are the one pair that stores
answers (the training log, a queued web job) and reads them back.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from thrustlab.errors import ReadError
from thrustlab.explanation.questions import (
    QUESTIONS,
    AnswersError,
    Value,
    WeightUnit,
    check_value,
    parse_load,
    parse_reply,
    question,
    rpe_from_rir,
    stated_unit,
)
from thrustlab.records import record

Pain = Literal["none", "dull", "sharp"]
Leg = Literal["left", "right", "both", "neither"]
Feet = Literal["ok", "too_near", "too_far"]

__all__ = [
    "ANSWER_FIELDS",
    "Answers",
    "AnswersError",
    "AnswersFileError",
    "answers_from_json",
    "answers_from_mapping",
    "answers_from_options",
    "answers_to_json",
    "load_answers",
    "parse_load",
    "rpe_from_rir",
]


class AnswersFileError(ReadError):
    """An answers file cannot be read or is not a mapping of answers."""


@record
class Answers:
    """What the lifter reports, each field one question of ``QUESTIONS``. ``None`` means
    "not answered"."""

    # The set
    weight_unit: WeightUnit | None = None
    """kg or lb, as the lifter counts weights: the plan's loads are given in it."""
    load_kg: float | None = None
    reps: int | None = None
    rpe: float | None = None
    rir: float | None = None
    """Reps in reserve, as reported; ``effort_rpe`` reads it when no RPE was given."""
    # Preparation
    warmup_done: bool | None = None
    warmup_what: str | None = None
    warmup_minutes: float | None = None
    sleep_h: float | None = None
    fluids_l: float | None = None
    hours_since_meal: float | None = None
    caffeine_mg: float | None = None
    # Arousal
    pr_attempt: bool | None = None
    nervous: bool | None = None
    # Symptoms
    pain: Pain | None = None
    pain_where: str | None = None
    dizziness: bool | None = None
    shaking_after_min: float | None = None
    shakier_leg: Leg | None = None
    same_leg_every_time: bool | None = None
    cramps: bool | None = None
    heavy_sweating: bool | None = None
    # What the lifter noticed about form
    knees_cave: bool | None = None
    back_arching: bool | None = None
    feet: Feet | None = None
    # Background
    experience_sessions: int | None = None
    days_since_hard: float | None = None

    def __post_init__(self) -> None:
        for name in ANSWER_FIELDS:
            check_value(question(name), getattr(self, name))

    @property
    def effort_rpe(self) -> float | None:
        """The set's effort on the RPE scale: the RPE given, else from the reps in reserve."""
        if self.rpe is not None:
            return self.rpe
        return None if self.rir is None else rpe_from_rir(self.rir)


ANSWER_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Answers))
_ALIASES = ("load_kg", "load_lb")
"""Accepted beside the question keys: the load already in kg, or in pounds."""
_KEYS = tuple(q.key for q in QUESTIONS) + _ALIASES


def answers_to_json(answers: Answers, /) -> dict[str, Value]:
    """The answers that were given, by field name, as JSON-able values (for storage)."""
    return {name: value for name in ANSWER_FIELDS if (value := getattr(answers, name)) is not None}


def answers_from_json(data: Mapping[str, Any], /) -> Answers:
    """Stored answers (``answers_to_json``'s output) back as ``Answers``."""
    unknown = [key for key in data if key not in ANSWER_FIELDS]
    if unknown:
        raise AnswersError(f"unknown stored answer {unknown[0]!r}")
    values: dict[str, Any] = {
        name: parse_reply(question(name), value)
        for name, value in data.items()
        if value is not None
    }
    return Answers(**values)


def answers_from_mapping(data: Mapping[str, Any], /) -> Answers:
    """Build ``Answers`` from loose replies (a YAML file, CLI options, a web form, the JSON
    API), keyed by the questions' keys (or ``load_kg`` / ``load_lb``); ``None`` and empty
    strings are not answers."""
    unknown = [key for key in data if key not in _KEYS]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), _KEYS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise AnswersError(f"unknown answer {unknown[0]!r}{hint}")
    given = {k: v for k, v in data.items() if v is not None and v != ""}
    values: dict[str, Any] = {}  # each value parsed by its question's kind
    if "weight_unit" in given:
        values["weight_unit"] = parse_reply(question("weight_unit"), given.pop("weight_unit"))
    unit: WeightUnit | None = values.get("weight_unit")
    loads: tuple[tuple[str, WeightUnit | None], ...] = (
        ("load_kg", "kg"),
        ("load_lb", "lb"),
        ("load", unit),
    )
    for key, bare_unit in loads:  # a load's unit: stated, else the lifter's, else kg
        if key in given:
            reply = given.pop(key)
            values["load_kg"] = parse_load(reply, bare_unit=bare_unit or "kg")
            check_value(question("load"), values["load_kg"])
            if unit is None and (stated := stated_unit(reply) or bare_unit) is not None:
                values["weight_unit"] = stated
    for key, reply in given.items():
        q = question(key)
        values[q.answer_field] = parse_reply(q, reply)
    return Answers(**values)


def load_answers(path: str | Path, /) -> Answers:
    """Read answers from a YAML file; raise a one-line ``InputError`` when it can't."""
    return _file_answers(path, _read_answers_file(path))


def answers_from_options(path: str | Path | None, options: Mapping[str, Any], /) -> Answers:
    """Answers from an optional YAML file with command-line options on top (an option that
    is ``None`` was not given). Option names are the questions' keys (or ``load_kg``); an
    option replaces the file's load or effort, however the file gave it."""
    base: dict[str, Any] = {}
    if path is not None:
        base = _read_answers_file(path)
        _file_answers(path, base)  # one-line errors naming the file
    given = {k: v for k, v in options.items() if v is not None}
    for keys in _SAME_ANSWER:
        if any(key in given for key in keys):
            base = {k: v for k, v in base.items() if k not in keys}
    return answers_from_mapping({**base, **given})


_SAME_ANSWER = (("load", "load_kg", "load_lb"), ("rpe", "rir"))
"""Keys that give one answer two ways: an option given one way replaces the file's."""


def _read_answers_file(path: str | Path) -> dict[str, Any]:
    import yaml

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise AnswersFileError(path, f"cannot read the answers file ({error.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise AnswersFileError(path, f"not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise AnswersFileError(path, "expected 'name: value' lines, one answer a line")
    return {str(k): v for k, v in data.items()}


def _file_answers(path: str | Path, data: Mapping[str, Any]) -> Answers:
    try:
        return answers_from_mapping(data)
    except AnswersError as error:
        raise AnswersFileError(path, str(error)) from None
