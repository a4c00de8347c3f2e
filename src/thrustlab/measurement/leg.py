"""Everything measured on one sensor: the steps of the analysis, each a small function."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.measurement.cyclic import movement_signal
from thrustlab.measurement.motion import Motion, analyse_motion
from thrustlab.measurement.reps import RepTiming
from thrustlab.measurement.tremor import (
    MIN_BAND_WIDTH_HZ,
    NOTHING,
    Bands,
    TremorStats,
    above_gain,
    above_movement,
    bursts,
    measure,
    sustained_bands,
    widened,
)
from thrustlab.quality import QualityFlag
from thrustlab.recording import G_MPS2, MAX_SENSOR_G, MIN_SENSOR_LIMIT_G, Recording
from thrustlab.records import record
from thrustlab.signal.filters import (
    Spectrum,
    gain_on,
    gaussian_gain,
    gaussian_on,
    inverse,
    inverses,
    smooth,
    smoothed_together,
    spectrum_of,
)
from thrustlab.signal.heap import keep_freed_memory
from thrustlab.signal.knocks import (
    KNOCK_MIN_G,
    KNOCKS_FROM_HZ,
    away_sq,
    lone_spikes,
    without_knocks,
)
from thrustlab.signal.orientation import (
    WEAK_GRAVITY,
    angle_from_acceleration,
    angle_from_gravity,
    angle_from_gyro,
    blend,
    gyro_bias,
    held_by_gyro,
    jolt_starts,
    off_axis_rads,
    off_plane_and_axis,
    off_plane_deg,
    row_lengths,
    unit_rows,
)
from thrustlab.signal.resample import Slow, Uniform, median_of, to_uniform
from thrustlab.signal.windows import window_sums

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.intp]


@record
class LegResult:
    """One sensor's reps and shaking, before the set's figures are derived."""

    recording: Recording
    recorded_rate_hz: float
    rate_hz: float
    reps: tuple[RepTiming, ...]
    rep_tremor: tuple[TremorStats, ...]
    set_tremor: TremorStats
    baseline: TremorStats
    post_set: TremorStats
    tremor_band_hz: tuple[float, float]
    fatigue_band_hz: tuple[float, float]
    quality: tuple[QualityFlag, ...]
    post_set_rest_s: float | None = None
    post_set_end: TremorStats = NOTHING
    sustained: Sustained | None = None
    """What the tremor figures were measured on, kept for the plots (None: too short)."""


def analyse_leg(recording: Recording, /, *, config: AnalysisConfig) -> LegResult:
    """Resample, find the reps on the thigh angle, measure the shaking in each rep and in
    the rests around the set."""
    keep_freed_memory()  # long recordings' arrays reuse memory instead of faulting it in anew
    uniform, gap_flags = _uniform(recording, config)
    rate = uniform.rate_hz
    tremor_hz, fatigue_hz, band_flags = usable_bands(rate, config)
    flags = [
        *_not_said_again(recording.quality, gap_flags),
        *gap_flags,
        *_recording_checks(recording, config),
        *band_flags,
    ]
    if recording.duration_s < config.min_duration_s or uniform.acc_mps2.shape[0] < MIN_SAMPLES:
        if recording.duration_s >= config.min_duration_s:
            flags.append(QualityFlag("too_few_samples", "error", _TOO_FEW))
        return LegResult(
            recording,
            uniform.recorded_rate_hz,
            rate,
            (),
            (),
            NOTHING,
            NOTHING,
            NOTHING,
            tremor_hz,
            fatigue_hz,
            tuple(flags),
        )
    spectrum = spectrum_of(uniform.acc_mps2, fs_hz=rate)
    gains = [above_gain(spectrum, rate_hz=rate), _movement_gain(spectrum)]
    if not uniform.gravity_included:
        gains.append(_smooth_gain(spectrum, config))
    above, moving_acc, *own = inverses(spectrum, gains)  # the transform's three uses at once
    jolts, bands = _gated(uniform, config, spectrum, above=above)
    gravity, slow_gyro = _slow_gravity_and_gyro(uniform, jolts, config)
    direction = None if gravity is None else unit_rows(gravity, order="C")
    angle, angle_rate_hz = thigh_angle(
        uniform, jolts, config, slow_gravity=gravity, gravity_dir=direction, slow_gyro=slow_gyro
    )
    if not uniform.gravity_included and uniform.gyro_rads is None:
        flags.append(_FROM_ACCELERATION)
    turning = phone_turning(
        uniform,
        config,
        slow_gravity=gravity,
        gravity_dir=direction,
        slow_gyro=slow_gyro,
        own_acc=own[0] if own else None,
    )
    movement = movement_axes = None
    min_swing = 0.0
    if config.mode == "cyclic":
        swings = (config.min_cycle_swing_rads, config.min_cycle_swing_mps2)
        movement, movement_axes, source = movement_signal(
            (uniform.gyro_rads, uniform.acc_mps2), rate_hz=rate, swings=swings
        )
        min_swing = swings[source]
    motion = Motion(
        angle_deg=angle,
        angle_rate_hz=angle_rate_hz,
        bands=bands,
        rate_hz=rate,
        movement=movement,
        movement_axes=movement_axes,
        movement_min_swing=min_swing,
        no_angle=_NO_ORIENTATION,
        moving=body_moving(spectrum, rate_hz=rate, config=config, slow=moving_acc),
        handled=turning.handled,
        posture=turning.posture,
        gravity_dir=turning.gravity_dir,
        turn_rads=turning.turn_rads,
        own_acc_mps2=turning.own_acc_mps2,
    )
    result = analyse_motion(motion, config=config)
    return LegResult(
        recording=recording,
        recorded_rate_hz=uniform.recorded_rate_hz,
        rate_hz=rate,
        reps=result.reps,
        rep_tremor=result.rep_tremor,
        set_tremor=result.set_tremor,
        baseline=result.baseline,
        post_set=result.post_set,
        tremor_band_hz=tremor_hz,
        fatigue_band_hz=fatigue_hz,
        quality=(*flags, *result.quality),
        post_set_rest_s=result.post_set_rest_s,
        post_set_end=result.post_set_end,
        sustained=Sustained(
            rate,
            bands.gated,
            bands.tremor,
            bands.usable,
            uniform.acc_mps2,
            angle_deg=angle,
            angle_rate_hz=angle_rate_hz,
        ),
    )


def _not_said_again(
    read: Sequence[QualityFlag], resampled: Sequence[QualityFlag]
) -> list[QualityFlag]:
    """The reader's entries, but its ``time_gaps`` when resampling found gaps or slow
    stretches too: the ``gap`` and ``rate_dropped`` entries name the same pauses and what
    was done with them (a report listed one pause twice; a phone at 20 Hz for a minute was
    "314 gaps in the samples ... left as gaps" beside the entry that said why)."""
    if not any(f.code in ("gap", "rate_dropped") for f in resampled):
        return list(read)
    return [f for f in read if f.code != "time_gaps"]


MIN_SAMPLES = 32
"""Fewer samples than this hold no rep and no spectrum."""
_TOO_FEW = f"Fewer than {MIN_SAMPLES} samples: the sampling rate is far too low to analyse a set."

_NO_ORIENTATION = QualityFlag(
    "no_orientation",
    "error",
    "The recording has neither gravity nor a gyroscope, so the thigh's movement cannot be "
    "followed and no reps can be found. Export the accelerometer with gravity (Sensor Logger: "
    "TotalAcceleration; phyphox: 'Acceleration with g') or include the gyroscope.",
)
_FROM_ACCELERATION = QualityFlag(
    "angle_from_acceleration",
    "warning",
    "The recording has neither gravity nor a gyroscope: the thigh's angle was worked out from "
    "its own acceleration, taking the phone to sit about 0.2 m from the knee, so the reps' "
    "range of motion is approximate (within about a third) and the rep count can be off, "
    "most of all for slow, smooth reps. For a sure count and exact angles export the "
    "accelerometer with gravity (Sensor Logger: TotalAcceleration; phyphox: 'Acceleration "
    "with g') or include the gyroscope.",
)


def usable_bands(
    rate_hz: float, config: AnalysisConfig
) -> tuple[tuple[float, float], tuple[float, float], list[QualityFlag]]:
    """The tremor and fatigue bands, clipped to what the sampling rate resolves. Below the
    tremor band's top plus the fatigue band's, shaking above half the rate folds into the
    fatigue band where the sensor does not filter it out (at 12.5 Hz a 9 Hz tremor reads
    as 3.5 Hz): that band is then not measured."""
    ceiling = band_ceiling_hz(rate_hz, config)
    flags = []
    bands = []
    for name, (low, wanted) in (
        ("tremor", config.tremor_band_hz),
        ("fatigue", config.fatigue_band_hz),
    ):
        high = min(wanted, ceiling)
        folds_below_hz = config.tremor_band_hz[1] + high
        if name == "fatigue" and rate_hz < folds_below_hz and high - low >= MIN_BAND_WIDTH_HZ:
            message = (
                f"At {rate_hz:.0f} Hz the {name} band ({low:g}-{high:g} Hz) cannot be "
                f"measured: shaking at {rate_hz - high:.1f}-{config.tremor_band_hz[1]:g} Hz "
                "would fold into it, unless the phone filters it out"
            )
            flags.append(
                QualityFlag("low_sample_rate", "error", f"{message}. Record at 100 Hz or more.")
            )
            high = low
        elif wanted > ceiling:
            if high - low < MIN_BAND_WIDTH_HZ:
                message = (
                    f"At {rate_hz:.0f} Hz the {name} band ({low:g} Hz and up) cannot be measured"
                )
                flags.append(
                    QualityFlag("low_sample_rate", "error", f"{message}. Record at 100 Hz or more.")
                )
            else:
                message = f"At {rate_hz:.0f} Hz the {name} band can only reach {high:.1f} Hz"
                flags.append(
                    QualityFlag(
                        "low_sample_rate", "warning", f"{message}. Record at 100 Hz or more."
                    )
                )
        bands.append((low, high))
    return bands[0], bands[1], flags


def band_ceiling_hz(rate_hz: float, config: AnalysisConfig) -> float:
    """The highest frequency a band may reach at ``rate_hz``: a share of the Nyquist
    frequency (``max_band_fraction_of_nyquist``)."""
    return config.max_band_fraction_of_nyquist * rate_hz / 2


def _recording_checks(recording: Recording, config: AnalysisConfig) -> list[QualityFlag]:
    flags = []
    if recording.duration_s < config.min_duration_s:
        flags.append(
            QualityFlag(
                "too_short",
                "error",
                f"The recording lasts {recording.duration_s:.1f} s; a set with the rest around it "
                f"needs at least {config.min_duration_s:.0f} s.",
            )
        )
    peak, pinned = _pinned(recording.acc_mps2)
    limit = config.clip_fraction * recording.acc_mps2.shape[0]
    # an axis held at its largest value, where a sensor's limit can lie: at +-2 g or more
    # (below, the value repeats by the sensor's resolution) and within any accelerometer's
    # range (beyond lies a misread unit, which the reader names)
    low, high = MIN_SENSOR_LIMIT_G * G_MPS2, MAX_SENSOR_G * G_MPS2
    held = [
        (count, value)
        for count, value in zip(pinned.ravel().tolist(), peak.ravel().tolist(), strict=False)
        if count >= 3 and count >= limit and low <= value <= high
    ]
    if held:
        count, value = max(held)
        flags.append(
            QualityFlag(
                "clipping",
                "warning",
                f"The accelerometer hit its limit ({value:.1f} m/s2) on {count} samples; "
                "shaking near those moments reads too low.",
            )
        )
    return flags


PINNED_BLOCK = 65_536
"""Rows looked at a time for clipping: a block's columns, copied to rows (reductions along
rows are fast), stay in the processor's cache, where a copy of an hour at 400 Hz does not."""


def _pinned(acc: FloatArray) -> tuple[FloatArray, npt.NDArray[np.intp]]:
    """Per column of ``acc`` (N, C): the largest magnitude, and how many samples lie within
    1e-6 of it.

    The samples are counted again only in the blocks whose own largest magnitude comes
    within 1e-6 of the peak (no other block holds such a sample): one pass over an hour at
    400 Hz, which does not stay in the processor's cache, where a second full pass cost as
    much again; a clipped recording still counts every block that reaches the limit."""
    blocks = range(0, acc.shape[0], PINNED_BLOCK)

    def rows(lo: int) -> FloatArray:
        """The block's magnitudes, a row per column: each column's taken straight into its
        row (a copy of the transposed block first cost twice as much)."""
        block = acc[lo : lo + PINNED_BLOCK]
        out = np.empty((block.shape[1], block.shape[0]))
        for column, row in enumerate(out):
            np.abs(block[:, column], out=row)
        return out

    if 0 < acc.shape[0] <= PINNED_BLOCK:  # one block, looked at once
        block = rows(0)
        peak = block.max(axis=1)
        if not (peak >= peak - 1e-6).any():  # NaN: no block counted
            return peak, np.asarray(0)
        return peak, _near_counts(block, peak - 1e-6)

    block_peaks = np.array([rows(lo).max(axis=1) for lo in blocks])  # (blocks, C)
    peak = block_peaks.max(axis=0)
    near = np.flatnonzero((block_peaks >= peak - 1e-6).any(axis=1))
    pinned = sum(_near_counts(rows(blocks[b]), peak - 1e-6) for b in near.tolist())
    return peak, np.asarray(pinned)


def _near_counts(block: FloatArray, floor: FloatArray) -> npt.NDArray[np.intp]:
    """Per row of ``block``: how many of its values reach that row's ``floor``
    (``_row_counts(block >= floor[:, None])``), each row against its floor as a Python float:
    the broadcast column cost more than the comparisons, copied into numpy's buffer."""
    return np.array(
        [np.count_nonzero(row >= low) for row, low in zip(block, floor.tolist(), strict=True)],
        dtype=np.intp,
    )


def _row_counts(mask: BoolArray) -> npt.NDArray[np.intp]:
    """``np.count_nonzero(mask, axis=1)``, a row at a time: with an axis numpy sums the
    booleans cast to integers, a quarter of ``_pinned``'s time; a row alone is counted
    directly."""
    return np.array([np.count_nonzero(row) for row in mask], dtype=np.intp)


def _angle_index(uniform: Uniform, config: AnalysisConfig) -> tuple[float, npt.NDArray[np.intp]]:
    """The angle's rate (``angle_rate_hz``, or the recording's if lower) and which of
    ``uniform``'s samples fall on it (read-only: one array for every step of an analysis)."""
    rate = min(config.angle_rate_hz, uniform.rate_hz)
    return rate, _index_at(uniform.acc_mps2.shape[0], uniform.rate_hz, rate)


@lru_cache(maxsize=2)  # the steps of one analysis (an hour at 50 Hz: 1.4 MB each)
def _index_at(size: int, rate_hz: float, angle_rate_hz: float) -> npt.NDArray[np.intp]:
    n = int(size * angle_rate_hz / rate_hz)
    index = np.minimum(np.round(np.arange(n) * rate_hz / angle_rate_hz).astype(int), size - 1)
    index.setflags(write=False)
    return np.asarray(index)


def _at_angle_rate(x: FloatArray, uniform: Uniform, config: AnalysisConfig) -> FloatArray:
    """``x[index]`` (``_angle_index``), C-ordered as the copy is: ``x`` itself when the
    angle's rate is the recording's (every sample falls on it; the copy is only work).
    Read-only use."""
    return np.ascontiguousarray(_on_angle_rate(x, uniform, config))


def _on_angle_rate(x: FloatArray, uniform: Uniform, config: AnalysisConfig) -> FloatArray:
    """``_at_angle_rate`` laid out as it comes: for what is only smoothed or turned into
    directions (``unit_rows(order="C")``), whose numbers do not depend on the layout. The
    C-ordered copy of a transposed (3000, 3) signal cost 45,000 instructions."""
    if _every_sample(uniform, config) and x.shape[0] == uniform.acc_mps2.shape[0]:
        return x
    return np.asarray(x[_angle_index(uniform, config)[1]])


def _every_sample(uniform: Uniform, config: AnalysisConfig) -> bool:
    """Whether every sample of ``uniform`` falls on the angle's rate (``_angle_index``)."""
    rate, index = _angle_index(uniform, config)
    return rate == uniform.rate_hz and index.size == uniform.acc_mps2.shape[0]


def _slow_gyro(uniform: Uniform, config: AnalysisConfig) -> FloatArray | None:
    """The gyroscope's rate at the angle's rate, smoothed like the angle (``smooth`` at the
    angle's rate: far cheaper than at the recording's, same band); None without one."""
    if uniform.gyro_rads is None:
        return None
    rate, _ = _angle_index(uniform, config)
    gyro = _on_angle_rate(uniform.gyro_rads, uniform, config)
    return smooth(gyro, fs_hz=rate, sigma_hz=config.angle_sigma_hz)


def _slow_gravity(uniform: Uniform, jolts: BoolArray, config: AnalysisConfig) -> FloatArray | None:
    """Gravity in the phone's axes at the angle's rate: the acceleration with jolts and gaps
    bridged by straight lines (so they cannot tilt it), smoothed; None without gravity."""
    if not uniform.gravity_included:
        return None
    slow = smooth(
        _steady_acc(uniform, jolts), fs_hz=uniform.rate_hz, sigma_hz=config.angle_sigma_hz
    )
    return _on_angle_rate(slow, uniform, config)


def _steady_acc(uniform: Uniform, jolts: BoolArray) -> FloatArray:
    """The acceleration with jolts and gaps bridged by straight lines: what gravity is
    smoothed from."""
    return _bridged(uniform.acc_mps2, jolts | ~uniform.valid)


def _slow_gravity_and_gyro(
    uniform: Uniform, jolts: BoolArray, config: AnalysisConfig
) -> tuple[FloatArray | None, FloatArray | None]:
    """``_slow_gravity`` and ``_slow_gyro``; smoothed together (``smoothed_together``: one
    transform each way, not two) when both are there and the angle's rate is the
    recording's."""
    if (
        not uniform.gravity_included
        or uniform.gyro_rads is None
        or not _every_sample(uniform, config)
    ):
        return _slow_gravity(uniform, jolts, config), _slow_gyro(uniform, config)
    slow, slow_gyro = smoothed_together(
        [_steady_acc(uniform, jolts), uniform.gyro_rads],
        fs_hz=uniform.rate_hz,
        sigma_hz=config.angle_sigma_hz,
    )
    return _on_angle_rate(slow, uniform, config), slow_gyro


def thigh_angle(
    uniform: Uniform,
    jolts: BoolArray,
    config: AnalysisConfig,
    *,
    slow_gravity: FloatArray | None = None,
    gravity_dir: FloatArray | None = None,
    slow_gyro: FloatArray | None = None,
) -> tuple[FloatArray | None, float]:
    """The thigh angle (degrees) at ``angle_rate_hz`` (or the recording's rate if lower).

    From gravity (with jolts and gaps bridged by straight lines so they cannot tilt it) and
    from the integrated gyroscope, blended: the gyroscope follows the movement itself (the
    thigh's own acceleration bends the gravity estimate while it moves), gravity holds the
    level over seconds (integration drifts, and loses what falls in a gap).
    ``slow_gravity``, ``gravity_dir`` and ``slow_gyro``: ``_slow_gravity``'s result, its
    ``unit_rows`` and ``_slow_gyro``'s, when already worked out."""
    rate, index = _angle_index(uniform, config)
    from_gravity = from_gyro = None
    if uniform.gravity_included:
        if slow_gravity is None:
            slow_gravity = _slow_gravity(uniform, jolts, config)
        assert slow_gravity is not None
        if gravity_dir is None:
            gravity_dir = unit_rows(slow_gravity, order="C")
        from_gravity = angle_from_gravity(slow_gravity, unit=gravity_dir)
    if uniform.gyro_rads is not None and from_gravity is not None:  # smoothed in the blend
        gyro = _at_angle_rate(uniform.gyro_rads, uniform, config)
        from_gyro = angle_from_gyro(gyro, fs_hz=rate)
        assert slow_gravity is not None
        weak = row_lengths(slow_gravity) < WEAK_GRAVITY * G_MPS2
        from_gravity = held_by_gyro(from_gravity, from_gyro, weak)
        crossover, sigma = config.angle_crossover_hz, config.angle_sigma_hz
        return blend(
            from_gyro, from_gravity, fs_hz=rate, crossover_hz=crossover, sigma_hz=sigma
        ), rate
    if uniform.gyro_rads is not None:
        if slow_gyro is not None and _every_sample(uniform, config):  # the same smoothing
            from_gyro = angle_from_gyro(np.ascontiguousarray(slow_gyro), fs_hz=rate)
        else:
            slow = smooth(uniform.gyro_rads, fs_hz=uniform.rate_hz, sigma_hz=config.angle_sigma_hz)
            from_gyro = angle_from_gyro(slow[index], fs_hz=rate)
    if from_gravity is None and from_gyro is None:
        acc = _bridged(
            uniform.acc_mps2, ~uniform.valid, level_n=round(GAP_LEVEL_S * uniform.rate_hz)
        )
        from_acc = angle_from_acceleration(  # a jolt sampled at 50-60 Hz adds net speed
            acc,
            fs_hz=uniform.rate_hz,
            radius_m=config.phone_from_knee_m,
            sigma_hz=config.angle_sigma_hz,
            still_mps2=config.still_acceleration_mps2,
            held=uniform.valid,
            stops=jolt_starts(acc, jolts, fs_hz=uniform.rate_hz, sigma_hz=config.angle_sigma_hz),
        )
        drift = smooth(from_acc, fs_hz=uniform.rate_hz, sigma_hz=config.acceleration_drift_hz)
        return (from_acc - drift)[index], rate
    return (from_gravity if from_gravity is not None else from_gyro), rate


MOVEMENT_SIGMA_HZ = (0.8, 2.0)
"""The body's own movements (sitting up, standing, steps, a hand) are kept between two
Gaussian smoothings, of 0.8 Hz and 2 Hz: a 0.75 Hz push keeps 30 % of its size, a step
at 1.8 Hz 40 %, the slow drift of gravity as the thigh settles nothing, and a 4.6 Hz
fatigue-band shake 7 %. Gaussians do not ring: a rep's swing reaches only 0.6 s beside it."""
MOVEMENT_WINDOW_S = 0.5
"""Movement is judged on its RMS over 0.5 s."""
MOVEMENT_MARGIN_S = 0.25
"""Rest is kept 0.25 s clear of movement."""


def body_moving(
    acc: Spectrum,
    /,
    *,
    rate_hz: float,
    config: AnalysisConfig,
    slow: FloatArray | None = None,
) -> BoolArray:
    """Where the phone moves with the body: the acceleration (its spectrum ``acc``, at
    ``rate_hz``) between
    the ``MOVEMENT_SIGMA_HZ`` smoothings, RMS over ``MOVEMENT_WINDOW_S``, above
    ``rest_max_movement_mps2``; widened by ``MOVEMENT_MARGIN_S``. ``slow``: that
    acceleration (``inverse(acc, gain=_movement_gain(acc))``), when already worked out."""
    rate = rate_hz
    if slow is None:
        slow = inverse(acc, gain=_movement_gain(acc))
    n = max(1, round(MOVEMENT_WINDOW_S * rate))
    energy = window_sums(np.einsum("ij,ij->i", slow, slow), n)
    margin = round(MOVEMENT_MARGIN_S * rate)
    return widened(energy > n * config.rest_max_movement_mps2**2, by=margin)


def _movement_gain(acc: Spectrum) -> FloatArray:
    """The gain between the ``MOVEMENT_SIGMA_HZ`` smoothings (``body_moving``)."""
    low, high = MOVEMENT_SIGMA_HZ

    def make(f: FloatArray) -> FloatArray:
        return gaussian_gain(f, sigma_hz=high) - gaussian_gain(f, sigma_hz=low)

    return gain_on(acc.freqs_hz, ("movement", low, high), make)


def _smooth_gain(acc: Spectrum, config: AnalysisConfig) -> FloatArray:
    """``filters.smooth``'s gain at the angle's smoothing."""
    return gaussian_on(acc.freqs_hz, config.angle_sigma_hz)


@record
class PhoneTurning:
    """How the phone turns, at the angle's rate (see ``phone_turning``)."""

    handled: BoolArray | None
    """Where the phone turns about more than one axis (in the hand, not on a thigh)."""
    posture: FloatArray | None
    """Where the phone points (see ``Motion.posture``)."""
    gravity_dir: FloatArray | None
    """(N, 3) the direction of gravity in the phone's axes (unit vectors); None without
    gravity."""
    turn_rads: FloatArray | None
    """(N, 3) the gyroscope's rate, smoothed like the angle, less its offset (``gyro_bias``);
    None without a gyroscope."""
    own_acc_mps2: FloatArray | None = None
    """(N, 3) the phone's own acceleration, smoothed like the angle, its offset removed;
    None when gravity is in it."""


def phone_turning(
    uniform: Uniform,
    config: AnalysisConfig,
    *,
    slow_gravity: FloatArray | None,
    gravity_dir: FloatArray | None = None,
    slow_gyro: FloatArray | None = None,
    own_acc: FloatArray | None = None,
) -> PhoneTurning:
    """At the angle's rate: where the phone turns about more than one axis (in the hand,
    not strapped to a thigh): gravity leaves its circle by ``max_off_plane_deg`` or the
    gyroscope turns about other axes at ``max_off_axis_rads``; the phone's posture (the
    direction of gravity, else the integrated gyroscope: see ``Motion.posture``); and the
    direction of gravity, the turning rate and, without gravity, the phone's own
    acceleration themselves. ``slow_gravity``: ``_slow_gravity``'s result; ``gravity_dir``,
    ``slow_gyro``: its ``unit_rows`` and ``_slow_gyro``'s result, and ``own_acc``: the
    acceleration smoothed like the angle (at the recording's rate), when already worked
    out."""
    rate, index = _angle_index(uniform, config)
    handled = posture = direction = slow = None
    if slow_gravity is not None:
        direction = unit_rows(slow_gravity, order="C") if gravity_dir is None else gravity_dir
        posture = direction
    if uniform.gyro_rads is not None:
        slow = _slow_gyro(uniform, config) if slow_gyro is None else slow_gyro
        assert slow is not None
        slow = slow - gyro_bias(slow)  # a copy: the angle's own is left as it is
    window = HANDLING_WINDOW_S
    off_plane = off_axis = None
    if direction is not None and slow is not None:  # both at once
        off_plane, off_axis = off_plane_and_axis(direction, slow, fs_hz=rate, window_s=window)
    elif direction is not None:
        off_plane = off_plane_deg(direction, fs_hz=rate, window_s=window, unit=direction)
    elif slow is not None:
        off_axis = off_axis_rads(slow, fs_hz=rate, window_s=window)
    if off_plane is not None:
        handled = off_plane > config.max_off_plane_deg
    if off_axis is not None:
        turning = off_axis > config.max_off_axis_rads
        handled = turning if handled is None else handled | turning
    if slow is not None and posture is None:
        posture = np.cumsum(slow, axis=0) / rate  # small turns add up as vectors
    own = None
    if not uniform.gravity_included:
        own = own_acc
        if own is None:
            own = smooth(uniform.acc_mps2, fs_hz=uniform.rate_hz, sigma_hz=config.angle_sigma_hz)
        offset = np.median(own, axis=0)  # the sensor's offset
        if _every_sample(uniform, config) and own.shape[0] == index.size:  # own[index] is own
            own = np.subtract(own, offset, out=np.empty(own.shape))  # C-ordered as the copy
        else:
            own = own[index] - offset
    return PhoneTurning(handled, posture, direction, slow, own)


HANDLING_WINDOW_S = 2.5
"""The thigh's axis (and gravity's circle) is fitted over 2.5 s windows: about a rep, so a
hand's turn one way and then another falls in one window, and a phone that shifts on the
thigh disturbs only the windows around that moment."""


GAP_LEVEL_S = 0.1
"""Without gravity or a gyroscope the angle comes from integrating the acceleration, so a
gap is bridged from the mean level over the 0.1 s on each side of it, not from the one
sample at its edge: a jolt ringing at 10-20 Hz there averages out over 0.1 s, while a line
from its peak across a 0.15 s gap adds a speed of up to 1.5 m/s that no movement had."""


def _bridged(x: FloatArray, skip: BoolArray, *, level_n: int = 1) -> FloatArray:
    """``x`` with the ``skip`` samples replaced by straight lines between the samples kept
    either side, each side's level the mean of the kept samples within ``level_n`` of it."""
    if not skip.any() or skip.all():
        return x
    gone = np.flatnonzero(skip)
    if level_n <= 1:  # each side's level: the sample kept there
        out = x.copy(order="K")  # laid out as x: no transposing copy of a thinned recording
        _lines_across(out, gone, skip)
        return out
    out = x.copy()
    kept = np.flatnonzero(~skip)
    kept_at, gone_at = kept.astype(float), gone.astype(float)  # as np.interp turns them
    weights = (~skip).astype(float)
    box = np.ones(2 * (level_n // 2) + 1)
    count = np.convolve(weights, box, mode="same")[kept]
    levels = np.column_stack(
        [np.convolve(column * weights, box, mode="same")[kept] / count for column in x.T]
    )
    for k in range(x.shape[1]):
        out[gone, k] = np.interp(gone_at, kept_at, levels[:, k])
    return out


def _lines_across(out: FloatArray, gone: npt.NDArray[np.intp], skip: BoolArray) -> None:
    """``out[gone]`` (the ``skip`` samples) on straight lines between the samples kept either
    side: ``np.interp`` over only the kept samples next to a skipped one, which are the ends
    of every line (the same two samples, so the same slope and the same doubles), instead of
    gathering every kept sample of every column."""
    ends = np.flatnonzero(widened(skip, by=1) > skip)  # kept, next to a skipped one, in order
    ends_at, gone_at = ends.astype(float), gone.astype(float)  # as np.interp turns them
    columns = np.ascontiguousarray(out[ends].T)
    for k, column in enumerate(columns):
        out[gone, k] = np.interp(gone_at, ends_at, column)


def _uniform(
    recording: Recording, config: AnalysisConfig
) -> tuple[Uniform, tuple[QualityFlag, ...]]:
    """The recording at a uniform rate, thinned towards the analysis rate, knocks on the
    phone taken out first (``signal.knocks``)."""
    top_hz = max(config.tremor_band_hz[1], config.fatigue_band_hz[1])
    acc = recording.acc_mps2
    knocks = lone_spikes(acc, min_away=KNOCK_MIN_G * G_MPS2)
    # ``recording.median_rate_hz``, by a partition (np.median took twice the time, 2 % of a
    # 60 s file's analysis), worked out once for here and ``to_uniform``
    rate_hz = float(1.0 / median_of(np.diff(recording.t_s)))
    flags = []
    if knocks.size and rate_hz >= KNOCKS_FROM_HZ:
        flags.append(_knocks_flag(recording, knocks))
        acc = without_knocks(acc, knocks)
    # the top band's top as the recording's rate resolves it (``usable_bands``), and the
    # samples it needs: further apart for a second, their stretch is not measured
    fraction = config.max_band_fraction_of_nyquist
    measured_top_hz = min(top_hz, band_ceiling_hz(rate_hz, config))
    uniform, gaps = to_uniform(
        recording.t_s,
        acc,
        recording.gyro_rads,
        gravity_included=recording.gravity_included,
        gap_threshold_s=config.gap_threshold_s,
        max_rate_hz=max(config.analysis_rate_hz, 2.5 * top_hz),
        slow_step_s=max(fraction / (2 * measured_top_hz), SLOW_STEPS / rate_hz),
        recorded_rate_hz=rate_hz,
    )
    if gaps is not None and gaps.count:
        flags.append(
            QualityFlag(
                "gap",
                "warning",
                _gap_words(gaps.count, gaps.total_s, gaps.first_s),
            )
        )
    if gaps is not None and gaps.slow is not None:
        flags.append(_slow_flag(gaps.slow))
    return uniform, tuple(flags)


SLOW_STEPS = 1.5
"""A stretch is slow when its samples come at least 1.5 of the recording's usual steps
apart (jitter does not last a second), and too far apart for the top band: a phone at 100 Hz
that falls to 25 Hz or below."""


def _slow_flag(slow: Slow, /) -> QualityFlag:
    when = (
        f"from {slow.first_s:.1f} s"
        if slow.count == 1
        else f"in {slow.count} stretches, the first from {slow.first_s:.1f} s"
    )
    return QualityFlag(
        "rate_dropped",
        "warning",
        f"The phone sent only {slow.rate_hz:.0f} samples a second for {slow.total_s:.1f} s "
        f"({when}): too few to show the shaking, which is not measured there. Phones lower "
        "the rate when the screen turns off or the recording app is not in front: keep "
        "both on while recording.",
    )


def _gap_words(count: int, total_s: float, first_s: float) -> str:
    if count == 1:
        return (
            f"A gap without samples, {total_s:.2f} s long at {first_s:.2f} s; shaking is "
            "measured only on the samples around it."
        )
    return (
        f"{count} gaps without samples, {total_s:.2f} s in all (the first at {first_s:.2f} s); "
        "shaking is measured only on the samples around them."
    )


def _knocks_flag(recording: Recording, knocks: IntArray) -> QualityFlag:
    peak_g = float(np.sqrt(away_sq(recording.acc_mps2, knocks).max())) / G_MPS2
    times = "once" if knocks.size == 1 else f"{knocks.size} times"
    return QualityFlag(
        "knocks",
        "info",
        f"The phone was knocked {times} (first at {recording.t_s[knocks[0]]:.1f} s): each "
        f"knock's single reading, up to {peak_g:.0f} g off the readings either side, was "
        "replaced by their mean before measuring, since a knock is not shaking.",
    )


def _gated(
    uniform: Uniform,
    config: AnalysisConfig,
    spectrum: Spectrum | None = None,
    *,
    above: FloatArray | None = None,
) -> tuple[BoolArray, Bands]:
    """The jolts of ``uniform``, and its tremor and fatigue bands with jolts and gaps faded
    out: what every tremor figure is measured on. ``spectrum``: of ``uniform``'s
    acceleration, and ``above``: ``above_movement`` of it, when already taken."""
    rate = uniform.rate_hz
    tremor_hz, fatigue_hz, _ = usable_bands(rate, config)
    if above is None:
        if spectrum is None:
            spectrum = spectrum_of(uniform.acc_mps2, fs_hz=rate)
        above = above_movement(spectrum, rate_hz=rate)
    jolts = bursts(above, rate_hz=rate, config=config)
    keep = uniform.valid & ~jolts
    if uniform.dense is not None:
        keep &= uniform.dense
    bands = sustained_bands(
        above, tremor_hz=tremor_hz, fatigue_hz=fatigue_hz, keep=keep, rate_hz=rate, config=config
    )
    return jolts, bands


def _sustained(recording: Recording, config: AnalysisConfig) -> tuple[Uniform, Bands]:
    uniform, _ = _uniform(recording, config)
    return uniform, _gated(uniform, config)[1]


def tremor_in(
    recording: Recording,
    /,
    *,
    spans_s: tuple[tuple[float, float], ...] | None = None,
    config: AnalysisConfig,
) -> tuple[TremorStats, ...]:
    """Sustained shaking over each of ``spans_s`` (default: the whole recording), with no
    reps needed: for rest recordings, or tremor tasks of clinical tests."""
    uniform, bands = _sustained(recording, config)
    spans = spans_s if spans_s is not None else ((0.0, recording.duration_s),)
    return measure(bands, spans_s=spans, rate_hz=uniform.rate_hz, config=config)


@record
class Sustained:
    """The signal every tremor figure is measured on, for plots: at ``rate_hz`` from t = 0,
    the acceleration above the movement with jolts and gaps faded out (``gated_mps2``), its
    tremor band (``tremor_mps2``), which samples count (``usable``), and the acceleration as
    resampled (``raw_mps2``); beside it the thigh angle the reps were found on
    (``angle_deg`` at ``angle_rate_hz`` from t = 0; None: not followed)."""

    rate_hz: float
    gated_mps2: FloatArray
    tremor_mps2: FloatArray
    usable: BoolArray
    raw_mps2: FloatArray
    angle_deg: FloatArray | None = None
    angle_rate_hz: float = 0.0

    @property
    def t_s(self) -> FloatArray:
        return np.arange(self.gated_mps2.shape[0]) / self.rate_hz
