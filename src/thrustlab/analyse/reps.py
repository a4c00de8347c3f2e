"""Rep segmentation on the thigh angle.

1. Turning points of the angle that differ by at least ``min_rom_deg`` (a zigzag).
2. For each sign of the angle, candidate reps are bottom -> top -> bottom triples; the
   set is the longest run of consecutive candidates whose bottoms and tops sit at the same
   levels (set-up and racking moves do not).
3. The right sign is the one where the set starts from, and ends in, a rest at the bottom.
4. Phase boundaries are where the angular speed crosses a fraction of the phase's peak.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig

FloatArray = npt.NDArray[np.float64]

REST_SPEED_DPS = 10.0
"""The thigh is at rest while it turns slower than 10 deg/s."""
ZIGZAG_STEP = 4
"""Turning points are searched on every 4th angle sample (12.5 Hz at 50 Hz: the angle is
smoothed well below that) and then refined on all of them."""
EDGE_DURATION_FACTOR = 1.8
"""A first or last candidate lasting 1.8x the set's typical rep is set-up or racking."""
REST_CHECK_S = 1.5
"""How long before the first rep and after the last one the bottom rest is looked for."""


@dataclass(frozen=True, slots=True)
class RepTiming:
    start_s: float
    lockout_start_s: float
    lockout_end_s: float
    end_s: float
    rom_deg: float
    rise_s: float
    """Concentric time from 10 % to 90 % of the way from the bottom to the top."""


def zigzag(x: FloatArray, /, *, min_swing: float) -> list[tuple[int, int]]:
    """Alternating turning points ``(index, +1 for a peak / -1 for a trough)`` of ``x``,
    each at least ``min_swing`` away from the previous one; the last extreme is included."""
    values = x.tolist()
    pivots: list[tuple[int, int]] = []
    lo = hi = values[0]
    lo_i = hi_i = 0
    trend = 0
    ext, ext_i = values[0], 0
    for i, v in enumerate(values):
        if trend == 0:
            if v > hi:
                hi, hi_i = v, i
            if v < lo:
                lo, lo_i = v, i
            if hi - lo >= min_swing:
                rising = hi_i > lo_i
                pivots.append((lo_i, -1) if rising else (hi_i, 1))
                trend = 1 if rising else -1
                ext, ext_i = (hi, hi_i) if rising else (lo, lo_i)
        elif trend == 1:
            if v > ext:
                ext, ext_i = v, i
            elif ext - v >= min_swing:
                pivots.append((ext_i, 1))
                trend, ext, ext_i = -1, v, i
        elif v < ext:
            ext, ext_i = v, i
        elif v - ext >= min_swing:
            pivots.append((ext_i, -1))
            trend, ext, ext_i = 1, v, i
    if trend != 0:
        pivots.append((ext_i, trend))
    return pivots


def _refined(x: FloatArray, pivots: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Turning points found on every ``ZIGZAG_STEP``-th sample, moved to the true extreme
    (each kept after the one before it)."""
    out: list[tuple[int, int]] = []
    for i, kind in pivots:
        lo = max(0, (i - 1) * ZIGZAG_STEP, out[-1][0] + 1 if out else 0)
        hi = max(lo + 1, min(x.size, (i + 1) * ZIGZAG_STEP + 1))
        out.append((lo + int(np.argmax(x[lo:hi] * kind)), kind))
    return out


def _candidates(
    y: FloatArray, pivots: list[tuple[int, int]], sign: int
) -> list[tuple[int, int, int]]:
    kinds = [kind * sign for _, kind in pivots]
    return [
        (pivots[j][0], pivots[j + 1][0], pivots[j + 2][0])
        for j in range(len(pivots) - 2)
        if kinds[j] == -1 and kinds[j + 1] == 1
    ]


def _consistent_run(
    y: FloatArray, cands: list[tuple[int, int, int]], reps: list[RepTiming], config: AnalysisConfig
) -> list[int]:
    """Indices of the longest run of consecutive candidates at the levels most candidates
    share, with edge candidates that last far longer than the others trimmed off."""
    if not cands:
        return []
    b0 = np.array([y[a] for a, _, _ in cands])
    top = np.array([y[m] for _, m, _ in cands])
    b1 = np.array([y[c] for _, _, c in cands])
    amp = top - np.maximum(b0, b1)
    duration = np.array([r.end_s - r.start_s for r in reps])
    short = duration <= config.max_rep_s
    tolerance = config.level_tolerance_fraction

    def fits(bottom: FloatArray, peak: FloatArray) -> npt.NDArray[np.bool_]:
        """Which candidates sit at these levels (one row per pair of levels)."""
        tol = (tolerance * (peak - bottom))[:, None]
        at_levels = (
            (np.abs(top[None, :] - peak[:, None]) <= tol)
            & (np.abs(b0[None, :] - bottom[:, None]) <= tol)
            & (np.abs(b1[None, :] - bottom[:, None]) <= tol)
        )
        return np.asarray(at_levels & short[None, :])

    support = fits(np.minimum(b0, b1), top).sum(axis=1)
    best = max(range(len(cands)), key=lambda k: (support[k], amp[k]))
    ok = fits(np.minimum(b0, b1)[best : best + 1], top[best : best + 1])[0]
    for _ in range(2):
        if not ok.any():
            return []
        levels = median(np.minimum(b0, b1)[ok].tolist()), median(top[ok].tolist())
        ok = fits(np.array([levels[0]]), np.array([levels[1]]))[0]
    runs: list[list[int]] = []
    for k in np.flatnonzero(ok).tolist():
        if runs and runs[-1][-1] == k - 1:
            runs[-1].append(k)
        else:
            runs.append([k])
    if not runs:
        return []
    longest = max(runs, key=lambda r: (len(r), sum(amp[k] for k in r)))
    while len(longest) >= 3:
        typical = median(duration[longest].tolist())
        if duration[longest[0]] > EDGE_DURATION_FACTOR * typical:
            longest = longest[1:]
        elif duration[longest[-1]] > EDGE_DURATION_FACTOR * typical:
            longest = longest[:-1]
        else:
            break
    return longest


def _crossing(speed: FloatArray, start: int, last: int, threshold: float) -> int:
    """First index from ``start`` towards ``last`` (both included) where the speed is at or
    below ``threshold``; ``last`` when there is none."""
    if last >= start:
        below = speed[start : last + 1] <= threshold
        first = int(below.argmax())
        return start + first if below[first] else last
    below = speed[last : start + 1][::-1] <= threshold
    first = int(below.argmax())
    return start - first if below[first] else last


def _timing(
    y: FloatArray, v: FloatArray, cand: tuple[int, int, int], rate_hz: float, fraction: float
) -> RepTiming:
    """Phase boundaries of one bottom -> top -> bottom candidate (indices ``cand``)."""
    i0, i1, i2 = cand
    k = i0 + int(np.argmax(v[i0 : i1 + 1]))
    start = _crossing(v, k, i0, fraction * v[k])
    lock0 = _crossing(v, k, i1, fraction * v[k])
    k2 = i1 + int(np.argmin(v[i1 : i2 + 1]))
    lock1 = max(_crossing(-v, k2, i1, -fraction * v[k2]), lock0)
    end = _crossing(-v, k2, i2, -fraction * v[k2])
    rom = float(y[i1] - y[start])
    rise = _rise_time(y[start : lock0 + 1], rate_hz) if lock0 > start else 0.0
    return RepTiming(start / rate_hz, lock0 / rate_hz, lock1 / rate_hz, end / rate_hz, rom, rise)


def _rise_time(up: FloatArray, rate_hz: float) -> float:
    """Seconds from 10 % to 90 % of the way from ``up[0]`` to its top (interpolated)."""
    low, high = float(up[0]), float(up.max())
    times = []
    for fraction in (0.1, 0.9):
        level = low + fraction * (high - low)
        k = int(np.argmax(up >= level))
        before = float(up[k - 1]) if k > 0 else level
        share = (level - before) / (float(up[k]) - before) if k > 0 and up[k] != before else 0.0
        times.append(k - 1 + share if k > 0 else 0.0)
    return (times[1] - times[0]) / rate_hz


def _rest_score(y: FloatArray, reps: list[RepTiming], rate_hz: float, tolerance: float) -> float:
    """How much of the time just before the first rep and after the last one the thigh
    rests near the bottom level (0 to 2)."""
    bottom = median(float(y[round(r.start_s * rate_hz)]) for r in reps)
    rom = median(r.rom_deg for r in reps)
    window = round(REST_CHECK_S * rate_hz)
    first, last = round(reps[0].start_s * rate_hz), round(reps[-1].end_s * rate_hz)
    score = 0.0
    for start in (first - window, last):
        stretch = y[max(start, 0) : min(start + window, y.size)]
        near = np.abs(stretch - bottom) <= tolerance * rom
        score += float(np.sum(near)) / window  # time outside the recording is no evidence
    return score


def find_reps(
    angle_deg: FloatArray, /, *, rate_hz: float, config: AnalysisConfig
) -> tuple[RepTiming, ...]:
    """The reps of the set in ``angle_deg`` (thigh angle sampled at ``rate_hz``)."""
    pivots = _refined(angle_deg, zigzag(angle_deg[::ZIGZAG_STEP], min_swing=config.min_rom_deg))
    best: tuple[tuple[float, int, float], list[RepTiming]] = ((-1.0, 0, 0.0), [])
    for sign in (1, -1):
        y = sign * angle_deg
        cands = _candidates(y, pivots, sign)
        v = np.gradient(y) * rate_hz
        timings = [_timing(y, v, cand, rate_hz, config.onset_velocity_fraction) for cand in cands]
        run = _consistent_run(y, cands, timings, config)
        if not run:
            continue
        reps = [timings[k] for k in run]
        score = (
            0.0
            if config.mode == "cyclic"
            else _rest_score(y, reps, rate_hz, config.level_tolerance_fraction)
        )
        longest = max(r.end_s - r.start_s for r in reps)
        key = (score, len(reps), -longest)  # ties: set-up moves make the longer "reps"
        if key > best[0]:
            best = (key, reps)
    return tuple(best[1])


def rest_window(
    speed_dps: FloatArray, /, *, rate_hz: float, edge_s: float, after: bool, config: AnalysisConfig
) -> tuple[float, float] | None:
    """The longest still stretch within ``rest_window_s`` before ``edge_s`` (after it when
    ``after``), leaving 0.2 s clear of the rep; None when shorter than ``rest_min_s``."""
    margin = round(0.2 * rate_hz)
    edge = round(edge_s * rate_hz)
    reach = round(config.rest_window_s * rate_hz)
    lo, hi = (
        (edge + margin, edge + margin + reach) if after else (edge - margin - reach, edge - margin)
    )
    lo, hi = max(lo, 0), min(hi, speed_dps.size)
    if hi - lo < 2:
        return None
    still = np.concatenate([[False], np.abs(speed_dps[lo:hi]) < REST_SPEED_DPS, [False]])
    changes = np.flatnonzero(np.diff(still.astype(np.int8)))
    starts, ends = changes[::2], changes[1::2]
    if starts.size == 0:
        return None
    k = int(np.argmax(ends - starts))
    if (ends[k] - starts[k]) / rate_hz < config.rest_min_s:
        return None
    return (lo + starts[k]) / rate_hz, (lo + ends[k]) / rate_hz
