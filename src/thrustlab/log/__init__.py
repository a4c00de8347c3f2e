"""The training log: lifters, sessions, sets and their analyses in SQLite or PostgreSQL.

A thin shell over the core (it imports ``explain``, ``report``, ``analyse``, ``read``; they
never import it). Open a log with ``open_log(url)``, work in ``session_scope(engine)``, and
use the repository functions; nothing here touches a database on import.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers; at run time each name loads on first use (below)
    from thrustlab.log.db import (
        downgrade,
        make_engine,
        open_log,
        session_scope,
        upgrade,
        write,
    )
    from thrustlab.log.errors import (
        DatabaseError,
        LogImportError,
        NotFoundError,
    )
    from thrustlab.log.history import (
        LiftTrend,
        TrendRow,
        history_for,
        lift_trends,
    )
    from thrustlab.log.location import (
        DATABASE_URL_ENV,
        default_url,
        resolve_url,
    )
    from thrustlab.log.models import (
        EXERCISES,
    )
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

_HOMES = {
    "DATABASE_URL_ENV": "thrustlab.log.location",
    "default_url": "thrustlab.log.location",
    "resolve_url": "thrustlab.log.location",
    "downgrade": "thrustlab.log.db",
    "make_engine": "thrustlab.log.db",
    "open_log": "thrustlab.log.db",
    "session_scope": "thrustlab.log.db",
    "upgrade": "thrustlab.log.db",
    "write": "thrustlab.log.db",
    "DatabaseError": "thrustlab.log.errors",
    "LogImportError": "thrustlab.log.errors",
    "NotFoundError": "thrustlab.log.errors",
    "LiftTrend": "thrustlab.log.history",
    "TrendRow": "thrustlab.log.history",
    "history_for": "thrustlab.log.history",
    "lift_trends": "thrustlab.log.history",
    "EXERCISES": "thrustlab.log.models",
    "DEFAULT_LIFTER": "thrustlab.log.repo",
    "AnalysisRecord": "thrustlab.log.repo",
    "NewSet": "thrustlab.log.repo",
    "RecordingRef": "thrustlab.log.repo",
    "SetRow": "thrustlab.log.repo",
    "add_set": "thrustlab.log.repo",
    "analysis_record": "thrustlab.log.repo",
    "delete_lifter": "thrustlab.log.repo",
    "delete_set": "thrustlab.log.repo",
    "get_set": "thrustlab.log.repo",
    "lifter_weight_unit": "thrustlab.log.repo",
    "list_sets": "thrustlab.log.repo",
    "recording_ref": "thrustlab.log.repo",
    "remember_weight_unit": "thrustlab.log.repo",
    "update_set": "thrustlab.log.repo",
}
"""Every public name and its module: ``import thrustlab.log`` imports no SQLAlchemy, so
``analyze`` can look for a log (``location``) without paying for the database code."""


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


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'thrustlab.log' has no attribute {name!r}")
