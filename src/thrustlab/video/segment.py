"""Reps from the bar's (or the hips') height in the picture.

1. The height is low-passed (rep movement lies below ``LOWPASS_HZ``) and its turning points
   at least ``MIN_SWING_FRACTION`` of the set's range apart are found (a zigzag).
2. Every bottom -> top -> bottom triple whose top and bottoms sit near the set's typical
   levels is a rep (set-up and racking moves do not).
3. Phase boundaries are where the vertical speed crosses ``ONSET_FRACTION`` of that phase's
   peak speed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

SMOOTH_S = 0.025
"""The height is smoothed with a Gaussian of 25 ms standard deviation (half power near
5 Hz): the bar's rep movement passes, shaking is damped, and unlike a sharp low-pass it
does not ring around the rep's corners, which would move the phase boundaries."""
MIN_SWING_FRACTION = 0.4
"""A swing under 40 % of the set's range (2nd to 98th percentile) is not a rep."""
LEVEL_TOLERANCE = 0.35
"""A rep's top and bottoms lie within 35 % of the range of the set's typical levels."""
ONSET_LEVELS = (0.1, 0.3)
"""A phase starts (ends) where the tangent through the speed's crossings of 10 % and 30 % of
the phase's peak reaches zero: robust to noise near zero speed, and not shortened (a plain
10 % threshold cuts a smooth rep's concentric by about 6 % and overstates its speed)."""


@dataclass(frozen=True, slots=True)
class BarRep:
    """One rep on the height trajectory; heights in the trajectory's unit."""

    start_s: float
    lockout_start_s: float
    lockout_end_s: float
    end_s: float
    rise: float

    @property
    def concentric_s(self) -> float:
        return self.lockout_start_s - self.start_s

    @property
    def mean_concentric_speed(self) -> float:
        return self.rise / self.concentric_s if self.concentric_s > 0 else float("nan")


def smooth(y: FloatArray, /, *, sigma_samples: float) -> FloatArray:
    """Gaussian smoothing, the ends mirrored."""
    half = max(1, int(np.ceil(4 * sigma_samples)))
    x = np.arange(-half, half + 1)
    kernel = np.exp(-0.5 * (x / max(sigma_samples, 1e-9)) ** 2)
    kernel /= kernel.sum()
    pad = min(half, y.size - 1)
    padded = np.concatenate([y[pad:0:-1], y, y[-2 : -pad - 2 : -1]])
    out = np.convolve(padded, kernel, mode="same")
    return np.asarray(out[pad : pad + y.size])


def turning_points(y: FloatArray, /, *, min_swing: float) -> list[tuple[int, int]]:
    """Alternating extremes ``(index, +1 top / -1 bottom)`` at least ``min_swing`` apart."""
    points: list[tuple[int, int]] = []
    trend, ext_i = 0, 0
    lo_i = hi_i = 0
    for i in range(1, y.size):
        if trend == 0:
            lo_i = i if y[i] < y[lo_i] else lo_i
            hi_i = i if y[i] > y[hi_i] else hi_i
            if y[hi_i] - y[lo_i] >= min_swing:
                trend = 1 if hi_i > lo_i else -1
                points.append((lo_i, -1) if trend == 1 else (hi_i, 1))
                ext_i = hi_i if trend == 1 else lo_i
        elif trend * (y[i] - y[ext_i]) > 0:
            ext_i = i
        elif trend * (y[ext_i] - y[i]) >= min_swing:
            points.append((ext_i, trend))
            trend, ext_i = -trend, i
    if trend != 0:
        points.append((ext_i, trend))
    return points


def _crossing(v: FloatArray, start: int, stop: int, level: float, step: int) -> float:
    """Fractional index, from ``start`` towards ``stop``, where ``v`` falls to ``level``."""
    i = start
    while i != stop and v[i] > level:
        i += step
    if i == start or v[i] > level:
        return float(i)
    previous = i - step
    fraction = (v[previous] - level) / (v[previous] - v[i])
    return previous + step * float(fraction)


def _onset(v: FloatArray, peak: int, stop: int, step: int) -> float:
    """Where the phase peaking at ``peak`` starts (``step`` -1) or ends (+1): the tangent
    through the crossings of ``ONSET_LEVELS`` extrapolated to zero speed, kept inside the
    turning points."""
    low, high = (_crossing(v, peak, stop, f * v[peak], step) for f in ONSET_LEVELS)
    ratio = ONSET_LEVELS[0] / (ONSET_LEVELS[1] - ONSET_LEVELS[0])
    edge = low + (low - high) * ratio
    return float(np.clip(edge, min(peak, stop), max(peak, stop)))


def find_bar_reps(height: FloatArray, /, *, rate_hz: float) -> tuple[BarRep, ...]:
    """Reps in ``height`` (up positive, sampled at ``rate_hz``)."""
    if height.size < round(rate_hz):
        return ()
    y = smooth(height, sigma_samples=SMOOTH_S * rate_hz)
    span = float(np.percentile(y, 98) - np.percentile(y, 2))
    if span <= 0:
        return ()
    points = turning_points(y, min_swing=MIN_SWING_FRACTION * span)
    triples = [
        (points[j][0], points[j + 1][0], points[j + 2][0])
        for j in range(len(points) - 2)
        if points[j][1] == -1
    ]
    if not triples:
        return ()
    tops = np.array([y[m] for _, m, _ in triples])
    bottoms = np.array([min(y[a], y[c]) for a, _, c in triples])
    top_level, bottom_level = float(np.median(tops)), float(np.median(bottoms))
    tolerance = LEVEL_TOLERANCE * (top_level - bottom_level)
    v = np.gradient(y) * rate_hz
    reps = []
    for (a, m, c), top, bottom in zip(triples, tops, bottoms, strict=True):
        if abs(top - top_level) > tolerance or abs(bottom - bottom_level) > tolerance:
            continue
        k_up = a + int(np.argmax(v[a : m + 1]))
        k_down = m + int(np.argmin(v[m : c + 1]))
        start = _onset(v, k_up, a, -1)
        lock0 = _onset(v, k_up, m, 1)
        lock1 = max(lock0, _onset(-v, k_down, m, -1))
        end = _onset(-v, k_down, c, 1)
        grid = np.arange(y.size)
        rise = float(np.interp(lock0, grid, y) - np.interp(start, grid, y))
        reps.append(BarRep(start / rate_hz, lock0 / rate_hz, lock1 / rate_hz, end / rate_hz, rise))
    return tuple(reps)
