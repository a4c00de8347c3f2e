"""Set-level figures derived from the per-rep values (PRODUCT.md's definitions)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from thrustlab.config import AnalysisConfig
from thrustlab.findings import Legs, LegTremor, RepMetrics, SetMetrics
from thrustlab.measurement.plausible import Checker
from thrustlab.measurement.reps import RepTiming, median_of_few
from thrustlab.measurement.tremor import TremorStats
from thrustlab.quality import QualityFlag

REP_NOTES = ("partial_rep", "single_rep")
"""The notes about the reps themselves, said whatever the shaking's unit."""


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
    """Mean of the last third of the reps over the mean of the first third (1.0 = flat),
    each third over its reps measured; None when either has none. The thirds are the set's:
    taken from the measured reps alone, a set whose last reps were not measured (the phone
    lowered its rate) had its middle called its last third."""
    k = max(1, len(rms) // 3)
    first = [v for v in rms[:k] if v is not None]
    last = [v for v in rms[-k:] if v is not None]
    if len(rms) < 2 or not first or not last:
        return None
    start = _mean(first)  # as np.mean, not statistics: 20 ms less start-up
    return _mean(last) / start if start > 0 else None


SHORT = 8
"""``np.mean`` adds fewer than 8 values one after another from 0 (pairwise from 8 on)."""


def _mean(values: Sequence[float], /) -> float:
    """``float(np.mean(values))`` of finite floats: for a few, the same additions in the same
    order on Python floats (numpy's set-up costs more than the sums)."""
    if len(values) >= SHORT or not values:
        return float(np.mean(values))
    total = 0.0
    for value in values:
        total += value
    return total / len(values)


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
        if value is not None and value >= threshold:  # the rest's median only where needed
            rest = [v for v in rms[i:] if v is not None]
            if median_of_few(rest) >= threshold:
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


def _no_rest_after(rest_s: float | None, /) -> str:
    """Why the shaking after the set is not measured: no rest found, or a rest of ``rest_s``
    with too few samples in it (a phone that lowered its rate)."""
    if rest_s is not None:
        return (
            f"The thigh rested {rest_s:.0f} s after the last rep, but with too few samples "
            "there to measure (see the notes on the samples): shaking after the set was not "
            "measured."
        )
    return (
        "No still second with the thigh at rest after the last rep (sitting up, standing or "
        "handling the phone are not rest): shaking after the set was not measured. Stay "
        "still for a while after the last rep to measure it."
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
        flags.append(QualityFlag("no_rest_after", "info", _no_rest_after(s.post_set_rest_s)))
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


class LegShaking(Protocol):
    """What a leg's measurement gives the set's figures (a sensor's ``LegResult``, or a
    ``MotionResult`` from a sensor or a video)."""

    @property
    def set_tremor(self) -> TremorStats: ...
    @property
    def baseline(self) -> TremorStats: ...
    @property
    def post_set(self) -> TremorStats: ...
    @property
    def post_set_end(self) -> TremorStats: ...
    @property
    def post_set_rest_s(self) -> float | None: ...


def in_mps2(stats: TremorStats, measured: bool, /) -> TremorStats:
    """``stats`` when its RMS is in m/s2, else only its frequency (a video without a scale
    measures pixels per s2)."""
    return stats if measured else TremorStats(None, stats.peak_hz, None)


def set_figures(
    reps: tuple[RepMetrics, ...],
    legs: Sequence[LegShaking],
    /,
    *,
    config: AnalysisConfig,
    mps2: bool = True,
) -> tuple[SetMetrics, tuple[QualityFlag, ...]]:
    """The set's figures from its reps (their shaking already in m/s2 or left out) and one
    or two legs' shaking (the first sets the rest's length), with a quality entry for each
    figure left out as implausible and for each one that could not be measured (both
    paths). ``mps2``: the legs' shaking is in m/s2; without it (a video with no scale) only
    the frequencies and the legs' ratio are kept, and only the reps' own notes are said."""
    first, *others = legs
    both = in_mps2(
        first.set_tremor if not others else both_legs(first.set_tremor, others[0].set_tremor),
        mps2,
    )
    rms = [r.tremor_rms_mps2 for r in reps]
    baseline, post, post_end = (
        (
            _legs_mean([leg.baseline.rms_mps2 for leg in legs]),
            _legs_mean([leg.post_set.rms_mps2 for leg in legs]),
            _legs_mean([leg.post_set_end.rms_mps2 for leg in legs]),
        )
        if mps2
        else (None, None, None)
    )
    full = [r for r in reps if not r.partial]  # a failed rep's timing is its own
    check = Checker(config, config.tremor_band_hz)  # only values: the band is not used
    set_metrics = SetMetrics(
        rep_count=len(reps),
        tremor_rms_mps2=both.rms_mps2,
        tremor_peak_hz=both.peak_hz,
        tremor_trend_ratio=check.value(
            trend_ratio(rms),
            name="The shaking's trend over the set",
            unit="x",
            bounds=config.plausible_trend_ratio,
        ),
        tremor_onset_rep=onset_rep(rms, reference_mps2=baseline, config=config),
        post_set_tremor_rms_mps2=post,
        asymmetry_index_pct=_asymmetry(legs, mps2, config),
        concentric_slowdown_pct=check.value(
            slowdown_pct([r.concentric_rise_s for r in full if r.concentric_rise_s is not None]),
            name="The concentric slowdown",
            unit="%",
            bounds=config.plausible_slowdown_pct,
        ),
        velocity_loss_pct=velocity_loss_pct(
            [r.rom_deg for r in full], [r.concentric_s for r in full]
        ),
        baseline_tremor_rms_mps2=baseline,
        fatigue_band_rms_mps2=both.fatigue_rms_mps2,
        legs=(
            legs_of(in_mps2(first.set_tremor, mps2), in_mps2(others[0].set_tremor, mps2))
            if others
            else None
        ),
        post_set_rest_s=first.post_set_rest_s,
        post_set_end_tremor_rms_mps2=post_end,
    )
    missing = missing_flags(set_metrics, reps)
    if not mps2:  # the unit's own entry says why the shaking is not given
        missing = tuple(f for f in missing if f.code in REP_NOTES)
    return set_metrics, (*check.flags, *missing)


def _legs_mean(values: list[float | None], /) -> float | None:
    """One leg's value, or the mean of two legs'."""
    return values[0] if len(values) == 1 else mean_of(values[0], values[1])


def _asymmetry(legs: Sequence[LegShaking], mps2: bool, config: AnalysisConfig) -> float | None:
    """The asymmetry index, when at least one leg shakes clearly above sensor noise (the
    legs are compared in the same unit whatever it is: a ratio needs no scale)."""
    if len(legs) < 2:
        return None
    left, right = legs[0].set_tremor.rms_mps2, legs[1].set_tremor.rms_mps2
    if mps2 and max(left or 0.0, right or 0.0) < config.asymmetry_min_rms_mps2:
        return None
    return asymmetry_pct(left, right)
