"""Everything measured on one sensor: the steps of the analysis, each a small function."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from thrustlab.analyse.reps import RepTiming, find_reps, rest_window
from thrustlab.analyse.tremor import (
    NOTHING,
    TremorStats,
    above_movement,
    bursts,
    measure,
    sustained_bands,
)
from thrustlab.config import AnalysisConfig
from thrustlab.quality import QualityFlag
from thrustlab.recording import Recording
from thrustlab.signal.filters import lowpass, spectrum_of
from thrustlab.signal.orientation import angle_from_gravity, angle_from_gyro
from thrustlab.signal.resample import Uniform, to_uniform

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class LegResult:
    """One sensor's reps and shaking, before the set's figures are derived."""

    recording: Recording
    rate_hz: float
    reps: tuple[RepTiming, ...]
    rep_tremor: tuple[TremorStats, ...]
    set_tremor: TremorStats
    baseline: TremorStats
    post_set: TremorStats
    tremor_band_hz: tuple[float, float]
    fatigue_band_hz: tuple[float, float]
    quality: tuple[QualityFlag, ...]


def analyse_leg(recording: Recording, /, *, config: AnalysisConfig) -> LegResult:
    """Resample, find the reps on the thigh angle, measure the shaking in each rep and in
    the rests around the set."""
    uniform, gap_flags = to_uniform(recording, gap_threshold_s=config.gap_threshold_s)
    rate = uniform.rate_hz
    tremor_hz, fatigue_hz, band_flags = usable_bands(rate, config)
    flags = [*recording.quality, *gap_flags, *_recording_checks(recording, config), *band_flags]
    above = above_movement(spectrum_of(uniform.acc_mps2, fs_hz=rate), rate_hz=rate)
    jolts = bursts(above, rate_hz=rate, config=config)
    angle, angle_rate_hz = thigh_angle(uniform, jolts, config)
    reps: tuple[RepTiming, ...] = ()
    if angle is None:
        flags.append(_NO_ORIENTATION)
    else:
        reps = find_reps(angle, rate_hz=angle_rate_hz, config=config)
        if not reps:
            flags.append(_no_reps(config))
    bands = sustained_bands(
        above,
        tremor_hz=tremor_hz,
        fatigue_hz=fatigue_hz,
        keep=uniform.valid & ~jolts,
        rate_hz=rate,
        config=config,
    )

    def stats(span: tuple[float, float] | None) -> TremorStats:
        return NOTHING if span is None else measure(bands, span_s=span, rate_hz=rate, config=config)

    before = after = None
    if reps and angle is not None:
        speed = np.gradient(angle) * angle_rate_hz
        before = rest_window(
            speed, rate_hz=angle_rate_hz, edge_s=reps[0].start_s, after=False, config=config
        )
        after = rest_window(
            speed, rate_hz=angle_rate_hz, edge_s=reps[-1].end_s, after=True, config=config
        )
    return LegResult(
        recording=recording,
        rate_hz=rate,
        reps=reps,
        rep_tremor=tuple(stats((r.start_s, r.end_s)) for r in reps),
        set_tremor=stats((reps[0].start_s, reps[-1].end_s) if reps else None),
        baseline=stats(before),
        post_set=stats(after),
        tremor_band_hz=tremor_hz,
        fatigue_band_hz=fatigue_hz,
        quality=tuple(flags),
    )


_NO_ORIENTATION = QualityFlag(
    "no_orientation",
    "error",
    "The recording has neither gravity nor a gyroscope, so the thigh's movement cannot be "
    "followed and no reps can be found. Export the accelerometer with gravity (Sensor Logger: "
    "TotalAcceleration; phyphox: 'Acceleration with g') or include the gyroscope.",
)


def _no_reps(config: AnalysisConfig) -> QualityFlag:
    return QualityFlag(
        "no_reps",
        "error",
        f"No reps found: the thigh never rose and fell by {config.min_rom_deg:.0f} degrees or more "
        "in a repeated pattern. Check that the phone was strapped to the thigh during the set.",
    )


def usable_bands(
    rate_hz: float, config: AnalysisConfig
) -> tuple[tuple[float, float], tuple[float, float], list[QualityFlag]]:
    """The tremor and fatigue bands, clipped to what the sampling rate resolves."""
    ceiling = config.max_band_fraction_of_nyquist * rate_hz / 2
    flags = []
    bands = []
    for name, (low, high) in (
        ("tremor", config.tremor_band_hz),
        ("fatigue", config.fatigue_band_hz),
    ):
        if high > ceiling:
            high = max(ceiling, low + 0.5)
            flags.append(
                QualityFlag(
                    "low_sample_rate",
                    "warning",
                    f"At {rate_hz:.0f} Hz the {name} band can only reach {ceiling:.1f} Hz; "
                    f"it was measured as {low:.1f}-{high:.1f} Hz. Record at 100 Hz or more.",
                )
            )
        bands.append((low, high))
    return bands[0], bands[1], flags


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
    acc = np.abs(recording.acc_mps2)
    peak = acc.max(axis=0)
    pinned = (acc >= peak - 1e-6).sum(axis=0)
    if np.any((pinned >= 3) & (pinned >= config.clip_fraction * acc.shape[0])):
        flags.append(
            QualityFlag(
                "clipping",
                "warning",
                f"The accelerometer hit its limit ({float(peak.max()):.1f} m/s2) on "
                f"{int(pinned.max())} samples; shaking near those moments reads too low.",
            )
        )
    return flags


def thigh_angle(
    uniform: Uniform, jolts: BoolArray, config: AnalysisConfig
) -> tuple[FloatArray | None, float]:
    """The thigh angle (degrees) at ``angle_rate_hz`` (or the recording's rate if lower):
    from the gyroscope when there is one (jolts do not move it), else from gravity, with
    jolts and gaps bridged by straight lines so that they cannot tilt it."""
    rate = min(config.angle_rate_hz, uniform.rate_hz)
    n = int(uniform.acc_mps2.shape[0] * rate / uniform.rate_hz)
    index = np.minimum(
        np.round(np.arange(n) * uniform.rate_hz / rate).astype(int), uniform.acc_mps2.shape[0] - 1
    )
    if uniform.gyro_rads is not None:
        slow = lowpass(uniform.gyro_rads, fs_hz=uniform.rate_hz, cutoff_hz=config.angle_lowpass_hz)
        return angle_from_gyro(slow[index], fs_hz=rate), rate
    if uniform.gravity_included:
        bridged = _bridged(uniform.acc_mps2, jolts | ~uniform.valid)
        slow = lowpass(bridged, fs_hz=uniform.rate_hz, cutoff_hz=config.angle_lowpass_hz)
        return angle_from_gravity(slow[index]), rate
    return None, rate


def _bridged(x: FloatArray, skip: BoolArray) -> FloatArray:
    if not skip.any() or skip.all():
        return x
    i = np.arange(x.shape[0])
    kept = ~skip
    return np.column_stack([np.interp(i, i[kept], x[kept, k]) for k in range(x.shape[1])])
