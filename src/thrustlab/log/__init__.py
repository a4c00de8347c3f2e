"""The training log: lifters, sessions, sets and their analyses in SQLite or PostgreSQL.

A thin shell over the core (it imports ``explain``, ``report``, ``analyse``, ``read``; they
never import it). Open a log with ``open_log(url)``, work in ``session_scope(engine)``, and
use the repository functions; nothing here touches a database on import.
"""

from __future__ import annotations

from thrustlab.log.db import (
    DATABASE_URL_ENV,
    default_url,
    downgrade,
    make_engine,
    open_log,
    resolve_url,
    session_scope,
    upgrade,
    write,
)
from thrustlab.log.errors import DatabaseError, LogImportError, NotFoundError
from thrustlab.log.history import LiftTrend, TrendRow, history_for, lift_trends
from thrustlab.log.models import EXERCISES
from thrustlab.log.repo import (
    DEFAULT_LIFTER,
    AnalysisRecord,
    NewSet,
    RecordingRef,
    SetRow,
    add_set,
    analysis_record,
    delete_lifter,
    delete_set,
    get_set,
    lifter_weight_unit,
    list_sets,
    recording_ref,
    remember_weight_unit,
    update_set,
)

__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_LIFTER",
    "EXERCISES",
    "AnalysisRecord",
    "DatabaseError",
    "LiftTrend",
    "LogImportError",
    "NewSet",
    "NotFoundError",
    "RecordingRef",
    "SetRow",
    "TrendRow",
    "add_set",
    "analysis_record",
    "default_url",
    "delete_lifter",
    "delete_set",
    "downgrade",
    "get_set",
    "history_for",
    "lift_trends",
    "lifter_weight_unit",
    "list_sets",
    "make_engine",
    "open_log",
    "recording_ref",
    "remember_weight_unit",
    "resolve_url",
    "session_scope",
    "update_set",
    "upgrade",
    "write",
]
