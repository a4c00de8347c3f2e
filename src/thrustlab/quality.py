"""Quality entries: what limits a result, said in words, never a silent NaN."""

from __future__ import annotations

from typing import Literal

from thrustlab.records import record

Severity = Literal["info", "warning", "error"]
SEVERITIES: tuple[Severity, ...] = ("info", "warning", "error")


@record
class QualityFlag:
    """One data-quality note: a stable ``code``, its severity and a sentence for people."""

    code: str
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if not self.code or not self.message:
            raise ValueError("a quality flag needs a code and a message")
