"""The id of the JSON contract (PRODUCT.md), in a module light enough for the log to import."""

ANALYSIS_SCHEMA = "thrustlab.analysis/2"
"""``/2`` added ``assessment.basis`` and ``red_flags[].urgency``; ``stop`` now means a warning
sign of urgency ``now``. Within ``/2``, ``traces.angle`` was added (optional)."""
