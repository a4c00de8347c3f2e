"""Explain the shaking: knowledge base, answers, history checks, evidence rules and
``explain()``, which turns ``Findings`` (and answers, and the log) into an ``Assessment``."""

from __future__ import annotations

from thrustlab._callable import make_callable
from thrustlab.explain.answers import (
    Answers,
    AnswersError,
    AnswersFileError,
    answers_from_mapping,
    answers_from_options,
    load_answers,
)
from thrustlab.explain.assessment import (
    Assessment,
    CauseFinding,
    Evidence,
    MissingAnswer,
    PlanItem,
    RedFlag,
)
from thrustlab.explain.core import explain
from thrustlab.explain.history import (
    History,
    HistoryChecks,
    NextLoad,
    PastSet,
    history_checks,
    suggest_next_load,
)
from thrustlab.explain.knowledge import Knowledge, KnowledgeError, load_knowledge

__all__ = [
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
    "RedFlag",
    "answers_from_mapping",
    "answers_from_options",
    "explain",
    "history_checks",
    "load_answers",
    "load_knowledge",
    "suggest_next_load",
]


make_callable(__name__, "explain")  # thrustlab.explain(...) is the function too
