"""Pose: body keypoints per frame behind a small protocol, so tests can use a fake.

The real estimator is MediaPipe Pose ("full" BlazePose model, shipped inside the
``mediapipe==0.10.21`` wheel; nothing is downloaded). Keypoints are only used for where
things are (regions for optical flow, joint angles for form); the shaking itself is
measured with optical flow, so the estimator's own smoothing can neither fake nor hide it.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from thrustlab.records import record

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


@record
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


@record
class FakePoseEstimator:
    """Keypoints from a function of time: the seam's fake for tests and demos."""

    at: Callable[[float], Keypoints | None]

    def estimate(self, rgb: UInt8Array, /, *, t_s: float) -> Keypoints | None:
        return self.at(t_s)


QUIET_FRAMES = 3
"""Frames analysed with the native stderr still off: TensorFlow Lite starts its models (the
person detector, then the landmark model) by the second."""


@contextmanager
def _native_stderr_off() -> Iterator[None]:
    """File descriptor 2 points at the null device while the block runs. MediaPipe's C++
    (TensorFlow Lite, absl) writes its start-up lines ("Created TensorFlow Lite XNNPACK
    delegate", "All log messages before absl::InitializeLog()...") straight to it, past
    Python and past ``GLOG_minloglevel``. Used while the model starts: anything else the
    process writes to stderr meanwhile is lost too (the video's progress bar starts later).
    Models starting at once on several threads share one redirection: the last to finish
    puts stderr back."""
    with _QUIET_LOCK:
        if _QUIET["users"] == 0:
            try:
                saved = os.dup(2)
            except OSError:  # no stderr to silence
                saved = -1
            if saved >= 0:
                sys.stderr.flush()
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 2)
                os.close(null)
            _QUIET["saved"] = saved
        _QUIET["users"] += 1
    try:
        yield
    finally:
        with _QUIET_LOCK:
            _QUIET["users"] -= 1
            if _QUIET["users"] == 0 and _QUIET["saved"] >= 0:
                os.dup2(_QUIET["saved"], 2)
                os.close(_QUIET["saved"])


_QUIET_LOCK = threading.Lock()
_QUIET = {"users": 0, "saved": -1}
"""How many models are starting with the native stderr off, and the real stderr's copy."""


class MediaPipePose:
    """MediaPipe Pose in video mode (tracking between frames). Close it when done, or use
    it as a context manager."""

    def __init__(self, *, static_images: bool = False, model_complexity: int = 1) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")  # keep the C++ log off the terminal
        import mediapipe as mp

        # TensorFlow Lite starts its models on MediaPipe's own threads from here to the
        # first frames, writing its own log lines: the native stderr is off until then
        self._quiet = ExitStack()
        self._quiet.enter_context(_native_stderr_off())
        self._quiet_frames = QUIET_FRAMES
        try:
            self._pose: Any = mp.solutions.pose.Pose(
                static_image_mode=static_images,
                model_complexity=model_complexity,
                smooth_landmarks=True,
                min_detection_confidence=0.5,
                min_tracking_confidence=0.5,
            )
        except BaseException:
            self._quiet.close()
            raise

    def estimate(self, rgb: UInt8Array, /, *, t_s: float) -> Keypoints | None:
        result = self._pose.process(rgb)
        self._quiet_frames -= 1
        if self._quiet_frames == 0:
            self._quiet.close()
        if result.pose_landmarks is None:
            return None
        h, w = rgb.shape[:2]
        marks = result.pose_landmarks.landmark
        xy = np.array([[m.x * w, m.y * h] for m in marks], dtype=np.float64)
        vis = np.array([m.visibility for m in marks], dtype=np.float64)
        return Keypoints(xy, vis)

    def close(self) -> None:
        self._quiet.close()
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
