"""Explain the shaking: knowledge base, answers, history checks, evidence rules and
``explain()``, which turns ``Findings`` (and answers, and the log) into an ``Assessment``."""

from __future__ import annotations

from thrustlab.explanation.answers import (
    Answers,
    AnswersError,
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
from thrustlab.explanation.questions import QUESTIONS, Question, kg_from_lb, rpe_from_rir

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
