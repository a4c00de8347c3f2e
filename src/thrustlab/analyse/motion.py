"""One leg's movement and shaking, whatever measured it, and what is found in it.

A phone on the thigh and a video both end in a ``Motion``: the thigh angle on a uniform
grid and the tremor bands on another. ``analyse_motion`` finds the reps on it and measures
the shaking in each rep and in the rests around the set; the same code for every source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from thrustlab.analyse.cyclic import find_cycles
from thrustlab.analyse.reps import RepTiming, find_reps, rest_window
from thrustlab.analyse.tremor import Bands, TremorStats, measure
from thrustlab.config import AnalysisConfig
from thrustlab.quality import QualityFlag

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
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
    no_angle: QualityFlag | None = None
    """Why the angle is not followed (said when ``angle_deg`` is None)."""


@dataclass(frozen=True, slots=True)
class MotionResult:
    reps: tuple[RepTiming, ...]
    rep_tremor: tuple[TremorStats, ...]
    set_tremor: TremorStats
    baseline: TremorStats
    post_set: TremorStats
    """Shaking over the still rest after the set only."""
    quality: tuple[QualityFlag, ...]


def analyse_motion(motion: Motion, /, *, config: AnalysisConfig) -> MotionResult:
    """Find the reps in ``motion`` and measure the shaking in each rep, over the set, and
    in the rests before and after it."""
    flags: list[QualityFlag] = []
    angle, angle_rate_hz, rate = motion.angle_deg, motion.angle_rate_hz, motion.rate_hz
    reps: tuple[RepTiming, ...] = ()
    if config.mode == "cyclic":
        signal = motion.movement
        if signal is None and angle is not None:
            signal = np.interp(
                np.arange(motion.bands.usable.shape[0]) / rate,
                np.arange(angle.size) / angle_rate_hz,
                angle,
            )
        if signal is not None:
            reps = find_cycles(signal, rate_hz=rate, angle_deg=angle, angle_rate_hz=angle_rate_hz)
    elif angle is None:
        if motion.no_angle is not None:
            flags.append(motion.no_angle)
    else:
        reps = find_reps(angle, rate_hz=angle_rate_hz, config=config)
    if not reps and not (angle is None and config.mode == "hip_thrust"):
        flags.append(_no_reps(config))

    before = after = None
    if reps and angle is not None:
        speed = np.gradient(angle) * angle_rate_hz
        before = rest_window(
            speed, rate_hz=angle_rate_hz, edge_s=reps[0].start_s, after=False, config=config
        )
        after = rest_window(
            speed, rate_hz=angle_rate_hz, edge_s=reps[-1].end_s, after=True, config=config
        )
    whole = (reps[0].start_s, reps[-1].end_s) if reps else None
    spans = [(r.start_s, r.end_s) for r in reps]
    *per_rep, set_tremor, baseline, post_set = measure(
        motion.bands, spans_s=[*spans, whole, before, after], rate_hz=rate, config=config
    )
    return MotionResult(
        reps=reps,
        rep_tremor=tuple(per_rep),
        set_tremor=set_tremor,
        baseline=baseline,
        post_set=post_set,
        quality=tuple(flags),
    )


def _no_reps(config: AnalysisConfig) -> QualityFlag:
    return QualityFlag(
        "no_reps",
        "error",
        f"No reps found: the thigh never rose and fell by {config.min_rom_deg:.0f} degrees or more "
        "in a repeated pattern. Check that the phone was strapped to the thigh during the set.",
    )
