"""Answers: what the lifter reports about the set. Every field is optional.

``load_answers(path)`` reads them from a YAML file (the same keys as the fields, plus
``load: "100 kg"`` / ``load_lb`` and ``rir``); bad files and values raise one-line errors.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from thrustlab.errors import OptionError, ReadError

LB_TO_KG = 0.45359237
Pain = Literal["none", "dull", "sharp"]
Leg = Literal["left", "right", "both", "neither"]
Feet = Literal["ok", "too_near", "too_far"]

PAINS: tuple[str, ...] = ("none", "dull", "sharp")
LEGS: tuple[str, ...] = ("left", "right", "both", "neither")
FEET: tuple[str, ...] = ("ok", "too_near", "too_far")


class AnswersError(OptionError):
    """An answer has a value that makes no sense (the message names it and the fix)."""


class AnswersFileError(ReadError):
    """An answers file cannot be read or is not a mapping of answers."""


@dataclass(frozen=True, slots=True)
class Answers:
    """What the lifter reports. ``None`` means "not answered"."""

    # The set
    load_kg: float | None = None
    reps: int | None = None
    rpe: float | None = None
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
        _check_range("load_kg", self.load_kg, 0, 1000)
        _check_range("reps", self.reps, 1, 100)
        _check_range("rpe", self.rpe, 1, 10)
        _check_range("warmup_minutes", self.warmup_minutes, 0, 180)
        _check_range("sleep_h", self.sleep_h, 0, 24)
        _check_range("fluids_l", self.fluids_l, 0, 15)
        _check_range("hours_since_meal", self.hours_since_meal, 0, 72)
        _check_range("caffeine_mg", self.caffeine_mg, 0, 2000)
        _check_range("shaking_after_min", self.shaking_after_min, 0, 10000)
        _check_range("experience_sessions", self.experience_sessions, 0, 100000)
        _check_range("days_since_hard", self.days_since_hard, 0, 10000)
        _check_choice("pain", self.pain, PAINS)
        _check_choice("shakier_leg", self.shakier_leg, LEGS)
        _check_choice("feet", self.feet, FEET)


ANSWER_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Answers))
_ALIASES = ("load", "load_lb", "rir")


def answered(answers: Answers) -> dict[str, object]:
    """The answers that were given, by field name."""
    return {
        name: getattr(answers, name) for name in ANSWER_FIELDS if getattr(answers, name) is not None
    }


def answers_from_mapping(data: Mapping[str, Any], /) -> Answers:
    """Build ``Answers`` from loosely typed values (a YAML file, CLI flags, a web form)."""
    unknown = [key for key in data if key not in ANSWER_FIELDS and key not in _ALIASES]
    if unknown:
        close = difflib.get_close_matches(str(unknown[0]), ANSWER_FIELDS + _ALIASES, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise AnswersError(f"unknown answer {unknown[0]!r}{hint}")
    values = {k: v for k, v in data.items() if v is not None and k not in _ALIASES}
    if data.get("load") is not None:
        values["load_kg"] = parse_load(data["load"])
    if data.get("load_lb") is not None:
        values["load_kg"] = _number("load_lb", data["load_lb"]) * LB_TO_KG
    if data.get("rir") is not None:
        rir = _number("rir", data["rir"])
        if not 0 <= rir <= 9:
            raise AnswersError(f"rir must be between 0 and 9 reps in reserve, not {rir:g}")
        values.setdefault("rpe", 10.0 - rir)
    converted = {name: _convert(name, value) for name, value in values.items()}
    return Answers(**converted)


def load_answers(path: str | Path, /) -> Answers:
    """Read answers from a YAML file; raise a one-line ``InputError`` when it can't."""
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
        return Answers()
    if not isinstance(data, dict):
        raise AnswersFileError(path, "expected 'name: value' lines, one answer a line")
    try:
        return answers_from_mapping({str(k): v for k, v in data.items()})
    except AnswersError as error:
        raise AnswersFileError(path, str(error)) from None


def answers_from_options(path: str | Path | None, options: Mapping[str, Any], /) -> Answers:
    """Answers from an optional YAML file with command-line options on top (an option that
    is ``None`` was not given). Option names are the answer names, plus ``load``/``rir``."""
    import yaml

    base: dict[str, Any] = {}
    if path is not None:
        load_answers(path)  # one-line errors for the file itself
        base = dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
    given = {k: v for k, v in options.items() if v is not None}
    if "load" in given:
        base.pop("load_kg", None)
        base.pop("load_lb", None)
    if "rir" in given:
        base.pop("rpe", None)
    return answers_from_mapping({**base, **given})


def parse_load(value: object, /) -> float:
    """``100``, ``"100 kg"``, ``"225lb"`` -> kilograms."""
    if isinstance(value, bool):
        raise AnswersError(f"load must be a number with kg or lb, not {value!r}")
    if isinstance(value, int | float):
        return float(value)
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(kg|kgs|lb|lbs)?\s*", str(value).lower())
    if match is None:
        raise AnswersError(f"load must look like '100 kg' or '220 lb', not {value!r}")
    number = float(match.group(1))
    return number * LB_TO_KG if (match.group(2) or "kg").startswith("lb") else number


_BOOL_WORDS = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


def _convert(name: str, value: Any) -> Any:
    kind = Answers.__dataclass_fields__[name].type
    if "bool" in str(kind):
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in _BOOL_WORDS:
            return _BOOL_WORDS[word]
        raise AnswersError(f"{name} must be yes or no, not {value!r}")
    if "int" in str(kind):
        number = _number(name, value)
        if number != int(number):
            raise AnswersError(f"{name} must be a whole number, not {value!r}")
        return int(number)
    if "float" in str(kind):
        return _number(name, value)
    if name in ("pain", "shakier_leg", "feet"):
        return str(value).strip().lower().replace(" ", "_").replace("-", "_")
    return str(value).strip()


def _number(name: str, value: Any) -> float:
    if isinstance(value, bool):
        raise AnswersError(f"{name} must be a number, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnswersError(f"{name} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise AnswersError(f"{name} must be a finite number, not {value!r}")
    return number


def _check_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is not None and not low <= value <= high:
        raise AnswersError(f"{name} must be between {low:g} and {high:g}, not {value:g}")


def _check_choice(name: str, value: str | None, choices: tuple[str, ...]) -> None:
    if value is not None and value not in choices:
        raise AnswersError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
