"""Units of acceleration and rotation rate: given by the caller, stated by the file, or judged.

One rule for every format. A unit the caller gives (``ReadOptions.acc_unit``/``gyro_unit``)
wins, with a warning when the file says otherwise; else the unit the file states (its header,
or the app's documentation); else it is judged from the data and a quality entry says what
was assumed: an accelerometer whose magnitude at rest is about 1 is in g (about 1,000: in
milli-g, as research loggers and microcontroller boards write it), a gyroscope
reading beyond what a phone's can (about 35 rad/s) is in deg/s, and so is one that says the
phone turns about 57 times faster than gravity turns in its accelerometer. An acceleration
that averages 3 g, or strays 5 g from its mean on a tenth of its rows, is read in no unit
a phone on a thigh gives: an error entry says what it likely is. Otherwise a reading beyond
what any accelerometer reads (``MAX_SENSOR_G``) is left out with its row, and so is one
beyond what any gyroscope reads (``MAX_SENSOR_RADS``).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from thrustlab.quality import QualityFlag
from thrustlab.readers._clean import BoolArray, FloatArray, IntArray, blank_beyond
from thrustlab.recording import G_MPS2, MAX_SENSOR_G

ACC_UNIT_NAMES = {"mps2": "m/s^2", "g": "g", "mg": "mg"}
PER_G = {"g": 1.0, "mg": 1000.0}
"""How many of each unit of acceleration (but m/s^2) gravity reads."""
GYRO_UNIT_NAMES = {"rads": "rad/s", "degs": "deg/s", "mdps": "mdeg/s"}
RADS_PER = {"degs": np.pi / 180.0, "mdps": np.pi / 180_000.0}
"""rad/s in one of each unit of rotation rate but rad/s itself."""
G_AT_REST = (0.8, 1.2)
"""Magnitude at rest of an accelerometer in g (1 g, give or take a poorly calibrated phone);
in m/s^2 it is about 9.8, and without gravity about 0 in either unit."""
MAX_REST_SPREAD = 0.15
"""Largest spread of the magnitude in the quietest quarter of blocks for them to be at rest:
0.15 g is vigorous motion; shaking with no gravity of about 1 m/s^2 spreads more."""
G_MEAN_VECTOR = (0.5, 2.5)
"""Length of the whole recording's mean acceleration vector that says "gravity, in g" when
no stretch is at rest: gravity persists (0.5 with the sensor turning through 120 degrees,
as real wrist exercise sets in g show 0.53-1.8), motion averages out (under 0.4 m/s^2 in
sets without gravity), and gravity in m/s^2 is 9.8."""
MAX_MEAN_G = 3.0
"""The mean acceleration of a phone on a thigh is gravity, 1 g, however it moves: one
averaging 3 g or more is in a unit other than m/s^2, g or mg (raw counts of 1/16,384 g)."""
MAX_STRAY_G = 5.0
"""No phone on a thigh strays 5 g from its mean acceleration on ``STRAY_SHARE`` of its rows:
turning over changes gravity's part by 2 g at most, and a thigh's own pushes stay near 1 g
(wrists swung through shoulder exercises, in SPAR's real series, on 1.2 % of rows at most).
A gyroscope's deg/s read as m/s^2 does (a rep turns the thigh at 50-150 deg/s), and so
does acceleration without gravity in mg (0.05 g reads as 49)."""
STRAY_SHARE = 0.1
STRAY_ROWS = 512
"""The rows, taken evenly, on which ``STRAY_SHARE`` is judged (a share of 10 % is known
to about 1 % from 512 rows)."""
SAMPLED_ROWS = 4096
MAX_RADS = 35.0
"""Phone gyroscopes saturate at 2000 deg/s = 34.9 rad/s: beyond it a reading is in deg/s..."""
MAX_DEGS = 4000.0
"""...and one that reads beyond twice that on 1 % of its rows or more (not a few glitches),
in milli-degrees per second (mdeg/s, as the drivers of many motion sensors give it): read
in deg/s, such a set swung the thigh 26,539 degrees."""
OFTEN = 0.01
"""The share of rows "1 %" above."""
MIN_OVER_MAX = 3
"""Readings over ``MAX_RADS`` needed before a gyroscope is taken for deg/s (not one glitch).
Fillers among them are not counted (``_turning_beyond``)."""
MAX_SENSOR_RADS = 100.0
"""No gyroscope reads beyond 100 rad/s (5,730 deg/s; the widest-range motion sensors stop
at 4,000 deg/s): a reading beyond it, in whatever unit the file is read, is a filler for
"missing" and is left out with its row."""
REST_BLOCK_ROWS = 32
REST_BLOCKS = 64
"""The magnitude at rest is judged on this many blocks of consecutive rows, spread evenly."""


def acc_to_mps2(
    values: FloatArray, /, *, given: str | None, stated: str | None, label: str
) -> tuple[FloatArray, list[QualityFlag]]:
    """``values`` (N, 3) in m/s^2, converted in place; the flags say what was assumed."""
    judged, gravity = None, _mean_vector(values)
    if given is None and stated is None:
        quiet = _Quiet(values)  # worked out once for both units, if either needs it
        judged = next(
            (
                u
                for u, n in PER_G.items()
                if looks_like_g(values, per_g=n, gravity=gravity, quiet=quiet)
            ),
            None,
        )
    unit, flags = _choose(
        given,
        stated,
        judged=judged,
        kind="acceleration",
        names=ACC_UNIT_NAMES,
        label=label,
        why=f"gravity reads about {PER_G[judged]:,.0f} in it (9.8 in m/s^2)" if judged else "",
    )
    mean_mps2 = gravity
    if unit in PER_G:
        with np.errstate(over="ignore"):  # a corrupt 1e308 becomes inf: its row is dropped
            values *= G_MPS2 / PER_G[unit]
        mean_mps2 = _mean_vector(values)
    if mean_mps2 > MAX_MEAN_G * G_MPS2:
        flags.append(
            QualityFlag(
                "acceleration_unit_unknown",
                "error",
                f"{label}: read in {ACC_UNIT_NAMES[unit]}, the acceleration averages "
                f"{mean_mps2:,.0f} m/s^2, where gravity is 9.8 and movement averages out, so "
                "its unit is another (raw sensor counts?): convert the recording to m/s^2, g "
                "or mg, or give the unit it is in",
            )
        )
    elif (stray := _stray_share(values, MAX_STRAY_G * G_MPS2)) >= STRAY_SHARE:
        flags.append(
            QualityFlag(
                "acceleration_unit_unknown",
                "error",
                f"{label}: read in {ACC_UNIT_NAMES[unit]}, the acceleration strays over "
                f"{MAX_STRAY_G:g} g from its mean on {stray:.0%} of its rows, which no phone on a "
                "thigh does. These are likely a gyroscope's readings in deg/s, or acceleration "
                "in another unit (mg, with no gravity in it): give the accelerometer's file, or "
                "the unit it is in",
            )
        )
    else:  # in a unit a phone gives: what no accelerometer reads is left out
        blank_beyond(values, MAX_SENSOR_G * G_MPS2)
    return values, flags


def gyro_to_rads(
    values: FloatArray,
    /,
    *,
    given: str | None,
    stated: str | None,
    label: str,
    turning: tuple[FloatArray, FloatArray | IntArray, float] | None = None,
) -> tuple[FloatArray, list[QualityFlag]]:
    """``values`` (N, 3) in rad/s, converted in place; the flags say what was assumed.
    ``turning``: the accelerometer with gravity (m/s^2), the raw times of the same rows and
    the seconds in a unit of them, by which a gyroscope that stays within a phone's range is
    judged (``_turns_like_degs``)."""
    judged, why = None, ""
    if given is None and stated is None:
        if _often_beyond(values, MAX_DEGS):
            judged = "mdps"
            why = f"it exceeds {MAX_DEGS:g} deg/s, more than a phone's gyroscope can measure"
        elif _turning_beyond(values, MAX_RADS):
            judged = "degs"
            why = f"it exceeds {MAX_RADS:g} rad/s, more than a phone's gyroscope can measure"
        elif turning is not None and _turns_like_degs(values, *turning):
            judged = "degs"
            why = "gravity turned about 57 times slower than the readings in rad/s would turn it"
    unit, flags = _choose(
        given,
        stated,
        judged=judged,
        kind="rotation rate",
        names=GYRO_UNIT_NAMES,
        label=label,
        why=why,
    )
    if unit in RADS_PER:
        values *= RADS_PER[unit]
    blank_beyond(values, MAX_SENSOR_RADS)  # what no gyroscope reads is left out
    return values, flags


def _stray_share(values: FloatArray, limit: float, /) -> float:
    """The share of about ``STRAY_ROWS`` rows (taken evenly, the readable ones) further than
    ``limit`` from their mean. Laid out as (3, rows): numpy reduces rows of three slowly."""
    sample = np.ascontiguousarray(_sampled(values, STRAY_ROWS).T)
    if sample.shape[1] < 2:
        return 0.0
    with np.errstate(all="ignore"):
        sums = sample.sum(axis=1)
        if not _plain(sample, sums):
            sample = sample[:, _typical(sample)]  # corrupt cells and fillers left out
            sums = sample.sum(axis=1)
        if sample.shape[1] < 2:
            return 0.0
        off = sample - (sums / sample.shape[1])[:, None]
        np.square(off, out=off)
        far = np.count_nonzero(off.sum(axis=0) > limit * limit)
    return far / sample.shape[1]


def _often_beyond(values: FloatArray, limit: float, /) -> bool:
    """On ``OFTEN`` of the rows (sampled evenly) or more, a reading beyond ``limit``."""
    sample = _sampled(values)
    with np.errstate(invalid="ignore"):
        beyond = np.any(np.abs(sample) > limit, axis=1)
    return sample.shape[0] > 0 and np.count_nonzero(beyond) >= OFTEN * sample.shape[0]


def _turning_beyond(values: FloatArray, limit: float, /) -> bool:
    """At least ``MIN_OVER_MAX`` readings beyond ``limit`` on rows that follow a different
    reading beyond half of it on the same axis: a turn's readings rise and fall through the
    rows, where a filler written for "missing" (-9999, 32767) stands alone or repeats
    itself. The rows are looked at one by one only when that many readings are beyond."""
    with np.errstate(invalid="ignore"):
        size = np.abs(values)
        if int(np.count_nonzero(size > limit)) < MIN_OVER_MAX:
            return False
        turning = (size[1:] > limit) & (size[:-1] > limit / 2) & (values[1:] != values[:-1])
        return int(np.count_nonzero(turning)) >= MIN_OVER_MAX


TURN_SMOOTHING_S = 0.25
"""Gravity's direction is taken from the acceleration averaged over this long: the thigh's
own pushes and the shaking average out, its turning (a rep takes seconds) does not."""
MIN_TURN_RADS = 0.2
"""Gravity must turn at least this fast (11 deg/s) on the moving rows for a judgement: a
phone lying still tells nothing about its gyroscope's unit."""
TURN_STEP_S = 0.04
"""The rows judged are thinned to about 25 a second: a rep's turning takes seconds."""
TURN_ROWS = 50_000
"""At most about this many rows, evenly spread (every n-th), are judged: 8 minutes at
100 Hz, plenty for a ratio of sums, and no cost that grows past it."""
DEGS_BELOW = 0.13
"""Gravity's turning over the gyroscope's, on the moving rows: about 1 in rad/s, about
pi/180 = 0.017 in deg/s; below 0.13 (the two's geometric middle) the readings are in deg/s."""


def _turns_like_degs(
    gyro: FloatArray,
    acc: FloatArray,
    times: FloatArray | IntArray,
    seconds_per_unit: float = 1.0,
    /,
) -> bool:
    """True when gravity (in ``acc``, m/s^2) turns far slower than ``gyro`` read in rad/s says
    the phone turns: the rows' angular speeds, gravity's from its smoothed direction and the
    gyroscope's across it, summed over the fifth of rows where gravity turns fastest. Measured
    (the ratio of the sums): 1.0-2.9 on 32 simulated sets in rad/s, 0.45 or more on 20 real
    SPAR sets (rad/s), 0.022 on the real ParaDigMa recording in deg/s (1.3 in rad/s)."""
    every = max(1, times.size // TURN_ROWS)
    raw, a, w = times[::every], acc[::every], gyro[::every]
    with np.errstate(all="ignore"):
        # a reading beyond a phone's range here is a filler: the ones in deg/s went above
        ok = np.isfinite(raw) & np.isfinite(a).all(axis=1) & (np.abs(w) <= MAX_RADS).all(axis=1)
        rows = np.flatnonzero(ok)
        if rows.size < 16:
            return False
        if np.any(np.diff(raw[rows]) < 0):  # shuffled rows: in time order
            rows = rows[np.argsort(raw[rows], kind="stable")]
        raw, a, w = raw[rows], a[rows], w[rows]
        t = (raw - raw[0]).astype(np.float64) * seconds_per_unit  # only the rows judged
        step = float(np.median(np.diff(t)))
        if not step > 0:
            return False
        thin = max(1, int(TURN_STEP_S / step))
        t, a, w, step = t[::thin], a[::thin], w[::thin], step * thin
        k = max(1, min(round(TURN_SMOOTHING_S / step), t.size // 4))
        sums = np.cumsum(np.vstack([np.zeros((1, 3)), a]), axis=0)
        mean = (sums[k:] - sums[:-k]) / k  # the acceleration over rows j .. j + k - 1
        length = np.linalg.norm(mean, axis=1, keepdims=True)
        if not G_AT_REST[0] <= float(np.median(length)) / G_MPS2 <= G_AT_REST[1]:
            return False  # no gravity in it (or not in m/s^2): nothing to judge by
        g = mean / length
        centre_t = t[k // 2 : k // 2 + g.shape[0]]
        gravity_speed = np.linalg.norm(g[2:] - g[:-2], axis=1) / (centre_t[2:] - centre_t[:-2])
        w_mid, g_mid = w[k // 2 + 1 : k // 2 + 1 + gravity_speed.size], g[1:-1]
        across = w_mid - np.sum(w_mid * g_mid, axis=1, keepdims=True) * g_mid  # turns gravity
        gyro_speed = np.linalg.norm(across, axis=1)
        usable = np.isfinite(gravity_speed) & np.isfinite(gyro_speed)
        gravity_speed, gyro_speed = gravity_speed[usable], gyro_speed[usable]
        if gravity_speed.size < 16:
            return False
        moving = gravity_speed >= np.quantile(gravity_speed, 0.8)
        if float(np.median(gravity_speed[moving])) < MIN_TURN_RADS:
            return False
        return float(gravity_speed[moving].sum()) < DEGS_BELOW * float(gyro_speed[moving].sum())


def _choose(
    given: str | None,
    stated: str | None,
    *,
    judged: str | None,
    kind: str,
    names: dict[str, str],
    label: str,
    why: str,
) -> tuple[str, list[QualityFlag]]:
    default = next(iter(names))
    if given is not None:
        if stated is not None and stated != given:
            return given, [
                QualityFlag(
                    "unit_overridden",
                    "warning",
                    f"{label}: {kind} read in {names[given]} as given, although the file "
                    f"states {names[stated]}",
                )
            ]
        return given, []
    if stated is not None:
        return stated, []
    if judged is not None:
        return judged, [
            QualityFlag(
                "unit_assumed",
                "warning",
                f"{label}: {kind} read in {names[judged]} because {why} "
                f"(the file does not state its unit; state it if this is wrong)",
            )
        ]
    return default, []


def looks_like_g(
    xyz: FloatArray,
    /,
    *,
    per_g: float = 1.0,
    gravity: float | None = None,
    quiet: _Quiet | None = None,
) -> bool:
    """True for an accelerometer in g (in units of 1/``per_g`` g: 1,000 for milli-g): its
    quietest stretches have a magnitude near 1 g, or, with no stretch at rest, its mean
    vector (gravity) is about 1 g long. ``gravity``: that vector's length, when known;
    ``quiet``: the quietest stretches of ``xyz``, when judged for another unit too."""
    length = (_mean_vector(xyz) if gravity is None else gravity) / per_g
    if not np.isfinite(length) or length > G_MEAN_VECTOR[1]:
        return False  # gravity in m/s^2 (about 9.8): no closer look needed
    if G_MEAN_VECTOR[0] <= length:
        return True
    rest = (_Quiet(xyz) if quiet is None else quiet).level_and_spread
    if rest is None:
        return False
    level, spread = (x / per_g for x in rest)
    return G_AT_REST[0] <= level <= G_AT_REST[1] and spread <= MAX_REST_SPREAD


def _mean_vector(xyz: FloatArray, /) -> float:
    """The length of the mean acceleration over rows sampled evenly (``SAMPLED_ROWS``):
    gravity, which persists while movement averages out; NaN with under two usable rows.
    Where a reading is beyond ``PLAIN_MAX``, rows ``FILLER_TIMES`` longer than the median
    row are left out."""
    sample = _sampled(xyz)
    if sample.shape[0] >= 2:
        # Every row finite and none long (the usual file), as the three column sums and the
        # extremes show (a NaN or an infinity carries through a sum): the mean of each column
        # is its sum over the rows, numpy's same pairwise sum along a strided column as along
        # a copied one. 11 us on a minute's rows instead of 45 us below.
        with np.errstate(all="ignore"):
            sums = np.array([sample[:, 0].sum(), sample[:, 1].sum(), sample[:, 2].sum()])
            if _plain(sample, sums):
                return float(np.sqrt(np.square(sums / sample.shape[0]).sum()))
    # Laid out as three rows of N: numpy's reductions over an (N, 3) array's short rows and
    # down its columns take 0.25 ms on a minute's rows, and np.linalg.norm 0.1 ms more; on
    # (3, N) all of it takes 0.05 ms.
    axes = np.ascontiguousarray(sample.T)
    usable = _typical(axes)
    if np.count_nonzero(usable) < 2:
        return float("nan")
    with np.errstate(all="ignore"):
        mean = (axes if usable.all() else axes[:, usable]).mean(axis=1)
        return float(np.sqrt(np.square(mean).sum()))


def _plain(values: FloatArray, sums: FloatArray, /) -> bool:
    """``values`` (any layout), whose sums are ``sums``, all finite (a NaN or an infinity
    carries through a sum) and none beyond ``PLAIN_MAX``: their rows are taken as they are."""
    return bool(np.isfinite(sums).all()) and max(values.max(), -values.min()) <= PLAIN_MAX


def _typical(axes: FloatArray, /) -> BoolArray:
    """The rows of ``axes`` (3, N) with every reading finite and a length within
    ``FILLER_TIMES`` of the median row's (corrupt cells such as 1e308 give infinity)."""
    with np.errstate(all="ignore"):
        squares = np.square(axes).sum(axis=0)
        usable: BoolArray = np.isfinite(squares)
        if np.count_nonzero(usable) >= 2:
            from thrustlab.signal.resample import median_of  # as in _quiet_level_and_spread

            typical = median_of(squares[usable])
            if typical > 0:
                usable &= squares <= FILLER_TIMES**2 * typical
    return usable


FILLER_TIMES = 100.0
"""A row whose acceleration is 100 times the median row's (100 g where gravity is in it) is
a filler such as -9999 ("missing"), left out of the mean: four in 600 rows moved it 12 g."""
PLAIN_MAX = 400.0
"""With no reading beyond 400 in its unit (40 g in m/s^2), the rows are taken as they are:
fillers are written as -9999, 9999 or 32767, and the median costs 30 us."""


def _sampled(values: FloatArray, /, rows: int = SAMPLED_ROWS) -> FloatArray:
    """About ``rows`` of ``values``' rows, taken evenly (a view)."""
    return values[:: max(1, values.shape[0] // rows)]


class _Quiet:
    """The magnitude's level and spread in the quietest quarter of ``REST_BLOCKS`` blocks of
    ``REST_BLOCK_ROWS`` rows spread evenly over ``xyz`` (the medians of the blocks' means and
    spreads), worked out on first use; None with no block of mostly readable rows."""

    def __init__(self, xyz: FloatArray, /) -> None:
        self.xyz = xyz

    @cached_property
    def level_and_spread(self) -> tuple[float, float] | None:
        return _quiet_level_and_spread(self.xyz)


def _quiet_level_and_spread(xyz: FloatArray, /) -> tuple[float, float] | None:
    n_rows = xyz.shape[0]
    if n_rows < 2:
        return None
    block = min(REST_BLOCK_ROWS, n_rows)
    starts = np.unique(np.linspace(0, n_rows - block, REST_BLOCKS).astype(np.int64))
    rows = xyz[(starts[:, None] + np.arange(block)).ravel()]
    with np.errstate(all="ignore"):  # corrupt cells (inf, 1e308) spoil only their block
        norms = np.sqrt(np.einsum("ij,ij->i", rows, rows)).reshape(starts.size, block)
        finite = np.isfinite(norms)
        readable = finite.sum(axis=1)
        counts = np.maximum(readable, 1)
        means = np.where(finite, norms, 0.0).sum(axis=1) / counts
        deviations = np.where(finite, norms - means[:, None], 0.0)
        spreads = np.sqrt((deviations**2).sum(axis=1) / counts)
    usable = (readable * 2 >= block) & np.isfinite(spreads)  # mostly readable rows
    if not usable.any():
        return None
    from thrustlab.signal.resample import median_of  # np.median's figure, for unstated units

    means, spreads = means[usable], spreads[usable]
    quiet = spreads <= _quantile(spreads, 0.25)
    return median_of(means[quiet]), median_of(spreads[quiet])


def _quantile(x: FloatArray, q: float, /) -> float:
    """``float(np.quantile(x, q))`` of a short 1-D ``x`` of finite numbers: the same
    interpolation between its sorted values, without numpy's generic machinery (0.1 ms)."""
    ordered = np.sort(x).tolist()
    at = (x.size - 1) * q  # where numpy's default ("linear") method places it
    below = int(at)
    gamma = at - below
    a, b = ordered[below], ordered[min(below + 1, x.size - 1)]
    return float(b - (b - a) * (1.0 - gamma) if gamma >= 0.5 else a + (b - a) * gamma)


def ignored(what: str, why: str, /) -> QualityFlag:
    """The warning that a stated read option did not apply to this file."""
    return QualityFlag("option_ignored", "warning", f"the {what} given was ignored: {why}")
