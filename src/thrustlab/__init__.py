"""thrustlab: why do my legs shake during hip thrusts, and what do I do about it?

The public API. ``process`` runs the whole chain; ``read``, ``analyse``, ``explain`` and
``render_report`` are its steps. Each name is listed once below with the module it lives in,
and loads on first use, so ``import thrustlab`` stays instant and does nothing else.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_HOMES = {
    "process": "thrustlab.pipeline",
    "Analysis": "thrustlab.analysis",
    "VideoOptions": "thrustlab.pipeline",
    "to_document": "thrustlab.document",
    "from_document": "thrustlab.document",
    "read": "thrustlab.readers",
    "ReadOptions": "thrustlab.readers",
    "Recording": "thrustlab.recording",
    "analyse": "thrustlab.measurement",
    "analyse_legs": "thrustlab.measurement",
    "AnalysisConfig": "thrustlab.config",
    "Findings": "thrustlab.findings",
    "RepMetrics": "thrustlab.findings",
    "SetMetrics": "thrustlab.findings",
    "QualityFlag": "thrustlab.quality",
    "explain": "thrustlab.explanation",
    "Answers": "thrustlab.explanation",
    "Assessment": "thrustlab.explanation",
    "History": "thrustlab.explanation",
    "render_report": "thrustlab.report.html",
    "run_batch": "thrustlab.batch",
    "BatchResult": "thrustlab.batch",
    "simulate_set": "thrustlab.simulate",
    "simulate_legs": "thrustlab.simulate",
    "SimulationSpec": "thrustlab.simulate",
    "SetTruth": "thrustlab.simulate",
    "ThrustlabError": "thrustlab.errors",
    "InputError": "thrustlab.errors",
    "ReadError": "thrustlab.errors",
    "FormatError": "thrustlab.errors",
    "AnalysisError": "thrustlab.errors",
}
"""Every public name and its home."""

__all__ = ["__version__", *_HOMES]  # noqa: PLE0604  (the keys are the names, as strings)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'thrustlab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
