"""Explain the shaking: knowledge base, answers, history checks, evidence rules and
``explain()``, which turns ``Findings`` (and answers, and the log) into an ``Assessment``."""

from __future__ import annotations

from thrustlab._callable import make_callable
from thrustlab.explain.answers import (
    Answers,
    AnswersError,
    AnswersFileError,
    answers_from_json,
    answers_from_mapping,
    answers_from_options,
    answers_to_json,
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
from thrustlab.explain.questions import QUESTIONS, Question, kg_from_lb, rpe_from_rir

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


make_callable(__name__, "explain")  # thrustlab.explain(...) is the function too
