"""Analysis: one set end to end, what ``process`` returns and every shell shows or stores."""

from __future__ import annotations

from thrustlab.explanation.assessment import Assessment
from thrustlab.findings import Findings
from thrustlab.records import record


@record
class Analysis:
    """What was measured (``None``: answers only, no recording) and what it means. The
    findings carry the plot traces, so the report renders this and re-runs nothing."""

    findings: Findings | None
    assessment: Assessment
