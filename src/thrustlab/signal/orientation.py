"""The thigh's angle in its plane of movement, whatever way the phone sits on it.

A hip thrust swings the thigh about one axis (hip to hip). With gravity in the signal, the
slow part of the acceleration is gravity, whose direction in the phone's axes then moves on
a great circle: its plane's normal is that axis, and the angle along the circle is the
thigh's pitch up to a constant. Without gravity, the gyroscope's rate about its dominant
axis, integrated, gives the same angle. The sign and zero of the angle are arbitrary; the
rep segmentation decides which end is the bottom.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from thrustlab.records import record
from thrustlab.signal.filters import gain_on, gaussian_on, inverse, smooth, spectrum_of
from thrustlab.signal.resample import median_of

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

QUIET_QUANTILE = 0.3
"""Gyro bias is the median rate over the quietest 30 % of samples (rests and holds)."""


def angle_from_gravity(
    gravity_mps2: FloatArray, /, *, unit: FloatArray | None = None
) -> FloatArray:
    """Angle (degrees) of the low-passed acceleration ``gravity_mps2`` (N, 3) along its
    best-fitting plane through the origin. ``unit``: ``unit_rows(gravity_mps2)``, when
    already worked out."""
    unit = unit_rows(gravity_mps2) if unit is None else unit
    axes = _principal_axes(unit)
    axis = axes[2]
    first = np.ones(unit.shape[0]) @ unit / unit.shape[0]  # the mean direction
    first -= axis * (first @ axis)
    length = np.linalg.norm(first)
    if length < 1e-9:
        first = axes[0]
        length = np.linalg.norm(first)
    e1 = first / length
    e2 = _cross(axis, e1)
    angle = unwrapped(np.arctan2(unit @ e2, unit @ e1))
    return np.asarray(np.rad2deg(angle))


def unwrapped(rad: FloatArray, /) -> FloatArray:
    """``np.unwrap`` of a 1-D ``rad`` (a period of 2 pi), to the last bit: the same
    remainders and the same running sum of corrections, with the remainder taken only on
    the steps of pi or more (an angle along a circle rarely jumps: ``np.unwrap``'s remainder
    of every step cost as much as the arctangent)."""
    if rad.ndim != 1 or rad.size < 2 or rad.dtype != np.float64:
        return np.asarray(np.unwrap(rad))
    step = rad[1:] - rad[:-1]
    jumps = np.flatnonzero(~(np.abs(step) < np.pi))  # NaN steps too, as np.unwrap
    out = np.empty_like(rad)
    out[0] = rad[0]
    if not jumps.size:  # every correction 0: the running sum of zeros
        np.add(rad[1:], 0.0, out=out[1:])
        return out
    taken = step[jumps]
    wrapped = np.mod(taken + np.pi, 2 * np.pi) - np.pi
    wrapped[(wrapped == -np.pi) & (taken > 0)] = np.pi
    correction = np.zeros_like(step)
    correction[jumps] = wrapped - taken
    np.add(rad[1:], np.cumsum(correction), out=out[1:])
    return out


def unit_rows(x: FloatArray, /, *, order: Literal["K", "C"] = "K") -> FloatArray:
    """Each row of an (N, 3) ``x`` divided by its length (at least 1e-9): directions, laid
    out as ``x`` (``order`` "K") or C-ordered ("C": the same numbers, without a C-ordered
    copy of a transposed ``x`` first).

    Column by column: the same divisions as ``x / lengths[:, None]``, whose broadcast
    divides three numbers per inner loop (a third less time)."""
    lengths = np.maximum(row_lengths(x), 1e-9)
    out = np.empty_like(x, order=order)
    for column in range(x.shape[1]):
        np.divide(x[:, column], lengths, out=out[:, column])
    return out


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    """``np.cross`` of two 3-vectors, the same products and differences on Python floats
    (np.cross costs 20 us of checks and reshapes for nine multiplications)."""
    a0, a1, a2 = a.tolist()
    b0, b1, b2 = b.tolist()
    return np.array([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])


def angle_from_gyro(gyro_rads: FloatArray, /, *, fs_hz: float) -> FloatArray:
    """Angle (degrees) integrated from the rate about the gyroscope's dominant axis, with the
    bias measured on the quietest samples removed."""
    rate = gyro_rads @ _principal_axes(gyro_rads)[0]
    rate = rate - median_of(rate[_quietest(gyro_rads)])
    return np.asarray(np.rad2deg(np.cumsum(rate) / fs_hz))


def gyro_bias(gyro_rads: FloatArray, /) -> FloatArray:
    """The gyroscope's constant offset (rad/s, per axis): its median over the quietest
    samples, where a phone on a thigh does not turn. An uncalibrated gyroscope reads
    0.02-0.1 rad/s at rest; against a rep's 0.3-0.5 rad/s that offset looks like turning
    about other axes (a fifth of the rate at 0.05 rad/s)."""
    return np.asarray(np.median(gyro_rads[_quietest(gyro_rads)], axis=0))


def _quietest(gyro_rads: FloatArray) -> BoolArray:
    """The samples turning slowest: the ``QUIET_QUANTILE`` of them (rests and holds)."""
    magnitude = row_lengths(gyro_rads)
    k = int(QUIET_QUANTILE * (magnitude.size - 1))
    return np.asarray(magnitude <= np.partition(magnitude, k)[k])


def row_lengths(x: FloatArray, /) -> FloatArray:
    """The length of each row of an (N, 3) ``x``: the three squares added column by
    column, as ``np.linalg.norm(x, axis=1)`` adds them (to the last bit) at a tenth of its
    time; numpy reduces rows of three slowly."""
    squares = x * x
    return np.asarray(np.sqrt(squares[:, 0] + squares[:, 1] + squares[:, 2]))


def _principal_axes(x: FloatArray) -> FloatArray:
    """The right singular vectors of ``x`` (N, 3) as rows, the strongest first: from the
    3 x 3 matrix ``x.T @ x``, far cheaper than a singular value decomposition of ``x``."""
    _, vectors = np.linalg.eigh(x.T @ x)
    return np.asarray(vectors[:, ::-1].T)


def blend(
    fast_deg: FloatArray,
    slow_deg: FloatArray,
    /,
    *,
    fs_hz: float,
    crossover_hz: float,
    sigma_hz: float,
) -> FloatArray:
    """A complementary filter: ``fast_deg`` (integrated gyroscope) above ``crossover_hz``,
    ``slow_deg`` (gravity) below it, after turning ``fast_deg`` to the same sign; the fast
    part is smoothed on the way with a Gaussian of ``sigma_hz``. Both go to the transform
    as the columns of a transposed (2, N) array: the same numbers as ``np.column_stack``'s
    (N, 2), copied whole where it interleaves them and the transform's rows take them apart
    again.

    Each signal goes to the transform less the straight line through its end points, and
    gravity's line is added back after. A Gaussian keeps a line as it is, so the blend of
    the lines is gravity's line; but the transform joins the signal's end to its start, and
    the integrated gyroscope drifts (hundreds of degrees over a minute): the crossover's
    kernel (0.8 s wide at 0.2 Hz) reaches past the 1 s mirrored at each end and carried
    that jump into the first and last seconds, so a rep there read twice its range."""
    if float(np.dot(gradient(fast_deg), gradient(slow_deg))) < 0:
        fast_deg = -fast_deg
    rows = np.empty((2, fast_deg.size))  # the columns side by side, each copied whole
    rows[0], rows[1] = fast_deg, slow_deg
    lines = _end_to_end(rows)
    rows -= lines
    both = spectrum_of(rows.T, fs_hz=fs_hz)  # one transform
    fast, slow = both.coeffs[:, 0], both.coeffs[:, 1]
    low = gaussian_on(both.freqs_hz, crossover_hz)
    high = gain_on(both.freqs_hz, ("1 - gauss", crossover_hz), lambda f: 1.0 - low)
    smooth = gaussian_on(both.freqs_hz, sigma_hz)
    mixed = replace(both, coeffs=fast * high * smooth + slow * low)
    ones = gain_on(both.freqs_hz, ("ones",), np.ones_like)
    blended = inverse(mixed, gain=ones)  # one inverse transform for both
    blended += lines[1]
    return blended


WEAK_GRAVITY = 0.5
"""Where the smoothed acceleration is under half of gravity's 1 g, the limb's own
acceleration has cancelled most of gravity (a wrist swung down at about 1 g), and its
direction no longer points down: in a real shoulder set (SPAR S7_E1_R_127) it turned by
87 degrees between two samples 0.02 s apart while the gyroscope turned by 6."""


def held_by_gyro(slow_deg: FloatArray, fast_deg: FloatArray, weak: BoolArray, /) -> FloatArray:
    """``slow_deg`` (gravity's angle) where each run of ``weak`` samples follows ``fast_deg``
    (the integrated gyroscope, of either sign) from the sample before it, and what comes
    after the run is taken on the turn (a multiple of 360 degrees) nearest where the
    gyroscope's turning brings it. Without weak samples, ``slow_deg`` itself."""
    starts, ends = stretches(weak)
    n = slow_deg.size
    if not starts.size or (starts[0] == 0 and ends[0] == n):
        return slow_deg
    steady = ~weak
    if float(np.dot(gradient(fast_deg)[steady], gradient(slow_deg)[steady])) < 0:
        fast_deg = -fast_deg
    # each run follows the gyroscope from its anchor: the sample before it, or after it for
    # a run at the start
    anchor = np.repeat(np.where(starts > 0, starts - 1, ends), ends - starts)  # per sample
    inside = np.flatnonzero(weak)
    out = slow_deg.copy()
    out[inside] = slow_deg[anchor] + (fast_deg[inside] - fast_deg[anchor])
    # a run between two steady samples: the turns to add from its end on
    between = (starts > 0) & (ends < n)
    a, b = starts[between] - 1, ends[between]
    miss = slow_deg[a] + (fast_deg[b] - fast_deg[a]) - slow_deg[b]
    turns = np.zeros(n)
    turns[b] = 360.0 * np.round(miss / 360.0)
    out += np.cumsum(turns)
    return out


def _end_to_end(rows: FloatArray, /) -> FloatArray:
    """For each row of ``rows`` (C, N), the straight line from its first value to its last."""
    ramp = np.linspace(0.0, 1.0, rows.shape[1])
    first, last = rows[:, :1], rows[:, -1:]
    return np.asarray(first + (last - first) * ramp)


def gradient(f: FloatArray, /) -> FloatArray:
    """``np.gradient`` of a 1-D ``f`` (unit spacing, first-order edges): the same
    differences and divisions, without its generic set-up (a tenth of its time)."""
    if f.ndim != 1 or f.size < 2 or f.dtype.kind != "f":
        return np.asarray(np.gradient(f))
    out = np.empty_like(f)
    inner = out[1:-1]
    np.subtract(f[2:], f[:-2], out=inner)  # in place: no temporaries
    np.divide(inner, 2.0, out=inner)
    out[0] = (f[1] - f[0]) / 1.0
    out[-1] = (f[-1] - f[-2]) / 1.0
    return out


def angle_from_acceleration(
    acc_mps2: FloatArray,
    /,
    *,
    fs_hz: float,
    radius_m: float,
    sigma_hz: float,
    still_mps2: float,
    held: BoolArray | None = None,
    stops: IntArray | None = None,
) -> FloatArray:
    """Angle (degrees) of a segment turning about a pivot ``radius_m`` from the sensor, from
    its acceleration alone (no gravity in it, no gyroscope).

    The acceleration smoothed with a Gaussian of ``sigma_hz`` (shaking and jolts out) is
    taken along its main direction: the tangential one, ``radius * angular acceleration``.
    It is integrated once to a speed that is reset to zero wherever the segment is still
    (RMS under ``still_mps2`` over ``STILL_WINDOW_S``), with the error left at the end of
    each movement spread along it (zero-velocity updates), and once more to the angle. So
    the angle holds its level through rests of any length; the scale is as good as
    ``radius_m``. ``held``: the samples the recording holds (not bridged over a gap); the
    direction is fitted on those alone, ``GAP_CLEARANCE_SIGMAS`` smoothing widths clear of
    the others (a gap that cuts a jolt leaves half of it, a burst no movement has).
    ``stops``: samples (ascending) where the segment stands still for an instant (a jolt's
    start, see ``jolt_starts``): the speed is zero there too, so a movement is integrated
    from one stop to the next and the speed a jolt adds is taken out before the next
    movement."""
    slow = smooth(acc_mps2, fs_hz=fs_hz, sigma_hz=sigma_hz)
    slow = slow - np.median(slow, axis=0)  # the sensor's offset
    n = max(1, round(STILL_WINDOW_S * fs_hz))
    power = np.convolve(np.einsum("ij,ij->i", slow, slow), np.ones(n) / n, mode="same")
    quiet = power < still_mps2**2
    moving = np.flatnonzero(np.diff(np.concatenate([[1], quiet.astype(np.int8), [1]])))
    fit = np.ones(slow.shape[0], dtype=bool)
    if held is not None and not held.all():
        clear = max(1, round(GAP_CLEARANCE_SIGMAS * fs_hz / (2 * np.pi * sigma_hz)))
        fit = np.convolve((~held).astype(float), np.ones(2 * clear + 1), mode="same") < 0.5
    along = slow @ _tangential(slow, quiet, moving, fit)
    speed = np.cumsum(along) / fs_hz
    stops = np.zeros(0, dtype=np.int64) if stops is None else stops
    still = _stopped(quiet, speed, stops, fs_hz=fs_hz)
    moving = np.flatnonzero(np.diff(np.concatenate([[1], still.astype(np.int8), [1]])))
    out = np.zeros_like(speed)
    for start, end in zip(moving[::2].tolist(), moving[1::2].tolist(), strict=True):
        cuts = [start, *stops[(stops > start) & (stops < end)].tolist(), end]
        for a, b in itertools.pairwise(cuts):
            before = speed[a - 1] if a > 0 else 0.0
            span = speed[a:b] - before
            error = span[-1] if b < speed.size else 0.0  # still or stopped: the speed is zero
            out[a:b] = span - error * np.arange(1, b - a + 1) / (b - a)
    return np.asarray(np.rad2deg(np.cumsum(out) / fs_hz / radius_m))


def _stopped(quiet: BoolArray, speed: FloatArray, stops: IntArray, *, fs_hz: float) -> BoolArray:
    """The ``quiet`` stretches (acceleration near zero) where the segment has stopped: a
    movement at a steady speed has no acceleration either (a slow eccentric passes 0.3 s
    and more at its fastest with under 0.03 m/s2). So a quiet stretch is a stop only when
    the speed integrated since the last stop (a quiet stretch kept, or one of ``stops``),
    from ``speed`` (the cumulative integral), is back under ``STOPPED_SPEED_FRACTION`` of
    its peak since then, or that peak is under ``MOVING_SPEED_MPS`` (no movement since)."""
    stopped = quiet.copy()
    starts, ends = stretches(quiet)
    ring, lookback = round(JOLT_RING_S * fs_hz), round(LOOKBACK_S * fs_hz)
    base = 0  # where the speed was last zero
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        last = int(np.searchsorted(stops, a)) - 1  # the last jolt before the stretch
        if last >= 0 and stops[last] > base:  # stopped there; its ringing adds no movement
            base = int(stops[last]) + ring
            if base >= a:
                base = b - 1
                continue
        base = max(base, a - lookback)
        since = speed[base : a + 1] - speed[base]
        peak = float(np.max(np.abs(since)))
        if peak >= MOVING_SPEED_MPS and abs(float(since[-1])) > STOPPED_SPEED_FRACTION * peak:
            stopped[a:b] = False
        else:
            base = b - 1
    return stopped


STOPPED_SPEED_FRACTION = 0.5
"""A quiet stretch halfway through a movement comes at its peak speed; at a stop the speed
integrated since the last one is back near zero (its error, a few tenths of the peak at
most over a rep's few seconds)."""
JOLT_RING_S = 0.4
"""A jolt rings for up to 0.4 s after its start."""
LOOKBACK_S = 10.0
"""A quiet stretch is judged on at most the 10 s before it (a rep's movement lasts a few
seconds), so the cost grows with the samples, not with the time since the last stop."""
MOVING_SPEED_MPS = 0.03
"""A rep moves the phone at 0.07-0.3 m/s at its fastest (0.3-1.5 rad/s at about 0.2 m from
the knee); a jolt's ringing leaves a net speed of about 0.01 m/s."""


def jolt_starts(
    acc_mps2: FloatArray, jolts: BoolArray, /, *, fs_hz: float, sigma_hz: float
) -> IntArray:
    """The samples where each jolt in ``acc_mps2`` (N, 3) starts: a jolt is the thigh's
    tissue ringing where the movement stops, so the thigh stands still there.

    ``jolts`` marks the bursts; marks less than ``JOLT_MERGE_S`` apart are one jolt. The
    burst's mark starts early (its power is judged over a window, above a smoothed
    movement, both spreading the jolt back in time: 0.02-0.19 s before the stop in the
    simulator), so the start is the first sample whose acceleration above the movement (a
    Gaussian of ``sigma_hz`` taken off) reaches ``JOLT_START_FRACTION`` of the jolt's peak."""
    starts, ends = stretches(jolts)
    if not starts.size:
        return np.zeros(0, dtype=np.int64)
    first = np.concatenate([[True], starts[1:] - ends[:-1] > JOLT_MERGE_S * fs_hz])
    last = np.concatenate([first[1:], [True]])
    rough = np.linalg.norm(acc_mps2 - smooth(acc_mps2, fs_hz=fs_hz, sigma_hz=sigma_hz), axis=1)
    found = []
    for a, b in zip(starts[first].tolist(), ends[last].tolist(), strict=True):
        burst = rough[a:b]
        found.append(a + int(np.argmax(burst >= JOLT_START_FRACTION * burst.max())))
    return np.asarray(found, dtype=np.int64)


def stretches(mask: BoolArray, /) -> tuple[IntArray, IntArray]:
    """Starts and ends (exclusive) of the True runs of ``mask``."""
    padded = np.zeros(mask.size + 2, dtype=np.int8)  # False either side
    padded[1:-1] = mask
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return changes[::2], changes[1::2]


JOLT_MERGE_S = 0.3
"""A jolt rings for up to 0.4 s; its burst's mark breaks where the ringing's power dips, so
marks under 0.3 s apart are one jolt (a rep's two stops are 0.5 s and more apart)."""
JOLT_START_FRACTION = 0.2
"""A jolt's ringing grows to its peak in two of its 0.02-0.04 s decay times: it reaches a
fifth of it about 0.03 s in, about when the thigh stops. On the simulator's
acceleration-only sets (seeds 0-99), 91-94 of 100 counted right with 0.1-0.3 (86 with no
stops)."""


GAP_CLEARANCE_SIGMAS = 3.5
"""A Gaussian smoothing spreads what a gap leaves by 3.5 of its widths (in time) either
side."""


def _tangential(slow: FloatArray, still: BoolArray, moving: IntArray, fit: BoolArray) -> FloatArray:
    """The direction of the tangential acceleration in ``slow`` (N, 3), fitted on the
    samples marked ``fit``. The centripetal acceleration (radius * rate^2) always points to
    the pivot, so it is what the movement's acceleration averages to; the tangential one
    averages to zero over each movement. Leaving the average's direction out keeps the
    centripetal part from adding a drift with every rep."""
    use = ~still & fit
    centripetal = slow[use].mean(axis=0) if use.any() else np.zeros(3)
    if np.linalg.norm(centripetal) > 1e-9:
        unit = centripetal / np.linalg.norm(centripetal)
        slow = slow - np.outer(slow @ unit, unit)
    return np.asarray(_principal_axes(slow[fit] if fit.any() else slow)[0])


STILL_WINDOW_S = 0.3
"""Stillness is judged over 0.3 s: longer than the moment a smooth movement's acceleration
passes through zero, shorter than a pause at the bottom of a rep."""


def off_plane_deg(
    gravity_mps2: FloatArray,
    /,
    *,
    fs_hz: float,
    window_s: float,
    unit: FloatArray | None = None,
) -> FloatArray:
    """How far (degrees, RMS) the direction of the low-passed acceleration ``gravity_mps2``
    strays from the one great circle that fits it best over the ``window_s`` centred on
    each sample. A segment turning about one axis keeps gravity on one circle; a phone
    turned in the hand, one way and then another, does not. ``unit``:
    ``unit_rows(gravity_mps2)``, when already worked out."""
    unit = unit_rows(gravity_mps2) if unit is None else unit
    smallest = smallest_eigenvalues(_window_moments(unit, fs_hz=fs_hz, window_s=window_s))
    return _per_sample(np.rad2deg(np.arcsin(np.sqrt(np.clip(smallest, 0.0, 1.0)))), unit, fs_hz)


def off_axis_rads(gyro_rads: FloatArray, /, *, fs_hz: float, window_s: float) -> FloatArray:
    """The turning rate (rad/s, RMS) about other axes than the main one of the
    ``window_s`` centred on each sample."""
    other = two_smallest_eigenvalues(_window_moments(gyro_rads, fs_hz=fs_hz, window_s=window_s))
    return _per_sample(np.sqrt(np.clip(other, 0.0, None)), gyro_rads, fs_hz)


def off_plane_and_axis(
    unit: FloatArray, gyro_rads: FloatArray, /, *, fs_hz: float, window_s: float
) -> tuple[FloatArray, FloatArray]:
    """``off_plane_deg`` of the directions ``unit`` (``unit_rows`` of gravity) and
    ``off_axis_rads`` of ``gyro_rads``, both (N, 3): their windows' running sums in one
    pass (``_paired_running_sums``) and the eigenvalues of all their windows in one go.
    The same numbers; a fifth less work than the two calls."""
    n = unit.shape[0]
    if n > SUM_BLOCK or gyro_rads.shape[0] != n:
        return (
            off_plane_deg(unit, fs_hz=fs_hz, window_s=window_s, unit=unit),
            off_axis_rads(gyro_rads, fs_hz=fs_hz, window_s=window_s),
        )
    lo, hi = _windows(n, fs_hz=fs_hz, window_s=window_s)
    total = _paired_running_sums(unit, gyro_rads, np.concatenate([lo, hi]))
    sums = total[:, lo.size :] - total[:, : lo.size]  # (6, M): each window's two sums
    pairs = sums.view(np.float64).reshape(*sums.shape, 2)
    np.divide(pairs, (hi - lo).astype(float)[:, None], out=pairs)
    upper = np.concatenate([pairs[..., 0], pairs[..., 1]], axis=1)  # (6, 2M): gravity, gyro
    angles = _eigen_angles(upper)
    plane = _smallest(upper[:, : lo.size], tuple(part[: lo.size] for part in angles))
    axis = _two_smallest(upper[:, lo.size :], tuple(part[lo.size :] for part in angles))
    off_plane = np.rad2deg(np.arcsin(np.sqrt(np.clip(plane, 0.0, 1.0))))
    off_axis = np.sqrt(np.clip(axis, 0.0, None))
    return _per_sample(off_plane, unit, fs_hz), _per_sample(off_axis, gyro_rads, fs_hz)


def span_off_plane_deg(direction: FloatArray, /) -> float:
    """How far (degrees, RMS) the unit vectors ``direction`` (N, 3) stray from the one
    great circle that fits them best: about 0 for a segment turning about one axis."""
    figures = span_axes(direction, None, None, spans=_whole(direction))
    assert figures.off_plane_deg is not None
    return float(figures.off_plane_deg[0])


def span_off_axis_fraction(rate_rads: FloatArray, /) -> float:
    """The turning rate ``rate_rads`` (N, 3) about other axes than its main one, as a
    fraction of the rate about it (RMS): about 0 for a segment turning about one axis."""
    figures = span_axes(None, rate_rads, None, spans=_whole(rate_rads))
    assert figures.off_axis_fraction is not None
    return float(figures.off_axis_fraction[0])


def axis_tilt_deg(rate_rads: FloatArray, direction: FloatArray, /) -> float:
    """How far (degrees) the main axis of the turning rate ``rate_rads`` (N, 3) tilts from
    the plane perpendicular to the mean of the unit vectors ``direction`` (N, 3): 0 for a
    segment turning about a level axis when ``direction`` is gravity's."""
    figures = span_axes(direction, rate_rads, None, spans=_whole(rate_rads))
    assert figures.axis_tilt_deg is not None
    return float(figures.axis_tilt_deg[0])


def along_axis_fraction(rate_rads: FloatArray, vectors: FloatArray, /) -> float:
    """The share (RMS) of ``vectors`` (N, 3) that lies along the main axis of the turning
    rate ``rate_rads`` (N, 3): about 0 when they lie in the plane the segment turns in."""
    figures = span_axes(None, rate_rads, vectors, spans=_whole(rate_rads))
    assert figures.along_axis_fraction is not None
    return float(figures.along_axis_fraction[0])


def _whole(x: FloatArray) -> list[tuple[int, int]]:
    return [(0, x.shape[0])]


@record
class SpanAxes:
    """Per span: the figures above (``span_off_plane_deg`` and the three after it); None
    where what they need was not given."""

    off_plane_deg: FloatArray | None
    off_axis_fraction: FloatArray | None
    axis_tilt_deg: FloatArray | None
    along_axis_fraction: FloatArray | None


def span_axes(
    direction: FloatArray | None,
    rate_rads: FloatArray | None,
    vectors: FloatArray | None,
    /,
    *,
    spans: list[tuple[int, int]],
) -> SpanAxes:
    """How a segment turns over each of ``spans`` (``[lo, hi)`` samples) at once: from the
    unit vectors of gravity ``direction``, the turning rate ``rate_rads`` and other
    ``vectors`` (each (N, 3) or None), one 3 x 3 moment matrix per span and the eigen
    problems of all spans in one call. A span of fewer than 3 samples gives 0."""
    sizes = np.array([hi - lo for lo, hi in spans], dtype=float)
    short = sizes < 3
    counts = np.maximum(sizes, 1.0)[:, None, None]

    def moments(x: FloatArray, sums: FloatArray | None = None) -> FloatArray:
        """Each span's mean of ``x x^T``: the sums one by one, divided all at once; and
        into ``sums`` (when given), each span's sum of ``x`` (in the same pass over the
        spans, each into its row: no array made of a list of them)."""
        grams = np.empty((len(spans), 3, 3))
        for i, (lo, hi) in enumerate(spans):
            part = x[lo:hi]
            np.matmul(part.T, part, out=grams[i])
            if sums is not None:
                np.add.reduce(part, axis=0, out=sums[i])
        return np.asarray(np.divide(grams, counts, out=grams))

    def unless_short(values: FloatArray) -> FloatArray:
        return np.asarray(np.where(short, 0.0, values))

    off_plane = off_axis = tilt = along = None
    mean = None if direction is None or rate_rads is None else np.empty((len(spans), 3))
    if direction is not None:
        smallest = np.linalg.eigvalsh(moments(direction, mean))[:, 0]
        off_plane = unless_short(np.rad2deg(np.arcsin(np.sqrt(np.clip(smallest, 0.0, 1.0)))))
    if rate_rads is not None:
        values, vectors_ = np.linalg.eigh(moments(rate_rads))
        other = np.maximum(values[:, 0] + values[:, 1], 0.0) / np.maximum(values[:, 2], 1e-18)
        off_axis = unless_short(np.sqrt(other))
        axis = vectors_[:, :, 2]
        if mean is not None:
            cosine = np.abs(np.einsum("ij,ij->i", axis, mean)) / np.maximum(row_lengths(mean), 1e-9)
            tilt = unless_short(np.rad2deg(np.arcsin(np.minimum(cosine, 1.0))))
        if vectors is not None:
            own = moments(vectors)
            share = np.einsum("ri,rij,rj->r", axis, own, axis)
            total = np.trace(own, axis1=1, axis2=2)
            along = unless_short(np.sqrt(np.maximum(share, 0.0) / np.maximum(total, 1e-18)))
    return SpanAxes(off_plane, off_axis, tilt, along)


_UPPER = np.triu_indices(3)
"""The six distinct entries of a symmetric 3 x 3 matrix, (row, column) on or above the
diagonal: a cumulative sum over every sample costs a third less than over all nine."""


WINDOW_STEP_S = 0.5
"""Centred windows are evaluated every 0.5 s, each value holding for the samples around."""


def _per_sample(per_window: FloatArray, x: FloatArray, fs_hz: float) -> FloatArray:
    """A value per window of ``_window_moments`` (of ``x``) held for each of the samples
    of ``x`` around the window's centre (worked out on the windows, not repeated first)."""
    step = max(1, round(WINDOW_STEP_S * fs_hz))
    held = np.empty((per_window.size, step))  # np.repeat copies value by value: 8 bytes a call
    held[...] = per_window[:, None]
    return held.reshape(-1)[: x.shape[0]]


def _window_moments(x: FloatArray, /, *, fs_hz: float, window_s: float) -> FloatArray:
    """``(6, M)``: per window of ``window_s``, centred every ``WINDOW_STEP_S`` from the first
    sample, the mean of ``x x^T`` over it (its entries of ``_UPPER``): all windows' sums from
    running sums (``_per_sample`` holds each window's figure for the samples around its
    centre)."""
    lo, hi = _windows(x.shape[0], fs_hz=fs_hz, window_s=window_s)
    total = _running_sums(x, np.concatenate([lo, hi]))
    sums = total[:, lo.size :] - total[:, : lo.size]
    return np.asarray(np.divide(sums, (hi - lo).astype(float), out=sums))  # no cast per row


def _windows(n: int, /, *, fs_hz: float, window_s: float) -> tuple[IntArray, IntArray]:
    """``[lo, hi)`` of the windows of ``_window_moments`` over ``n`` samples."""
    half = max(1, round(window_s * fs_hz / 2))
    step = max(1, round(WINDOW_STEP_S * fs_hz))
    centres = np.arange(0, n, step)
    return np.maximum(centres - half, 0), np.minimum(centres + half + 1, n)


def smallest_eigenvalues(upper: FloatArray, /) -> FloatArray:
    """The smallest eigenvalue of each symmetric 3 x 3 matrix of ``upper`` (6, M): its
    entries of ``_UPPER``. See ``_eigen_angles``; those whose two smallest eigenvalues
    are nearly equal go to LAPACK."""
    return _smallest(upper, _eigen_angles(upper))


def _smallest(upper: FloatArray, angles: tuple[FloatArray, ...], /) -> FloatArray:
    """``smallest_eigenvalues`` of ``upper`` from its ``_eigen_angles``."""
    trace, twice_p, half_det, third = angles
    out = np.asarray(trace / 3.0 + twice_p * np.cos(third + 2.0 * np.pi / 3.0))
    near = half_det > 1.0 - NEAR_PAIR
    if near.any():
        out[near] = np.linalg.eigvalsh(_matrices(upper[:, near]))[:, 0]
    return out


def two_smallest_eigenvalues(upper: FloatArray, /) -> FloatArray:
    """The sum of the two smallest eigenvalues of each symmetric 3 x 3 matrix of ``upper``
    (6, M): the trace less the largest. See ``_eigen_angles``; those whose two largest
    eigenvalues are nearly equal go to LAPACK."""
    return _two_smallest(upper, _eigen_angles(upper))


def _two_smallest(upper: FloatArray, angles: tuple[FloatArray, ...], /) -> FloatArray:
    """``two_smallest_eigenvalues`` of ``upper`` from its ``_eigen_angles``."""
    trace, twice_p, half_det, third = angles
    out = np.asarray(trace - (trace / 3.0 + twice_p * np.cos(third)))
    near = half_det < NEAR_PAIR - 1.0
    if near.any():
        values = np.linalg.eigvalsh(_matrices(upper[:, near]))
        out[near] = values[:, 0] + values[:, 1]
    return out


NEAR_PAIR = 1e-6
"""How close to 1 the cosine of three times the angle of ``_eigen_angles`` may come before
the closed form's roots are left to LAPACK. Its arc cosine turns an error of ``eps`` there
into one of ``eps / sqrt(2 (1 - |cosine|))``, and a pair of nearly equal roots takes it
there: short of 1e-6, the roots are within 1e-13 of LAPACK's (relative to the largest;
beyond, within ``sqrt(eps)``). On the check set a sixth of gravity's windows lie beyond
(the phone still: its direction nearly one point, two roots near 0); the gyroscope's
windows, turning about one axis, have their two smallest roots nearly equal, and their
sum stays exact."""


def _eigen_angles(upper: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The closed form of the eigenvalues of symmetric 3 x 3 matrices, given by their
    entries of ``_UPPER`` (6, M): the roots of the characteristic polynomial, ``trace / 3
    + twice_p * cos(third + 2 pi k / 3)`` for k = 0 (the largest), 1 (the smallest) and 2;
    ``half_det`` is the cosine of ``3 * third``.

    A few operations on whole rows of ``M``, where ``np.linalg.eigvalsh`` runs LAPACK's
    iterations matrix by matrix (about 1 us each: a minute's 120 windows cost more than
    their running sums). Not LAPACK's doubles, but within 1e-13 of the largest root short
    of ``NEAR_PAIR``: far from the limits the figures are compared with (``phone_turning``;
    the check set's analyses and both surveys are unchanged)."""
    a, d, e, b, f, c = upper  # (0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)
    trace = a + b + c
    q = trace / 3.0
    aq, bq, cq = a - q, b - q, c - q
    p = np.sqrt((aq * aq + bq * bq + cq * cq + 2.0 * (d * d + e * e + f * f)) / 6.0)
    det = aq * (bq * cq - f * f) - d * (d * cq - f * e) + e * (d * f - bq * e)
    half_det = np.zeros_like(p)  # p = 0: a multiple of the identity, any angle will do
    np.divide(det, 2.0 * p * p * p, out=half_det, where=p > 0.0)
    np.clip(half_det, -1.0, 1.0, out=half_det)
    return trace, 2.0 * p, half_det, np.arccos(half_det) / 3.0


def _matrices(upper: FloatArray) -> FloatArray:
    """``(M, 3, 3)``: the symmetric matrices of the entries ``upper`` (6, M) of ``_UPPER``."""
    return np.asarray(upper[[0, 1, 2, 1, 3, 4, 2, 4, 5]].T.reshape(-1, 3, 3))


SUM_BLOCK = 8192
"""Samples whose products are summed at a time: their products and running sums stay in the
processor's cache (over a whole hour at 50 Hz, the two 15 MB arrays made the windows of an
hour cost 15x those of six minutes)."""


def _running_sums(x: FloatArray, at: IntArray, /) -> FloatArray:
    """``(6, len(at))``: the sums of the six distinct products of ``x x^T`` (``_UPPER``)
    over the first ``at`` samples of ``x`` (N, 3). The same additions, in the same order, as
    one ``np.cumsum`` over all samples, a block of ``SUM_BLOCK`` samples at a time."""
    if x.shape[0] <= SUM_BLOCK:
        return _running_sums_at_once(x, at)
    order = np.argsort(at, kind="stable")
    ends = at[order]
    out = np.zeros((_UPPER[0].size, at.size))  # the sums over no sample
    carry = None
    for first in range(0, x.shape[0], SUM_BLOCK):
        rows = np.ascontiguousarray(x[first : first + SUM_BLOCK].T)  # (3, k): rows add fast
        products = _products(rows)
        if carry is not None:
            products[:, 0] += carry  # the running sum goes on from the block before
        running = np.cumsum(products, axis=1, out=products)  # the sums over samples 0 .. first + i
        low, high = np.searchsorted(ends, [first + 1, first + rows.shape[1] + 1]).tolist()
        out[:, order[low:high]] = running[:, ends[low:high] - first - 1]
        carry = running[:, -1]
    return out


_PAIRS = tuple(zip(_UPPER[0].tolist(), _UPPER[1].tolist(), strict=True))
"""``_UPPER`` as pairs of Python ints."""


def _products(rows: FloatArray) -> FloatArray:
    """``(6, k)``: ``rows[_UPPER[0]] * rows[_UPPER[1]]`` of ``rows`` (3, k), one row at a
    time, without gathering both first (a row times all three at once, broadcast, cost
    twice as much)."""
    products = np.empty((_UPPER[0].size, rows.shape[1]))
    for k, (i, j) in enumerate(_PAIRS):
        np.multiply(rows[i], rows[j], out=products[k])
    return products


def _paired_running_sums(
    x: FloatArray, y: FloatArray, at: IntArray, /
) -> npt.NDArray[np.complex128]:
    """``(6, len(at))``: ``_running_sums(x, at) + 1j * _running_sums(y, at)`` of two (N, 3)
    signals of up to ``SUM_BLOCK`` samples, the real and imaginary parts those very numbers.
    Each product of ``x`` lies beside the same product of ``y`` and both are summed as one
    complex running sum, which adds the two parts as two separate sums: one pass of the
    running sum, whose every addition waits on the one before, for two (a sum over 3000
    samples of both signals: 730,000 instructions as two calls, 540,000 here)."""
    n = x.shape[0]
    both = np.empty((3, n, 2))  # the columns of x and y interleaved
    for column in range(3):
        both[column, :, 0] = x[:, column]
        both[column, :, 1] = y[:, column]
    products = np.empty((_UPPER[0].size, n, 2))
    for k, (i, j) in enumerate(_PAIRS):
        np.multiply(both[i], both[j], out=products[k])
    running = products.view(np.complex128)[..., 0]
    np.cumsum(running, axis=1, out=running)
    out = np.take(running, at - 1, axis=1)  # a column at -1 wraps round: set to 0 below
    out[:, at == 0] = 0.0  # the sums over no sample
    return np.asarray(out, dtype=np.complex128)


def _running_sums_at_once(x: FloatArray, at: IntArray, /) -> FloatArray:
    """``_running_sums`` of up to ``SUM_BLOCK`` samples: one block, the sums picked out by
    index (no sorting of ``at``): the same products and the same running sums. ``np.take``
    picks them out with two thirds of a fancy index's work."""
    products = _products(np.ascontiguousarray(x.T))  # (3, N): rows multiply fast
    running = np.cumsum(products, axis=1, out=products)
    out = np.take(running, at - 1, axis=1)  # a column at -1 wraps round: set to 0 below
    out[:, at == 0] = 0.0  # the sums over no sample
    return out
