"""Assessment: the verdict, the warning signs, the ranked causes with their evidence, the
plan, and the answers that would change it, with the texts and citations a reader needs."""

from __future__ import annotations

from typing import Literal

from thrustlab import explanation
from thrustlab.explanation.knowledge import Urgency
from thrustlab.records import record

Verdict = Literal["normal", "caution", "stop"]
NOT_MEASURED = "not measured"
"""What people read where a figure, or a verdict, could not be measured."""
VERDICTS: tuple[Verdict, ...] = ("normal", "caution", "stop")
Strength = Literal["strong", "moderate", "some"]
Basis = Literal["measured", "answers_only"]
"""``measured``: the recording gave reps and figures; ``answers_only``: it did not (no
recording, too short, no reps, nobody found in a video), so only the answers speak."""


@record
class Evidence:
    """One rule that held: ``feature`` had ``value``, ``direction`` ``threshold`` ``unit``."""

    feature: str
    value: float | int | bool | str
    threshold: float | bool | str
    unit: str
    direction: str
    supports: bool
    weight: float
    text: str


def said_once(evidence: tuple[Evidence, ...], /) -> tuple[Evidence, ...]:
    """The evidence as people read it: one sentence per figure. Where graded rules on the
    same figure both held (asymmetry over 10 % and over 15 %), only the furthest threshold
    passed is said; all of them still count in the score and stay in the JSON."""
    kept: dict[tuple[str, bool], Evidence] = {}
    for item in evidence:
        key = (item.feature, item.supports)
        held = kept.get(key)
        if held is None or _further(item, held):
            kept[key] = item
    return tuple(item for item in evidence if kept[(item.feature, item.supports)] is item)


def _further(item: Evidence, than: Evidence) -> bool:
    if not isinstance(item.threshold, int | float) or not isinstance(than.threshold, int | float):
        return False
    if item.direction in (">", ">=") and than.direction in (">", ">="):
        return item.threshold > than.threshold
    if item.direction in ("<", "<=") and than.direction in ("<", "<="):
        return item.threshold < than.threshold
    return False


@record
class RedFlag:
    """A warning sign raised for this set, with the evidence that raised it."""

    id: str
    name: str
    urgency: Urgency
    advice: str
    evidence: tuple[Evidence, ...]


@record
class CauseFinding:
    """A likely cause named for this set, with its evidence."""

    id: str
    name: str
    short: str
    likelihood: float
    """An evidence score from the knowledge base's weights (0-1), not a probability."""
    evidence: tuple[Evidence, ...]
    """Supporting evidence first, then any that weakens the cause."""
    long: str = ""
    """What the cause is, in a few sentences."""
    strength: Strength = "some"
    """The evidence score in words: what people read instead of the number."""


@record
class PlanItem:
    """A step of the plan, and the causes it answers."""

    id: str
    name: str
    why: str
    steps: tuple[str, ...]
    causes: tuple[str, ...]


@record
class MissingAnswer:
    """An answer that was not given, and what it would have changed."""

    answer: str
    """The ``Answers`` field that was not given."""
    effect: str
    label: str = ""
    """The question's label, for people (``Sleep last night``)."""


@record
class Assessment:
    """What the set's figures and the answers mean: the verdict, warning signs, likely
    causes and the plan."""

    verdict: Verdict
    headline: str
    red_flags: tuple[RedFlag, ...]
    causes: tuple[CauseFinding, ...]
    strategies: tuple[PlanItem, ...]
    missing: tuple[MissingAnswer, ...] = ()
    # Named through the package: the history module (nine dataclasses) loads only when
    # these are resolved (``from_document``) or a log or a load is known.
    next_load: explanation.NextLoad | None = None
    history: explanation.HistoryChecks | None = None
    basis: Basis = "measured"
    not_measured_because: str = ""
    """Why the recording gave no reps or figures (``basis`` ``answers_only``)."""
    sources: tuple[str, ...] = ()
    """Citations of the sources behind the causes and warning signs shown."""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}")
        if any(f.urgency == "now" for f in self.red_flags) and self.verdict != "stop":
            raise ValueError("a warning sign of urgency 'now' always makes the verdict 'stop'")
        if self.red_flags and self.verdict == "normal":
            raise ValueError("a warning sign never leaves the verdict 'normal'")

    @property
    def measured(self) -> bool:
        return self.basis == "measured"


def verdict_as_read(verdict: str, /, *, measured: bool) -> str:
    """A verdict as people read it: a set that could not be measured, with nothing wrong
    in the answers, is "not measured", never "normal"."""
    return NOT_MEASURED if verdict == "normal" and not measured else verdict


def shown_verdict(assessment: Assessment, /) -> str:
    """The assessment's verdict as people read it (``verdict_as_read``)."""
    return verdict_as_read(assessment.verdict, measured=assessment.measured)
