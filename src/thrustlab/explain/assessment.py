"""Assessment: the verdict, the warning signs, the ranked causes with their evidence, the
plan, and the answers that would change it. ``assessment_to_dict`` gives the JSON block."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from thrustlab.explain.history import HistoryChecks, NextLoad

Verdict = Literal["normal", "caution", "stop"]
VERDICTS: tuple[Verdict, ...] = ("normal", "caution", "stop")


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class RedFlag:
    id: str
    name: str
    advice: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class CauseFinding:
    id: str
    name: str
    short: str
    likelihood: float
    evidence: tuple[Evidence, ...]
    """Supporting evidence first, then any that weakens the cause."""


@dataclass(frozen=True, slots=True)
class PlanItem:
    id: str
    name: str
    why: str
    steps: tuple[str, ...]
    causes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MissingAnswer:
    answer: str
    """The ``Answers`` field that was not given."""
    effect: str


@dataclass(frozen=True, slots=True)
class Assessment:
    verdict: Verdict
    headline: str
    red_flags: tuple[RedFlag, ...]
    causes: tuple[CauseFinding, ...]
    strategies: tuple[PlanItem, ...]
    missing: tuple[MissingAnswer, ...] = ()
    next_load: NextLoad | None = None
    history: HistoryChecks | None = None
    measured: bool = True
    """False when there was no recording (answers only)."""

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"verdict must be one of {VERDICTS}")
        if self.red_flags and self.verdict != "stop":
            raise ValueError("a warning sign always makes the verdict 'stop'")


def evidence_to_dict(evidence: Evidence, /) -> dict[str, Any]:
    return {
        "feature": evidence.feature,
        "value": evidence.value,
        "threshold": evidence.threshold,
        "unit": evidence.unit,
        "direction": evidence.direction,
        "supports": evidence.supports,
        "text": evidence.text,
    }


def assessment_to_dict(assessment: Assessment, /) -> dict[str, Any]:
    """The ``assessment`` block of the ``thrustlab.analysis/1`` JSON."""
    return {
        "verdict": assessment.verdict,
        "causes": [
            {
                "id": c.id,
                "likelihood": c.likelihood,
                "evidence": [evidence_to_dict(e) for e in c.evidence],
            }
            for c in assessment.causes
        ],
        "red_flags": [
            {"id": f.id, "evidence": [evidence_to_dict(e) for e in f.evidence]}
            for f in assessment.red_flags
        ],
        "strategies": [
            {"id": s.id, "why": s.why, "steps": list(s.steps)} for s in assessment.strategies
        ],
    }
