"""The thigh's angle from the pose: the movement the reps are found on, in degrees, as a
phone on the thigh measures it, so the same thresholds (``min_rom_deg``...) mean the same.

Side view only: from the front the thigh points at the camera and its angle is not seen.
The whole body (shoulder, hip, knee, ankle of the near side) must be in frame; in a
close-up the thigh leaves the picture and no angle is invented. The hip is taken where the
model places it even when the plate hides it: switching to the bar's centre whenever its
visibility dipped would make the angle jump, and a jump looks like a rep.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.quality import QualityFlag
from thrustlab.signal.filters import smooth
from thrustlab.video import pose as kp
from thrustlab.video.config import VideoConfig
from thrustlab.video.track import Tracks, fill_gaps

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# "error", as a phone without orientation: no reps can be measured (PRODUCT.md: the
# assessment then rests on the answers only and says why)
FRONT_VIEW = QualityFlag(
    "thigh_angle_front_view",
    "error",
    "Front view: the thigh points at the camera, so its angle (and with it the reps and "
    "their range of motion) cannot be measured. Film from the side to count reps.",
)
NO_POSE = QualityFlag(
    "pose_not_found",
    "error",
    "No person was found in the video: reps, range of motion, form and the thighs' shaking "
    "are not measured.",
)


def _body_not_in_frame(share_pct: float, config: VideoConfig) -> QualityFlag:
    return QualityFlag(
        "body_not_in_frame",
        "error",
        f"The whole body (shoulder, hip, knee and ankle) was in frame in only {share_pct:.0f} % "
        f"of the video (a close-up; {100 * config.min_body_fraction:.0f} % needed): the thigh's "
        "angle cannot be followed, so no reps are counted. Film the whole lifter from the side.",
    )


def _finite_mean(x: FloatArray) -> float:
    finite = x[np.isfinite(x)]
    return float(finite.mean()) if finite.size else 0.0


def near_leg(visibility: FloatArray, /) -> tuple[int, int, int, int]:
    """(shoulder, hip, knee, ankle) of the side nearer the camera (seen better)."""
    left = _finite_mean(visibility[:, [kp.LEFT_HIP, kp.LEFT_KNEE, kp.LEFT_ANKLE]])
    right = _finite_mean(visibility[:, [kp.RIGHT_HIP, kp.RIGHT_KNEE, kp.RIGHT_ANKLE]])
    if left >= right:
        return kp.LEFT_SHOULDER, kp.LEFT_HIP, kp.LEFT_KNEE, kp.LEFT_ANKLE
    return kp.RIGHT_SHOULDER, kp.RIGHT_HIP, kp.RIGHT_KNEE, kp.RIGHT_ANKLE


def body_in_frame(tracks: Tracks, /, *, config: VideoConfig) -> BoolArray:
    """Per frame: the near side's shoulder, hip, knee and ankle all lie in the picture, and
    all but the hip (often behind the plate) are seen with ``body_visibility_min``."""
    shoulder, hip, knee, ankle = near_leg(tracks.pose_visibility)
    joints = [shoulder, hip, knee, ankle]
    xy = tracks.pose_xy_px[:, joints]
    with np.errstate(invalid="ignore"):
        inside = (
            (xy[..., 0] >= 0)
            & (xy[..., 0] <= tracks.width_px)
            & (xy[..., 1] >= 0)
            & (xy[..., 1] <= tracks.height_px)
        ).all(axis=1)
        seen = (
            tracks.pose_visibility[:, [shoulder, knee, ankle]] >= config.body_visibility_min
        ).all(axis=1)
    return np.asarray(inside & seen)


def thigh_angle(
    tracks: Tracks,
    /,
    *,
    rate_hz: float,
    config: VideoConfig,
    analysis: AnalysisConfig,
) -> tuple[FloatArray | None, QualityFlag | None]:
    """The near thigh's angle (degrees; the hip's elevation above the knee along the thigh,
    rising as the hips rise) at ``rate_hz`` from t = 0, smoothed like a phone's
    (``angle_sigma_hz``); or None and why."""
    found = np.isfinite(tracks.pose_visibility).all(axis=1)
    if not found.any() or tracks.t_s.size < 2:
        return None, NO_POSE
    if config.view == "front":
        return None, FRONT_VIEW
    whole = body_in_frame(tracks, config=config)
    share = float(whole.sum() / found.sum())
    if share < config.min_body_fraction:
        return None, _body_not_in_frame(100 * share, config)
    _, hip, knee, _ = near_leg(tracks.pose_visibility)
    h, k = tracks.pose_xy_px[:, hip], tracks.pose_xy_px[:, knee]
    angle = np.degrees(np.arctan2(k[:, 1] - h[:, 1], np.abs(k[:, 0] - h[:, 0])))
    angle = np.where(whole, angle, np.nan)
    filled = fill_gaps(tracks.t_s, angle)
    grid = np.arange(int(np.floor(tracks.t_s[-1] * rate_hz)) + 1) / rate_hz
    uniform = np.interp(grid, tracks.t_s, filled)
    return np.asarray(smooth(uniform, fs_hz=rate_hz, sigma_hz=analysis.angle_sigma_hz)), None
