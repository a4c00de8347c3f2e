"""Evidence rules applied to features: warning signs, cause likelihoods and the verdict.

The scoring is deliberately simple and inspectable. A cause's likelihood is the chance that
at least one of its supporting rules is right, treating each rule's weight as its own
probability (a "noisy OR"), multiplied down by each weakening rule that holds. A cause with
no supporting evidence scores 0 and is not listed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from thrustlab.explanation.assessment import (
    CauseFinding,
    Evidence,
    MissingAnswer,
    RedFlag,
    Strength,
    Verdict,
)
from thrustlab.explanation.features import ANSWERS_OF_FEATURE, Features, Value
from thrustlab.explanation.knowledge import Cause, Knowledge, Rule
from thrustlab.explanation.questions import question

if TYPE_CHECKING:
    from thrustlab.explanation.history import HistoryChecks


def evidence_for(rule: Rule, features: Features, /) -> Evidence | None:
    """The rule's evidence when it holds on the features, else ``None``."""
    value = features.values.get(rule.feature)
    if value is None or not rule.holds(value):
        return None
    if rule.also is not None and not rule.also.holds(features.values.get(rule.also.feature)):
        return None
    shown = _round(value)
    text = rule.text.format_map(
        _Slots(features.details, value=_show(shown), threshold=_show(rule.threshold))
    )
    return Evidence(
        feature=rule.feature,
        value=shown,
        threshold=rule.threshold,
        unit=rule.unit,
        direction=rule.op,
        supports=rule.supports,
        weight=rule.weight,
        text=text,
    )


def red_flags(kb: Knowledge, features: Features, /) -> tuple[RedFlag, ...]:
    """Every warning sign any of whose rules holds, in the knowledge base's order."""
    found = []
    for spec in kb.red_flags:
        evidence = tuple(e for r in spec.rules if (e := evidence_for(r, features)) is not None)
        if evidence:
            found.append(RedFlag(spec.id, spec.name, spec.urgency, spec.advice, evidence))
    return tuple(found)


def likelihood(evidence: tuple[Evidence, ...], /) -> float:
    support = [e.weight for e in evidence if e.supports]
    if not support:
        return 0.0
    against = [e.weight for e in evidence if not e.supports]
    value = (1.0 - math.prod(1.0 - w for w in support)) * math.prod(1.0 - w for w in against)
    return round(value, 3)


STRONG_FROM = 0.6
"""An evidence score of 0.6 or more is strong: two independent rules of the usual weights
(0.3-0.45) already reach it, one rarely does."""
MODERATE_FROM = 0.35
"""From 0.35 the evidence is moderate: one well-weighted rule, or two weak ones."""


def strength_of(score: float, /) -> Strength:
    """An evidence score in words (it is not a probability)."""
    if score >= STRONG_FROM:
        return "strong"
    return "moderate" if score >= MODERATE_FROM else "some"


def score_cause(cause: Cause, features: Features, /) -> CauseFinding:
    evidence = tuple(e for r in cause.rules if (e := evidence_for(r, features)) is not None)
    ordered = tuple(sorted(evidence, key=lambda e: (not e.supports, -e.weight)))
    score = likelihood(ordered)
    return CauseFinding(
        cause.id,
        cause.name,
        cause.short,
        score,
        ordered,
        long=cause.long,
        strength=strength_of(score),
    )


def rank_causes(kb: Knowledge, features: Features, /) -> tuple[CauseFinding, ...]:
    """Causes with supporting evidence, most likely first (ties keep the base's order)."""
    scored = [score_cause(cause, features) for cause in kb.causes]
    listed = [c for c in scored if c.likelihood > 0]
    return tuple(sorted(listed, key=lambda c: -c.likelihood))


def verdict_of(
    kb: Knowledge,
    flags: tuple[RedFlag, ...],
    causes: tuple[CauseFinding, ...],
    checks: HistoryChecks | None,
    /,
) -> Verdict:
    """``stop`` on a warning sign of urgency ``now``; ``caution`` on one of urgency ``soon``,
    when a cause reaches its caution level, or when the log shows a load jump or more shaking
    than last time; else ``normal``."""
    if any(f.urgency == "now" for f in flags):
        return "stop"
    if flags:
        return "caution"
    if any(c.likelihood >= kb.cause(c.id).caution_likelihood for c in causes):
        return "caution"
    if checks is not None and (checks.load_jump or checks.shaking_increase):
        return "caution"
    return "normal"


def missing_answers(
    kb: Knowledge, features: Features, causes: tuple[CauseFinding, ...], verdict: Verdict, /
) -> tuple[MissingAnswer, ...]:
    """Unanswered questions whose answer would change the verdict or the top cause."""
    found: dict[str, str] = {}
    for spec in kb.red_flags:
        for rule in spec.rules:
            answer = _answer_for(rule.feature, features)
            if answer and verdict != "stop":
                found.setdefault(answer, f"could reveal a warning sign ({spec.name.lower()})")
    top = causes[0] if causes else None
    for cause in kb.causes:
        current = next((c.likelihood for c in causes if c.id == cause.id), 0.0)
        for rule in cause.rules:
            answer = _answer_for(rule.feature, features)
            if not answer or answer in found or not rule.supports:
                continue
            raised = 1.0 - (1.0 - current) * (1.0 - rule.weight)
            if top is None or (cause.id != top.id and raised > top.likelihood):
                found[answer] = f"could make {cause.name.lower()} the most likely cause"
            elif verdict == "normal" and raised >= cause.caution_likelihood:
                found[answer] = f"could point to {cause.name.lower()}"
    return tuple(
        MissingAnswer(answer, effect, label=question(answer).label)
        for answer, effect in found.items()
    )


def _answer_for(feature: str, features: Features) -> str | None:
    """The answer field behind a feature, when the feature is unknown and an answer not yet
    given would settle it; ``None`` otherwise."""
    if features.values.get(feature) is not None:
        return None
    from thrustlab.explanation.answers import ANSWER_FIELDS

    answers = ANSWERS_OF_FEATURE.get(feature, (feature,))
    return next((a for a in answers if a in ANSWER_FIELDS and a not in features.answered), None)


def _round(value: float | int | bool | str) -> float | int | bool | str:
    if isinstance(value, float):
        return round(value, 2) if abs(value) < 10 else round(value, 1)
    return value


def _show(value: Value | float) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.0f}"
    return str(value)


class _Slots(dict[str, str]):
    """Fills a text's ``{name}`` slots; an unknown slot becomes an empty string."""

    def __init__(self, details: Mapping[str, str], **extra: str) -> None:
        super().__init__(details)
        self.update(extra)

    def __missing__(self, key: str) -> str:
        return ""
