"""Options and thresholds of the video analysis, each with its unit and reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from thrustlab.errors import OptionError

View = Literal["side", "front"]


@dataclass(frozen=True, slots=True)
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
    # Form -------------------------------------------------------------------------------
    shin_max_deg: float = 15.0
    """Shins more than 15 degrees from vertical at lockout: feet too far or too near."""
    hip_extension_min_deg: float = 165.0
    """Shoulder-hip-knee under 165 degrees at lockout: the hips did not reach extension."""
    lumbar_max_deg: float = 10.0
    """Hips more than 10 degrees past the shoulder-knee line: extension taken by arching
    the lower back (ribs flaring) rather than by the hips."""
    rom_cv_max_pct: float = 10.0
    """Reps whose range of motion varies by more than 10 % (coefficient of variation)."""
    valgus_max_pct: float = 10.0
    """A knee more than 10 % of hip width inside its ankle is caving in (front view)."""
    wander_max_pct: float = 8.0
    """Knees whose side-to-side position spreads by more than 8 % of hip width within a
    rep (standard deviation) wander (front view)."""

    def __post_init__(self) -> None:
        if self.view not in ("side", "front"):
            raise OptionError(f"view must be 'side' or 'front', not {self.view!r}")
        if self.plate_diameter_m <= 0:
            raise OptionError("the plate diameter must be a positive number of metres")
        if self.scale_m_per_px is not None and self.scale_m_per_px <= 0:
            raise OptionError("the scale must be a positive number of metres per pixel")
        if self.max_side_px < 64 or self.pose_rate_hz <= 0:
            raise OptionError("max_side_px must be at least 64 and pose_rate_hz positive")
