"""From a video file to Findings: the same shape and meaning as a sensor recording's, plus
the bar path, per-rep bar speed, each leg's shaking and form at lockout.

The video fills the same motion carrier as a phone on the thigh (``analyse.motion``): the
near thigh's angle from the pose (reps, phases, range of motion) and each thigh's
acceleration from optical flow (shaking), so reps and shaking come from the same code and
rules as a sensor's. Values outside what a hip thrust allows are left out with a quality
entry; a clip with scene cuts is refused.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.findings import (
    Findings,
    FormMetrics,
    RepMetrics,
    SourceSummary,
    Traces,
)
from thrustlab.measurement import figures, tremor
from thrustlab.measurement.leg import Sustained
from thrustlab.measurement.motion import Motion, MotionResult, analyse_motion
from thrustlab.measurement.reps import RepTiming
from thrustlab.measurement.traces import traces_of
from thrustlab.measurement.tremor import Bands, TremorStats
from thrustlab.quality import QualityFlag
from thrustlab.records import record
from thrustlab.video import pose as kp
from thrustlab.video.config import VideoConfig
from thrustlab.video.cuts import refuse_cuts
from thrustlab.video.decode import VideoInfo, frames, probe, working_size
from thrustlab.video.flow import Shake, displacement_rms_px, shaking_bands, to_uniform
from thrustlab.video.form import Track, front_form, side_form
from thrustlab.video.thigh import thigh_angle
from thrustlab.video.track import Progress, Tracks, fill_gaps, follow

FloatArray = npt.NDArray[np.float64]

DEFAULT_ANALYSIS = AnalysisConfig()
NO_REPS = "Film the whole set from the side with the lifter in view."
DEFAULT_VIDEO = VideoConfig()
MIN_FLOW_FRACTION = 0.5
"""A thigh's shaking is measured when its flow was followed in at least half the frames."""


@record
class VideoResult:
    """Findings plus what only a video shows. ``height`` is the bar's (or hips') height
    at ``rate_hz`` from t = 0, in metres when ``m_per_px`` is known, else in pixels;
    ``thigh_angle_deg`` the angle the reps were found on (None: not measured)."""

    findings: Findings
    info: VideoInfo
    tracks: Tracks
    m_per_px: float | None
    rate_hz: float
    height: FloatArray
    height_unit: str
    reps: tuple[RepTiming, ...]
    thigh_angle_deg: FloatArray | None
    rep_legs: tuple[tuple[Shake, Shake], ...]
    set_legs: tuple[Shake, Shake]

    @property
    def form(self) -> FormMetrics | None:
        return self.findings.form


def analyse_video(
    path: str | Path,
    /,
    *,
    estimator: kp.PoseEstimator | None,
    config: VideoConfig = DEFAULT_VIDEO,
    analysis: AnalysisConfig = DEFAULT_ANALYSIS,
    progress: Progress | None = None,
) -> VideoResult:
    """Decode ``path`` once, follow the pose, plate and thighs, and measure the set.
    Raises ``EditedClipError`` for a clip with scene cuts."""
    info = probe(path)
    w, _ = working_size(info.width_px, info.height_px, max_side_px=config.max_side_px)
    rate = info.nominal_fps_hz or 30.0
    tracks = follow(
        frames(path, max_side_px=config.max_side_px),
        estimator=estimator,
        pose_every=max(1, round(rate / config.pose_rate_hz)),
        plate=config.view == "side",
        progress=progress,
    )
    return measure(tracks, info, config=config, analysis=analysis, shrink=w / info.width_px)


def measure(
    tracks: Tracks,
    info: VideoInfo,
    /,
    *,
    config: VideoConfig,
    analysis: AnalysisConfig = DEFAULT_ANALYSIS,
    shrink: float = 1.0,
) -> VideoResult:
    """The set's findings from what was followed in the frames."""
    refuse_cuts(
        tracks.t_s,
        tracks.change,
        min_change=config.cut_min_change,
        spike_factor=config.cut_spike_factor,
    )
    rate = float(round(1.0 / np.median(np.diff(tracks.t_s)), 2)) if tracks.t_s.size > 1 else 0.0
    m_per_px, followed = _scale(tracks, config, shrink)
    angle, no_angle = thigh_angle(tracks, rate_hz=rate, config=config, analysis=analysis)
    legs = _thighs(tracks, rate, m_per_px, config, analysis)
    left, right = (
        analyse_motion(
            Motion(angle, rate, leg.bands, rate, no_angle=no_angle, no_reps_advice=NO_REPS),
            config=analysis,
        )
        for leg in legs
    )
    reps, scaled = left.reps, m_per_px is not None
    form, form_flags = _form(tracks, reps, m_per_px if followed else None, config)
    rep_metrics = _rep_metrics(reps, left, right, scaled)
    in_mps2 = scaled and rate > config.min_fps_factor * analysis.tremor_band_hz[1]
    set_metrics, set_flags = figures.set_figures(
        rep_metrics, [left, right], config=analysis, mps2=in_mps2
    )
    quality = (
        *_source_flags(tracks, config, rate, followed, m_per_px, analysis),
        *_motion_flags(left, no_angle),
        *form_flags,
        *set_flags,
    )
    findings = Findings(
        source=SourceSummary(
            kind="video",
            format=f"video/{info.codec}",
            duration_s=round(float(tracks.t_s[-1]) if tracks.t_s.size else 0.0, 3),
            sample_rate_hz=rate,
            paths=(info.path,),
        ),
        reps=rep_metrics,
        set=set_metrics,
        quality=quality,
        mode=analysis.mode,
        tremor_band_hz=analysis.tremor_band_hz,
        fatigue_band_hz=analysis.fatigue_band_hz,
        form=form,
    )
    louder = legs[0] if figures.left_is_louder(left.set_tremor, right.set_tremor) else legs[1]
    if in_mps2 and louder.followed and m_per_px is not None:
        traces = _traces(louder, angle, rate, m_per_px, findings, analysis)
        findings = replace(findings, traces=traces)
    rep_legs, set_legs = _shakes(legs, (left, right), rate, m_per_px, analysis)
    height, unit = _height(tracks, rate, followed, m_per_px)
    return VideoResult(
        findings=findings,
        info=info,
        tracks=tracks,
        m_per_px=m_per_px,
        rate_hz=rate,
        height=height,
        height_unit=unit,
        reps=reps,
        thigh_angle_deg=angle,
        rep_legs=rep_legs,
        set_legs=set_legs,
    )


def _scale(tracks: Tracks, config: VideoConfig, shrink: float) -> tuple[float | None, bool]:
    """Metres per working pixel, and whether the plate is followed."""
    radius = tracks.plate_px[:, 2]
    found = np.isfinite(radius)
    followed = bool(found.mean() >= config.min_plate_fraction) if radius.size else False
    if config.scale_m_per_px is not None:
        return config.scale_m_per_px / shrink, followed
    if followed:
        return config.plate_diameter_m / (2 * float(np.median(radius[found]))), followed
    return None, followed


@record
class _Thigh:
    """One thigh's flow on the uniform grid: its path (px), which samples had flow,
    whether it was followed long enough to measure, and its shaking as tremor Bands."""

    path_px: FloatArray
    valid: npt.NDArray[np.bool_]
    followed: bool
    bands: Bands


def _thighs(
    tracks: Tracks,
    rate: float,
    m_per_px: float | None,
    config: VideoConfig,
    analysis: AnalysisConfig,
) -> tuple[_Thigh, _Thigh]:
    """Each thigh's flow, and its acceleration as the tremor code's Bands (in m/s2 with a
    scale; nothing usable below ``min_fps_factor`` x the band's top)."""
    n = int(np.floor(tracks.t_s[-1] * rate)) + 1 if tracks.t_s.size > 1 else 1
    measurable = rate > config.min_fps_factor * analysis.tremor_band_hz[1]
    out = []
    for leg in range(2):
        shift = tracks.shift_px[:, leg]
        has = np.isfinite(shift).all(axis=1)
        path, valid = np.zeros((n, 2)), np.zeros(n, bool)
        if tracks.t_s.size > 1:
            path = to_uniform(tracks.t_s, np.cumsum(np.nan_to_num(shift), axis=0), rate_hz=rate)
            grid = np.arange(n) / rate
            valid = np.asarray(np.interp(grid, tracks.t_s, has.astype(float)) > 0.999)
        followed = tracks.t_s.size > 1 and bool(has.mean() >= MIN_FLOW_FRACTION)
        bands = shaking_bands(
            path * (m_per_px or 1.0),
            valid,
            rate_hz=rate,
            measurable=measurable and followed,
            config=analysis,
        )
        out.append(_Thigh(path, valid, followed, bands))
    return out[0], out[1]


def _traces(  # noqa: PLR0917
    thigh: _Thigh,
    angle: FloatArray | None,
    rate: float,
    m_per_px: float,
    findings: Findings,
    analysis: AnalysisConfig,
) -> Traces:
    """What the report draws, as for a phone on the thigh: the flow of the thigh that shakes
    more (its peak is the set's) as its acceleration in m/s², its shaking as measured, and
    the near thigh's angle from the pose (the one the reps were found on)."""
    path_m = thigh.path_px * m_per_px
    acc = np.gradient(np.gradient(path_m, axis=0), axis=0) * rate**2
    b = thigh.bands
    sustained = Sustained(
        rate, b.gated, b.tremor, b.usable, acc, angle_deg=angle, angle_rate_hz=rate
    )
    return traces_of(sustained, findings, config=analysis)


def _form(
    tracks: Tracks, reps: tuple[RepTiming, ...], bar_m_per_px: float | None, config: VideoConfig
) -> tuple[FormMetrics, list[QualityFlag]]:
    """Form at lockout (side or front view) with each rep's bar speed (side view)."""
    with np.errstate(all="ignore"):
        xy = fill_gaps(tracks.t_s, tracks.pose_xy_px)
        vis = fill_gaps(tracks.t_s, tracks.pose_visibility)
    track = Track(tracks.t_s, xy, vis, tracks.plate_px[:, :2])
    form_fn = side_form if config.view == "side" else front_form
    form, flags = form_fn(track, reps, [r.rom_deg for r in reps], config=config)
    if config.view != "side":
        return form, flags
    speeds, speed_flags = _bar_speeds(tracks, reps, bar_m_per_px, config)
    return replace(form, rep_mean_concentric_velocity_mps=speeds), [*speed_flags, *flags]


def _motion_flags(result: MotionResult, no_angle: QualityFlag | None) -> list[QualityFlag]:
    """The rep code's flags, said for a video, and why no angle was followed (cyclic mode
    does not say it)."""
    flags = list(result.quality)
    if no_angle is not None and no_angle not in flags:
        flags.append(no_angle)
    return flags


def _rep_metrics(
    reps: tuple[RepTiming, ...], left: MotionResult, right: MotionResult, scaled: bool
) -> tuple[RepMetrics, ...]:
    return tuple(
        figures.rep_metrics(
            r,
            i,
            figures.in_mps2(figures.both_legs(a, b), scaled),
            figures.legs_of(figures.in_mps2(a, scaled), figures.in_mps2(b, scaled)),
        )
        for i, (r, a, b) in enumerate(zip(reps, left.rep_tremor, right.rep_tremor, strict=True))
    )


def _shakes(
    legs: tuple[_Thigh, _Thigh],
    results: tuple[MotionResult, MotionResult],
    rate: float,
    m_per_px: float | None,
    analysis: AnalysisConfig,
) -> tuple[tuple[tuple[Shake, Shake], ...], tuple[Shake, Shake]]:
    """Each leg's shaking per rep and over the set (the whole clip when no rep was found),
    with the displacement only a video shows beside the figures the motion code measured."""
    reps = results[0].reps
    whole = (reps[0].start_s, reps[-1].end_s) if reps else (0.0, len(legs[0].path_px) / rate)
    spans = [*((r.start_s, r.end_s) for r in reps), whole]
    per_leg = []
    for leg, result in zip(legs, results, strict=True):
        over_set = (
            result.set_tremor
            if reps
            else tremor.measure(leg.bands, spans_s=[whole], rate_hz=rate, config=analysis)[0]
        )
        stats = [*result.rep_tremor, over_set]
        disp = (
            displacement_rms_px(
                leg.path_px, rate_hz=rate, band_hz=analysis.tremor_band_hz, spans_s=spans
            )
            if leg.followed and over_set.peak_hz is not None
            else (None,) * len(spans)
        )
        per_leg.append([_shake(d, s, m_per_px) for d, s in zip(disp, stats, strict=True)])
    pairs = list(zip(per_leg[0], per_leg[1], strict=True))
    return tuple(pairs[:-1]), pairs[-1]


def _shake(disp_px: float | None, stats: TremorStats, m_per_px: float | None) -> Shake:
    if m_per_px is None:
        return Shake(disp_px, None, stats.peak_hz, None, None)
    mm = None if disp_px is None else 1000.0 * disp_px * m_per_px
    return Shake(disp_px, mm, stats.peak_hz, stats.rms_mps2, stats.fatigue_rms_mps2)


def _bar_speeds(
    tracks: Tracks, reps: tuple[RepTiming, ...], m_per_px: float | None, config: VideoConfig
) -> tuple[tuple[float | None, ...], list[QualityFlag]]:
    """Each rep's mean concentric bar speed (m/s): the plate's rise from the rep's start to
    its lockout over that time. Needs the plate followed and a scale."""
    if not reps:
        return (), []
    if m_per_px is None:
        return (None,) * len(reps), [
            QualityFlag(
                "bar_speed_not_measured",
                "info",
                "Bar speed needs the plate followed through the set (and its size or a "
                "scale): it is not measured.",
            )
        ]
    y = fill_gaps(tracks.t_s, tracks.plate_px[:, 1])
    low, high = config.bar_speed_range_mps
    speeds: list[float | None] = []
    odd = []
    for r in reps:
        rise_px = float(
            np.interp(r.start_s, tracks.t_s, y) - np.interp(r.lockout_start_s, tracks.t_s, y)
        )
        duration = r.lockout_start_s - r.start_s
        speed = rise_px * m_per_px / duration if duration > 0 else float("nan")
        plausible = bool(np.isfinite(speed)) and low <= speed <= high
        speeds.append(speed if plausible else None)
        if not plausible:
            odd.append(f"{speed:.2f} m/s at {r.start_s:.1f} s")
    flags = []
    if odd:
        flags.append(
            QualityFlag(
                "bar_speed_implausible",
                "warning",
                f"Bar speed outside the {low:g}-{high:g} m/s a hip thrust moves at "
                f"({', '.join(odd)}): the plate or the scale was wrong there, so it is left "
                "out.",
            )
        )
    return tuple(speeds), flags


def _height(
    tracks: Tracks, rate: float, followed: bool, m_per_px: float | None
) -> tuple[FloatArray, str]:
    """The bar's height (up positive) on the uniform grid, else the hips', for the picture."""
    if tracks.t_s.size < 2:
        return np.zeros(0), "px"
    if followed:
        y = fill_gaps(tracks.t_s, tracks.plate_px[:, 1])
    else:
        both = tracks.pose_xy_px[:, [kp.LEFT_HIP, kp.RIGHT_HIP], 1]
        seen = np.isfinite(both)
        hips = np.where(seen.any(axis=1), np.where(seen, both, 0).sum(axis=1), np.nan) / np.maximum(
            seen.sum(axis=1), 1
        )
        if not np.isfinite(hips).any():
            return np.zeros(0), "px"
        y = fill_gaps(tracks.t_s, hips)
    up = to_uniform(tracks.t_s, np.column_stack([-y, -y]), rate_hz=rate)[:, 0]
    if m_per_px is None:
        return up, "px"
    return up * m_per_px, "m"


def _source_flags(  # noqa: PLR0917
    tracks: Tracks,
    config: VideoConfig,
    rate: float,
    followed: bool,
    m_per_px: float | None,
    analysis: AnalysisConfig,
) -> list[QualityFlag]:
    flags = []
    top = analysis.tremor_band_hz[1]
    if rate <= config.min_fps_factor * top:
        flags.append(
            QualityFlag(
                "video_frame_rate_low",
                "warning",
                f"The video runs at {rate:.0f} fps: shaking up to {top:.0f} Hz needs more than "
                f"{config.min_fps_factor * top:.0f} fps (film at 60 fps or more). Shaking is "
                "not measured from this video rather than guessed.",
            )
        )
    if config.view == "side" and not followed:
        flags.append(
            QualityFlag(
                "plate_not_found",
                "warning",
                "The plate was not followed in most frames: bar speed is not measured. "
                "Film from the side with the whole plate in view.",
            )
        )
    if m_per_px is None:
        flags.append(
            QualityFlag(
                "video_no_scale",
                "info",
                "No scale (no plate in view and none given): shaking is given as displacement "
                "in pixels and its frequency; m/s2 and m/s need the 450 mm plate or a scale.",
            )
        )
    if config.view == "side":
        flags.append(
            QualityFlag(
                "side_view_far_leg",
                "info",
                "Side view: the far leg is partly hidden, so left against right is rough; "
                "film from the front to compare the legs.",
            )
        )
    return flags
