"""Options and thresholds of the video analysis, each with its unit and reason."""

from __future__ import annotations

from typing import Literal

from thrustlab.errors import OptionError
from thrustlab.records import record

View = Literal["side", "front"]


@record
class VideoConfig:
    view: View = "side"
    """``side``: camera beside the bench, plate in view (bar speed, shins, hips).
    ``front``: camera at the feet (knee valgus, left against right)."""
    max_side_px: int = 640
    """Frames are analysed with their longer side shrunk to 640 px: enough for the plate,
    the pose and the flow, and four times cheaper than 720p."""
    pose_rate_hz: float = 15.0
    """Pose is estimated 15 times a second and interpolated between: joints move slowly,
    and the shaking comes from optical flow on every frame."""
    plate_diameter_m: float = 0.45
    """Standard plates are 450 mm across; give another value for smaller plates."""
    scale_m_per_px: float | None = None
    """A known scale, metres per pixel of the original video; overrides the plate."""
    min_plate_fraction: float = 0.5
    """The bar is followed when the plate is found in at least half of the frames."""
    min_fps_factor: float = 2.5
    """Shaking up to f Hz needs a frame rate above 2.5 f (a 30 fps video cannot measure
    the 6-12 Hz band: the flag says so and no figure is guessed)."""
    hip_visibility_min: float = 0.5
    """Below this keypoint visibility the hip is hidden (often by the plate)."""
    # Whole body, one take ---------------------------------------------------------------
    body_visibility_min: float = 0.5
    """Shoulder, knee and ankle count as in view at this keypoint visibility or more; the
    hip only has to lie inside the frame (the plate often hides it)."""
    min_body_fraction: float = 0.8
    """Reps are counted only when the whole body (shoulder, hip, knee, ankle of the near
    side) is in frame in at least 80 % of the frames a person was found in: in a close-up
    the thigh's angle, and so the reps and their range of motion, cannot be followed."""
    cut_min_change: float = 0.25
    cut_spike_factor: float = 3.0
    """A scene cut: a quarter or more of the picture (normalised thumbnail cells) changes
    from one frame to the next, three times more than in the frames around it. Real
    photographs of one gym change 32-38 % across a jump cut within the scene and 60-75 %
    across a change of shot; within one take a frame changes a few % (see video/cuts.py),
    and a pan changes every frame alike, so it is no spike."""
    # Plausible values (outside: not measured, with a quality entry) ------------------------
    hip_extension_range_deg: tuple[float, float] = (90.0, 220.0)
    """Shoulder-hip-knee at lockout: 180 is a straight line; the spine and hips together
    extend at most about 40 degrees past it, and under 90 the hips never left the bottom."""
    knee_angle_range_deg: tuple[float, float] = (40.0, 150.0)
    """Hip-knee-ankle at lockout: about 90 with vertical shins; feet very near or far still
    keep it within 40-150 (outside, the knee or ankle keypoint is wrong)."""
    shin_range_deg: tuple[float, float] = (0.0, 45.0)
    """Shin from vertical at lockout: more than 45 degrees is not a hip-thrust stance."""
    bar_speed_range_mps: tuple[float, float] = (0.05, 2.0)
    """Mean concentric bar speed of a hip thrust: about 0.2-0.3 m/s near a maximal load and
    up to about 1 m/s with a light one; under 0.05 m/s a 30 cm rise would last 6 s, over
    2 m/s it would take 0.15 s: the plate or the scale was wrong."""

    def __post_init__(self) -> None:
        if self.view not in ("side", "front"):
            raise OptionError(f"view must be 'side' or 'front', not {self.view!r}")
        if self.plate_diameter_m <= 0:
            raise OptionError("the plate diameter must be a positive number of metres")
        if self.scale_m_per_px is not None and self.scale_m_per_px <= 0:
            raise OptionError("the scale must be a positive number of metres per pixel")
        for name in (
            "hip_extension_range_deg",
            "knee_angle_range_deg",
            "shin_range_deg",
            "bar_speed_range_mps",
        ):
            low, high = getattr(self, name)
            if not 0 <= low < high:
                raise OptionError(f"{name} must be two increasing non-negative numbers")
        for name in ("min_body_fraction", "cut_min_change", "body_visibility_min"):
            if not 0 < getattr(self, name) <= 1:
                raise OptionError(f"{name} must be a share between 0 and 1")
        if self.cut_spike_factor < 1:
            raise OptionError("cut_spike_factor must be 1 or more")
        if self.max_side_px < 64 or self.pose_rate_hz <= 0:
            raise OptionError("max_side_px must be at least 64 and pose_rate_hz positive")
