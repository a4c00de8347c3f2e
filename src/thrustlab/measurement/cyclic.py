"""Cycle counting for any repeated movement (``mode="cyclic"``), without hip-thrust rules.

The movement signal is the first principal component of the low-passed gyroscope or
acceleration, whichever is more periodic (more of its power near its dominant frequency).
Cycles are its peaks, each at least ``MIN_SPACING`` of a period after the last and standing
out by ``SWING_FRACTION`` of the signal's range; both signs of the signal are counted and the
median kept. A cycle runs from the trough before its peak to the trough after.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.measurement.reps import RepTiming, zigzag
from thrustlab.signal.filters import lowpass
from thrustlab.signal.spectra import power_spectrum

FloatArray = npt.NDArray[np.float64]

MOVEMENT_CUTOFF_HZ = 2.0
"""Repeated exercise movements lie below 2 Hz."""
CYCLE_BAND_HZ = (0.15, 2.0)
"""Cycles last 0.5 to 7 s."""
SWING_FRACTION = 0.4
"""A peak must rise 40 % of the signal's 5-95 % range above the troughs beside it."""
HOLD_FRACTION = 0.05
"""A movement holds at an extreme while it stays within 5 % of the signal's range of it
(a still phone's noise is a few hundredths of a cycle's swing)."""
MIN_SPACING = 0.65
"""Peaks closer than 0.65 of the dominant period belong to the same cycle."""
GAP_RANGE = (0.5, 1.8)
"""Cycles of one set follow each other at 0.5-1.8 times their median spacing; a movement
before or after the set (sitting up, handling the phone) rarely keeps that pace."""
PROMINENCE_RANGE = (0.25, 2.5)
"""...and stand out by 0.4-2.5 times the median cycle's swing."""
MAX_IRREGULARITY = 0.3
"""...and their spacing varies by under 30 % (coefficient of variation): a set keeps a
rhythm, handling a phone has none."""
MIN_CYCLES = 3
"""Cyclic mode counts a repeated movement: three cycles or more."""
MIN_LIKENESS = 0.75
"""...whose cycles are alike in every axis of every sensor (a limb turns the phone as it
moves it, so its cycles show in the gyroscope as in the acceleration): the median cycle's
correlation with the typical one (each cycle's movement resampled to ``LIKENESS_POINTS``
and normalised, each sensor in units of its smallest real swing) is 0.75 or more. Real
wrist series (SPAR) reach 0.79-0.98; a phone turned in the hand about one axis and
another while the hand moves it to and fro at a steady pace 0.70 or less (seeds 0-99 of
the simulator's ``handling``; 0.86 when the acceleration alone was compared)."""
LEVEL_TOLERANCE = 0.35
"""A run's first or last peak is one of its cycles only when it reaches the level of the
others within 35 % of their swing (full reps of one set reach within about 10 % of each
other): pulling the feet in before the set, or sitting up after it, stops short or goes
past."""
LIKENESS_POINTS = 32
"""Cycles are compared at 32 points each."""


def movement_signal(
    columns: tuple[FloatArray | None, ...], /, *, rate_hz: float, swings: tuple[float, ...]
) -> tuple[FloatArray, FloatArray, int]:
    """The most periodic first principal component among the (N, 3) ``columns`` given,
    every column's movement side by side (low-passed, offset removed, each in units of
    its ``swings``, the smallest real movement: a phone that turns as it moves shows its
    cycles in both), and the position of the column the component came from."""
    best: tuple[float, FloatArray, int] | None = None
    movement = []
    for k, values in enumerate(columns):
        if values is None:
            continue
        slow = lowpass(values, fs_hz=rate_hz, cutoff_hz=MOVEMENT_CUTOFF_HZ)
        slow = slow - slow.mean(axis=0)
        movement.append(slow / swings[k])
        _, _, vt = np.linalg.svd(slow, full_matrices=False)
        component = np.asarray(slow @ vt[0])
        score = _periodicity(component, rate_hz)
        if best is None or score > best[0]:
            best = (score, component, k)
    if best is None:
        raise ValueError("no movement signal given")
    return best[1], np.hstack(movement), best[2]


def _dominant(x: FloatArray, rate_hz: float) -> tuple[FloatArray, FloatArray, float]:
    freqs, psd = power_spectrum(x, fs_hz=rate_hz, window_s=min(20.0, x.size / rate_hz))
    band = (freqs >= CYCLE_BAND_HZ[0]) & (freqs <= CYCLE_BAND_HZ[1])
    return freqs, psd, float(freqs[band][np.argmax(psd[band])])


def _periodicity(x: FloatArray, rate_hz: float) -> float:
    """Share of the movement power within 10 % of the dominant frequency."""
    freqs, psd, f0 = _dominant(x, rate_hz)
    near = np.abs(freqs - f0) <= 0.1 * f0 + 0.05
    total = float(psd[(freqs > 0.1) & (freqs < 5.0)].sum())
    return float(psd[near].sum()) / total if total > 0 else 0.0


def _held(x: FloatArray, i: int, within: float) -> int:
    """The middle of the stretch around ``i`` where ``x`` stays within ``within`` of
    ``x[i]``: where a movement holds at its extreme (a lockout, a rest), its turning point
    is the hold's middle, not wherever noise puts the extreme sample."""
    low = x < x[i] - within
    before = np.flatnonzero(low[:i])
    after = np.flatnonzero(low[i:])
    lo = before[-1] + 1 if before.size else 0
    hi = i + after[0] - 1 if after.size else x.size - 1
    return (lo + hi) // 2


def _peaks(x: FloatArray, rate_hz: float, period_s: float, min_swing: float) -> list[int]:
    low, high = np.percentile(x, [5, 95])
    peaks: list[int] = []
    swing = max(SWING_FRACTION * float(high - low), min_swing)
    hold = HOLD_FRACTION * float(high - low)
    for extreme, kind in zigzag(x, min_swing=swing):
        if kind != 1:
            continue
        i = _held(x, extreme, hold)
        if peaks and (i - peaks[-1]) / rate_hz < MIN_SPACING * period_s:
            if x[i] > x[peaks[-1]]:
                peaks[-1] = i
        else:
            peaks.append(i)
    return peaks


def _regular_run(x: FloatArray, peaks: list[int]) -> list[int]:
    """The longest run of peaks (maxima of ``x``) that come at a steady pace and stand out
    alike: each gap within ``GAP_RANGE`` of the median gap, each peak's prominence within
    ``PROMINENCE_RANGE`` of the median. Fewer than ``MIN_CYCLES`` such peaks: none (a
    repeated movement repeats; handling a phone does not)."""
    if len(peaks) < MIN_CYCLES:
        return []
    bounds = [0, *peaks, x.size - 1]
    prominence = np.array(
        [
            x[p] - max(x[bounds[k] : p + 1].min(), x[p : bounds[k + 2] + 1].min())
            for k, p in enumerate(peaks)
        ]
    )
    typical = float(np.median(prominence))
    alike = (prominence >= PROMINENCE_RANGE[0] * typical) & (
        prominence <= PROMINENCE_RANGE[1] * typical
    )
    gap = float(np.median(np.diff(peaks)))
    runs: list[list[int]] = []
    for k, p in enumerate(peaks):
        if not alike[k]:
            runs.append([])
            continue
        steady = bool(runs and runs[-1]) and (
            GAP_RANGE[0] * gap <= p - runs[-1][-1] <= GAP_RANGE[1] * gap
        )
        if steady:
            runs[-1].append(p)
        else:
            runs.append([p])
    longest = max(runs, key=len)
    if len(longest) < MIN_CYCLES or _irregularity(longest) > MAX_IRREGULARITY:
        return []
    return longest


def _rests(outer: list[int], inner: list[int], size: int) -> bool:
    """The ``outer`` peaks are the rests before, between and after the ``inner`` ones (the
    excursions): ``inner`` has one peak fewer, each between two consecutive ``outer``
    ones, and the recording goes on for a cycle or more past the first and the last
    ``outer`` peak with no other (the movement stopped there: a set that starts and ends at
    rest at one extreme passes it once more than the other). A recording cut to the
    movement (its first and last peaks within a cycle of its ends) is read as it comes."""
    if len(inner) < MIN_CYCLES or len(outer) != len(inner) + 1:
        return False
    period = float(np.median(np.diff(outer)))
    alternate = all(a < p < b for p, (a, b) in zip(inner, pairwise(outer), strict=False))
    return alternate and outer[0] >= period and size - 1 - outer[-1] >= period


def _rests_between(outer: list[int], inner: list[int], y: FloatArray) -> bool:
    """The ``outer`` peaks (maxima of ``y``) are the rests between the ``inner`` ones (the
    excursions, minima of ``y``): one between each two, none beyond, and ``y`` comes back
    to the rests' level (within ``LEVEL_TOLERANCE`` of the swing, or past it) before the
    first and after the last excursion. A long still rest before or after the set has its
    peak anywhere along it, often more than a cycle from the reps (or merged with sitting
    up after it), so that its own peak is not in the run."""
    if len(inner) < MIN_CYCLES or len(outer) != len(inner) - 1:
        return False
    if not all(a < p < b for p, (a, b) in zip(outer, pairwise(inner), strict=True)):
        return False
    level = float(np.median(y[outer]))
    near = level - LEVEL_TOLERANCE * (level - float(np.median(y[inner])))
    return bool(y[: inner[0]].max() >= near and y[inner[-1] :].max() >= near)


def _level_trimmed(x: FloatArray, peaks: list[int]) -> list[int]:
    """``peaks`` (maxima of ``x``) without the first and last ones whose level lies off
    the median peak's by more than ``LEVEL_TOLERANCE`` of the typical swing (the median
    peak over the median trough between two peaks)."""
    if len(peaks) < 2:
        return peaks
    level = float(np.median(x[peaks]))
    trough = float(np.median([x[a:b].min() for a, b in pairwise(peaks)]))
    near = np.abs(x[peaks] - level) <= LEVEL_TOLERANCE * (level - trough)
    lo, hi = 0, len(peaks)
    while lo < hi and not near[lo]:
        lo += 1
    while hi > lo and not near[hi - 1]:
        hi -= 1
    return peaks[lo:hi]


def _likeness(axes: FloatArray, spans: Iterable[tuple[int, int]]) -> float:
    """The median correlation of each span's movement (``axes`` (N, k) from ``lo`` to
    ``hi``, resampled to ``LIKENESS_POINTS``, offset removed, unit length) with the typical
    cycle (their median, normalised)."""
    shapes = []
    for lo, hi in spans:
        segment = axes[lo : hi + 1]
        at = np.linspace(0.0, segment.shape[0] - 1.0, LIKENESS_POINTS)
        points = np.arange(segment.shape[0], dtype=float)
        shape = np.column_stack([np.interp(at, points, column) for column in segment.T])
        shape = (shape - shape.mean(axis=0)).ravel()
        shapes.append(shape / max(float(np.linalg.norm(shape)), 1e-12))
    matrix = np.array(shapes)
    typical = np.median(matrix, axis=0)
    typical /= max(float(np.linalg.norm(typical)), 1e-12)
    return float(np.median(matrix @ typical))


def _irregularity(peaks: list[int]) -> float:
    gaps = np.diff(peaks)
    return float(np.std(gaps) / np.mean(gaps)) if gaps.size > 1 else 0.0


def find_cycles(
    x: FloatArray,
    /,
    *,
    rate_hz: float,
    angle_deg: FloatArray | None,
    angle_rate_hz: float,
    min_swing: float,
    config: AnalysisConfig,
    axes: FloatArray | None = None,
) -> tuple[RepTiming, ...]:
    """The cycles of movement signal ``x``: the peaks of whichever sign of ``x`` comes more
    regularly (or of the other sign, where those are the rests around its excursions:
    ``_rests``), each standing out by ``min_swing`` (in ``x``'s units) at least, so that a
    still phone's noise holds none. A cycle spans half the typical spacing either side of
    its peak (a still lead-in or tail is not part of it). With ``axes`` (every sensor's movement,
    ``movement_signal``), the cycles must be alike in all of them (``MIN_LIKENESS``). ROM is
    the range of ``angle_deg`` (at ``angle_rate_hz``) over each cycle."""
    centred = np.asarray(x - np.median(x), dtype=np.float64)
    _, _, f0 = _dominant(centred, rate_hz)
    signed = [centred, -centred]
    found = [_peaks(y, rate_hz, 1.0 / f0, min_swing) for y in signed]
    if _irregularity(found[1]) < _irregularity(found[0]):
        signed, found = signed[::-1], found[::-1]
    runs = [_level_trimmed(y, _regular_run(y, p)) for y, p in zip(signed, found, strict=True)]
    runs = [run if len(run) >= MIN_CYCLES else [] for run in runs]
    rests = _rests(runs[0], runs[1], x.size) or _rests_between(runs[0], runs[1], signed[0])
    peaks = runs[1] if rests or not runs[0] else runs[0]
    half = (
        round(float(np.median(np.diff(peaks))) / 2) if len(peaks) > 1 else round(rate_hz / f0 / 2)
    )
    bounds = [
        max(0, peaks[0] - half) if peaks else 0,
        *((a + b) // 2 for a, b in pairwise(peaks)),
        min(x.size - 1, peaks[-1] + half) if peaks else 0,
    ]
    if axes is not None and peaks and _likeness(axes, pairwise(bounds)) < MIN_LIKENESS:
        return ()
    reps = []
    for k, peak in enumerate(peaks):
        lo, hi = bounds[k], bounds[k + 1]
        rom = 0.0
        if angle_deg is not None:
            span = angle_deg[
                round(lo * angle_rate_hz / rate_hz) : round(hi * angle_rate_hz / rate_hz) + 1
            ]
            rom = float(np.ptp(span)) if span.size else 0.0
        t = peak / rate_hz
        reps.append(RepTiming(lo / rate_hz, t, t, hi / rate_hz, rom, rise_s=(peak - lo) / rate_hz))
    return tuple(reps)
