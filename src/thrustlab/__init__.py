"""thrustlab: why do my legs shake during hip thrusts, and what do I do about it?

The public API. Heavy modules load on first use, so ``import thrustlab`` stays instant.
``read``, ``analyse`` and ``explain`` are subpackages that can be called as the functions
of the same name (see ``_callable``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from thrustlab.analyse import analyse, analyse_legs
    from thrustlab.batch import BatchResult, run_batch
    from thrustlab.config import AnalysisConfig
    from thrustlab.errors import (
        AnalysisError,
        FormatError,
        InputError,
        ReadError,
        ThrustlabError,
    )
    from thrustlab.explain import Answers, Assessment, explain
    from thrustlab.findings import Findings, RepMetrics, SetMetrics
    from thrustlab.quality import QualityFlag
    from thrustlab.read import read
    from thrustlab.recording import Recording
    from thrustlab.report.html import render_report
    from thrustlab.simulate import SetTruth, SimulationSpec, simulate_set

__all__ = [
    "AnalysisConfig",
    "AnalysisError",
    "Answers",
    "Assessment",
    "BatchResult",
    "Findings",
    "FormatError",
    "InputError",
    "QualityFlag",
    "ReadError",
    "Recording",
    "RepMetrics",
    "SetMetrics",
    "SetTruth",
    "SimulationSpec",
    "ThrustlabError",
    "__version__",
    "analyse",
    "analyse_legs",
    "explain",
    "read",
    "render_report",
    "run_batch",
    "simulate_set",
]

_HOMES = {
    "analyse": "thrustlab.analyse",
    "analyse_legs": "thrustlab.analyse",
    "AnalysisConfig": "thrustlab.config",
    "BatchResult": "thrustlab.batch",
    "Answers": "thrustlab.explain",
    "Assessment": "thrustlab.explain",
    "explain": "thrustlab.explain",
    "render_report": "thrustlab.report.html",
    "run_batch": "thrustlab.batch",
    "AnalysisError": "thrustlab.errors",
    "FormatError": "thrustlab.errors",
    "InputError": "thrustlab.errors",
    "ReadError": "thrustlab.errors",
    "ThrustlabError": "thrustlab.errors",
    "Findings": "thrustlab.findings",
    "RepMetrics": "thrustlab.findings",
    "SetMetrics": "thrustlab.findings",
    "QualityFlag": "thrustlab.quality",
    "read": "thrustlab.read",
    "Recording": "thrustlab.recording",
    "SetTruth": "thrustlab.simulate",
    "SimulationSpec": "thrustlab.simulate",
    "simulate_set": "thrustlab.simulate",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'thrustlab' has no attribute {name!r}")
