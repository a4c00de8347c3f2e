"""Explain the shaking: knowledge base, answers, history checks and ``explain()``."""

from __future__ import annotations

from thrustlab.explain.history import History, HistoryChecks, PastSet, history_checks

__all__ = ["History", "HistoryChecks", "PastSet", "history_checks"]
