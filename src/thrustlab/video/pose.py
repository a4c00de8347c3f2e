"""Pose: body keypoints per frame behind a small protocol, so tests can use a fake.

The real estimator is MediaPipe Pose ("full" BlazePose model, shipped inside the
``mediapipe==0.10.21`` wheel; nothing is downloaded). Keypoints are only used for where
things are (regions for optical flow, joint angles for form); the shaking itself is
measured with optical flow, so the estimator's own smoothing can neither fake nor hide it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
UInt8Array = npt.NDArray[Any]
"""Image pixels (uint8; typed loosely, as OpenCV returns them)."""

N_KEYPOINTS = 33
"""BlazePose's 33 landmarks; the indices below follow its numbering."""
NOSE = 0
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
SKELETON: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 23), (12, 24), (23, 24), (23, 25), (25, 27), (24, 26), (26, 28),
    (11, 13), (13, 15), (12, 14), (14, 16), (27, 31), (28, 32),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Keypoints:
    """One frame's landmarks: ``xy_px`` (33, 2) in the frame's pixels (x right, y down)
    and ``visibility`` (33,) from 0 to 1, the model's belief that the point is in view."""

    xy_px: FloatArray
    visibility: FloatArray

    def __post_init__(self) -> None:
        if self.xy_px.shape != (N_KEYPOINTS, 2) or self.visibility.shape != (N_KEYPOINTS,):
            raise ValueError("keypoints need xy_px of shape (33, 2) and visibility (33,)")


class PoseEstimator(Protocol):
    """Finds one person's keypoints in an RGB frame (None when nobody is found)."""

    def estimate(self, rgb: UInt8Array, /, *, t_s: float) -> Keypoints | None: ...


@dataclass(frozen=True, slots=True)
class FakePoseEstimator:
    """Keypoints from a function of time: the seam's fake for tests and demos."""

    at: Callable[[float], Keypoints | None]

    def estimate(self, rgb: UInt8Array, /, *, t_s: float) -> Keypoints | None:
        return self.at(t_s)


class MediaPipePose:
    """MediaPipe Pose in video mode (tracking between frames). Close it when done, or use
    it as a context manager."""

    def __init__(self, *, static_images: bool = False, model_complexity: int = 1) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")  # keep the C++ log off the terminal
        import mediapipe as mp

        self._pose: Any = mp.solutions.pose.Pose(
            static_image_mode=static_images,
            model_complexity=model_complexity,
            smooth_landmarks=True,
            min_detection_confidence=0.5,
            min_tracking_confidence=0.5,
        )

    def estimate(self, rgb: UInt8Array, /, *, t_s: float) -> Keypoints | None:
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        h, w = rgb.shape[:2]
        marks = result.pose_landmarks.landmark
        xy = np.array([[m.x * w, m.y * h] for m in marks], dtype=np.float64)
        vis = np.array([m.visibility for m in marks], dtype=np.float64)
        return Keypoints(xy, vis)

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def interpolate(a: Keypoints, b: Keypoints, fraction: float, /) -> Keypoints:
    """Keypoints a ``fraction`` of the way from ``a`` to ``b``."""
    return Keypoints(
        a.xy_px + fraction * (b.xy_px - a.xy_px),
        np.minimum(a.visibility, b.visibility),
    )


def angle_deg(a: FloatArray, vertex: FloatArray, b: FloatArray, /) -> float:
    """The angle a-vertex-b in degrees (0-180)."""
    u, v = a - vertex, b - vertex
    norm = float(np.linalg.norm(u) * np.linalg.norm(v))
    if norm == 0:
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(float(u @ v) / norm, -1.0, 1.0))))


def from_vertical_deg(top: FloatArray, bottom: FloatArray, /) -> float:
    """Angle of the segment top->bottom from the image's vertical, in degrees (0-90)."""
    dx, dy = bottom - top
    return float(np.degrees(np.arctan2(abs(dx), abs(dy))))
