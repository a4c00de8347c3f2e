"""Explain the shaking: knowledge base, answers, history checks, evidence rules and
``explain()``, which turns ``Findings`` (and answers, and the log) into an ``Assessment``.

Each public name loads its module on first use: the command line's answer options need
``answers`` and ``questions`` only, so ``thrustlab --help`` does not build the rest.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use (below)
    from thrustlab.explanation.answers import (
        Answers,
        AnswersFileError,
        answers_from_json,
        answers_from_mapping,
        answers_from_options,
        answers_to_json,
        load_answers,
    )
    from thrustlab.explanation.assessment import (
        Assessment,
        CauseFinding,
        Evidence,
        MissingAnswer,
        PlanItem,
        RedFlag,
    )
    from thrustlab.explanation.core import explain
    from thrustlab.explanation.history import (
        History,
        HistoryChecks,
        NextLoad,
        PastSet,
        history_checks,
        suggest_next_load,
    )
    from thrustlab.explanation.knowledge import Knowledge, KnowledgeError, load_knowledge
    from thrustlab.explanation.questions import (
        QUESTIONS,
        AnswersError,
        Question,
        kg_from_lb,
        rpe_from_rir,
    )

_MODULES = {
    "answers": (
        "Answers",
        "AnswersFileError",
        "answers_from_json",
        "answers_from_mapping",
        "answers_from_options",
        "answers_to_json",
        "load_answers",
    ),
    "assessment": (
        "Assessment",
        "CauseFinding",
        "Evidence",
        "MissingAnswer",
        "PlanItem",
        "RedFlag",
    ),
    "core": ("explain",),
    "history": (
        "History",
        "HistoryChecks",
        "NextLoad",
        "PastSet",
        "history_checks",
        "suggest_next_load",
    ),
    "knowledge": ("Knowledge", "KnowledgeError", "load_knowledge"),
    "questions": ("QUESTIONS", "AnswersError", "Question", "kg_from_lb", "rpe_from_rir"),
}
_HOMES = {
    name: f"thrustlab.explanation.{module}" for module, names in _MODULES.items() for name in names
}
"""Every public name (``__all__``) and its module."""

__all__ = [
    "QUESTIONS",
    "Answers",
    "AnswersError",
    "AnswersFileError",
    "Assessment",
    "CauseFinding",
    "Evidence",
    "History",
    "HistoryChecks",
    "Knowledge",
    "KnowledgeError",
    "MissingAnswer",
    "NextLoad",
    "PastSet",
    "PlanItem",
    "Question",
    "RedFlag",
    "answers_from_json",
    "answers_from_mapping",
    "answers_from_options",
    "answers_to_json",
    "explain",
    "history_checks",
    "kg_from_lb",
    "load_answers",
    "load_knowledge",
    "rpe_from_rir",
    "suggest_next_load",
]


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'thrustlab.explanation' has no attribute {name!r}")
