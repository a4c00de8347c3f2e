"""Video: reps, bar speed, form and leg shaking from a phone video of the set.

``analyse_video(path, estimator=...)`` decodes the file once, follows the pose (behind the
``PoseEstimator`` protocol), the plate and each thigh's optical flow, and returns a
``VideoResult`` whose ``findings`` have the same shape and meaning as a sensor recording's:
the thigh's angle from the pose and each thigh's acceleration from the flow go through the
same rep and tremor code (``analyse.motion``). A clip with scene cuts raises
``thrustlab.errors.EditedClipError``. Needs the ``video`` extra (PyAV, OpenCV, MediaPipe);
nothing is imported from it until used.
"""

from __future__ import annotations

from thrustlab.video.analyse import VideoResult, analyse_video, measure
from thrustlab.video.config import VideoConfig, View
from thrustlab.video.decode import VideoInfo, is_video, probe
from thrustlab.video.pose import FakePoseEstimator, Keypoints, MediaPipePose, PoseEstimator

__all__ = [
    "FakePoseEstimator",
    "Keypoints",
    "MediaPipePose",
    "PoseEstimator",
    "VideoConfig",
    "VideoInfo",
    "VideoResult",
    "View",
    "analyse_video",
    "is_video",
    "measure",
    "probe",
]
