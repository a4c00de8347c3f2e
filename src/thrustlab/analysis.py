"""Analysis: one set end to end, what ``process`` returns and every shell shows or stores."""

from __future__ import annotations

from dataclasses import dataclass

from thrustlab.explanation.assessment import Assessment
from thrustlab.findings import Findings


@dataclass(frozen=True, slots=True)
class Analysis:
    """What was measured (``None``: answers only, no recording) and what it means. The
    findings carry the plot traces, so the report renders this and re-runs nothing."""

    findings: Findings | None
    assessment: Assessment
