"""From a video file to Findings: the same shape as a sensor recording's, plus the bar
path, per-rep bar speed, each leg's shaking and form at lockout."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from thrustlab.analyse import figures
from thrustlab.config import AnalysisConfig
from thrustlab.findings import (
    Findings,
    FormMetrics,
    Legs,
    LegTremor,
    RepMetrics,
    SetMetrics,
    SourceSummary,
)
from thrustlab.quality import QualityFlag
from thrustlab.video import pose as kp
from thrustlab.video.config import VideoConfig
from thrustlab.video.decode import VideoInfo, frames, probe, working_size
from thrustlab.video.flow import NO_SHAKE, Bands, Shake, bands_of, shake_between, to_uniform
from thrustlab.video.form import Track, front_form, near_side, side_form
from thrustlab.video.segment import BarRep, find_bar_reps
from thrustlab.video.track import Progress, Tracks, fill_gaps, follow

FloatArray = npt.NDArray[np.float64]

DEFAULT_ANALYSIS = AnalysisConfig()
DEFAULT_VIDEO = VideoConfig()
REST_MIN_S = 1.0
"""Rest before the first rep or after the last is measured when at least 1 s long."""
REST_MARGIN_S = 0.3
"""...leaving 0.3 s beside the rep, where the bar still settles."""


@dataclass(frozen=True, slots=True)
class VideoResult:
    """Findings plus what only a video shows. ``height`` is the bar's (or hips') height
    at ``rate_hz`` from t = 0, in metres when ``m_per_px`` is known, else in pixels."""

    findings: Findings
    info: VideoInfo
    tracks: Tracks
    m_per_px: float | None
    rate_hz: float
    height: FloatArray
    height_unit: str
    bar_reps: tuple[BarRep, ...]
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
    """Decode ``path`` once, follow the pose, plate and thighs, and measure the set."""
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


def _height(tracks: Tracks, xy: FloatArray, use_bar: bool) -> FloatArray | None:
    """Height (up positive, px) per frame: the plate's centre, else the hips."""
    if use_bar:
        return np.asarray(-fill_gaps(tracks.t_s, tracks.plate_px[:, 1]))
    both = xy[:, [kp.LEFT_HIP, kp.RIGHT_HIP], 1]
    if not np.isfinite(both).any():
        return None
    hips = np.where(np.isfinite(both[:, 0]), both[:, 0], both[:, 1])
    hips = np.where(np.isfinite(both).all(axis=1), both.mean(axis=1), hips)
    return np.asarray(-hips)


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
    flags: list[QualityFlag] = []
    rate = float(round(1.0 / np.median(np.diff(tracks.t_s)), 2)) if tracks.t_s.size > 1 else 0.0
    m_per_px, followed = _scale(tracks, config, shrink)
    flags += _source_flags(tracks, config, rate, followed, m_per_px, analysis)
    with np.errstate(all="ignore"):
        xy = fill_gaps(tracks.t_s, tracks.pose_xy_px)
        vis = fill_gaps(tracks.t_s, tracks.pose_visibility)
    height_px = _height(tracks, xy, followed) if tracks.t_s.size > 1 else None
    bar_reps: tuple[BarRep, ...] = ()
    height = np.zeros(0)
    if height_px is not None:
        height = to_uniform(tracks.t_s, np.column_stack([height_px, height_px]), rate_hz=rate)[
            :, 0
        ] * (m_per_px or 1.0)
        bar_reps = find_bar_reps(height, rate_hz=rate)
    if not bar_reps:
        flags.append(
            QualityFlag("no_reps", "warning", "No rep was found in the bar's or hips' path.")
        )
    track = Track(tracks.t_s, xy, vis, tracks.plate_px[:, :2])
    legs = _leg_bands(tracks, rate, analysis)
    tremor_ok = rate > config.min_fps_factor * analysis.tremor_band_hz[1]
    window = analysis.welch_window_s

    def shake(start: float, end: float) -> tuple[Shake, Shake]:
        if not tremor_ok:
            return NO_SHAKE, NO_SHAKE
        left, right = (
            shake_between(b, start_s=start, end_s=end, m_per_px=m_per_px, window_s=window)
            if b is not None
            else NO_SHAKE
            for b in legs
        )
        return left, right

    rep_legs = tuple(shake(r.start_s, r.end_s) for r in bar_reps)
    span = (bar_reps[0].start_s, bar_reps[-1].end_s) if bar_reps else (0.0, float(tracks.t_s[-1]))
    set_legs = shake(*span)
    rom = [_thigh_rom(track, r) for r in bar_reps]
    rises = [r.rise for r in bar_reps]
    form_fn = side_form if config.view == "side" else front_form
    form, form_flags = form_fn(track, bar_reps, rises, config=config)
    speeds = [r.mean_concentric_speed for r in bar_reps]
    form = replace(
        form,
        rep_mean_concentric_velocity_mps=tuple(
            float(s) if m_per_px is not None else None for s in speeds
        ),
    )
    if rom and not np.isfinite(rom).all():
        flags.append(
            QualityFlag(
                "rom_deg_unmeasured",
                "info",
                "The thigh was not seen in every rep: rom_deg is 0 where it was not measured.",
            )
        )
    reps = tuple(
        _rep(i, r, rom[i], rep_legs[i], m_per_px is not None) for i, r in enumerate(bar_reps)
    )
    before, after = _rest(bar_reps, float(tracks.t_s[-1]))
    set_metrics = _set_metrics(reps, set_legs, speeds, before, after, shake, analysis)
    findings = Findings(
        source=SourceSummary(
            kind="video",
            format=f"video/{info.codec}",
            duration_s=round(float(tracks.t_s[-1]) if tracks.t_s.size else 0.0, 3),
            sample_rate_hz=rate,
            paths=(info.path,),
        ),
        reps=reps,
        set=set_metrics,
        quality=(*flags, *form_flags),
        mode=analysis.mode,
        tremor_band_hz=analysis.tremor_band_hz,
        fatigue_band_hz=analysis.fatigue_band_hz,
        form=form,
    )
    return VideoResult(
        findings=findings,
        info=info,
        tracks=tracks,
        m_per_px=m_per_px,
        rate_hz=rate,
        height=height,
        height_unit="m" if m_per_px is not None else "px",
        bar_reps=bar_reps,
        rep_legs=rep_legs,
        set_legs=set_legs,
    )


def _leg_bands(
    tracks: Tracks, rate: float, analysis: AnalysisConfig
) -> tuple[Bands | None, Bands | None]:
    out: list[Bands | None] = []
    for leg in range(2):
        shift = tracks.shift_px[:, leg]
        if np.isfinite(shift).mean() < 0.5 or tracks.t_s.size < 2:
            out.append(None)
            continue
        path = np.cumsum(np.nan_to_num(shift), axis=0)
        out.append(
            bands_of(
                to_uniform(tracks.t_s, path, rate_hz=rate),
                rate_hz=rate,
                tremor_band_hz=analysis.tremor_band_hz,
                fatigue_band_hz=analysis.fatigue_band_hz,
            )
        )
    return out[0], out[1]


def _thigh_rom(track: Track, rep: BarRep) -> float:
    """How far the thigh (hip -> knee) turned from the rep's start to its lockout (deg)."""
    _, hip, knee, _ = near_side(track)
    angles = []
    for t in (rep.start_s, rep.lockout_start_s):
        i = int(np.argmin(np.abs(track.t_s - t)))
        h, k = track.xy_px[i, hip], track.xy_px[i, knee]
        angles.append(np.degrees(np.arctan2(-(k[1] - h[1]), abs(k[0] - h[0]))))
    return float(abs(angles[1] - angles[0]))


def _rep(i: int, r: BarRep, rom: float, legs: tuple[Shake, Shake], scaled: bool) -> RepMetrics:
    left, right = legs
    louder = left if (left.displacement_rms_px or 0) >= (right.displacement_rms_px or 0) else right
    return RepMetrics.from_phases(
        i + 1,
        r.start_s,
        r.lockout_start_s,
        r.lockout_end_s,
        r.end_s,
        rom_deg=rom if np.isfinite(rom) else 0.0,
        tremor_rms_mps2=figures.mean_of(left.acc_rms_mps2, right.acc_rms_mps2) if scaled else None,
        tremor_peak_hz=louder.peak_hz,
        fatigue_band_rms_mps2=figures.mean_of(
            left.fatigue_acc_rms_mps2, right.fatigue_acc_rms_mps2
        ),
        legs=Legs(
            LegTremor(left.acc_rms_mps2, left.peak_hz),
            LegTremor(right.acc_rms_mps2, right.peak_hz),
        ),
    )


def _rest(reps: tuple[BarRep, ...], end_s: float) -> tuple[tuple[float, float] | None, ...]:
    if not reps:
        return None, None
    before = (0.0, reps[0].start_s - REST_MARGIN_S)
    after = (reps[-1].end_s + REST_MARGIN_S, end_s)
    return tuple(w if w[1] - w[0] >= REST_MIN_S else None for w in (before, after))


def _set_metrics(  # noqa: PLR0917
    reps: tuple[RepMetrics, ...],
    set_legs: tuple[Shake, Shake],
    speeds: list[float],
    before: tuple[float, float] | None,
    after: tuple[float, float] | None,
    measure_rest: Callable[[float, float], tuple[Shake, Shake]],
    analysis: AnalysisConfig,
) -> SetMetrics:
    left, right = set_legs
    rms = [r.tremor_rms_mps2 for r in reps]
    rest_before = measure_rest(*before) if before else (NO_SHAKE, NO_SHAKE)
    rest_after = measure_rest(*after) if after else (NO_SHAKE, NO_SHAKE)
    baseline = figures.mean_of(rest_before[0].acc_rms_mps2, rest_before[1].acc_rms_mps2)
    louder = left if (left.displacement_rms_px or 0) >= (right.displacement_rms_px or 0) else right
    # asymmetry needs no scale: both thighs are measured in the same pixels
    asym = figures.asymmetry_pct(left.displacement_rms_px, right.displacement_rms_px)
    concentric = [r.concentric_s for r in reps]
    return SetMetrics(
        rep_count=len(reps),
        tremor_rms_mps2=figures.mean_of(left.acc_rms_mps2, right.acc_rms_mps2),
        tremor_peak_hz=louder.peak_hz,
        tremor_trend_ratio=figures.trend_ratio(rms),
        tremor_onset_rep=figures.onset_rep(rms, reference_mps2=baseline, config=analysis),
        post_set_tremor_rms_mps2=figures.mean_of(
            rest_after[0].acc_rms_mps2, rest_after[1].acc_rms_mps2
        ),
        asymmetry_index_pct=asym,
        concentric_slowdown_pct=(
            100 * (concentric[-1] - min(concentric)) / min(concentric)
            if len(concentric) >= 2 and min(concentric) > 0
            else None
        ),
        velocity_loss_pct=(
            100 * (1 - speeds[-1] / max(speeds)) if len(speeds) >= 2 and max(speeds) > 0 else None
        ),
        baseline_tremor_rms_mps2=baseline,
        fatigue_band_rms_mps2=figures.mean_of(
            left.fatigue_acc_rms_mps2, right.fatigue_acc_rms_mps2
        ),
        legs=Legs(
            LegTremor(left.acc_rms_mps2, left.peak_hz), LegTremor(right.acc_rms_mps2, right.peak_hz)
        ),
    )


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
                "The plate was not followed in most frames: reps come from the hips, and bar "
                "speed is not measured. Film from the side with the whole plate in view.",
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
    seen = np.isfinite(tracks.pose_visibility[:, 0])
    ran = seen.size and np.isfinite(tracks.pose_xy_px).any()
    if not ran:
        flags.append(
            QualityFlag(
                "pose_not_found",
                "warning",
                "No person was found in the video: form and the thighs' shaking are not measured.",
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
