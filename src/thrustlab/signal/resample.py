"""Irregular timestamps to one uniform rate, with gaps kept visible."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial

import numpy as np
import numpy.typing as npt

from thrustlab.records import record
from thrustlab.signal.filters import (
    band_gain,
    gain_on,
    irfft0,
    next_fast_len,
    overlap_save_blocks,
    rfft_freqs,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]

GAP_INTERVALS = 5.0
"""A pause longer than five typical sample intervals is a gap, whatever the rate."""
NEAR_TWICE = 1.9
"""A phone set to 100 Hz often delivers 99.x Hz: that still counts as twice a 50 Hz
analysis rate, and is halved like a recording at 100.0 Hz."""


@record
class Uniform:
    """Samples at ``rate_hz`` from t = 0; ``valid`` is False inside gaps, where the values
    are straight lines between the samples either side and must not be measured.
    ``recorded_rate_hz`` is the rate the recording's timestamps suggest (1 / median
    interval)."""

    rate_hz: float
    acc_mps2: FloatArray
    gyro_rads: FloatArray | None
    valid: BoolArray
    gravity_included: bool
    recorded_rate_hz: float
    dense: BoolArray | None = None
    """False in the slow stretches (``Gaps.slow``): the movement is measured there, the
    shaking is not; None: dense everywhere."""

    @property
    def t_s(self) -> FloatArray:
        return np.arange(self.acc_mps2.shape[0]) / self.rate_hz


@record
class Slow:
    """Stretches where the samples came too far apart for the analysis' bands (see
    ``to_uniform``'s ``slow_step_s``): how many, their total length, when the first began
    (s), and the rate within them (Hz, 1 / their median step)."""

    count: int
    total_s: float
    first_s: float
    rate_hz: float


@record
class Gaps:
    """Stretches not measured: pauses in the samples longer than the gap threshold (how many,
    their total length and when the first began, s), and the ``slow`` stretches."""

    count: int
    total_s: float
    first_s: float
    slow: Slow | None = None


SLOW_RUN_S = 1.0
"""Samples further apart than ``slow_step_s`` for a second or more in a row: the phone
lowered its rate (Android does when the screen turns off, iOS when the app leaves the
foreground), where a few late samples among the others are jitter."""


def to_uniform(
    t_s: FloatArray,
    acc_mps2: FloatArray,
    gyro_rads: FloatArray | None,
    /,
    *,
    gravity_included: bool,
    gap_threshold_s: float,
    rate_hz: float | None = None,
    max_rate_hz: float | None = None,
    slow_step_s: float | None = None,
    recorded_rate_hz: float | None = None,
) -> tuple[Uniform, Gaps | None]:
    """Resample the samples at times ``t_s`` (from 0, increasing) to ``rate_hz`` (default:
    their median rate, rounded: ``_grid_rate``) by cubic interpolation; pauses longer than
    the gap threshold are marked invalid and returned as ``Gaps``.

    With ``max_rate_hz``, a recording at twice that rate or more (``NEAR_TWICE``) is then
    decimated by the largest whole factor that keeps it at or above ``max_rate_hz`` (by 2
    when it falls just short of twice), behind an anti-alias filter: what lies above the
    analysis bands is only work.

    With ``slow_step_s``, samples further apart than that for ``SLOW_RUN_S`` or more in a row
    are marked as not dense (``Uniform.dense``) and returned as ``Gaps.slow``: interpolated,
    they read calm whatever shook (at 12.5 Hz a rep's 6-12 Hz shaking read 88 % low), where
    they still show the thigh's movement (below 2 Hz).

    The gyroscope serves only the thigh's movement (below 2 Hz), so straight lines onto the
    final grid are enough for it: no cubic, no anti-alias filter. ``recorded_rate_hz``: 1 /
    the median of the steps of ``t_s``, when the caller has worked it out (for
    ``slow_step_s``)."""
    t = t_s
    dt = np.diff(t)
    recorded_rate = float(1.0 / median_of(dt)) if recorded_rate_hz is None else recorded_rate_hz
    rate = _grid_rate(recorded_rate) if rate_hz is None else rate_hz
    n_out = int(np.floor(t[-1] * rate)) + 1
    t_out = np.arange(n_out, dtype=float)  # the same times as np.arange(n_out) / rate,
    t_out /= rate  # without an int64 copy of them
    limit_s = max(gap_threshold_s, GAP_INTERVALS / rate)
    gap = dt > limit_s
    gap_idx = np.flatnonzero(gap)
    slow_idx, slow = np.empty(0, dtype=np.intp), None
    far = None if slow_step_s is None or slow_step_s >= limit_s else dt > slow_step_s
    if far is not None and np.count_nonzero(far) > gap_idx.size:  # far apart, not all gaps
        stretches = _runs_longer(_jitter_bridged(far, gap), t, SLOW_RUN_S, but=gap_idx)
        slow_idx = np.flatnonzero(stretches & ~gap)
        slow = _slow(stretches, dt, t) if slow_idx.size else None
    factor = 1
    thin = max_rate_hz is not None and rate >= NEAR_TWICE * max_rate_hz and n_out > 1
    if thin:
        assert max_rate_hz is not None
        # never thinner than 2 samples: a factor beyond the samples only costs (an FFT that long)
        factor = min(max(2, int(rate // max_rate_hz)), n_out - 1)
    block = max(factor, INTERP_BLOCK // factor * factor)  # whole groups of ``factor``
    cubic = partial(_interp, t_out, t, acc_mps2, gap, block=block)
    outside = partial(_thinned_outside, factor=factor) if thin else _outside
    valid = outside(t_out, t[gap_idx], t[gap_idx + 1])
    dense = outside(t_out, t[slow_idx], t[slow_idx + 1]) if slow_idx.size else None
    if thin:
        acc = _decimated(cubic, n_out, factor, rate, columns=acc_mps2.shape[1])
        rate /= factor
    else:
        acc = _joined(cubic(), n_out)
    gyro = None
    if gyro_rads is not None:
        gyro = _lines(t_out[::factor], t, gyro_rads, block=max(1, INTERP_BLOCK // factor))
    gaps = None
    if gap_idx.size or slow is not None:
        first_s = float(t[gap_idx[0]]) if gap_idx.size else 0.0
        gaps = Gaps(int(gap_idx.size), float(dt[gap_idx].sum()), first_s, slow)
    return Uniform(rate, acc, gyro, valid, gravity_included, recorded_rate, dense), gaps


JITTER_STEPS = 3
"""Up to three steps in a row under ``slow_step_s`` among slower ones are the slow rate's
jitter, not the phone's rate come back: a 50 Hz phone that fell to 25 Hz, its timestamps
jittered by 28 %, had a quarter of its slow steps under the line, so its stretch fell into
pieces under ``SLOW_RUN_S`` and went untold (its 6-12 Hz shaking read 10 % low)."""


def _jitter_bridged(slow: BoolArray, gap: BoolArray, /) -> BoolArray:
    """``slow`` (steps, gaps among them), and the runs of up to ``JITTER_STEPS`` others
    between two slow steps that are not gaps (a late sample beside a long pause makes no
    slow stretch of it)."""
    at = np.flatnonzero(slow)
    holes = np.diff(at) - 1  # the steps between each slow step and the next
    fill = np.flatnonzero((holes > 0) & (holes <= JITTER_STEPS))
    fill = fill[~gap[at[fill]] & ~gap[at[fill + 1]]]
    if not fill.size:
        return slow
    slow = slow.copy()
    for step in range(1, JITTER_STEPS + 1):
        within = fill[holes[fill] >= step]
        slow[at[within] + step] = True
    return slow


def _runs_longer(steps: BoolArray, t: FloatArray, min_s: float, /, *, but: IntArray) -> BoolArray:
    """The ``steps`` (True ones, each from ``t[i]`` to ``t[i + 1]``) in runs of consecutive
    True that span ``min_s`` or more, the steps ``but`` (in order) not counted: a late
    sample either side of a long pause is no slow stretch, where a stretch at 10 Hz, half
    its steps over the gap threshold, still is."""
    if not steps.any():
        return steps
    edges = np.flatnonzero(np.diff(steps, prepend=False, append=False))
    starts, ends = edges[::2], edges[1::2]  # each run: steps starts .. ends - 1
    span = t[ends] - t[starts]
    if but.size:
        left_out = np.concatenate([[0.0], np.cumsum(t[but + 1] - t[but])])
        span -= left_out[np.searchsorted(but, ends)] - left_out[np.searchsorted(but, starts)]
    long = span >= min_s
    marks = np.zeros(steps.size + 1, dtype=np.int64)
    marks[starts[long]] = 1  # each run's first step and the step after its last
    marks[ends[long]] = -1
    within: BoolArray = np.cumsum(marks[:-1]) > 0
    return within


def _slow(stretches: BoolArray, dt: FloatArray, t: FloatArray, /) -> Slow:
    """The slow ``stretches`` (a mask of the steps ``dt``), the gaps inside them counted
    in: at 10 Hz half the steps are over the gap threshold, and the stretch is one."""
    steps = np.flatnonzero(stretches)
    runs = 1 + np.count_nonzero(np.diff(steps) > 1)
    return Slow(int(runs), float(dt[steps].sum()), float(t[steps[0]]), 1.0 / median_of(dt[steps]))


GRID_STEP_FROM_HZ = 20.0
"""From 20 Hz on the grid's rate is the median rate to 1 Hz, below it to 0.1 Hz: the median
of jittered steps wanders by 0.1-0.2 Hz with the recording's length (10 % jitter at 100 Hz),
so to 0.1 Hz the grid moved as a live set grew, and a rep's figures with it."""


def _grid_rate(recorded_hz: float, /) -> float:
    """The uniform grid's rate for a recording's median rate (the rate itself when rounding
    leaves nothing: a sample every 20 s or more)."""
    return round(recorded_hz, 0 if recorded_hz >= GRID_STEP_FROM_HZ else 1) or recorded_hz


def median_of(x: FloatArray, /) -> float:
    """``float(np.median(x))`` of a 1-D ``x``: the same partition and the same arithmetic,
    without its generic axis handling."""
    size = x.size
    if size == 0:
        return float(np.median(x))
    k = size // 2
    part = np.partition(x, [k, -1] if size % 2 else [k - 1, k, -1])
    if np.isnan(part[-1]):
        return float("nan")
    return float(part[k]) if size % 2 else (float(part[k - 1]) + float(part[k])) / 2


def _outside(t_out: FloatArray, starts_s: FloatArray, ends_s: FloatArray) -> BoolArray:
    """False where ``t_out`` lies strictly inside one of the intervals (starts_s, ends_s),
    pauses between successive samples: in order, none overlapping another.

    So the samples fall in runs, outside and inside by turns, written out in one pass (a
    running count over every sample, in int64, made an hour at 400 Hz spend more time on
    fresh memory than on counting)."""
    if not starts_s.size:  # no pause: every sample lies outside
        return np.ones(t_out.size, dtype=bool)
    first_inside = np.searchsorted(t_out, starts_s, side="right")
    first_after = np.searchsorted(t_out, ends_s, side="left")
    if first_inside.size <= FEW_GAPS:  # a few runs: cleared one by one
        out = np.ones(t_out.size, dtype=bool)
        for a, b in zip(first_inside.tolist(), first_after.tolist(), strict=True):
            out[a:b] = False
        return out
    edges = np.column_stack([first_inside, first_after]).ravel()
    lengths = np.diff(edges, prepend=0, append=t_out.size)
    return np.repeat(np.resize([True, False], lengths.size), lengths)


FEW_GAPS = 64
"""Up to this many gaps, ``_outside`` clears each gap's samples in turn."""


def _thinned_outside(
    t_out: FloatArray, starts_s: FloatArray, ends_s: FloatArray, factor: int
) -> BoolArray:
    """``_decimated_mask(_outside(t_out, starts_s, ends_s), factor)``: with a few gaps, each
    gap's run of samples inside, widened by a step and thinned, cleared in turn (a thinned
    sample is valid only if no sample within a step of it lies inside a gap) instead of a
    running count over every sample."""
    if not starts_s.size:
        return np.ones(-(-t_out.size // factor), dtype=bool)
    if starts_s.size > FEW_GAPS:
        return _decimated_mask(_outside(t_out, starts_s, ends_s), factor)
    first_inside = np.searchsorted(t_out, starts_s, side="right")
    first_after = np.searchsorted(t_out, ends_s, side="left")
    out = np.ones(-(-t_out.size // factor), dtype=bool)
    for a, b in zip(first_inside.tolist(), first_after.tolist(), strict=True):
        if a < b:  # samples a .. b - 1 lie inside: thinned samples m with m f within f of them
            out[max(-(-a // factor) - 1, 0) : (b - 1) // factor + 2] = False
    return out


Blocks = Callable[..., Iterator[tuple[int, FloatArray]]]
"""``_interp`` given all but ``into``: a signal's samples a block at a time."""


def _decimated(blocks: Blocks, n: int, factor: int, rate_hz: float, *, columns: int) -> FloatArray:
    """Every ``factor``-th sample of the ``n`` samples (C ``columns``) of ``blocks`` (each
    block its first sample's index and its (k, C) values) after a zero-phase low-pass that
    passes 80 % of the new Nyquist frequency and nothing above it (edges mirrored, as in
    filters). A long recording (``BY_BLOCKS_FROM``) is thinned a block at a time."""
    pad = min(factor * max(1, round(rate_hz / factor)), (n - 1) // factor * factor)
    n_fft = factor * next_fast_len(-(-(n + 2 * pad) // factor))
    n_new = n_fft // factor
    span = (pad // factor, pad // factor + (n - 1) // factor + 1)
    if n_fft >= BY_BLOCKS_FROM and n_new >= 2 * THIN_BLOCK:
        phases = _phases_of(blocks(), n, pad=pad, factor=factor, n_fft=n_fft)
        return _thinned_blocks(phases.rows, span, rate_hz=rate_hz)
    kept = n_new // 2 + 1  # the frequencies the thinned signal can hold
    rows = _mirrored_rows(blocks, n, columns=columns, pad=pad, n_fft=n_fft)
    coeffs = np.fft.rfft(rows, axis=1).T[:kept]
    thinned = irfft0(coeffs, _anti_alias(n_fft, kept, rate_hz, factor), n=n_new)
    return np.asarray(thinned[span[0] : span[1]])


def _anti_alias(n_fft: int, kept: int, rate_hz: float, factor: int) -> FloatArray:
    """The anti-alias gain on the first ``kept`` frequencies of an ``n_fft``-point transform
    at ``rate_hz``, divided by ``factor`` (``irfft`` of ``n_fft // factor`` points then
    thins it); kept, as a batch's recordings share length and rate."""
    new_rate = rate_hz / factor
    return gain_on(
        rfft_freqs(n_fft, rate_hz)[:kept],
        ("anti-alias", n_fft, rate_hz, factor),
        lambda f: band_gain(f, band_hz=(0.0, 0.4 * new_rate), taper_hz=0.1 * new_rate) / factor,
    )


BY_BLOCKS_FROM = 2**17
"""From 131,072 samples on (five and a half minutes at 400 Hz), a recording is thinned a
block at a time (``_thinned_blocks``) when it holds two blocks: one transform of the whole
signal no longer stays in the processor's cache (an hour at 400 Hz took 20x the time of six
minutes, not 10x, and in phases of the whole length 17x)."""
THIN_BLOCK = 4096
"""Thinned samples per block of ``_thinned_blocks``, the ``THIN_REACH`` either side
included: 8 x 4,096 samples per transform at 400 Hz, which stay in the processor's cache."""
THIN_REACH = 512
"""Thinned samples read either side of each block's own. The anti-alias kernel fades as
1/t^3 (its raised-cosine edge is 0.1 of the new rate wide): beyond 512 thinned samples
either side lies 6.3e-6 of its weight, at any rate and factor (``test_signal``), so a
block's samples are those of one transform of the whole signal to within 1e-5 of the
largest value. Measured: 1e-7 of it on a simulated hour and on white noise."""


def _phases_of(
    blocks: Iterable[tuple[int, FloatArray]], n: int, /, *, pad: int, factor: int, n_fft: int
) -> _Phases:
    """``mirrored(x, pad=pad)`` zero-padded to ``n_fft`` samples, for the ``n`` samples of
    ``blocks`` (see ``_decimated``), as ``_Phases``: the samples go straight into one row
    per column and phase (every ``factor``-th sample from sample r)."""
    phases: _Phases | None = None
    for low, rows in blocks:
        if phases is None:
            phases = _Phases(rows.shape[1], factor, n_fft // factor)
        phases.put(pad + low, rows)
    assert phases is not None
    head, tail = pad + np.arange(pad, 0, -1), pad + np.arange(n - 2, n - pad - 2, -1)
    phases.put(0, phases.get(head))  # as mirrored(): x[pad:0:-1], x, x[-2:-pad-2:-1]
    phases.put(pad + n, phases.get(tail))
    phases.clear_from(2 * pad + n)  # the transform's zero padding
    return phases


def _thinned_blocks(rows: FloatArray, span: tuple[int, int], /, *, rate_hz: float) -> FloatArray:
    """Thinned samples ``span`` of the phase rows ``rows`` (C, factor, n_new: ``_Phases``)
    of a signal at ``rate_hz``, low-passed and thinned as ``_decimated`` does with one
    transform of the whole padded signal, ``THIN_BLOCK`` thinned samples at a time
    (overlap-save); (samples, C).

    Both are the circular convolution of the padded signal with the anti-alias kernel,
    the whole transform's over its length, a block's over its own: each block is
    transformed with ``THIN_REACH`` thinned samples either side (wrapping round the padded
    signal's ends, as the whole transform does) and keeps only its middle, which the
    kernel's wrapped tail reaches only with the weight ``THIN_REACH`` leaves out. A block's
    transform is made from its phases' short ones: ``X[k] = sum_r w^(r k) Y_r[k]`` (w the
    block's first root of unity at the full rate), added by Horner's rule."""
    columns, factor, _ = rows.shape
    block, reach = THIN_BLOCK, THIN_REACH
    kept = block // 2 + 1
    shift = np.exp(-2j * np.pi * np.arange(kept) / (factor * block))
    gain = _anti_alias(factor * block, kept, rate_hz, factor)
    out = np.empty((span[1] - span[0], columns))
    for low, high, segment in overlap_save_blocks(rows, span, block=block, reach=reach):
        spectra = np.fft.rfft(segment, axis=-1)  # (C, factor, kept)
        total = spectra[:, -1]  # written over: a row of spectra, read no more
        for r in range(factor - 2, -1, -1):  # Horner: Y_0 + w (Y_1 + w (Y_2 + ...))
            total *= shift
            total += spectra[:, r]
        total *= gain
        thinned = np.fft.irfft(total, n=block, axis=-1)
        out[low:high] = thinned[:, reach : reach + high - low].T
    return out


def _mirrored_rows(blocks: Blocks, n: int, /, *, columns: int, pad: int, n_fft: int) -> FloatArray:
    """``mirrored(x, pad=pad)`` of the ``n`` samples ``x`` of ``blocks``, zero-padded to
    ``n_fft`` and turned to rows (C, n_fft): what ``rfft0(mirrored(x, pad=pad), n=n_fft)``
    transforms, written once instead of joined, mirrored, turned and padded in four copies.
    The blocks are interpolated straight into the rows (copied there, they cost 0.15 M
    instructions more of a 60 s file's 6.7 M in ``to_uniform``)."""
    rows = np.empty((columns, n_fft))
    for _ in blocks(into=rows[:, pad : pad + n]):  # each block written in place
        pass
    if pad:  # as mirrored(): x[pad:0:-1], x, x[-2:-pad-2:-1]
        rows[:, :pad] = rows[:, 2 * pad : pad : -1]
        rows[:, pad + n : n + 2 * pad] = rows[:, pad + n - 2 : n - 2 : -1]
    rows[:, n + 2 * pad :] = 0.0
    return rows


def _joined(blocks: Iterable[tuple[int, FloatArray]], n: int) -> FloatArray:
    """The ``n`` samples of ``blocks`` in one array."""
    out: FloatArray | None = None
    for low, rows in blocks:
        if out is None:
            out = np.empty((n, rows.shape[1]))
        out[low : low + rows.shape[0]] = rows
    assert out is not None
    return out


class _Phases:
    """A signal of ``factor * n`` samples and ``columns`` columns kept as
    ``rows[column, r, j] = x[j * factor + r, column]``."""

    def __init__(self, columns: int, factor: int, n: int) -> None:
        # not np.zeros: its memory comes from the system a 4 kB page at a time, where numpy
        # asks for large pages for memory it fills itself (an hour at 400 Hz: 10,000 page
        # faults, 20 of the 70 ms of the transforms); ``put`` and ``clear_from`` fill it
        self.rows = np.empty((columns, factor, n))
        self.factor = factor

    def clear_from(self, start: int) -> None:
        """Samples ``start`` on are zeros."""
        f, rows = self.factor, self.rows
        if start < f * rows.shape[2]:
            rows[:, start % f :, start // f] = 0.0
            rows[:, :, start // f + 1 :] = 0.0

    def put(self, start: int, x: FloatArray) -> None:
        """Samples ``start`` to ``start + len(x)`` are ``x`` (k, C)."""
        f, rows = self.factor, self.rows
        lead = min(-start % f, x.shape[0])  # up to the next whole group of ``factor``
        if lead:
            rows[:, start % f : start % f + lead, start // f] = x[:lead].T
        start, x = start + lead, x[lead:]
        j, whole = start // f, x.shape[0] // f
        groups = x[: whole * f].reshape(whole, f, x.shape[1])
        if whole < f:
            for g in range(whole):
                rows[:, :, j + g] = groups[g].T
        else:
            for r in range(f):  # a contiguous run of each phase's row
                rows[:, r, j : j + whole] = groups[:, r].T
        rest = x.shape[0] - whole * f
        if rest:
            rows[:, :rest, j + whole] = x[whole * f :].T

    def get(self, at: npt.NDArray[np.intp]) -> FloatArray:
        """The samples at positions ``at``, (len(at), C)."""
        return np.asarray(self.rows[:, at % self.factor, at // self.factor].T)


def _decimated_mask(valid: BoolArray, factor: int) -> BoolArray:
    """A thinned sample is valid only if every original sample within a step of it was."""
    if valid.all():
        return np.asarray(valid[::factor])
    # the running count of invalid samples, in int32 where it fits and written in place (an
    # int64 count, then a copy with a 0 in front, made an hour at 400 Hz cost 24 ms, 100x
    # six minutes' 0.24 ms)
    invalid_before = np.empty(valid.size + 1, dtype=np.int32 if valid.size < 2**31 else np.int64)
    invalid_before[0] = 0
    np.cumsum(~valid, out=invalid_before[1:])
    kept = np.arange(0, valid.size, factor)
    low, high = np.maximum(kept - factor, 0), np.minimum(kept + factor + 1, valid.size)
    return np.asarray(invalid_before[high] == invalid_before[low])


INTERP_BLOCK = 32_768
"""Output samples interpolated at a time: the dozen temporaries per sample stay small and
reused (whole-signal temporaries made an hour at 400 Hz cost 5x the time per sample of six
minutes, most of it touching fresh memory, and 170 MB more at the peak)."""


def _interp(
    t_out: FloatArray,
    t: FloatArray,
    values: FloatArray,
    gap: BoolArray,
    /,
    *,
    block: int,
    into: FloatArray | None = None,
) -> Iterator[tuple[int, FloatArray]]:
    """Cubic (Catmull-Rom) interpolation: unlike straight lines, it keeps a 10 Hz tremor
    sampled at 50 Hz at full amplitude (linear interpolation loses about 12 % there).
    Straight lines, which cannot overshoot, across a ``gap`` interval and next to one.
    ``block`` output samples at a time, each block its first index and its values ((k, C), a
    view of rows (C, k)): of one buffer, written over by the next block, or of the rows
    ``into`` (C, len(t_out)) when given."""
    near_gap = None
    if gap.any():
        near_gap = gap.copy()
        near_gap[1:] |= gap[:-1]
        near_gap[:-1] |= gap[1:]
    own = into is None
    out = np.empty((values.shape[1], min(block, t_out.size))) if into is None else into
    for low, high, first, last in _stretches(t_out, t, block=block):
        index = np.arange(first, last, dtype=float)
        position = np.interp(t_out[low:high], t[first:last], index)
        rows = out[:, : high - low] if own else out[:, low:high]
        _interp_block(position, t, values, near_gap=near_gap, out=rows)
        yield low, rows.T


def _stretches(t_out: FloatArray, t: FloatArray, /, *, block: int) -> Iterator[tuple[int, ...]]:
    """The blocks of ``block`` output times, each as ``low, high`` (its output samples) and
    ``first, last``: its own stretch of the samples ``t``, a sample beyond either end, which
    gives np.interp the same neighbours as all of ``t`` would. np.interp costs a pass over
    all of ``t`` per call, which made the blocks cost the samples squared."""
    lows = np.arange(0, t_out.size, block)
    highs = np.minimum(lows + block, t_out.size)
    firsts = np.maximum(np.searchsorted(t, t_out[lows], side="right") - 2, 0)
    lasts = np.minimum(np.searchsorted(t, t_out[highs - 1], side="left") + 2, t.size)
    return zip(lows.tolist(), highs.tolist(), firsts.tolist(), lasts.tolist(), strict=True)


def _lines(t_out: FloatArray, t: FloatArray, values: FloatArray, /, *, block: int) -> FloatArray:
    """Straight lines between the samples ``values`` (N, C) at times ``t``, at ``t_out``:
    ``np.interp`` of each column, ``block`` output times at a time (over whole columns, the
    copies np.interp makes of them left the processor's cache: an hour at 400 Hz took 15x
    the time of six minutes)."""
    out = np.empty((t_out.size, values.shape[1]))
    for low, high, first, last in _stretches(t_out, t, block=block):
        at = np.ascontiguousarray(t_out[low:high])  # np.interp copies them at every call
        columns = np.ascontiguousarray(values[first:last].T)
        for c, column in enumerate(columns):
            out[low:high, c] = np.interp(at, t[first:last], column)
    return out


def _interp_block(
    position: FloatArray,
    t: FloatArray,
    values: FloatArray,
    /,
    *,
    near_gap: BoolArray | None,
    out: FloatArray,
) -> None:
    """``_interp`` into the rows ``out`` (C, k) for one block of output times, at
    ``position`` in the samples (interval + fraction).

    The samples it reads are turned to rows (C, k) first: gathering and weighting rows of
    k costs a third of doing it to k rows of C. The four points are gathered, weighted and
    added in one call each, on (C, 4, k): the same products, added in the same order, as one
    point at a time (whose weighting of rows by one weight each took a copy of the rows)."""
    start = np.floor(position)  # the interval, in floats: u = position - start casts nothing
    i = start.astype(int)
    first, last = int(i.min()), int(i.max())
    if last > t.size - 2:  # only at the last sample: the last interval, at u = 1
        np.minimum(start, t.size - 2, out=start)
        np.minimum(i, t.size - 2, out=i)
        last = t.size - 2
    weights = _catmull_rom(position, start)
    if near_gap is not None:  # straight lines: the outer points get no weight
        line = np.flatnonzero(near_gap[i])  # few: only next to a gap
        u = weights[4, line]
        weights[0, line] = 0.0
        weights[1, line] = 1 - u
        weights[2, line] = u
        weights[3, line] = 0.0
    rows = _rows_around(values, first, last)
    terms = rows.take(np.add(i, _TAPS - (first - 1)), axis=1, mode="wrap")  # (C, 4, k)
    np.multiply(terms, weights[:4], out=terms)
    # point by point, from 0.0 (not pairwise: 4 < 8); begun at 0.0 rather than at the first
    # product, a -0.0 sum turns to 0.0 with no pass of its own
    np.add.reduce(terms, axis=1, out=out, initial=0.0)


def _rows_around(values: FloatArray, first: int, last: int) -> FloatArray:
    """The samples ``first - 1`` to ``last + 2`` of ``values`` (N, C) turned to rows (C, k),
    the first and last samples standing in beyond the ends (as np.maximum and np.minimum
    did): every index the four taps of intervals ``first`` to ``last`` (< N - 1) read.

    So ``take`` needs no clipping: its mode="wrap" never wraps here and costs 10
    instructions a sample where mode="clip" cost 12 (0.15 M of a 60 s file's 0.87 M)."""
    n, low, high = values.shape[0], max(first - 1, 0), min(last + 3, values.shape[0])
    rows = np.empty((values.shape[1], last - first + 4))
    rows[:, low - first + 1 : high - first + 1] = values[low:high].T
    if first == 0:
        rows[:, 0] = rows[:, 1]
    if last + 3 > n:
        rows[:, -1] = rows[:, -2]
    return rows


_TAPS = np.arange(-1, 3)[:, None]
"""The four samples around each output, from the one before its interval."""


def _catmull_rom(position: FloatArray, start: FloatArray) -> FloatArray:
    """The Catmull-Rom weights of the four points at fractions ``u = position - start``,
    (5, k), ``u`` itself the last row: ``0.5 (-u3 + 2 u2 - u)``, ``0.5 (3 u3 - 5 u2 + 2)``,
    ``0.5 (-3 u3 + 4 u2 + u)``, ``0.5 (u3 - u2)``, each the same operations as written out
    (-a + b is b - a to the last bit), in place and sharing 3 u^3. ``u`` is written
    straight into its row (a copy there cost 50,000 instructions a 60 s file)."""
    weights = np.empty((5, position.size))
    w0, w1, w2, w3, fraction = weights
    np.subtract(position, start, out=fraction)
    u2 = fraction * fraction
    u3 = u2 * fraction
    three_u3 = 3 * u3
    np.multiply(2, u2, out=w0)
    w0 -= u3
    w0 -= fraction
    w0 *= 0.5
    np.multiply(5, u2, out=w1)
    np.subtract(three_u3, w1, out=w1)
    w1 += 2
    w1 *= 0.5
    np.multiply(4, u2, out=w2)
    w2 -= three_u3
    w2 += fraction
    w2 *= 0.5
    np.subtract(u3, u2, out=w3)
    w3 *= 0.5
    return weights
