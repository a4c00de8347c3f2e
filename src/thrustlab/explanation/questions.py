"""The questions to the lifter, declared once.

``QUESTIONS`` is the one table of what thrustlab asks about a set: each question's answer
name, wording, short label, kind, unit, range, choices and help. It generates the
``thrustlab check`` questionnaire (in this order: warning signs first), the answer options
of ``thrustlab analyze`` and ``thrustlab log add``, and the fields of the web upload form;
``Answers`` checks its fields against it. ``parse_reply`` turns a loose reply (a CLI string,
a form field, a YAML value) into the answer's value with one parser for every shell, and
``AnswersError`` keeps the answer's name apart from the problem so that each shell can name
the answer its own way (the CLI flag, the form's label, the YAML key).

The conversions answers need live here too: ``kg_from_lb``, ``in_unit`` and ``shown_weight``
(a load in the lifter's own unit) and ``rpe_from_rir``.
"""

from __future__ import annotations

import math
import re
from typing import Literal

from thrustlab.errors import OptionError
from thrustlab.records import record

Kind = Literal["number", "whole", "yes_no", "choice", "text", "load"]
"""number: a real number; whole: an integer; yes_no: a boolean; choice: one of ``choices``;
text: free text; load: a weight with its unit ("100 kg", "220 lb"), stored in kg."""
Group = Literal["set", "before", "after"]
Reply = str | int | float | bool
Value = float | int | bool | str
WeightUnit = Literal["kg", "lb"]
WEIGHT_UNITS: tuple[WeightUnit, ...] = ("kg", "lb")

KG_PER_LB = 0.45359237
"""The international avoirdupois pound (1959), exactly."""
RPE_MAX = 10.0
"""RPE 10 = no rep left in reserve (Zourdos 2016, the RIR-based RPE scale)."""
RPE_MIN = 1.0
"""The scale's floor: RPE 1 is barely any effort, whatever the reps left in reserve."""
TEXT_MAX_CHARS = 200
"""Free-text answers are short notes ("left glute"), not essays."""

GROUPS: tuple[tuple[Group, str], ...] = (
    ("set", "The set"),
    ("before", "Before the set"),
    ("after", "During and after the set"),
)
"""The question groups, in the order forms show them, with their headings."""

_YES = ("yes", "y", "true")
_NO = ("no", "n", "false")


class AnswersError(OptionError):
    """An answer has a value that makes no sense. ``key`` is the answer's name (empty when
    the problem is not one answer's), ``problem`` the rest of the message, so that a shell
    can name the answer its own way."""

    def __init__(self, problem: str, /, *, key: str = "") -> None:
        self.key = key
        self.problem = problem
        super().__init__(f"{key} {problem}" if key else problem)


@record
class Question:
    """One question to the lifter."""

    key: str
    """The answer's name: in answer files, ``-a KEY=VALUE``, the JSON API and form fields."""
    prompt: str
    """The question as ``thrustlab check`` asks it."""
    label: str
    """A short label: the web form's field and its error messages."""
    kind: Kind
    group: Group
    unit: str = ""
    low: float | None = None
    high: float | None = None
    """The range a number must fall in (inclusive, in ``unit``)."""
    choices: tuple[str, ...] = ()
    help: str = ""
    """A hint shown beside the question (an example, what the scale means)."""
    flag: str = ""
    """The command-line option; default ``--key-with-dashes`` (``--x/--no-x`` for yes/no)."""
    field: str = ""
    """The ``Answers`` field it fills; default ``key`` (``load`` fills ``load_kg``)."""
    featured: bool = False
    """Shown on the web form's first view (the rest sit under "More answers")."""
    follows: str = ""
    """Asked by ``thrustlab check`` only when the answer to ``follows`` is in ``ask_if``
    (``None`` in ``ask_if``: also when it was skipped)."""
    ask_if: tuple[Value | None, ...] = ()

    @property
    def answer_field(self) -> str:
        return self.field or self.key

    @property
    def cli_flag(self) -> str:
        """The option's declaration for typer, e.g. ``--sleep-h`` or ``--warmup/--no-warmup``."""
        if self.flag:
            return self.flag
        name = "--" + self.key.replace("_", "-")
        return f"{name}/--no-{self.key.replace('_', '-')}" if self.kind == "yes_no" else name

    @property
    def cli_name(self) -> str:
        """The option as error messages name it (the positive form of a yes/no flag)."""
        return self.cli_flag.split("/")[0]

    @property
    def hint(self) -> str:
        """What a reply looks like: the help, else the choices, the unit or the scale."""
        if self.help:
            return self.help
        if self.kind == "yes_no":
            return "yes / no"
        if self.choices:  # as people write them ("too near"; the parser reads both)
            return " / ".join(choice.replace("_", " ") for choice in self.choices)
        if self.unit or self.low is None or self.high is None:
            return self.unit
        return f"{self.low:g}-{self.high:g}"


QUESTIONS: tuple[Question, ...] = (
    # Warning signs first: they matter most.
    Question("pain", "Any pain with the shaking?", "Pain", "choice", "after",
             choices=("none", "dull", "sharp"), featured=True),
    Question("pain_where", "Where does it hurt?", "Where it hurts", "text", "after",
             help="e.g. left glute, lower back", follows="pain", ask_if=("dull", "sharp")),
    Question("dizziness", "Did you feel dizzy or light-headed?", "Dizzy or light-headed",
             "yes_no", "after", featured=True),
    Question("shaking_after_min", "How long did the shaking last after the session?",
             "Shaking after the session", "number", "after", unit="min", low=0, high=10_000),
    Question("shakier_leg", "Which leg shakes more?", "Shakier leg", "choice", "after",
             choices=("left", "right", "both", "neither"), featured=True),
    Question("same_leg_every_time", "Is it the same leg every time?", "Same leg every time",
             "yes_no", "after", follows="shakier_leg", ask_if=("left", "right")),
    # The set.
    Question("weight_unit", "Do you count weights in kg or lb?", "Weight unit", "choice",
             "set", choices=WEIGHT_UNITS, featured=True),
    Question("load", "Load on the bar?", "Load", "load", "set", unit="kg", low=0, high=1000,
             help="e.g. 100 kg or 220 lb", field="load_kg", featured=True),
    Question("reps", "Reps in the set?", "Reps", "whole", "set", low=1, high=100,
             featured=True),
    Question("rpe", "How hard was it, RPE 1-10?", "Effort (RPE)", "number", "set",
             low=RPE_MIN, high=RPE_MAX, help="10 = nothing left", featured=True),
    Question("rir", "How many more reps could you have done?", "Reps in reserve", "number",
             "set", unit="reps", low=0, high=RPE_MAX - RPE_MIN, help="0 = nothing left",
             follows="rpe", ask_if=(None,)),
    Question("pr_attempt", "Was it a record attempt?", "Record attempt", "yes_no", "set"),
    Question("feet", "Feet position?", "Feet", "choice", "set",
             choices=("ok", "too_near", "too_far")),
    # Before the set.
    Question("warmup_done", "Did you warm up?", "Warmed up", "yes_no", "before",
             flag="--warmup/--no-warmup", featured=True),
    Question("warmup_minutes", "How many minutes of warm-up?", "Warm-up", "number", "before",
             unit="min", low=0, high=180, follows="warmup_done", ask_if=(True, None)),
    Question("warmup_what", "What did you do to warm up?", "Warm-up content", "text", "before",
             help="e.g. bike, glute bridges", follows="warmup_done", ask_if=(True,)),
    Question("sleep_h", "Hours of sleep last night?", "Sleep last night", "number", "before",
             unit="h", low=0, high=24, featured=True),
    Question("fluids_l", "How much have you drunk today?", "Drunk today", "number", "before",
             unit="L", low=0, high=15),
    Question("hours_since_meal", "Hours since your last meal?", "Since your last meal",
             "number", "before", unit="h", low=0, high=72),
    Question("caffeine_mg", "Caffeine today?", "Caffeine today", "number", "before",
             unit="mg", low=0, high=2000, help="a coffee is about 100 mg"),
    Question("nervous", "Did you feel nervous?", "Nervous or wired", "yes_no", "before",
             flag="--nervous/--calm", featured=True),
    Question("experience_sessions", "How many times have you done this exercise?",
             "Sessions of this exercise so far", "whole", "before", unit="sessions", low=0,
             high=100_000),
    Question("days_since_hard", "Days since your last hard leg session?",
             "Days since your last hard leg session", "number", "before", unit="days", low=0,
             high=10_000),
    # What the lifter noticed during the set.
    Question("cramps", "Any cramps?", "Cramps", "yes_no", "after"),
    Question("heavy_sweating", "Were you sweating heavily?", "Heavy sweating", "yes_no",
             "after"),
    Question("knees_cave", "Did your knees cave in or wander?", "Knees caved in", "yes_no",
             "after", featured=True),
    Question("back_arching", "Did your lower back arch at the top?", "Lower back arched",
             "yes_no", "after"),
)  # fmt: skip
"""Every question, in the order ``thrustlab check`` asks them."""


def question(key: str, /) -> Question:
    """The question by its key or by the ``Answers`` field it fills."""
    found = _BY_NAME.get(key)
    if found is None:
        raise KeyError(key)
    return found


_BY_NAME: dict[str, Question] = {q.key: q for q in QUESTIONS} | {
    q.answer_field: q for q in QUESTIONS
}


def shown(q: Question, value: Value, /) -> str:
    """An answer for people, with its label and unit: ``Sleep last night: 6.5 h``."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{round(value, 2):g}"
    else:
        text = str(value).replace("_", " ") if q.choices else str(value)
    unit = f" {q.unit}" if q.unit and not isinstance(value, bool | str) else ""
    return f"{q.label}: {text}{unit}"


def kg_from_lb(pounds: float, /) -> float:
    """Pounds to kilograms."""
    return pounds * KG_PER_LB


def rpe_from_rir(rir: float, /) -> float:
    """Reps in reserve to RPE on the RIR-based scale (Zourdos 2016): RPE 10 = 0 left, 9 = 1
    left, ...; floored at the scale's RPE 1 however many reps were left."""
    return max(RPE_MIN, RPE_MAX - rir)


def parse_reply(q: Question, reply: Reply, /) -> Value:
    """A loose reply (a typed string, a form field, a YAML value) as the answer's value;
    ``AnswersError`` keyed by the question when it makes no sense."""
    if q.kind == "yes_no":
        return _yes_no(q, reply)
    if q.kind == "load":
        value: Value = parse_load(reply)
    elif q.kind in ("number", "whole"):
        value = _number(q, reply)
    elif q.kind == "choice":
        value = str(reply).strip().lower().replace(" ", "_").replace("-", "_")
    else:
        value = str(reply).strip()
    check_value(q, value)
    return value


def check_value(q: Question, value: object, /) -> None:
    """``AnswersError`` when a typed value is outside the question's range or choices."""
    if value is None:
        return
    if q.choices and value not in q.choices:
        raise AnswersError(f"must be one of {', '.join(q.choices)}, not {value!r}", key=q.key)
    if q.kind == "text" and isinstance(value, str) and len(value) > TEXT_MAX_CHARS:
        raise AnswersError(f"must be at most {TEXT_MAX_CHARS} characters", key=q.key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    low = -math.inf if q.low is None else q.low
    high = math.inf if q.high is None else q.high
    if not low <= value <= high:
        unit = f" {q.unit}" if q.unit else ""
        raise AnswersError(f"must be between {low:g} and {high:g}{unit}, not {value:g}", key=q.key)


def stated_unit(value: object, /) -> WeightUnit | None:
    """The unit a load reply states (``"220 lb"``: lb), ``None`` for a bare number."""
    match = re.fullmatch(r"\s*[0-9.]+\s*(kg|kgs|lb|lbs)\s*", str(value).lower())
    if isinstance(value, bool | int | float) or match is None:
        return None
    return "lb" if match.group(1).startswith("lb") else "kg"


def in_unit(load_kg: float, unit: WeightUnit, /) -> float:
    """A load in kg expressed in ``unit``."""
    return load_kg / KG_PER_LB if unit == "lb" else load_kg


def shown_weight(load_kg: float, unit: WeightUnit | None, /) -> str:
    """A load for people in the lifter's unit (kg when they never said): ``225 lb``."""
    chosen = unit or "kg"
    return f"{round(in_unit(load_kg, chosen), 1):g} {chosen}"


def parse_load(value: object, /, *, bare_unit: WeightUnit = "kg") -> float:
    """``100``, ``"100 kg"``, ``"225lb"`` -> kilograms (a bare number is in ``bare_unit``)."""
    if isinstance(value, bool):
        raise AnswersError(f"must be a number with kg or lb, not {value!r}", key="load")
    if isinstance(value, int | float):
        return kg_from_lb(value) if bare_unit == "lb" else float(value)
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(kg|kgs|lb|lbs)?\s*", str(value).lower())
    if match is None:
        raise AnswersError(f"must look like '100 kg' or '220 lb', not {value!r}", key="load")
    number = float(match.group(1))
    return kg_from_lb(number) if (match.group(2) or bare_unit).startswith("lb") else number


def _yes_no(q: Question, reply: Reply) -> bool:
    if isinstance(reply, bool):
        return reply
    word = str(reply).strip().lower()
    if word in _YES or word in _NO:
        return word in _YES
    raise AnswersError(f"must be yes or no, not {reply!r}", key=q.key)


def _number(q: Question, reply: Reply) -> float | int:
    if isinstance(reply, bool):
        raise AnswersError(f"must be a number, not {reply!r}", key=q.key)
    try:
        number = float(reply)
    except (TypeError, ValueError):
        raise AnswersError(f"must be a number, not {reply!r}", key=q.key) from None
    if not math.isfinite(number):
        raise AnswersError(f"must be a finite number, not {reply!r}", key=q.key)
    if q.kind == "whole":
        if number != int(number):
            raise AnswersError(f"must be a whole number, not {reply!r}", key=q.key)
        return int(number)
    return number
