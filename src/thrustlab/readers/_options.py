"""ReadOptions: what a file cannot say about itself, stated by the caller."""

from __future__ import annotations

import math
from typing import Literal, get_args

from thrustlab.errors import ReadOptionError
from thrustlab.quality import QualityFlag
from thrustlab.records import record

COLUMN_ROLES = ("time", "ax", "ay", "az", "gx", "gy", "gz")
"""Names ``ReadOptions.columns`` may use; ``"_"`` marks a column to ignore."""

TimeUnit = Literal["s", "ms", "us", "ns"]
AccUnit = Literal["mps2", "g", "mg"]
GyroUnit = Literal["rads", "degs", "mdps"]

SECONDS_PER: dict[str, float] = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}
UNIT_CHOICES: dict[str, tuple[str, ...]] = {
    "time_unit": get_args(TimeUnit),
    "acc_unit": get_args(AccUnit),
    "gyro_unit": get_args(GyroUnit),
}
"""The units each of ``ReadOptions``' unit fields takes."""


@record
class ReadOptions:
    """Facts about a file that its content does not state.

    ``columns`` names the columns of a CSV without a header row, in order (``"_"`` ignores
    one); ``time_unit`` says what the time column counts (None: detect it from the median
    interval, assuming 1-2000 Hz); ``rate_hz`` gives the rate of a CSV with no time column.
    These three apply to generic CSVs; an app's export states them (a warning says they
    were ignored). ``acc_unit`` and ``gyro_unit`` apply to every format and override what
    the file states (with a warning when they differ); None: the file's stated or
    documented unit, else judged from the data (see ``readers._units``).
    """

    columns: tuple[str, ...] | None = None
    time_unit: TimeUnit | None = None
    rate_hz: float | None = None
    acc_unit: AccUnit | None = None
    gyro_unit: GyroUnit | None = None

    def __post_init__(self) -> None:
        if self.columns is not None:
            unknown = [c for c in self.columns if c != "_" and c not in COLUMN_ROLES]
            if unknown:
                raise ReadOptionError(
                    "columns",
                    f"has unknown names {', '.join(unknown)}; "
                    f"use {', '.join(COLUMN_ROLES)} or _ to skip one",
                )
            named = [c for c in self.columns if c != "_"]
            if len(named) != len(set(named)):
                raise ReadOptionError("columns", "names a column twice")
        for field, choices in UNIT_CHOICES.items():
            value = getattr(self, field)
            if value is not None and value not in choices:
                raise ReadOptionError(field, f"must be one of {', '.join(choices)}, not {value!r}")
        if self.rate_hz is not None and not (
            isinstance(self.rate_hz, int | float)
            and math.isfinite(self.rate_hz)
            and self.rate_hz > 0
        ):
            raise ReadOptionError("rate_hz", f"must be a positive number, not {self.rate_hz!r}")


def ignored_options(options: ReadOptions, why: str, /) -> list[QualityFlag]:
    """Warnings for the CSV-only options given for a file that states them itself."""
    given = [
        what
        for what, value in (
            ("column names", options.columns),
            ("time unit", options.time_unit),
            ("rate", options.rate_hz),
        )
        if value is not None
    ]
    if not given:
        return []
    return [
        QualityFlag(
            "option_ignored", "warning", f"the {' and '.join(given)} given were ignored: {why}"
        )
    ]
