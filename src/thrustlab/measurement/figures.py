"""Set-level figures derived from the per-rep values (PRODUCT.md's definitions)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from thrustlab.config import AnalysisConfig
from thrustlab.findings import Legs, LegTremor, RepMetrics, SetMetrics
from thrustlab.measurement.reps import RepTiming
from thrustlab.measurement.tremor import TremorStats
from thrustlab.quality import QualityFlag


def mean_of(a: float | None, b: float | None, /) -> float | None:
    """The mean of two legs' values, or the one that was measured."""
    if a is None or b is None:
        return a if b is None else b
    return (a + b) / 2


def left_is_louder(left: TremorStats, right: TremorStats, /) -> bool:
    """Whether the left leg shakes more (ties: the left): its peak is the set's, and the
    report draws its traces."""
    return (left.rms_mps2 or 0.0) >= (right.rms_mps2 or 0.0)


def both_legs(left: TremorStats, right: TremorStats, /) -> TremorStats:
    """One figure for two legs (two sensors, or video): the mean of their RMS in each band,
    and the peak frequency of the leg that shakes more (ties: the left)."""
    louder = left if left_is_louder(left, right) else right
    return TremorStats(
        mean_of(left.rms_mps2, right.rms_mps2),
        louder.peak_hz,
        mean_of(left.fatigue_rms_mps2, right.fatigue_rms_mps2),
    )


def legs_of(left: TremorStats, right: TremorStats, /) -> Legs:
    """Each leg's own RMS and peak, for ``RepMetrics.legs`` and ``SetMetrics.legs``."""
    return Legs(LegTremor(left.rms_mps2, left.peak_hz), LegTremor(right.rms_mps2, right.peak_hz))


def trend_ratio(rms: Sequence[float | None], /) -> float | None:
    """Mean of the last third of the reps over the mean of the first third (1.0 = flat)."""
    values = [v for v in rms if v is not None]
    if len(values) < 2:
        return None
    k = max(1, len(values) // 3)
    first = float(np.mean(values[:k]))  # numpy, not statistics: 20 ms less start-up
    return float(np.mean(values[-k:])) / first if first > 0 else None


def onset_rep(
    rms: Sequence[float | None], /, *, reference_mps2: float | None, config: AnalysisConfig
) -> int | None:
    """First rep (1-based) from which the shaking stays at or above the onset threshold:
    ``onset_factor`` x the reference and ``onset_min_rise_mps2`` above it. The reference
    is the rest before the set when measured, else the calmest rep."""
    measured = [v for v in rms if v is not None]
    if not measured:
        return None
    reference = reference_mps2 if reference_mps2 is not None else min(measured)
    threshold = max(config.onset_factor * reference, reference + config.onset_min_rise_mps2)
    for i, value in enumerate(rms):
        rest = [v for v in rms[i:] if v is not None]
        if value is not None and value >= threshold and float(np.median(rest)) >= threshold:
            return i + 1
    return None


def slowdown_pct(concentric_s: Sequence[float], /) -> float | None:
    """How much longer the concentric phase takes at the end of the set than at its start,
    in %, on the straight line fitted through the reps' concentric times (one rep's time is
    only good to a tenth of a second; the trend of all of them is far better)."""
    if len(concentric_s) < 2:
        return None
    durations = np.asarray(concentric_s, dtype=float)
    middle = (durations.size - 1) / 2
    centred = np.arange(durations.size) - middle  # least squares, written out
    slope = float(centred @ durations) / float(centred @ centred)
    first = float(durations.mean()) - slope * middle
    if first <= 0:
        return None
    return float(100.0 * slope * (durations.size - 1) / first)


def velocity_loss_pct(rom_deg: Sequence[float], concentric_s: Sequence[float], /) -> float | None:
    """Loss of mean concentric speed from the fastest rep to the last, in %. The hips rise
    at a speed proportional to the thigh's angular speed, so the ratio needs no scale."""
    if len(rom_deg) < 2:
        return None
    speeds = [r / c for r, c in zip(rom_deg, concentric_s, strict=True) if c > 0]
    if len(speeds) != len(rom_deg) or max(speeds) <= 0:
        return None
    return 100.0 * (1.0 - speeds[-1] / max(speeds))


def asymmetry_pct(left: float | None, right: float | None, /) -> float | None:
    """``100 (right - left) / mean(left, right)``: positive when the right leg shakes more."""
    if left is None or right is None or left + right <= 0:
        return None
    return 100.0 * (right - left) / ((right + left) / 2)


def rep_metrics(r: RepTiming, i: int, stats: TremorStats, legs: Legs | None) -> RepMetrics:
    """Rep ``i`` (from 0) of the set, from its timing and its shaking (both paths)."""
    return RepMetrics.from_phases(
        i + 1,
        r.start_s,
        r.lockout_start_s,
        r.lockout_end_s,
        r.end_s,
        rom_deg=r.rom_deg,
        tremor_rms_mps2=stats.rms_mps2,
        tremor_peak_hz=stats.peak_hz,
        fatigue_band_rms_mps2=stats.fatigue_rms_mps2,
        legs=legs,
        concentric_rise_s=r.rise_s,
        partial=r.partial,
    )


def missing_flags(s: SetMetrics, reps: tuple[RepMetrics, ...]) -> tuple[QualityFlag, ...]:
    """Say why set figures are null (both paths)."""
    flags = []
    if s.legs is not None and s.asymmetry_index_pct is None:
        flags.append(
            QualityFlag(
                "asymmetry_not_measured",
                "info",
                "Neither leg shook clearly above the sensor's noise: the two legs cannot be "
                "compared (asymmetry left out).",
            )
        )
    if reps and s.baseline_tremor_rms_mps2 is None:
        flags.append(
            QualityFlag(
                "no_rest_before",
                "info",
                "No still second before the first rep: the resting baseline was not measured.",
            )
        )
    if reps and s.post_set_tremor_rms_mps2 is None:
        flags.append(
            QualityFlag(
                "no_rest_after",
                "info",
                "No still second with the thigh at rest after the last rep (sitting up, "
                "standing or handling the phone are not rest): shaking after the set was not "
                "measured. Stay still for a while after the last rep to measure it.",
            )
        )
    partial = [r.index for r in reps if r.partial]
    if partial:
        flags.append(
            QualityFlag(
                "partial_rep",
                "info",
                f"Rep {', '.join(map(str, partial))} fell well short of the set's range of "
                "motion (a failed or partial rep): it is counted, and its figures are its own.",
            )
        )
    if len(reps) == 1:
        flags.append(
            QualityFlag(
                "single_rep", "info", "One rep: trend, slowdown and velocity loss need two or more."
            )
        )
    return tuple(flags)
