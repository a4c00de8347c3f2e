"""Rep segmentation on the thigh angle.

1. Turning points of the angle that differ by at least ``min_rom_deg`` (a zigzag).
2. For each sign of the angle, candidate reps are bottom -> top -> bottom triples; the
   set is the longest run of consecutive candidates whose bottoms and tops sit at the same
   levels (set-up and racking moves do not).
3. The right sign is the one where the set starts from, and ends in, a rest at the bottom.
4. Phase boundaries are where the angular speed crosses a fraction of the phase's peak.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate, cycle, pairwise
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.records import record
from thrustlab.signal.orientation import gradient, span_axes

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]
NAN = float("nan")

REST_SPEED_DPS = 10.0
"""The thigh is at rest while it turns slower than 10 deg/s."""
SETS_APART_S = 30.0
"""Reps 30 s or more apart are two sets: sets rest a minute or more between them (a warm-up
set and the working set: the bar loaded between), a rest-pause set 5-20 s inside it, and an
angle from acceleration alone, whose drift can split one set, leaves its parts 0.3-16 s
apart. (Two sets recorded on, the lifter resting at the bottom between them, read as one
set of both sets' reps.)"""
EDGE_DURATION_FACTOR = 1.8
"""A first or last candidate lasting 1.8x the set's typical rep is set-up or racking."""
CLEAR_CAP_S = 8.0
"""The set is the run of reps with the longest time clear of other big swings before and
after it (a rest, set-up shuffles), counted up to 8 s a side: reps read with the wrong sign
(lockout to lockout) have only a lockout hold between them and the set's first or last
half-rep."""
BIG_SWING_FRACTION = 0.5
"""A swing of half the set's range of motion or more is a big swing."""
LEVEL_SHIFT_FRACTION = 1.0
"""Consecutive reps' tops may differ by up to one range of motion: the phone can turn 10-40
degrees on the thigh mid-set, moving every level after it; a set-up or racking move sits
further off."""
MAX_SLIP_DEG = 60.0
"""A phone that slips on the thigh turns by tens of degrees (10-40 in the survey); levels
that move further are another posture (standing, walking), not a slip."""
SETTLED_S = 1.0
"""A set of one or two reps starts after the thigh has been still for 1 s..."""
SETTLED_WITHIN_S = 3.0
"""...within the 3 s before its first rep."""
PAIR_GAP_S = 2.0
"""In a set of two reps, one that does not come back to its posture (the phone turned on
the thigh during it) still counts when the other turns about one axis and comes back,
and the two follow each other at a set's pace: within 2 s at the bottom."""
EDGE_GAP_FACTOR = 2.0
"""An edge rep stands apart from its set when the pause before it is over twice the set's
usual pause plus a second."""
HANDLED_SHARE = 0.75
"""A swing with more than three quarters of its time in the hand (turning about several
axes) is not a rep; a phone that slips on the thigh disturbs the 2.5 s around that moment."""
ONSET_FRACTION = 0.1
"""A rep's own eccentric, when the fall runs on into other movements, ends where it slows
to 10 % of its peak speed (``onset_velocity_fraction``'s default)."""
ARRIVAL_SPEED_DPS = 20.0
"""A thigh that reaches the bottom turning slower than 20 deg/s has drifted there (an
angle integrated from acceleration alone settles slowly): an eccentric, however slow,
turns it 30-50 degrees in 1-3 s, at 20-70 deg/s at its quickest."""
DIP_FRACTION = 0.5
"""A local minimum of the angular speed below half the movement's peak parts two
movements."""
FEW_RISES = 2
"""Up to 2 rises are timed one by one; more in one row."""
FEW_DIPS = 4
"""Up to 4 local minima of a stretch's speed are tested one by one for a dip; more (a
shaking speed) at once."""


@record
class RepTiming:
    start_s: float
    lockout_start_s: float
    lockout_end_s: float
    end_s: float
    rom_deg: float
    rise_s: float | None
    """Concentric time from 10 % to 90 % of the way from the bottom to the top."""
    partial: bool = False
    """The rep fell well short of the set's range (a failed last rep)."""


_Rep = tuple[int, int, int, int, float]
"""A candidate rep as found: the samples where it starts, where its lockout starts and ends,
and where it ends, and its range of motion (degrees). ``RepTiming`` (each field the sample
over the rate) is made for the set's reps alone: making one costs more than finding it."""


def _rep_timing(r: _Rep, rate_hz: float, rise_s: float | None, partial: bool) -> RepTiming:
    return RepTiming(
        r[0] / rate_hz, r[1] / rate_hz, r[2] / rate_hz, r[3] / rate_hz, r[4], rise_s, partial
    )


def zigzag(x: FloatArray, /, *, min_swing: float) -> list[tuple[int, int]]:
    """Alternating turning points ``(index, +1 for a peak / -1 for a trough)`` of ``x``,
    each at least ``min_swing`` away from the previous one; the last extreme is included.

    Only the ends of ``x`` and the samples where its slope changes can become turning
    points, so the walk visits those alone: picked by one mask with the ends set, an index
    numpy makes itself (a list of them it must read cost 9 % more)."""
    if x.size < 2:
        return [(0, kind) for _, kind in _zigzag(x[:1].tolist(), min_swing)]
    step = x[1:] - x[:-1]  # np.diff's figures
    slope = (step > 0).view(np.int8) - (step < 0).view(np.int8)  # np.sign's, at a tenth
    if np.isnan(step).any():
        slope = np.sign(step)  # NaN: a turn on both sides
    # the ends, and where the slope changes (flat stretches count as turns)
    turns = np.concatenate(([True], slope[1:] != slope[:-1], [True])).nonzero()[0]
    where = turns.tolist()
    return [(where[k], kind) for k, kind in _zigzag(x[turns].tolist(), min_swing)]


def _zigzag(values: list[float], min_swing: float) -> list[tuple[int, int]]:
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


def _candidates(pivots: list[tuple[int, int]], sign: int) -> list[int]:
    """Positions ``j`` in ``pivots`` where a bottom -> top -> bottom candidate starts."""
    return [
        j
        for j in range(len(pivots) - 2)
        if pivots[j][1] * sign == -1 and pivots[j + 1][1] * sign == 1
    ]


def _consistent_runs(
    levels: list[float],
    starts: list[int],
    reps: list[_Rep],
    adjacent: list[bool],
    /,
    *,
    rate_hz: float,
    config: AnalysisConfig,
    slips: bool = False,
) -> list[list[int]]:
    """Indices of the runs of candidates, the longest first, each candidate following the
    one before it
    (``adjacent``: it starts at the bottom where that one ended) with a like range of motion
    and a like top; edge candidates that last far longer than the others are trimmed off.
    Runs of one length come largest range first. Candidate ``k`` starts at pivot
    ``starts[k]`` (``levels``: the angle at each pivot, this sign up).

    Levels are compared rep to rep, not with one level for the whole set, so a slow drift
    (an integrated angle, a phone that shifts on the thigh) does not break the set. A range
    is measured from the higher of a candidate's two bottoms: the thigh may go on past the
    bottom before the first rep and after the last one (sitting down, sitting up).

    With ``slips`` (a phone whose turning is followed, by gravity or a gyroscope) the
    levels may also step by any amount where the phone turns on the thigh: a rep's top
    then moves as much as its bottom (see ``stepped``); a video sees the thigh itself, and an
    angle integrated from acceleration alone drifts in steps that are no slips.

    The tests read Python floats (a few dozen candidates: each numpy call would cost more
    than the candidates' arithmetic), with ``np.maximum``'s figure (NaN when either is). The
    larger of two is picked by a comparison as ``max`` picks it (the second only when it is
    larger), without the call that cost a fifth of the instructions of a test."""
    if not starts:
        return []
    bottoms = [levels[j] for j in starts]
    tops = [levels[j + 1] for j in starts]
    amps = [
        t - (b0 if b0 >= b1 else b1 if b1 >= b0 else NAN)
        for t, b0, b1 in zip(tops, bottoms, [levels[j + 2] for j in starts], strict=True)
    ]
    durations = [r[3] / rate_hz - r[0] / rate_hz for r in reps]  # RepTiming's end_s - start_s
    max_rep_s, low, high = config.max_rep_s, config.min_rom_deg, config.plausible_rep_rom_deg[1]
    fine = [d <= max_rep_s and low <= a < high for d, a in zip(durations, amps, strict=True)]
    tolerance = config.level_tolerance_fraction

    def stepped(k: int, m: int, size: float) -> bool:
        """From candidate ``m`` to ``k`` the bottom moved as much as the top (the phone
        turned on the thigh), the reps at the set's pace."""
        return (
            slips
            and abs(bottoms[k] - bottoms[m]) <= MAX_SLIP_DEG
            and abs(tops[k] - tops[m] - (bottoms[k] - bottoms[m])) <= size
            and reps[k][1] / rate_hz - reps[m][1] / rate_hz
            <= EDGE_DURATION_FACTOR * (k - m) * durations[k]
        )

    def alike(k: int, m: int) -> bool:
        larger = amps[m] if amps[m] > amps[k] else amps[k]  # max's figure, without its call
        size = tolerance * larger
        shift = LEVEL_SHIFT_FRACTION * larger
        moved = abs(tops[k] - tops[m])
        return abs(amps[k] - amps[m]) <= size and (moved <= shift or stepped(k, m, size))

    def slipped_before(k: int) -> bool:
        """The candidate before ``k`` is a rep whose fall the phone's turn on the thigh
        cut short: its own rise (from where it started) is alike, and the bottom after
        it moved as much as the top."""
        p = k - 1
        rise = tops[p] - bottoms[p] if p >= 0 else 0.0
        size = tolerance * (amps[k] if amps[k] > rise else rise)  # max's figure
        return (
            p >= 0
            and adjacent[k]
            and durations[p] <= config.max_rep_s
            and abs(rise - amps[k]) <= size
            and stepped(k, p, size)
        )

    def follows(k: int, regular: bool, like: int) -> bool:
        """Candidate ``k``, next to the last candidate of the run, continues it: it is
        ``regular`` (alike to ``like``, the last regular one), or one odd rep (a gap in the
        samples, the phone turning on the thigh) before one that is alike."""
        after = k + 1
        return regular or (
            after < len(starts) and fine[after] and adjacent[after] and alike(after, like)
        )

    runs: list[list[int]] = []
    like = -1
    for k in range(len(starts)):
        if not fine[k]:
            continue
        if runs and runs[-1][-1] == k - 1 and adjacent[k]:
            regular = alike(k, like)  # once: whether it continues the run, and the level
            if follows(k, regular, like):
                runs[-1].append(k)
                like = k if regular else like
                continue
        runs.append([k - 1, k] if slipped_before(k) else [k])
        like = k
    runs = [piece for run in runs for piece in _quick_ones_kept(run, durations, config)]
    if len(runs) > 1:  # the sums break ties of length only (one candidate's is its own)
        tied = {n for n, times in Counter(len(r) for r in runs).items() if times > 1}
        runs.sort(
            key=lambda r: (
                len(r),
                (amps[r[0]] if len(r) == 1 else float(np.array([amps[k] for k in r]).sum()))
                if len(r) in tied
                else 0.0,
            ),
            reverse=True,
        )
    return [_without_long_edges(run, durations) for run in runs]


def _quick_ones_kept(
    run: list[int], duration: list[float], config: AnalysisConfig
) -> list[list[int]]:
    """``run`` cut where a candidate lasts under ``min_rep_s``, unless the run's typical
    (median) candidate lasts that long and this one ``quick_rep_fraction`` of it (a fast set's
    quicker reps); the pieces left."""
    typical = median_of_few([duration[k] for k in run])
    shortest = config.min_rep_s
    if typical >= shortest:
        shortest = min(shortest, config.quick_rep_fraction * typical)
    pieces: list[list[int]] = [[]]
    for k in run:
        if duration[k] >= shortest:
            pieces[-1].append(k)
        elif pieces[-1]:
            pieces.append([])
    return [piece for piece in pieces if piece]


def _without_long_edges(run: list[int], duration: list[float]) -> list[int]:
    """``run`` without edge candidates lasting ``EDGE_DURATION_FACTOR`` times its typical
    candidate (set-up or racking moves joined to a rep)."""
    while len(run) >= 3:
        typical = median_of_few([duration[k] for k in run])
        if duration[run[0]] > EDGE_DURATION_FACTOR * typical:
            run = run[1:]
        elif duration[run[-1]] > EDGE_DURATION_FACTOR * typical:
            run = run[:-1]
        else:
            break
    return run


def median_of_few(values: Sequence[float]) -> float:
    """``np.median`` of a few finite numbers, to the bit (the middle one, or the middle two
    added and halved as its mean does), without its 10-15 us per call; not
    ``statistics``: 20 ms more start-up."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def _phase_edges(
    speed: FloatArray,
    pivots: list[tuple[int, int]],
    fraction: float,
    negated: FloatArray | None = None,
) -> list[tuple[int, int]]:
    """For each stretch between two turning points: where the movement starts and where it
    ends, i.e. where the angular speed, walking out from the stretch's fastest moment, has
    dropped to ``fraction`` of it or to a dip (``_dips``) (the stretch's ends when it never
    does). A stretch is the rise of one sign's candidates and the fall of the other's, so
    both share these.

    All stretches at once, laid end to end in one row (a turning point ends one stretch
    and starts the next): a few dozen calls whatever their number, where a stretch at a
    time cost a dozen each (``_stretch_edges``, still used for a speed with NaNs, and for
    one or two stretches, which it walks in fewer calls). The row is the stretches' slices
    of the speed or of its negation (``negated``, when the caller has it) joined, not an
    index of the speed times each stretch's sign: the same numbers, 4 % fewer instructions."""
    if len(pivots) <= 3:
        return _stretch_edges(speed, pivots, fraction)
    lengths = [hi - lo + 1 for (lo, _), (hi, _) in pairwise(pivots)]
    ends = list(accumulate(lengths))  # one past where each stretch ends in the row
    first, last, offset = np.array(  # offset: from the row to the samples
        [
            [e - n for e, n in zip(ends, lengths, strict=True)],
            [e - 1 for e in ends],
            [lo - e + n for (lo, _), e, n in zip(pivots, ends, lengths, strict=False)],
        ]
    )
    away = -speed if negated is None else negated  # moving away from a peak: falling
    w = np.concatenate(
        [(away if kind == 1 else speed)[lo : hi + 1] for (lo, kind), (hi, _) in pairwise(pivots)]
    )
    peaks = np.maximum.reduceat(w, first)
    if np.isnan(peaks).any():
        return _stretch_edges(speed, pivots, fraction)
    peak = np.repeat(peaks, lengths)
    at_peak = (w == peak).nonzero()[0]
    top = at_peak[at_peak.searchsorted(first)]  # the first fastest sample (argmax)
    slow = (w <= fraction * peak).nonzero()[0]
    slow = np.concatenate(([-1], slow, [last[-1] + 1]))
    end = slow[slow.searchsorted(top)]  # the first slow sample from the top on...
    start = slow[slow.searchsorted(top, side="right") - 1]  # ...and the last up to it
    # past the stretch (no slow sample on that side): its turning point, the row's end there
    lo, hi = np.maximum(start, first), np.minimum(end, last)
    starts, ends, offsets = (lo + offset).tolist(), (hi + offset).tolist(), offset.tolist()
    # a dip (``_dips``) between the slow samples and the top ends the movement there: a
    # local minimum below half the peak, found here either way, its sides told apart below
    mid = w[1:-1]
    dips = ((mid <= w[:-2]) & (mid <= w[2:]) & (mid < DIP_FRACTION * peak[1:-1])).nonzero()[0] + 1
    near = dips.searchsorted(lo, side="right")
    far = dips.searchsorted(hi)
    for s in (near < far).nonzero()[0].tolist():
        half = DIP_FRACTION * float(peaks[s])
        found = dips[near[s] : far[s]]
        end_dip, start_dip = _dips_around(
            w, found, int(top[s]), int(first[s]), int(last[s]), half=half
        )
        ends[s] = ends[s] if end_dip is None else offsets[s] + end_dip
        starts[s] = starts[s] if start_dip is None else offsets[s] + start_dip
    return list(zip(starts, ends, strict=True))


def _dips_around(
    w: FloatArray, found: IntArray, k: int, lo: int, hi: int, *, half: float
) -> tuple[int | None, int | None]:
    """The dips (``_dips``) nearest the top ``k`` of the stretch ``lo`` to ``hi`` of the
    speed ``w``, after it and before it (None where there is none), among the local minima
    ``found`` below ``half`` the peak: a few one by one, many (a shaking speed) at once."""
    after = before = None
    if found.size <= FEW_DIPS:
        for g in (g for g in found.tolist() if g > k):  # walking out: nearest first
            if w[g] <= w[g - 1] and w[g] < w[g + 1] and w[g : hi + 1].max() - w[g] >= half:
                after = g
                break
        for g in (g for g in found.tolist()[::-1] if g < k):
            if w[g] <= w[g + 1] and w[g] < w[g - 1] and w[lo : g + 1].max() - w[g] >= half:
                before = g
                break
        return after, before
    out = found[found > k]
    if out.size:
        fastest = np.maximum.accumulate(w[k : hi + 1][::-1])[::-1]  # from each sample on
        v = w[out]
        dip = (v <= w[out - 1]) & (v < w[out + 1]) & (fastest[out - k] - v >= half)
        after = int(out[dip.argmax()]) if dip.any() else None
    back = found[found < k][::-1]
    if back.size:
        fastest = np.maximum.accumulate(w[lo : k + 1])  # up to each sample
        v = w[back]
        dip = (v <= w[back + 1]) & (v < w[back - 1]) & (fastest[back - lo] - v >= half)
        before = int(back[dip.argmax()]) if dip.any() else None
    return after, before


def _stretch_edges(
    speed: FloatArray, pivots: list[tuple[int, int]], fraction: float
) -> list[tuple[int, int]]:
    """For each stretch between two turning points: where the movement starts and where it
    ends, i.e. where the angular speed, walking out from the stretch's fastest moment, has
    dropped to ``fraction`` of it (the stretch's ends when it never does). A stretch is the
    rise of one sign's candidates and the fall of the other's, so both share these."""
    edges = []
    for (lo, kind), (hi, _) in pairwise(pivots):
        w = speed[lo : hi + 1] * -kind  # moving away from a trough: rising
        k = int(w.argmax())
        peak = float(w[k])
        before = _first_stop(w[k::-1], peak, fraction)
        after = _first_stop(w[k:], peak, fraction)
        edges.append(
            (
                lo + k - before if before is not None else lo,
                lo + k + after if after is not None else hi,
            )
        )
    return edges


def _first_stop(w: FloatArray, peak: float, fraction: float) -> int | None:
    """The first sample of the speed ``w``, walked out from its ``peak`` (``w[0]``), that
    is slow (``fraction`` of the peak or less) or a dip (``_dips``); None when none is."""
    stop = w <= fraction * peak
    dips = _dips(w, peak)
    if dips is not None:
        stop |= dips
    first = int(stop.argmax())
    return first if stop[first] else None


def _dips(w: FloatArray, peak: float) -> BoolArray | None:
    """Where the speed ``w``, walked out from its ``peak``, has a local minimum below
    ``DIP_FRACTION`` of it with a second movement of that size following: two movements one
    after the other (the last eccentric running into the dismount) part there. None when
    there can be none: the speed never rises by that much after first falling below it
    (most stretches; the test costs a few calls where the masks cost a dozen)."""
    half = DIP_FRACTION * peak
    low = w < half
    first_low = int(low.argmax())
    if w.size <= 2 or not low[first_low]:
        return None
    rest = w[first_low:]  # where dips can be: they need a rise of half the peak after them
    if not float(rest.max() - rest.min()) >= half:  # np.ptp's figure, without its wrapper
        return None
    later = np.maximum.accumulate(w[::-1])[::-1]  # the fastest from each sample on
    dip = np.zeros(w.shape, dtype=bool)
    dip[1:-1] = (
        (w[1:-1] <= w[:-2]) & (w[1:-1] < w[2:]) & (w[1:-1] < half) & (later[1:-1] - w[1:-1] >= half)
    )
    return dip


def _timing(
    y: FloatArray,
    j: int,
    pivots: list[tuple[int, int]],
    edges: list[tuple[int, int]],
    rate_hz: float,
    *,
    levels: list[float],
) -> _Rep:
    """The rep of the candidate starting at pivot ``j``: it starts where its rise starts and
    reaches lockout where the rise ends; the lockout ends where the fall starts, and the
    rep where the fall ends. ``levels``: ``y`` at each pivot (Python floats: the same
    numbers, without picking numpy scalars)."""
    start, lock0 = edges[j]
    lock1, end = edges[j + 1]
    b0, top, b1 = pivots[j][0], pivots[j + 1][0], pivots[j + 2][0]
    y_b0, y_top, y_b1 = levels[j], levels[j + 1], levels[j + 2]
    level = y_b1 if y_b1 > y_b0 else y_b0  # the bottom, where one side goes past it (max)
    overshoot = 0.1 * (y_top - level)
    if y_b1 < level - overshoot:  # the fall runs on past the bottom: the rep ends there
        end = min(end, top + int((y[top : b1 + 1] <= level).argmax()))
        lock1, end = _own_fall(y[top : b1 + 1], level + overshoot, lock1 - top, end - top, rate_hz)
        lock1, end = lock1 + top, end + top
    if y_b0 < level - overshoot:
        start = max(start, b0 + int((y[b0 : top + 1] <= level).nonzero()[0][-1]))
    lock1 = lock0 if lock0 > lock1 else lock1  # max's figure, without its call
    return start, lock0, lock1, end, y_top - y.item(start)  # float(y[start]), no scalar made


def _own_fall(
    fall: FloatArray, near: float, start: int, end: int, rate_hz: float
) -> tuple[int, int]:
    """Where the fall from the top (``fall``: the angle from the top on, past the bottom)
    starts and ends, given the stretch's ``start`` and ``end`` (indices into ``fall``;
    ``end`` no later than where it crosses the bottom's level): the movement that brings
    the thigh ``near`` the bottom, from and to where it turns at ``ONSET_FRACTION`` of its
    own peak speed. The fastest movement of the stretch may be a later one (sitting up
    after a rest, read through the body's jolts without a gyroscope) or one that ends
    before the thigh comes near the bottom (the phone turning on the thigh during the
    lockout): the rep's own eccentric is then the one from the thigh's last rest
    (``REST_SPEED_DPS``) down to the bottom."""
    k = int((fall <= near).argmax())
    speed = -gradient(fall) if fall.size > 1 else np.zeros(1)
    own = 0
    if end < k:
        rested = (np.abs(speed[end : k + 1]) * rate_hz < REST_SPEED_DPS).nonzero()[0]
        own = end + (int(rested[-1]) if rested.size else 0)
        if float(speed[own : k + 1].max()) * rate_hz < ARRIVAL_SPEED_DPS:
            own = 0  # it drifted there: the stretch's movement was the fall
    peak = float(speed[own : k + 1].max())
    if peak <= 0:
        return start, end
    slow = speed <= ONSET_FRACTION * peak
    after = slow[k:].nonzero()[0]
    before = own + slow[own : k + 1].nonzero()[0]
    if own:
        end = k + int(after[0]) if after.size else fall.size - 1
        start = int(before[-1]) if before.size else own
    elif start > k and before.size:
        start = int(before[-1])
    if after.size:
        end = min(end, k + int(after[0]))
    return start, end


def _with_rise(
    y: FloatArray, reps: list[_Rep], partial: list[bool], rate_hz: float
) -> tuple[RepTiming, ...]:
    """``reps`` as ``RepTiming`` with their rise times (``_rise_time``) and ``partial``
    flags: more than ``FEW_RISES`` laid end to end in one row (``_rise_times``), a few calls
    for the set where one rep at a time cost a dozen each."""
    rising = [(r[0], r[1]) for r in reps if r[1] > r[0]]
    if len(rising) > FEW_RISES:
        times = iter(_rise_times(y, rising, rate_hz))
    else:  # one by one: fewer calls than laying them end to end
        times = iter([_rise_time(y[lo : hi + 1], rate_hz) for lo, hi in rising])
    return tuple(
        _rep_timing(r, rate_hz, next(times) if r[1] > r[0] else 0.0, flag)
        for r, flag in zip(reps, partial, strict=True)
    )


def _rise_time(up: FloatArray, rate_hz: float) -> float:
    """Seconds from 10 % to 90 % of the way from ``up[0]`` to its top (interpolated)."""
    low, high = float(up[0]), float(up.max())
    times = []
    for fraction in (0.1, 0.9):
        level = low + fraction * (high - low)
        k = int((up >= level).argmax())
        before = float(up[k - 1]) if k > 0 else level
        share = (level - before) / (float(up[k]) - before) if k > 0 and up[k] != before else 0.0
        times.append(k - 1 + share if k > 0 else 0.0)
    return (times[1] - times[0]) / rate_hz


def _rise_times(y: FloatArray, spans: list[tuple[int, int]], rate_hz: float) -> list[float]:
    """``_rise_time`` of ``y[lo : hi + 1]`` for each of ``spans`` (``hi > lo``), all laid end
    to end in one row (slices joined: fewer calls than an index of the row). The row is
    searched twice over, laid end to end again: first for the 10 % levels, then for the
    90 % ones; the interpolation, a few numbers a rise, is Python's. All flat (1-D): the
    levels as a row each, broadcast, went through numpy's slower iterator (326 thousand
    instructions for a set's rises, 130 thousand so)."""
    size = y.size
    sizes = [(hi + 1 if hi < size else size) - lo for lo, hi in spans]  # min's figure
    firsts = list(accumulate(sizes, initial=0))  # where each rise starts in the row
    total = firsts.pop()
    up = np.concatenate([y[lo : lo + size] for (lo, _), size in zip(spans, sizes, strict=True)])
    bounds = np.array([*firsts, *[total + f for f in firsts], 2 * total])  # in the row twice
    starts, ends, first = bounds[:-1], bounds[1:], bounds[: len(sizes)]
    low = up[first]
    gap = np.maximum.reduceat(up, first) - low
    level = np.concatenate((low + 0.1 * gap, low + 0.9 * gap))
    row = np.concatenate((up, up))
    reached = (row >= np.repeat(level, sizes + sizes)).nonzero()[0]
    at = np.concatenate((reached, [2 * total]))[reached.searchsorted(starts)]
    k = np.where(at < ends, at - starts, 0)  # the first sample at the level, if any
    at = starts + k
    times = [
        k - 1 + ((level - before) / (now - before) if now != before else 0.0) if k > 0 else 0.0
        for k, level, before, now in zip(
            k.tolist(), level.tolist(), row[at - 1].tolist(), row[at].tolist(), strict=True
        )
    ]
    count = len(sizes)
    return [(t90 - t10) / rate_hz for t10, t90 in zip(times[:count], times[count:], strict=True)]


def _clear_score(
    y: FloatArray,
    levels: list[float],
    edges: list[tuple[int, int]],
    first: int,
    end_s: float,
    /,
    *,
    rom: float,
    rate_hz: float,
    past_bottom_deg: float,
    pause_s: float,
) -> float:
    """Seconds clear of big swings (between the turning points at ``levels``, ``y`` at each
    pivot) before the run of reps that starts at pivot ``first``
    and after its last rep, which ends at ``end_s``, beyond the run's own pause between
    reps (``pause_s``), each side capped at ``CLEAR_CAP_S``: a set stands out by resting
    longer around it than between its reps. Read lockout to lockout, a set whose lockouts
    are held longer than the rests around it has those holds both between its "reps" and
    before and after them.
    After the set the clear time runs from that rep's own end to the thigh's last rest
    (``REST_SPEED_DPS``) before it has moved half a range from there: the last eccentric,
    a rest and sitting up or taking the phone off can make one stretch between two turning
    points, whose fastest part is not where the set ends. Past the bottom, only a thigh
    further than ``past_bottom_deg`` from it ends the clear time (sitting up does not;
    read the wrong way up, standing and walking lie there)."""
    big = BIG_SWING_FRACTION * rom
    start = edges[first][0]
    before = next(
        (edges[k][1] for k in range(first - 1, -1, -1) if abs(levels[k + 1] - levels[k]) >= big),
        0,
    )
    bottom = levels[first + 1] - rom  # the first rep's top less the set's range
    beyond = (y[before:start] <= bottom - past_bottom_deg).nonzero()[0]
    before += int(beyond[-1]) if beyond.size else 0
    end = min(round(end_s * rate_hz), y.size - 1)
    moved = y[end + 1 :] - y[end]  # y[end] is where it starts from (far only if rom is 0)
    far = ((moved >= BIG_SWING_FRACTION * rom) | (moved <= -past_bottom_deg)).nonzero()[0]
    after = y.size - 1
    if far.size:
        moving = np.abs(gradient(y[end : end + int(far[0]) + 2]) * rate_hz) >= REST_SPEED_DPS
        last = int(moving[::-1].argmin())  # the last rest, counted from the end, if any
        after = end + (moving.size - 1 - last if not moving[-1 - last] else 0)
    cap, pause = CLEAR_CAP_S * rate_hz, pause_s * rate_hz
    return sum(min(max(clear - pause, 0), cap) for clear in (start - before, after - end)) / rate_hz


def _pause_s(reps: list[_Rep], rate_hz: float) -> float:
    """The shortest time from one rep's end to the next one's start (0 for one rep): the
    pause the reps themselves take, where a rest-pause set also rests."""
    return min(((b[0] - a[3]) / rate_hz for a, b in pairwise(reps)), default=0.0)


def _moving_reps(
    abs_speed: FloatArray,
    reps: list[_Rep],
    rate_hz: float,
    held: BoolArray | None,
    config: AnalysisConfig,
) -> list[bool]:
    """Per rep: it is real movement of a thigh: long enough for a quick rep (runs cut the
    others, ``_quick_ones_kept``), fast enough at its fastest
    (``abs_speed``: the angular speed's magnitude, taken once for all candidates), and not
    mostly a phone turned in the hand (``_in_hand``'s test on ``held``, the ``handled``
    mask). Each array has one more sample after its end, whatever its value: all reps
    take one call each, ``reduceat`` over the bounds of each rep and of the gap after it
    (whose figures are dropped), and a rep may end on the last sample. A share above
    ``HANDLED_SHARE`` is told by its count (``count > HANDLED_SHARE * part``: the same
    answer as the quotient's for any part under 2**51 samples, without dividing by 0)."""
    if not reps:
        return []
    flat = [i for r in reps for i in (r[0], r[3] + 1)]
    bounds = np.minimum(flat, abs_speed.size - 1)  # the speed's own samples
    fastest = np.maximum.reduceat(abs_speed, bounds)[::2].tolist()
    handled = [False] * len(reps)
    if held is not None:  # handled_share's figure for each rep
        ends = np.minimum(bounds, held.size - 1)
        part = ends[1::2] - ends[::2]
        count = np.add.reduceat(held, ends, dtype=np.intp)[::2]
        handled = ((count > HANDLED_SHARE * part) & (part > 0)).tolist()
    min_s = config.quick_rep_fraction * config.min_rep_s
    min_speed = config.min_rep_speed_dps
    return [
        r[3] / rate_hz - r[0] / rate_hz >= min_s
        and (fast if r[3] > r[0] else 0.0) >= min_speed
        and not (r[3] > r[0] and hand)
        for r, fast, hand in zip(reps, fastest, handled, strict=True)
    ]


def _in_hand(r: _Rep, handled: BoolArray | None) -> bool:
    """Most of the rep ``r`` (``HANDLED_SHARE``) has the phone turned in the hand."""
    lo, hi = r[0], r[3]
    return handled is not None and hi > lo and handled_share(handled, lo, hi) > HANDLED_SHARE


def _returned(
    run: list[int],
    reps: list[_Rep],
    posture: FloatArray | None,
    /,
    *,
    rate_hz: float,
    config: AnalysisConfig,
    steady: set[int],
) -> list[int]:
    """``run`` without the reps at its ends that do not come back to the posture they
    started from or are not ``steady`` (do not turn about one axis: see ``_one_axis``) (a
    phone turned one way in the hand and back another) and stand apart from the set (the
    hand takes the phone after a rest; the set's usual pause is the lower median, so that
    one long pause cannot set it), or come two or more in a row; a set's own last rep
    follows the others at their pace, so a phone that turns on the thigh during it keeps
    it. In a run of one or two reps, each must come back (a slip may upset one of two)."""
    if posture is None:
        return run
    last = posture.shape[0] - 1
    limit = math.radians(config.max_return_deg)  # np.deg2rad's figure, without a ufunc call

    def back(k: int) -> bool:
        lo, hi = reps[k][0], reps[k][3]
        turn = posture[lo if lo < last else last] - posture[hi if hi < last else last]  # min
        return math.sqrt(turn.dot(turn)) <= limit  # np.linalg.norm's figure (N, 3)

    run = list(run)
    if len(run) < 3:
        kept = [k for k in run if back(k)]
        if len(run) == 2 and len(kept) == 1 and kept[0] in steady:
            gap = reps[run[1]][0] / rate_hz - reps[run[0]][3] / rate_hz
            return run if gap <= PAIR_GAP_S else kept  # the phone slipped during the other
        return kept

    def fits(k: int) -> bool:
        return k in steady and back(k)

    gaps = [reps[b][0] / rate_hz - reps[a][3] / rate_hz for a, b in pairwise(run)]
    usual = EDGE_GAP_FACTOR * sorted(gaps)[(len(gaps) - 1) // 2] + 1.0  # the low median

    def apart(first: int, second: int) -> bool:
        return reps[second][0] / rate_hz - reps[first][3] / rate_hz > usual

    head = next((i for i, k in enumerate(run) if fits(k)), len(run))
    if head >= 2 or (head == 1 and apart(run[0], run[1])):
        run = run[head:]
    tail = next((i for i, k in enumerate(reversed(run)) if fits(k)), len(run))
    if tail >= 2 or (tail == 1 and apart(run[-2], run[-1])):
        run = run[: len(run) - tail]
    return run


def _one_axis(reps: list[_Rep], phone: _Phone, config: AnalysisConfig) -> list[bool]:
    """Per rep: it turns the phone about one axis over the rep itself: gravity
    (``phone.gravity_dir``) stays on one great circle within ``max_rep_off_plane_deg``, the
    gyroscope (``phone.turn_rads``) turns about other axes at under
    ``max_rep_off_axis_fraction`` of its main rate, that axis lies within
    ``max_rep_axis_tilt_deg`` of level, and the phone's own acceleration (without gravity,
    ``phone.own_acc_mps2``) lies in the plane it turns in
    (``max_rep_acc_off_plane_fraction``). A thigh does; a phone turned one way in the hand and
    back another does not. True when neither is known (a video sees the thigh itself).
    All reps at once (``span_axes``)."""
    gravity, turning = phone.gravity_dir, phone.turn_rads
    ok = np.ones(len(reps), dtype=bool)
    if not reps or (gravity is None and turning is None):
        return [bool(v) for v in ok]
    size = (gravity if gravity is not None else turning).shape[0]  # type: ignore[union-attr]
    spans = [  # min's figures, without its calls
        (r[0] if r[0] < size else size, r[3] + 1 if r[3] < size else size) for r in reps
    ]
    figures = span_axes(gravity, turning, phone.own_acc_mps2, spans=spans)
    for values, limit in (
        (figures.off_plane_deg, config.max_rep_off_plane_deg),
        (figures.off_axis_fraction, config.max_rep_off_axis_fraction),
        (figures.along_axis_fraction, config.max_rep_acc_off_plane_fraction),
        (figures.axis_tilt_deg, config.max_rep_axis_tilt_deg),
    ):
        if values is not None:
            ok &= values <= limit
    return list(ok.tolist())  # Python bools


def _settled(speed: FloatArray, first: _Rep, rate_hz: float) -> bool:
    """A set of one or two reps starts from rest: the thigh still (``REST_SPEED_DPS``) for
    ``SETTLED_S`` in a row within the ``SETTLED_WITHIN_S`` before it. A phone turned now and
    then in the hand is never still for long between its turns."""
    end = first[0]
    before = speed[max(0, end - round(SETTLED_WITHIN_S * rate_hz)) : end]
    return bool(_settled_from(before, rate_hz).any())


def _settled_from(speed: FloatArray, rate_hz: float) -> npt.NDArray[np.bool_]:
    """For each sample of ``speed``, whether the thigh stays still (``REST_SPEED_DPS``) for
    ``SETTLED_S`` from it on (empty when ``speed`` is shorter than that)."""
    need = max(1, round(SETTLED_S * rate_hz))
    still = (np.abs(speed) < REST_SPEED_DPS).astype(float)
    if still.size < need:
        return np.zeros(0, dtype=bool)
    return np.convolve(still, np.ones(need), mode="valid") >= need


def _runs_on(
    y: FloatArray, speed: FloatArray, last: _Rep, rate_hz: float, config: AnalysisConfig
) -> bool:
    """After the ``last`` rep the angle ``y`` (rate ``speed``) goes on past the bottom,
    before the thigh has rested for ``SETTLED_S``, to ``max_thigh_swing_deg`` or more
    below the top: no thigh does (sitting up goes 10-35 degrees past the bottom, then
    rests); a phone turned on in the hand does."""
    top, end = last[1], last[3]
    rested = _settled_from(speed[end:], rate_hz).nonzero()[0]
    stop = end + (int(rested[0]) if rested.size else speed[end:].size)
    return bool(y[top] - y[top : stop + 1].min() >= config.max_thigh_swing_deg)


def handled_share(handled: BoolArray, lo: int, hi: int) -> float:
    """The share of samples ``lo`` to ``hi`` (inclusive) marked ``handled``."""
    if hi < lo:
        return 0.0
    part = handled[lo : hi + 1]  # a count, not np.mean: the same share, a tenth of the time
    return np.count_nonzero(part) / part.size if part.size else float("nan")


class _Phone(NamedTuple):
    """What a phone tells beside the angle (see ``find_reps``); all None for a video. A named
    tuple: a frozen record cost 6 thousand instructions more to make."""

    handled: BoolArray | None
    posture: FloatArray | None
    gravity_dir: FloatArray | None
    turn_rads: FloatArray | None
    own_acc_mps2: FloatArray | None


class _Side(NamedTuple):
    """The candidates of one sign of the angle (``y``, rate ``rate``, ``levels`` at the
    pivots): where each starts among the pivots, their timings, their consistent runs
    (``_consistent_runs``) and, once learnt, whether each turns the phone about one axis
    (``steady``, by candidate)."""

    sign: int
    y: FloatArray
    rate: FloatArray
    levels: list[float]
    starts: list[int]
    timings: list[_Rep]
    runs: list[list[int]]
    steady: dict[int, bool]


def _learn_axes(
    wanted: list[tuple[_Side, list[int]]], phone: _Phone, config: AnalysisConfig
) -> None:
    """Each side's ``steady`` for the candidates ``wanted`` of it that it lacks, all in one
    ``_one_axis`` call (each rep's figures are its own: one call for both signs costs what
    their reps cost, not twice its overhead)."""
    todo = [(side, k) for side, run in wanted for k in run if k not in side.steady]
    if not todo:
        return
    steady = _one_axis([side.timings[k] for side, k in todo], phone, config)
    for (side, k), ok in zip(todo, steady, strict=True):
        side.steady[k] = ok


def _checked(
    run: list[int],
    timings: list[_Rep],
    y: FloatArray,
    speed: FloatArray,
    turns_once: list[bool],
    /,
    *,
    rate_hz: float,
    phone: _Phone,
    config: AnalysisConfig,
) -> tuple[list[int], list[_Rep]] | None:
    """``run`` as a set, without the reps at its ends that do not come back to their
    posture; None when nothing is left, when a phone's set of one or two reps does not
    start from rest, or when no more than half of its reps turn the phone about one axis
    (``turns_once``: ``_one_axis`` of each rep of ``run``)."""
    if not run:
        return None
    steady = {k for k, ok in zip(run, turns_once, strict=True) if ok}
    run = _returned(run, timings, phone.posture, rate_hz=rate_hz, config=config, steady=steady)
    few = len(run) <= 2 and phone.handled is not None  # a phone that may be in the hand
    if not run or (
        few
        and (
            not _settled(speed, timings[run[0]], rate_hz)
            or _runs_on(y, speed, timings[run[-1]], rate_hz, config)
        )
    ):
        return None
    if 2 * len(steady.intersection(run)) < max(len(run), 2):  # a slip on the thigh upsets one
        return None
    return run, [timings[k] for k in run]


def find_reps(
    angle_deg: FloatArray,
    /,
    *,
    rate_hz: float,
    config: AnalysisConfig,
    handled: BoolArray | None = None,
    posture: FloatArray | None = None,
    gravity_dir: FloatArray | None = None,
    turn_rads: FloatArray | None = None,
    own_acc_mps2: FloatArray | None = None,
    speed_dps: FloatArray | None = None,
) -> tuple[RepTiming, ...]:
    """The reps of the set in ``angle_deg`` (thigh angle sampled at ``rate_hz``), none
    where ``handled`` marks the phone turned in the hand (and, for a phone, a set of one or
    two reps must start from rest: in the hand it never settles); the set's first and last
    reps must end in the ``posture`` they started from (see ``Motion.posture``), and more
    than half of the reps must turn the phone about one axis (``gravity_dir``,
    ``turn_rads`` and ``own_acc_mps2``: see ``Motion``). When the longest run of reps fails
    these checks, the next is tried. A video gives none of these: the camera sees the thigh
    itself. ``speed_dps``: the angle's rate (``gradient`` times the rate), when the caller
    has it."""
    pivots = zigzag(angle_deg, min_swing=config.min_rom_deg)
    speed = gradient(angle_deg) * rate_hz if speed_dps is None else speed_dps
    negated = -speed  # the rate the other way up (``_sides``), and falling (``_phase_edges``)
    edges = _phase_edges(speed, pivots, config.onset_velocity_fraction, negated)
    phone = _Phone(handled, posture, gravity_dir, turn_rads, own_acc_mps2)
    best: tuple[tuple[float, int, float], _Side | None, list[_Rep], float]
    best = ((-1.0, 0, 0.0), None, [], 0.0)
    sides = _sides(
        angle_deg, speed, negated, pivots, edges, rate_hz=rate_hz, phone=phone, config=config
    )
    # the longest run of each sign is checked first: its reps' axes in one call
    _learn_axes([(side, side.runs[0]) for side in sides if side.runs], phone, config)
    for side in sides:
        _, y, rate, levels, starts, timings, runs, steady = side
        found: tuple[list[int], list[_Rep]] | None = None
        for run in runs:
            _learn_axes([(side, run)], phone, config)
            turns_once = [steady[k] for k in run]
            found = _checked(
                run, timings, y, rate, turns_once, rate_hz=rate_hz, phone=phone, config=config
            )
            if found:
                break
        if not found:
            continue
        run, reps = found
        rom = median_of_few([r[4] for r in reps])
        reps[0] = _from_rest(y, reps[0], edges[starts[run[0]]][0], rom, config=config)
        score = (
            0.0
            if config.mode == "cyclic"
            else _clear_score(
                y,
                levels,
                edges,
                starts[run[0]],
                reps[-1][3] / rate_hz,
                rom=rom,
                rate_hz=rate_hz,
                past_bottom_deg=config.max_past_bottom_deg,
                pause_s=_pause_s(reps, rate_hz),
            )
        )
        longest = max(r[3] / rate_hz - r[0] / rate_hz for r in reps)  # RepTiming's figure
        key = (score, len(reps), -longest)  # ties: set-up moves make the longer "reps"
        if key > best[0]:
            best = (key, side, reps, rom)
    _, chosen, reps, rom = best
    if chosen is None:
        return ()
    # the failed rep after the set and the partial flags, for the chosen sign alone
    partial = _partial_after(chosen.y, chosen.rate, reps, rate_hz, config)
    if partial and _in_hand(partial, handled):
        partial = None
    short = config.partial_below_fraction * rom
    flags = [r[4] < short for r in reps]
    if partial:
        reps, flags = [*reps, partial], [*flags, True]
    return _with_rise(chosen.y, reps, flags, rate_hz)


def _sides(
    angle_deg: FloatArray,
    speed: FloatArray,
    negated: FloatArray,
    pivots: list[tuple[int, int]],
    edges: list[tuple[int, int]],
    /,
    *,
    rate_hz: float,
    phone: _Phone,
    config: AnalysisConfig,
) -> list[_Side]:
    """The candidates of each sign of the angle (+1 first), before their axes are learnt.
    The turning points alternate, so each one but the last two starts a candidate of one
    sign (rising from a trough of the angle that way up): all candidates are timed in one
    pass and tested for movement (``_moving_reps``) in one call. ``negated``: ``-speed``."""
    slips = phone.posture is not None  # a phone that tells how it turns
    at_pivots = angle_deg[[i for i, _ in pivots]].tolist()
    # the angle either way up, and its rate (the arrays themselves the right way up)
    ups = {1: (angle_deg, speed), -1: (-angle_deg, negated)}
    levels = {sign: [sign * v for v in at_pivots] for sign in (1, -1)}
    count = max(len(pivots) - 2, 0)
    first_sign = -pivots[0][1] if pivots else 1  # the sign whose candidate starts at pivot 0
    every = [
        _timing(ups[sign][0], j, pivots, edges, rate_hz, levels=levels[sign])
        for j, sign in zip(range(count), cycle((first_sign, -first_sign)), strict=False)
    ]
    # one more sample each (see _moving_reps); np.concatenate: np.append's figure, in one call
    abs_speed = np.concatenate((np.abs(speed), [0.0]))
    # never in the hand: no candidate mostly is, told without counting (a third of the calls)
    handled = phone.handled
    held = None if handled is None or not handled.any() else np.concatenate((handled, [False]))
    moving = _moving_reps(abs_speed, every, rate_hz, held, config)
    apart = SETS_APART_S * rate_hz
    sides = []
    for sign in (1, -1):
        y, rate = ups[sign]
        starts = [j for j in range(0 if sign == first_sign else 1, count, 2) if moving[j]]
        timings = [every[j] for j in starts]
        adjacent = [  # the next turning point's candidate, the same set's
            k > 0 and starts[k] == starts[k - 1] + 2 and timings[k][0] - timings[k - 1][3] < apart
            for k in range(len(starts))
        ]
        runs = _consistent_runs(
            levels[sign], starts, timings, adjacent, rate_hz=rate_hz, config=config, slips=slips
        )
        sides.append(_Side(sign, y, rate, levels[sign], starts, timings, runs, {}))
    return sides


def _from_rest(
    y: FloatArray,
    first: _Rep,
    start: int,
    rom: float,
    *,
    config: AnalysisConfig,
) -> _Rep:
    """The set's ``first`` rep from ``start``, where its rise starts, when its range was
    measured from a later level (its fall ended above the bottom it rose from: the phone
    turned on the thigh) and falls short of the set's ``rom`` while its whole rise is like
    it: the rep is whole, not a failed one."""
    rise = first[4] + float(y[first[0]] - y[start])
    short = config.partial_below_fraction * rom
    if first[4] >= short or abs(rise - rom) > config.level_tolerance_fraction * rom:
        return first
    return start, first[1], first[2], first[3], rise


def _partial_after(
    y: FloatArray, speed: FloatArray, reps: list[_Rep], rate_hz: float, config: AnalysisConfig
) -> _Rep | None:
    """A failed rep straight after the last one: the thigh rises from the bottom by at
    least ``partial_min_fraction`` of the set's range (short of the full range), fast enough
    to be a rep, and comes back down to the bottom within ``max_rep_s``. ``speed`` is the
    rate of ``y``."""
    rom = median_of_few([r[4] for r in reps[-3:]])
    bottom = float(y[reps[-1][0]])
    near = config.level_tolerance_fraction * rom
    lo = reps[-1][3]
    hi = min(y.size, lo + round(config.max_rep_s * rate_hz))
    if hi - lo < 3:
        return None
    segment = y[lo:hi] - bottom
    low_rise = config.partial_min_fraction * rom
    # no turning points where nothing rises that far: no rise could pass the test below
    turns = [] if float(segment.max()) < low_rise else zigzag(segment, min_swing=low_rise)
    top = next((i for i, kind in turns if kind == 1), None)  # the first rise after the set
    if top is None:
        return None
    rise = float(segment[top])
    if not config.partial_min_fraction * rom <= rise < rom - near:
        return None
    low = min(near, rise / 2)
    back = (segment[top:] <= low).nonzero()[0]
    before = (segment[: top + 1] <= low).nonzero()[0]
    if back.size == 0 or before.size == 0:
        return None
    p0, p1, p2 = lo + int(before[-1]), lo + top, lo + top + int(back[0])
    down = p2 + int(np.argmin(y[p2 : min(hi, p2 + round(rate_hz))]))  # settles at the bottom
    if float(np.max(np.abs(speed[p0 : down + 1]))) < config.min_rep_speed_dps:
        return None
    pivots = [(p0, -1), (p1, 1), (down, -1)]  # kinds in y, whose rate is ``speed``
    edges = _phase_edges(speed, pivots, config.onset_velocity_fraction)
    levels = [float(y[p]) for p, _ in pivots]
    start, lock0, lock1, end, _ = _timing(y, 0, pivots, edges, rate_hz, levels=levels)
    return start, lock0, lock1, end, rise
