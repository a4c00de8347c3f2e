"""One leg's movement and shaking, whatever measured it, and what is found in it.

A phone on the thigh and a video both end in a ``Motion``: the thigh angle on a uniform
grid and the tremor bands on another. ``analyse_motion`` finds the reps on it and measures
the shaking in each rep and in the rests around the set; the same code for every source.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.measurement.cyclic import find_cycles
from thrustlab.measurement.reps import (
    REST_SPEED_DPS,
    SETS_APART_S,
    RepTiming,
    find_reps,
    median_of_few,
)
from thrustlab.measurement.tremor import NOTHING, Bands, TremorStats, measure
from thrustlab.quality import QualityFlag
from thrustlab.records import record
from thrustlab.signal.orientation import gradient, stretches

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ArrayT = TypeVar("ArrayT", FloatArray, BoolArray)

REP_CLEARANCE_S = 0.2
"""Rests are measured from 0.2 s clear of the rep (its last jolt and ringing)."""
MID_SET_REPS = 1.5
"""A recording that starts mid-set reaches its first whole rep within 1.5 reps of the set
(the rest of the rep it started in, and a pause at the bottom)."""
OTHER_SET_MIN_REPS = 3
"""A run of 3 reps or more before or after the set measured, through a range like the
set's (within ``level_tolerance_fraction`` of it) and ``SETS_APART_S`` or more from it, is
another set (a warm-up set, or the next set recorded on): one recording measures one set,
and says so. Squatting to load the bar swings the thigh twice as far."""


@record
class Motion:
    """One leg's movement and shaking on uniform grids from t = 0, whatever measured it
    (a phone on the thigh, or a video)."""

    angle_deg: FloatArray | None
    """Thigh angle in degrees at ``angle_rate_hz``; None: not followed."""
    angle_rate_hz: float
    bands: Bands
    """The tremor and fatigue bands at ``rate_hz``."""
    rate_hz: float
    movement: FloatArray | None = None
    """The movement along its main direction at ``rate_hz`` (cyclic mode counts its
    cycles); None: use the angle."""
    movement_axes: FloatArray | None = None
    """(N, k) at ``rate_hz``: every sensor's movement (the low-passed gyroscope and
    acceleration, ``cyclic.movement_signal``), to tell whether its cycles are alike; None:
    not known."""
    movement_min_swing: float = 0.0
    """The smallest swing of ``movement`` (in its units) that is real movement."""
    no_angle: QualityFlag | None = None
    """Why the angle is not followed (said when ``angle_deg`` is None)."""
    handled: BoolArray | None = None
    """At ``angle_rate_hz``: where the phone turns about more than one axis (in the hand,
    not on a thigh); no rep is found there. None: not known."""
    posture: FloatArray | None = None
    """(N, 3) at ``angle_rate_hz``: where the phone points, such that the distance between
    two rows is about the angle (rad) it turned between them (the direction of gravity, or
    the integrated gyroscope); None: not known."""
    gravity_dir: FloatArray | None = None
    """(N, 3) at ``angle_rate_hz``: the direction of gravity in the phone's axes (unit
    vectors); None: not known."""
    turn_rads: FloatArray | None = None
    """(N, 3) at ``angle_rate_hz``: the phone's turning rate (the gyroscope, smoothed, less
    its offset); None: not known."""
    own_acc_mps2: FloatArray | None = None
    """(N, 3) at ``angle_rate_hz``: the phone's own slow acceleration (recorded without
    gravity, smoothed like the angle, its offset removed); None: not known, or gravity is
    in the acceleration."""
    moving: BoolArray | None = None
    """At ``rate_hz``: where the phone moves with the body (sitting up, standing, walking,
    in the hand) beyond the thigh's own turning; None: not known, the angle alone decides
    what is still."""
    no_reps_advice: str = "Check that the phone was strapped to the thigh during the set."
    """What to do when no rep is found, in the words of what recorded the set."""


@record
class MotionResult:
    reps: tuple[RepTiming, ...]
    rep_tremor: tuple[TremorStats, ...]
    set_tremor: TremorStats
    baseline: TremorStats
    post_set: TremorStats
    """Shaking over the still rest after the set only (its first ``rest_window_s``)."""
    quality: tuple[QualityFlag, ...]
    post_set_rest_s: float | None = None
    """Seconds of still rest, with the thigh at rest, measured after the last rep."""
    post_set_end: TremorStats = NOTHING
    """Shaking over the last ``post_set_end_s`` of that rest (nothing when shorter)."""


def analyse_motion(motion: Motion, /, *, config: AnalysisConfig) -> MotionResult:
    """Find the reps in ``motion`` and measure the shaking in each rep, over the set, and
    in the rests before and after it."""
    flags: list[QualityFlag] = []
    angle, angle_rate_hz, rate = motion.angle_deg, motion.angle_rate_hz, motion.rate_hz
    reps: tuple[RepTiming, ...] = ()
    speed: FloatArray | None = None
    if config.mode == "cyclic":
        signal, min_swing = motion.movement, motion.movement_min_swing
        if signal is None and angle is not None:
            signal = np.interp(
                np.arange(motion.bands.usable.shape[0]) / rate,
                np.arange(angle.size) / angle_rate_hz,
                angle,
            )
            min_swing = config.min_rom_deg
        if signal is not None:
            reps = find_cycles(  # any movement: a wrist turns about several axes
                signal,
                rate_hz=rate,
                angle_deg=angle,
                angle_rate_hz=angle_rate_hz,
                min_swing=min_swing,
                config=config,
                axes=motion.movement_axes if motion.movement is not None else None,
            )
    elif angle is None:
        if motion.no_angle is not None:
            flags.append(motion.no_angle)
    else:
        speed = gradient(angle) * angle_rate_hz  # once, for the reps and the rests
        reps = find_reps(
            angle,
            rate_hz=angle_rate_hz,
            speed_dps=speed,
            handled=motion.handled,
            posture=motion.posture,
            gravity_dir=motion.gravity_dir,
            turn_rads=motion.turn_rads,
            own_acc_mps2=motion.own_acc_mps2,
            config=config,
        )
    if not reps and not (angle is None and config.mode == "hip_thrust"):
        flags.append(_no_reps(config, angle, motion.no_reps_advice))

    before = rest = after = end = None
    if reps and angle is not None:
        still = still_mask(motion, angle, reps, config=config, speed_dps=speed)
        before = rest_before(still, rate_hz=angle_rate_hz, edge_s=reps[0].start_s, config=config)
        rest = rest_after(still, rate_hz=angle_rate_hz, edge_s=reps[-1].end_s, config=config)
        if speed is not None:  # a hip thrust's reps, found on the angle: is the set all there?
            flags.extend(_other_sets(motion, angle, speed, reps, config=config))
            flags.extend(_starts_mid_set(angle, angle_rate_hz, reps, before, config=config))
    if rest is not None:
        after = (rest[0], min(rest[1], rest[0] + config.rest_window_s))
        if rest[1] - rest[0] >= config.post_set_end_s:
            end = (rest[1] - config.post_set_end_s, rest[1])
    whole = (reps[0].start_s, reps[-1].end_s) if reps else None
    spans = [(r.start_s, r.end_s) for r in reps]
    *per_rep, set_tremor, baseline, post_set, post_end = measure(
        motion.bands, spans_s=[*spans, whole, before, after, end], rate_hz=rate, config=config
    )
    return MotionResult(
        reps=reps,
        rep_tremor=tuple(per_rep),
        set_tremor=set_tremor,
        baseline=baseline,
        post_set=post_set,
        quality=tuple(flags),
        post_set_rest_s=None if rest is None else round(rest[1] - rest[0], 3),
        post_set_end=post_end,
    )


def still_mask(
    motion: Motion,
    angle_deg: FloatArray,
    reps: tuple[RepTiming, ...],
    /,
    *,
    config: AnalysisConfig,
    speed_dps: FloatArray | None = None,
) -> BoolArray:
    """At the angle's rate: where the thigh rests, i.e. turns slower than ``REST_SPEED_DPS``,
    the body does not move the phone (``motion.moving``), and the thigh lies within
    ``rest_posture_margin_deg`` of the set's range (sitting, not standing). ``speed_dps``:
    the angle's rate when known (``find_reps`` took it), else worked out here."""
    rate = motion.angle_rate_hz
    speed = gradient(angle_deg) * rate if speed_dps is None else speed_dps
    still = np.abs(speed) < REST_SPEED_DPS
    if motion.moving is not None:
        index = np.round(np.arange(angle_deg.size) * motion.rate_hz / rate).astype(int)
        still &= ~motion.moving[np.minimum(index, motion.moving.size - 1)]
    times = [t for r in reps for t in (r.start_s, r.lockout_start_s, r.end_s)]
    # the samples at those times in one call: np.round rounds half to even as round does
    at = np.minimum(np.round(np.multiply(times, rate)).astype(np.intp), angle_deg.size - 1)
    levels = angle_deg[at].tolist()
    margin = config.rest_posture_margin_deg
    return np.asarray(
        still & (angle_deg >= min(levels) - margin) & (angle_deg <= max(levels) + margin)
    )


def rest_before(
    still: BoolArray, /, *, rate_hz: float, edge_s: float, config: AnalysisConfig
) -> tuple[float, float] | None:
    """The longest still stretch within ``rest_window_s`` before ``edge_s``, 0.2 s clear of
    the rep; None when shorter than ``rest_min_s``."""
    hi = max(0, round((edge_s - REP_CLEARANCE_S) * rate_hz))
    lo = max(0, hi - round(config.rest_window_s * rate_hz))
    starts, ends = stretches(still[lo:hi])
    return _longest(lo + starts, lo + ends, rate_hz=rate_hz, config=config)


def rest_after(
    still: BoolArray, /, *, rate_hz: float, edge_s: float, config: AnalysisConfig
) -> tuple[float, float] | None:
    """The longest still stretch that starts within ``post_set_search_s`` after ``edge_s``
    (0.2 s clear of the rep), as long as it lasts; None when shorter than ``rest_min_s``."""
    lo = min(still.size, round((edge_s + REP_CLEARANCE_S) * rate_hz))
    starts, ends = stretches(still[lo:])
    near = starts <= config.post_set_search_s * rate_hz
    return _longest(lo + starts[near], lo + ends[near], rate_hz=rate_hz, config=config)


def _longest(
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    /,
    *,
    rate_hz: float,
    config: AnalysisConfig,
) -> tuple[float, float] | None:
    """The longest of these still stretches (sample indices), in seconds; None when there is
    none or it is shorter than ``rest_min_s``."""
    if starts.size == 0:
        return None
    k = int(np.argmax(ends - starts))
    if (ends[k] - starts[k]) / rate_hz < config.rest_min_s:
        return None
    return starts[k] / rate_hz, ends[k] / rate_hz


def _other_sets(
    motion: Motion,
    angle: FloatArray,
    speed: FloatArray,
    reps: tuple[RepTiming, ...],
    /,
    *,
    config: AnalysisConfig,
) -> list[QualityFlag]:
    """A note for each set found before or after the one measured (``find_reps`` measures
    the set with the most rest around it, the longest among equals): the lifter learns
    that the rest of the recording was left out, and how to have another set measured."""
    rate = motion.angle_rate_hz
    first, last = round(reps[0].start_s * rate), round(reps[-1].end_s * rate)
    rom = median_of_few([r.rom_deg for r in reps])
    room_s = SETS_APART_S + OTHER_SET_MIN_REPS * config.min_rep_s  # the least another set takes
    notes = []
    for lo, hi in ((0, first), (last, angle.size)):
        if hi - lo < room_s * rate:  # most recordings: no search
            continue
        part = slice(lo, hi)
        found = find_reps(
            angle[part],
            rate_hz=rate,
            speed_dps=speed[part],
            handled=_part(motion.handled, part),
            posture=_part(motion.posture, part),
            gravity_dir=_part(motion.gravity_dir, part),
            turn_rads=_part(motion.turn_rads, part),
            own_acc_mps2=_part(motion.own_acc_mps2, part),
            config=config,
        )
        if len(found) < OTHER_SET_MIN_REPS:
            continue
        start, end = lo / rate + found[0].start_s, lo / rate + found[-1].end_s
        apart = max(reps[0].start_s - end, start - reps[-1].end_s)
        alike = abs(median_of_few([r.rom_deg for r in found]) - rom) <= (
            config.level_tolerance_fraction * rom
        )
        if alike and apart >= SETS_APART_S:
            notes.append(
                QualityFlag(
                    "another_set",
                    "warning",
                    f"The recording holds another set, of {len(found)} reps at {start:.0f}-"
                    f"{end:.0f} s: only the {len(reps)} reps at {reps[0].start_s:.0f}-"
                    f"{reps[-1].end_s:.0f} s are measured. Record one set at a time, or cut "
                    "the recording to the set to measure.",
                )
            )
    return notes


def _starts_mid_set(
    angle: FloatArray,
    rate_hz: float,
    reps: tuple[RepTiming, ...],
    before: tuple[float, float] | None,
    /,
    *,
    config: AnalysisConfig,
) -> list[QualityFlag]:
    """A note when the recording starts in the middle of the set: at its first sample the
    thigh lies within a rep's range, clear of the bottom (hips off it), the first rep found
    follows within a rep and a pause, and no rest at the bottom comes before it
    (``before``: the rest found). The reps cut off are not counted, so the count falls
    short of what the lifter did. Sitting with the legs out at the top's level before the
    set leaves a rest after pulling the feet in. (Where a recording stops is no such sign:
    a lifter who sits on the bench after the set rests the thigh level, as at the top.)"""
    if before is not None or reps[0].start_s > MID_SET_REPS * median_of_few(
        [r.end_s - r.start_s for r in reps]
    ):
        return []  # most sets: a rest before the first rep, or time before it
    last = angle.size - 1
    bottom = median_of_few([float(angle[min(round(r.start_s * rate_hz), last)]) for r in reps])
    top = median_of_few([float(angle[min(round(r.lockout_start_s * rate_hz), last)]) for r in reps])
    way = (float(angle[0]) - bottom) / (top - bottom) if top != bottom else 0.0
    tolerance = config.level_tolerance_fraction
    if not tolerance <= way <= 1.0 + tolerance:
        return []
    return [
        QualityFlag(
            "starts_mid_set",
            "warning",
            "The recording starts in the middle of the set, the hips off the bottom: reps "
            "before it are not counted. Start recording before the first rep.",
        )
    ]


def _part(samples: ArrayT | None, part: slice, /) -> ArrayT | None:
    """Samples ``part`` of an optional per-sample array."""
    return None if samples is None else samples[part]


def _no_reps(config: AnalysisConfig, angle: FloatArray | None, advice: str) -> QualityFlag:
    """Why no rep was found: swings too small, or too large for a hip thrust."""
    top = config.plausible_rep_rom_deg[1]
    swing = float(np.percentile(angle, 99) - np.percentile(angle, 1)) if angle is not None else 0.0
    if swing >= top:
        what = (
            f"No reps found: the thigh swung by up to {swing:.0f} degrees, more than a hip "
            f"thrust turns it (under {top:.0f}), so those swings are not counted as reps."
        )
    else:
        what = (
            f"No reps found: the thigh never rose and fell by {config.min_rom_deg:.0f} "
            "degrees or more in a repeated pattern."
        )
    return QualityFlag("no_reps", "error", f"{what} {advice}")
