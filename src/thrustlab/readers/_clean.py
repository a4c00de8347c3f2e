"""From raw columns to a valid Recording: drop, sort, de-duplicate, align, and say so."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from thrustlab.config import GAP_THRESHOLD_S
from thrustlab.errors import ReadError
from thrustlab.quality import QualityFlag
from thrustlab.recording import G_MPS2, Recording, all_finite, usable_stretch
from thrustlab.records import record
from thrustlab.signal.resample import GAP_INTERVALS

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

GRAVITY_TOLERANCE_MPS2 = 3.0
"""A mean acceleration magnitude within this of 1 g means gravity is in the signal."""
MAX_ABS_VALUE = 1e9
"""Larger sample values (m/s^2, g, rad/s, deg/s) are corruption, not motion: the row is dropped."""


@record
class Stream:
    """One sensor's usable samples: seconds from a shared origin, sorted and unique."""

    label: str
    t_s: FloatArray
    values: FloatArray  # (N, k)
    flags: tuple[QualityFlag, ...]


def time_origin(raws: Sequence[tuple[FloatArray | IntArray, BoolArray]], /) -> int | float:
    """The earliest usable time over several raw time columns (int stays int)."""
    lows = [t.min() if ok.all() else t[ok].min() for t, ok in raws if ok.any()]
    if not lows:
        return 0
    low = min(lows)
    return int(low) if isinstance(low, np.integer) else float(low)


RESOLVED_SHARE = 0.05
"""A time column whose first rows hold fewer distinct times than this share of them has lost
its precision: a spreadsheet saves ``1764489600012345678`` as ``1.76449E+18``, alike for
hours. A clock coarser than the rate repeats (400 Hz stamped to 10 ms: 1 time in 4): see
``COARSE_CLOCK_SHARE``."""
COARSE_CLOCK_SHARE = 0.05
"""When at least this share of the rows repeat the time before them, the clock ticks slower
than the sensor samples (400 Hz stamped to 10 ms, 100 Hz batched 5 rows to a stamp), and
each tick's rows are spread evenly across it: dropping the repeats kept 1 row in 4 or 5,
the rate fell to 20 Hz and the shaking read 0.02 m/s2 where it was 0.05. Fewer repeats are
rows written twice, and are dropped."""
COARSE_CLOCK_MIN_REPEATS = 10
"""...and at least 10 of them: a few repeats in a short file are rows written twice."""


def times_resolve(times: FloatArray | IntArray, ok: BoolArray, /) -> bool:
    """True when the first 1,024 usable ``times`` tell the rows apart (rounding spoils them
    all, so the first rows tell: no sort of the whole column), or are too few to judge."""
    head = times[:1024] if ok[:1024].all() else times[ok][:1024]  # the same rows
    return head.size < 16 or _distinct(head) >= RESOLVED_SHARE * head.size


def _distinct(values: FloatArray | IntArray, /) -> int:
    """``np.unique(values).size`` of a 1-D array of one value or more: its sorted values,
    counted where they change (as ``np.unique`` does), without its generic steps (5 us of
    the 9 us ``times_resolve`` took on a minute's rows); ``np.unique`` itself when NaN is
    in them (it counts them as one)."""
    if np.all(values[1:] > values[:-1]):  # in order, as clocks write them: none alike
        return int(values.size)  # (no sort: 49,000 instructions on a minute's first rows)
    ordered = np.sort(values)
    if ordered.dtype.kind == "f" and np.isnan(ordered[-1]):
        return int(np.unique(values).size)
    return 1 + int(np.count_nonzero(ordered[1:] != ordered[:-1]))


def within_limits(values: FloatArray, /) -> bool:
    """True when every value is finite and not absurd (see ``MAX_ABS_VALUE``): the whole
    array's lowest and highest values answer (NaN carries through both), at a third of the
    cost of a mask."""
    return values.size == 0 or bool(
        values.min() >= -MAX_ABS_VALUE and values.max() <= MAX_ABS_VALUE
    )


def usable_rows(values: FloatArray, /) -> BoolArray:
    """Rows of an (N, k) array whose values are all finite and not absurd, column by
    column: 4x faster than ``np.all(..., axis=1)`` on an (N, 3) array. Ask
    ``within_limits`` first: in the usual file every row is usable."""
    ok: BoolArray = np.ones(values.shape[0], dtype=bool)
    for k in range(values.shape[1]):
        ok &= np.abs(values[:, k]) <= MAX_ABS_VALUE  # False for NaN too
    return ok


def clean_stream(
    t_raw: FloatArray | IntArray,
    t_ok: BoolArray,
    values: FloatArray,
    /,
    *,
    origin: int | float,
    seconds_per_unit: float,
    label: str,
    path: str,
    unparsed_rows: int = 0,
) -> Stream:
    """Drop unusable rows, convert time to seconds from ``origin``, sort and de-duplicate."""
    ok = t_ok if within_limits(values) else t_ok & usable_rows(values)
    t_s, rows, flags = clean_rows(
        t_raw,
        ok,
        origin=origin,
        seconds_per_unit=seconds_per_unit,
        label=label,
        path=path,
        unparsed_rows=unparsed_rows,
        values=(values,),
    )
    return Stream(label, t_s, values if rows is None else values[rows], flags)


def clean_rows(
    t_raw: FloatArray | IntArray,
    ok: BoolArray,
    /,
    *,
    origin: int | float,
    seconds_per_unit: float,
    label: str,
    path: str,
    unparsed_rows: int = 0,
    reuse_times: bool = False,
    values: Sequence[FloatArray | None] = (),
) -> tuple[FloatArray, IntArray | None, tuple[QualityFlag, ...]]:
    """``clean_stream`` on the times alone: the seconds from ``origin`` of the rows kept
    (``ok``, sorted, de-duplicated), the rows kept in their new order (None: all, as they
    were, the usual file) and the flags. The values are then taken once, in place.
    ``reuse_times``: the caller has no more use for ``t_raw``, and the seconds may be
    written over it (no fresh array: 1% of reading a 100-minute CSV). ``values``: the rows'
    readings, (N, k) arrays, by which repeated times that repeat every reading too are told
    for rows written twice, not a coarse clock."""
    flags: list[QualityFlag] = []
    n_total = t_raw.size + unparsed_rows
    n_bad = int(t_raw.size - np.count_nonzero(ok))
    rows: IntArray | None = None
    if n_bad:
        rows = np.flatnonzero(ok)
        t_raw, reuse_times = t_raw[rows], True  # a copy of its own
    if n_bad or unparsed_rows:
        flags.append(_dropped_flag(label, n_total, n_bad, unparsed_rows))
    t_s = _seconds(
        t_raw, origin=origin, seconds_per_unit=seconds_per_unit, path=path, in_place=reuse_times
    )
    if t_s.size < 2 or np.all(t_s[1:] > t_s[:-1]):  # in order and unique (the usual file)
        return t_s, rows, tuple(flags)  # (compared, not differenced: no fresh float array)
    steps = np.diff(t_s)
    restarts = _restarts(steps)
    if restarts.size:
        low, high, flag = _longest_run(t_s, steps, restarts, label=label)
        flags.append(flag)
        t_s, steps = t_s[low:high], steps[low : high - 1]
        rows = np.arange(low, high) if rows is None else rows[low:high]
    backwards = int(np.count_nonzero(steps < 0))
    if backwards:
        order = np.argsort(t_s, kind="stable")
        t_s, rows = t_s[order], order if rows is None else rows[order]
        steps = np.diff(t_s)
        flags.append(
            QualityFlag(
                "timestamps_unsorted",
                "warning",
                f"{label}: time went backwards {backwards} times; the samples were sorted by time",
            )
        )
    repeats = int(np.count_nonzero(steps <= 0))
    coarse = max(COARSE_CLOCK_SHARE * t_s.size, COARSE_CLOCK_MIN_REPEATS) <= repeats < steps.size
    if coarse and not _copied(values, rows, steps <= 0):
        spread, flag = _spread_ticks(t_s, steps > 0, label=label)
        if np.all(spread[1:] > spread[:-1]):  # not where doubles cannot tell the rows apart
            return spread, rows, (*flags, flag)
    if repeats:
        keep = np.concatenate(([True], steps > 0))
        t_s, rows = t_s[keep], np.flatnonzero(keep) if rows is None else rows[keep]
        flags.append(
            QualityFlag(
                "duplicate_timestamps",
                "warning",
                f"{label}: dropped {repeats} rows whose timestamp repeated an earlier one "
                "(the first was kept)",
            )
        )
    return t_s, rows, tuple(flags)


def _restarts(steps: FloatArray, /) -> IntArray:
    """The steps where the clock starts again: back by more than ``RESTART_S``, between two
    ordinary steps (forward, within ``ORDINARY_STEP_TIMES`` of the median), and few of them
    (``RESTARTS_PER_ROWS``). Sorting such rows would interleave two runs' samples into
    nonsense. One row whose stamp is off (a flipped digit) has no ordinary step on both
    sides of its jump; shuffled rows go back at every other step: both are sorted."""
    back = np.flatnonzero(steps < -RESTART_S)
    back = back[(back > 0) & (back < steps.size - 1)]
    if not back.size or back.size > max(1, steps.size // RESTARTS_PER_ROWS):
        return back[:0]
    forward = steps[steps > 0]
    if not forward.size:
        return back[:0]
    top = ORDINARY_STEP_TIMES * float(np.median(forward))
    before, after = steps[back - 1], steps[back + 1]
    restarts: IntArray = back[(before > 0) & (before <= top) & (after > 0) & (after <= top)]
    return restarts


def _longest_run(
    t_s: FloatArray, steps: FloatArray, restarts: IntArray, /, *, label: str
) -> tuple[int, int, QualityFlag]:
    """The first and end row of the longest run between ``restarts`` (the first of equals),
    and the entry saying what was kept."""
    bounds = np.concatenate(([0], restarts + 1, [t_s.size]))
    run = int(np.argmax(np.diff(bounds)))
    low, high = int(bounds[run]), int(bounds[run + 1])
    back = f"{float(-steps[restarts].min()):.3g} s"
    n = restarts.size
    went = f"went back {back} once" if n == 1 else f"went back {n} times, by up to {back}"
    return (
        low,
        high,
        QualityFlag(
            "clock_restarted",
            "warning",
            f"{label}: the time {went} (files joined end to end, or a clock that started "
            f"again): run {run + 1} of {n + 1}, the longest ({high - low} rows, "
            f"{float(t_s[high - 1] - t_s[low]):.2f} s), was kept and the other "
            f"{t_s.size - (high - low)} rows dropped; to analyse another run, save it as a "
            "file of its own",
        ),
    )


RESTART_S = 1.0
"""Time that goes back more than 1 s between two ordinary steps starts a new run: rows
written out of order by a logger's threads are milliseconds apart."""
ORDINARY_STEP_TIMES = 10.0
"""The steps either side of a restart are forward and at most 10 times the median step."""
RESTARTS_PER_ROWS = 1000
"""At most one restart per 1,000 rows (and always one): more is disorder, sorted."""


def _copied(
    values: Sequence[FloatArray | None], rows: IntArray | None, repeated: BoolArray, /
) -> bool:
    """True when most rows whose time repeats (``repeated``: of each step between the sorted
    rows, ``rows`` of each of ``values`` or all in order) repeat every reading before them
    too: rows written twice, where a coarse clock's rows each hold a sample of their own."""
    readings = [v for v in values if v is not None]
    if not readings:
        return False
    after = np.flatnonzero(repeated) + 1  # the second row of each repeat, in sorted order
    order = np.arange(readings[0].shape[0]) if rows is None else rows
    same = np.ones(after.size, dtype=bool)
    for v in readings:
        same &= np.all(v[order[after]] == v[order[after - 1]], axis=1)
    return 2 * int(np.count_nonzero(same)) > after.size


def _spread_ticks(
    t_s: FloatArray, advances: BoolArray, /, *, label: str
) -> tuple[FloatArray, QualityFlag]:
    """Sorted times of a clock coarser than the sampling (``advances``: where each step
    moves on; two ticks or more), each tick's rows one typical row's time apart from the
    tick on, closer where the next tick comes sooner: every row kept, in order, each within
    one tick of its stamp, and a gap between ticks stays a gap."""
    first = np.flatnonzero(np.concatenate(([True], advances)))  # where each tick starts
    ticks = t_s[first]
    counts = np.diff(first, append=t_s.size)
    lengths = np.diff(ticks)
    per_row = float(np.median(lengths / counts[:-1]))  # the sampling, from whole ticks
    step = np.minimum(per_row, np.append(lengths, np.inf) / counts)
    tick = np.repeat(np.arange(first.size), counts)  # each row's tick
    spread = ticks[tick] + (np.arange(t_s.size) - first[tick]) * step[tick]
    return spread, QualityFlag(
        "coarse_clock",
        "info",
        f"{label}: the clock ticks every {float(np.median(lengths)) * 1000:.3g} ms, slower than "
        f"the samples ({t_s.size / first.size:.1f} rows a tick): each tick's rows were spread "
        "evenly across it",
    )


def _dropped_flag(label: str, n_total: int, n_bad: int, unparsed: int) -> QualityFlag:
    parts = []
    if unparsed:
        parts.append(f"{unparsed} with the wrong number of fields")
    if n_bad:
        parts.append(f"{n_bad} with missing, non-numeric, non-finite or absurd values")
    return QualityFlag(
        "rows_dropped",
        "warning",
        f"{label}: dropped {unparsed + n_bad} of {n_total} rows ({', '.join(parts)})",
    )


def _seconds(
    t_raw: FloatArray | IntArray,
    *,
    origin: int | float,
    seconds_per_unit: float,
    path: str,
    in_place: bool = False,
) -> FloatArray:
    """Seconds from ``origin``; ``in_place``: written over ``t_raw`` when it is a writable
    float64 array."""
    if t_raw.size == 0:
        return np.zeros(0)
    if t_raw.dtype.kind == "i":
        span = float(t_raw.max()) - float(min(origin, int(t_raw.min())))
        if span < 2.0**62:  # exact to the nanosecond
            rel: FloatArray = (t_raw - np.int64(origin)).astype(np.float64)
        else:  # a corrupt stamp near the int64 limits: subtracting would wrap around
            rel = t_raw.astype(np.float64) - float(origin)
    else:
        reuse = in_place and t_raw.dtype == np.float64 and t_raw.flags.writeable
        rel = np.subtract(t_raw, float(origin), dtype=np.float64, out=t_raw if reuse else None)
    if seconds_per_unit != 1.0:  # times 1.0 changes no value
        rel *= seconds_per_unit
    if not all_finite(rel):
        raise ReadError(path, "has timestamps too large to use; check the time column")
    return rel


def blank_beyond(values: FloatArray, limit: float = MAX_ABS_VALUE, /) -> FloatArray:
    """Readings beyond ``limit`` either way become NaN, in place, so that their rows are
    dropped as unreadable ones are (by default ``MAX_ABS_VALUE``: unit conversion cannot
    overflow). The lowest and highest values answer first: in the usual file none is beyond."""
    with np.errstate(invalid="ignore"):
        if values.size and values.min() >= -limit and values.max() <= limit:
            return values
        values[np.abs(values) > limit] = np.nan
    return values


def drop_leading_zeros(values: FloatArray, /) -> int:
    """How many rows at the start are all exactly zero (a sensor not yet running)."""
    nonzero = np.flatnonzero(np.any(values != 0, axis=1))
    return int(nonzero[0]) if nonzero.size else int(values.shape[0])


def align(
    base: Stream, others: Sequence[Stream], /, *, path: str
) -> tuple[FloatArray, FloatArray, list[FloatArray], list[QualityFlag]]:
    """Put ``others`` on ``base``'s timestamps by linear interpolation, inside the span all cover.

    Returns the base times, base values, the others' values and quality notes.
    """
    flags: list[QualityFlag] = []
    streams = [base, *others]
    for s in streams:
        if s.t_s.size < 2:
            raise ReadError(path, f"{s.label} has fewer than 2 usable samples")
    low = max(float(s.t_s[0]) for s in streams)
    high = min(float(s.t_s[-1]) for s in streams)
    inside = (base.t_s >= low) & (base.t_s <= high)
    n_inside = int(np.count_nonzero(inside))
    if n_inside < 2:
        names = ", ".join(s.label for s in streams)
        raise ReadError(path, f"the sensors ({names}) do not overlap in time")
    t_s, values = base.t_s, base.values
    if n_inside < t_s.size:
        t_s, values = t_s[inside], values[inside]
        flags.append(
            QualityFlag(
                "trimmed_to_common_span",
                "info",
                f"kept the {t_s[-1] - t_s[0]:.2f} s all sensors cover; "
                f"dropped {base.t_s.size - n_inside} {base.label} samples outside it",
            )
        )
    out = [
        np.column_stack([np.interp(t_s, s.t_s, s.values[:, j]) for j in range(s.values.shape[1])])
        for s in others
    ]
    if others:
        rates = ", ".join(f"{s.label} ~{_rate_hz(s.t_s):.0f} Hz" for s in others)
        flags.append(
            QualityFlag(
                "sensors_aligned",
                "info",
                f"interpolated {rates} onto the {base.label} timestamps (~{_rate_hz(t_s):.0f} Hz)",
            )
        )
    return t_s, values, out, flags


def _rate_hz(t_s: FloatArray) -> float:
    return float(1.0 / np.median(np.diff(t_s))) if t_s.size > 1 else float("nan")


def gravity_in(acc_mps2: FloatArray, /) -> bool:
    """True when the mean magnitude is near 1 g (a resting sensor feels gravity)."""
    magnitude = float(np.mean(magnitudes(acc_mps2)))
    return abs(magnitude - G_MPS2) < GRAVITY_TOLERANCE_MPS2


def magnitudes(xyz: FloatArray, /, *, max_rows: int = 4096) -> FloatArray:
    """Vector lengths of at most ``max_rows`` evenly spread rows (enough for a typical size).
    Squares summed column by column: ``einsum("ij,ij->i")`` takes twice as long on 3
    columns."""
    step = max(1, xyz.shape[0] // max_rows)
    squares = np.square(xyz[::step])
    sums: FloatArray = squares[:, 0] + squares[:, 1] + squares[:, 2]
    return np.sqrt(sums)


def gap_flags(t_s: FloatArray, /, *, steps: FloatArray | None = None) -> list[QualityFlag]:
    """A warning for intervals far over the median; ``steps``: ``t_s``'s, when known.

    A gap is an interval over ``GAP_INTERVALS`` median intervals and over
    ``GAP_THRESHOLD_S``: the analysis' own rule (``to_uniform``), which bridges a shorter
    pause. With 0.05 s here, the reader said of 60-90 ms pauses at 100 Hz that they were
    "left as gaps, not filled" where the analysis filled them."""
    steps = np.diff(t_s) if steps is None else steps
    if float(steps.max()) <= GAP_THRESHOLD_S:  # no interval can be a gap: no median needed
        return []
    median = float(np.median(steps))
    gaps = np.flatnonzero(steps > max(GAP_INTERVALS * median, GAP_THRESHOLD_S))
    if gaps.size == 0:
        return []
    worst = int(gaps[np.argmax(steps[gaps])])
    return [
        QualityFlag(
            "time_gaps",
            "warning",
            (
                f"A gap in the samples, {steps[worst]:.2f} s long at {t_s[worst]:.2f} s"
                if gaps.size == 1
                else f"{gaps.size} gaps in the samples, the longest {steps[worst]:.2f} s at "
                f"{t_s[worst]:.2f} s"
            )
            + "; left as gaps, not filled",
        )
    ]


def build(
    path: str,
    t_s: FloatArray,
    acc_mps2: FloatArray,
    gyro_rads: FloatArray | None,
    /,
    *,
    fmt: str,
    gravity_included: bool,
    flags: Sequence[QualityFlag],
    start_epoch_ns: int | None = None,
    meta: Mapping[str, str] | None = None,
    samples_finite: bool = False,
) -> Recording:
    """Shift time to start at 0 and make the Recording (ReadError if under 2 samples); when
    the clock jumps or pauses for longer than the analysis can afford, keep the longest
    stretch that fits (``usable_stretch``) and say so. ``samples_finite``: the reader has
    dropped every row that is not (``Recording`` then skips that check). ``t_s`` becomes
    the recording's own (read-only) when it starts at 0 already."""
    if t_s.size < 2:
        raise ReadError(
            path, f"has {t_s.size} usable sample rows; at least 2 are needed to make a recording"
        )
    first = t_s[0]
    if not (first == 0.0 and not np.signbit(first)):  # minus +0.0 changes no value
        t_s = t_s - first
    try:
        recording = Recording(
            t_s,
            np.ascontiguousarray(acc_mps2, dtype=np.float64),
            None if gyro_rads is None else np.ascontiguousarray(gyro_rads, dtype=np.float64),
            gravity_included,
            fmt,
            path=path,
            start_epoch_ns=start_epoch_ns,
            quality=tuple(flags),
            meta=MappingProxyType(dict(meta or {})),
            samples_finite=samples_finite,
        )
    except ValueError as exc:  # a reader bug, but the user still gets one line
        raise ReadError(path, f"gave samples that cannot form a recording ({exc})") from exc
    steps = np.diff(recording.t_s)
    stretch = usable_stretch(recording, steps=steps)
    gaps = gap_flags(stretch.t_s, steps=steps if stretch is recording else None)
    return replace(stretch, quality=(*stretch.quality, *gaps)) if gaps else stretch
