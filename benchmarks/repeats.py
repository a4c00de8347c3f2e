"""Gates that do not pass or fail by luck: each gated ratio is measured in at least 5
interleaved repeats and judged on its median, printed with its range.

Interleaved: in each repeat every job runs once, one after another, so a burst of load from
other processes on the machine falls on all of them alike; the ratio is taken within each
repeat (numerator and denominator measured side by side), then the median over the repeats.

Used by every benchmark with a gate: ``from repeats import interleaved, ratio``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

MIN_REPEATS = 5
Label = TypeVar("Label")


def interleaved(
    jobs: Mapping[Label, Callable[[], object]], /, *, repeats: int = MIN_REPEATS
) -> dict[Label, list[float]]:
    """Wall seconds of each job in each of ``repeats`` rounds, the jobs taking turns."""
    times: dict[Label, list[float]] = {label: [] for label in jobs}
    for _ in range(repeats):
        for label, job in jobs.items():
            start = time.perf_counter()
            job()
            times[label].append(time.perf_counter() - start)
    return times


@dataclass(frozen=True, slots=True)
class Ratio:
    """A ratio measured once per repeat; judged on its median."""

    name: str
    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def text(self) -> str:
        """``name: median (range low-high, n repeats)``."""
        low, high = min(self.values), max(self.values)
        return (
            f"{self.name}: {self.median:.2f}x median "
            f"(range {low:.2f}-{high:.2f}, {len(self.values)} repeats)"
        )

    def judge(self, *, at_most: float | None = None, at_least: float | None = None) -> bool:
        """Print the ratio with its target and verdict; True when the median meets the
        target. Fewer than ``MIN_REPEATS`` repeats never pass."""
        if at_most is not None:
            ok, target = self.median <= at_most, f"target <= {at_most:g}x"
        elif at_least is not None:
            ok, target = self.median >= at_least, f"target >= {at_least:g}x"
        else:
            raise ValueError("judge needs at_most or at_least")
        enough = len(self.values) >= MIN_REPEATS
        verdict = "ok" if ok and enough else "MISSED" if enough else f"under {MIN_REPEATS} repeats"
        print(f"{self.text()}; {target}: {verdict}")
        return ok and enough


def ratio(name: str, numerator: list[float], denominator: list[float], /) -> Ratio:
    """``numerator[i] / denominator[i]`` for each repeat i (both from one ``interleaved``
    call, or lists measured side by side in the same rounds)."""
    if len(numerator) != len(denominator) or not numerator:
        raise ValueError(f"{name}: needs as many numerators as denominators, at least one")
    return Ratio(name, tuple(a / b for a, b in zip(numerator, denominator, strict=True)))


def summary(label: str, seconds: list[float], /, *, per: int = 1, unit: str = "s") -> str:
    """One line: the median and range of a job's times (``per`` items per run)."""
    scale = 1000.0 / per if unit == "ms" else 1.0 / per
    values = sorted(s * scale for s in seconds)
    return (
        f"{label:<28} {statistics.median(values):8.3f} {unit} median "
        f"(range {values[0]:.3f}-{values[-1]:.3f})"
    )
