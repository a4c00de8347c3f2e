"""Form at lockout from keypoints: shins, knees, hips, lower back, range of motion (side
view); knee valgus and wandering knees (front view).

The angles travel as ``FormMetrics``; explain judges them against the knowledge base's
thresholds (one copy of each). Quality entries here say only how they were measured
(an angle left out as impossible, the hip hidden by the plate).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from thrustlab.findings import FormMetrics
from thrustlab.measurement.reps import RepTiming
from thrustlab.quality import QualityFlag
from thrustlab.records import record
from thrustlab.video import pose as kp
from thrustlab.video.config import VideoConfig
from thrustlab.video.thigh import near_leg

FloatArray = npt.NDArray[np.float64]


@record
class Track:
    """Per-frame keypoints (NaN where unknown) and the bar centre, at frame times."""

    t_s: FloatArray
    xy_px: FloatArray  # (N, 33, 2)
    visibility: FloatArray  # (N, 33)
    bar_px: FloatArray  # (N, 2)


def _median(values: list[float]) -> float | None:
    finite = [v for v in values if np.isfinite(v)]
    return float(np.median(finite)) if finite else None


def near_side(track: Track, /) -> tuple[int, int, int, int]:
    """(shoulder, hip, knee, ankle) indices of the leg nearer the camera (more visible)."""
    return near_leg(track.visibility)


def hip_at(track: Track, i: int, hip: int, config: VideoConfig) -> tuple[FloatArray, bool]:
    """The hip position in frame ``i``, and whether the bar centre stood in for it."""
    seen = track.visibility[i, hip] >= config.hip_visibility_min
    bar = track.bar_px[i]
    if not seen and np.all(np.isfinite(bar)):
        return bar, True
    return track.xy_px[i, hip], False


def signed_hip_deg(shoulder: FloatArray, hip: FloatArray, knee: FloatArray, /) -> float:
    """Shoulder-hip-knee angle; above 180 when the hip sits above the shoulder-knee line."""
    angle = kp.angle_deg(shoulder, hip, knee)
    line = knee - shoulder
    length2 = float(line @ line)
    if not np.isfinite(angle) or length2 == 0:
        return angle
    foot = shoulder + float((hip - shoulder) @ line) / length2 * line
    return 360.0 - angle if hip[1] < foot[1] else angle


def _frames(track: Track, start_s: float, end_s: float) -> npt.NDArray[np.intp]:
    inside = np.flatnonzero((track.t_s >= start_s) & (track.t_s <= end_s))
    if inside.size:
        return inside
    return np.array([int(np.argmin(np.abs(track.t_s - start_s)))])


def side_form(
    track: Track, reps: tuple[RepTiming, ...], rom: list[float], /, *, config: VideoConfig
) -> tuple[FormMetrics, list[QualityFlag]]:
    """Side-view form at each rep's lockout, and the flags it raises."""
    shoulder, hip, knee, ankle = near_side(track)
    shins, knees, hips, from_bar = [], [], [], 0
    for rep in reps:
        rep_shin, rep_knee, rep_hip = [], [], []
        for i in _frames(track, rep.lockout_start_s, rep.lockout_end_s):
            h, used_bar = hip_at(track, int(i), hip, config)
            from_bar += used_bar
            k, a, s = track.xy_px[i, knee], track.xy_px[i, ankle], track.xy_px[i, shoulder]
            rep_shin.append(kp.from_vertical_deg(k, a))
            rep_knee.append(kp.angle_deg(h, k, a))
            rep_hip.append(signed_hip_deg(s, h, k))
        shins.append(_median(rep_shin))
        knees.append(_median(rep_knee))
        hips.append(_median(rep_hip))
    odd: list[str] = []
    shins = _plausible(shins, config.shin_range_deg, "shin from vertical", odd)
    knees = _plausible(knees, config.knee_angle_range_deg, "knee angle", odd)
    hips = _plausible(hips, config.hip_extension_range_deg, "hip extension", odd)
    shin = _median([v for v in shins if v is not None])
    hip_ext = _median([v for v in hips if v is not None])
    rom_cv = float(100 * np.std(rom) / np.mean(rom)) if len(rom) >= 3 and np.mean(rom) > 0 else None
    metrics = FormMetrics(
        view="side",
        shin_from_vertical_deg=shin,
        knee_angle_deg=_median([v for v in knees if v is not None]),
        hip_extension_deg=hip_ext,
        lumbar_extension_deg=None if hip_ext is None else max(0.0, hip_ext - 180.0),
        hip_from_bar=from_bar > 0,
        rom_cv_pct=rom_cv,
        rep_shin_from_vertical_deg=tuple(shins),
        rep_hip_extension_deg=tuple(hips),
    )
    return metrics, _implausible(odd) + side_flags(metrics)


def _plausible(
    values: list[float | None], bounds: tuple[float, float], name: str, odd: list[str], /
) -> list[float | None]:
    """``values`` (one per rep) with those outside ``bounds`` left out; each one left out is
    described in ``odd``."""
    out: list[float | None] = []
    for i, v in enumerate(values):
        inside = v is not None and bounds[0] <= v <= bounds[1]
        if v is not None and not inside:
            odd.append(
                f"{name} {v:.0f} degrees in rep {i + 1} (a lockout lies within "
                f"{bounds[0]:.0f}-{bounds[1]:.0f})"
            )
        out.append(v if inside else None)
    return out


def _implausible(odd: list[str]) -> list[QualityFlag]:
    """A note on the measurement: the angle was left out, not judged."""
    if not odd:
        return []
    return [
        QualityFlag(
            "joint_angle_implausible",
            "warning",
            f"Left out as impossible for a hip thrust: {'; '.join(odd)}. The pose misplaced a "
            "joint there.",
        )
    ]


def side_flags(m: FormMetrics, /) -> list[QualityFlag]:
    """Notes on how the form was measured. Whether the form is good is explain's call, from
    the measured angles and the knowledge base's thresholds."""
    if not m.hip_from_bar:
        return []
    return [
        QualityFlag(
            "hip_from_bar",
            "info",
            "The hip was hidden (by the plate) at lockout: the bar's centre stood in for "
            "it, which sits a little above the hip joint, so hip angles read slightly high.",
        )
    ]


def _leg_offsets(track: Track, frames: npt.NDArray[np.intp], knee: int, ankle: int) -> FloatArray:
    """Knee inside its ankle, in % of hip width, per frame (positive = towards the midline)."""
    xy = track.xy_px[frames]
    mid = (xy[:, kp.LEFT_HIP, 0] + xy[:, kp.RIGHT_HIP, 0]) / 2
    width = np.abs(xy[:, kp.LEFT_HIP, 0] - xy[:, kp.RIGHT_HIP, 0])
    inward = np.sign(mid - xy[:, ankle, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(100 * (xy[:, knee, 0] - xy[:, ankle, 0]) * inward / width)


def front_form(
    track: Track, reps: tuple[RepTiming, ...], rom: list[float], /, *, config: VideoConfig
) -> tuple[FormMetrics, list[QualityFlag]]:
    """Front-view knee tracking during each rep's concentric and lockout."""
    valgus: dict[str, list[float]] = {"left": [], "right": []}
    wander: list[float] = []
    for rep in reps:
        frames = _frames(track, rep.start_s, rep.lockout_end_s)
        spread = []
        for leg, knee, ankle in (
            ("left", kp.LEFT_KNEE, kp.LEFT_ANKLE),
            ("right", kp.RIGHT_KNEE, kp.RIGHT_ANKLE),
        ):
            offsets = _leg_offsets(track, frames, knee, ankle)
            offsets = offsets[np.isfinite(offsets)]
            if offsets.size:
                valgus[leg].append(float(np.median(offsets)))
                spread.append(float(np.std(offsets)))
        if spread:
            wander.append(max(spread))  # the knee that wanders more
    rom_cv = float(100 * np.std(rom) / np.mean(rom)) if len(rom) >= 3 and np.mean(rom) > 0 else None
    metrics = FormMetrics(
        view="front",
        knee_valgus_left_pct=_median(valgus["left"]),
        knee_valgus_right_pct=_median(valgus["right"]),
        knee_wander_pct=_median(wander),
        rom_cv_pct=rom_cv,
    )
    return metrics, []
