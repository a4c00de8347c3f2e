"""Knocks: lone samples far from both neighbours, where something struck the phone.

A knock on the phone (the bar, a hand, the bench) lasts a few milliseconds: at 50 Hz or
more it is one sample, far from the samples either side, while the samples around it agree
with their own neighbours. The shaking, the jolts where the movement stops (10-20 Hz
ringing over a tenth of a second) and sensor noise never look like that: each of their
samples stands as far from its neighbours as the samples two and three places away do.

Left in, a knock of 10 g is a step of about 1 m/s in velocity, and the high-pass that
separates the shaking from the movement spreads it into a slow lobe a second wide that the
transient gate (which cuts the knock itself) does not reach: it lands in the 3-6 Hz band
(1-8 knocks of 3-16 g lifted that band by more than 0.005 m/s^2 in 17 of 24 calm simulated
sets, by up to 0.067, and 2 read "caution"). So each knock is replaced by the mean of its
two neighbours before the signal is resampled. Of 694 simulated knocks, 656 are told; the
others fell on a jolt, whose samples are far from their neighbours too.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

KNOCK_MIN_G = 2.0
"""A knock stands at least 2 g from the mean of its neighbours: far beyond the shaking
(under 1 m/s^2), and where a jolt moves a sample that far it moves the samples around it
too (``KNOCK_RATIO``)."""
KNOCKS_FROM_HZ = 45.0
"""Knocks are told only at 45 Hz or more: below, a jolt (10-20 Hz ringing for a tenth of a
second) fits in a sample or two and looks like one (simulated sets: 25 of 200 at 25 Hz;
with jolts half as strong again as usual, 3 of 200 at 40 Hz, none at 50 and 60 Hz)."""
KNOCK_RATIO = 8.0
"""...and 8 times as far as any sample two or three places away stands from its own
neighbours: a sine sampled at 3 or more samples a cycle (a 15 Hz jolt at 50 Hz) gives
about 1. Measured on 450 simulated sets at 50-100 Hz with jolts half as strong again: of
18,060 samples 2 g from their neighbours, none over 7.1 (the median 1.1)."""


def lone_spikes(acc: FloatArray, /, *, min_away: float) -> IntArray:
    """The indices of the knocks among the rows of ``acc`` (N, 3): rows at least
    ``min_away`` (``KNOCK_MIN_G`` in ``acc``'s unit) from the mean of the rows either side,
    and ``KNOCK_RATIO`` times as far as the rows two and three places away are from theirs.
    The first and last four rows are never knocks."""
    n = acc.shape[0]
    rows = _far_from_neighbours(np.ascontiguousarray(acc).reshape(-1), 2 * min_away / np.sqrt(3))
    rows = rows[(rows >= 4) & (rows < n - 4)]
    if not rows.size:  # the usual file
        return np.empty(0, dtype=np.intp)
    at = rows[:, None] + np.array([0, -3, -2, 2, 3])  # each row, and those it is held to
    far_sq = away_sq(acc, at)  # (rows, 5)
    here, around = far_sq[:, 0], far_sq[:, 1:].max(axis=1)
    knocks = (here > min_away**2) & (here > KNOCK_RATIO**2 * around)
    return np.asarray(rows[knocks], dtype=np.intp)


FIRST_LOOK_VALUES = 3 * 2**14
"""The first look goes over this many values at a time (384 kB of float64 and as much
again for the distances): within the processor's cache, so that its cost per sample stays
the same at any length. Over the whole signal at once, the look took 22x as long on an
hour at 400 Hz as on 6 minutes (34 against 1.6 ms); in blocks, 12x (13 against 1.1 ms)."""


def _far_from_neighbours(x: FloatArray, limit: float, /) -> IntArray:
    """A first look, in one pass over the values (``x``: the rows of three, flattened): the
    rows with an axis over ``limit`` from the mean of the same axis in the rows either side
    (a row 2 g away has an axis 2 g / sqrt(3) away or more). Twice that distance is
    measured: the neighbours' sum less the value twice."""
    found = []
    twice = np.empty(min(FIRST_LOOK_VALUES, max(0, x.size - 6)))
    for start in range(0, x.size - 6, FIRST_LOOK_VALUES):
        stop = min(start + FIRST_LOOK_VALUES, x.size - 6)
        part = twice[: stop - start]  # twice each value's distance, for this block
        np.add(x[start + 6 : stop + 6], x[start:stop], out=part)
        part -= x[start + 3 : stop + 3]
        part -= x[start + 3 : stop + 3]
        np.abs(part, out=part)
        far = np.flatnonzero(part > limit)
        if far.size:
            found.append(far + start)
    if not found:
        return np.empty(0, dtype=np.intp)
    return np.asarray(np.unique(np.concatenate(found) // 3) + 1, dtype=np.intp)


def away_sq(acc: FloatArray, rows: IntArray, /) -> FloatArray:
    """The squared distance of each of ``rows`` of ``acc`` (N, 3) (any shape of indices)
    from the mean of the rows either side."""
    away = acc[rows] - 0.5 * (acc[rows - 1] + acc[rows + 1])
    return np.asarray(np.einsum("...k,...k->...", away, away))


def without_knocks(acc: FloatArray, knocks: IntArray, /) -> FloatArray:
    """``acc`` with each knock's row replaced by the mean of its neighbours (a copy)."""
    out = acc.copy()
    out[knocks] = 0.5 * (acc[knocks - 1] + acc[knocks + 1])
    return out
