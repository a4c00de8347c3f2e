"""``thrustlab analyze`` on a video with the real MediaPipe model: no TensorFlow Lite or absl
start-up lines on the terminal, and the annotated video's path is said."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mediapipe", reason="the video extra is not installed")
cv2 = pytest.importorskip("cv2", reason="the video extra is not installed")
np = pytest.importorskip("numpy")

NATIVE_LOG_MARKS = ("TensorFlow", "absl", "XNNPACK", "W0000", "I0000", "inference_feedback")


def _video(path: Path, /, *, frames: int = 90, fps: int = 60) -> None:
    """A short clip of a dot moving up and down (no person: the model still starts)."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (320, 240))
    for index in range(frames):
        frame = np.full((240, 320, 3), 200, np.uint8)
        cv2.circle(frame, (160, 120 + int(20 * np.sin(index / 10))), 30, (0, 0, 0), -1)
        writer.write(frame)
    writer.release()


def test_a_video_analysis_prints_no_native_log_lines(tmp_path: Path) -> None:
    video, annotated = tmp_path / "set.mp4", tmp_path / "annotated.mp4"
    _video(video)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("GLOG_minloglevel", None)
    done = subprocess.run(
        [sys.executable, "-m", "thrustlab.cli", "analyze", str(video), "--annotate",
         str(annotated)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    noisy = [line for line in done.stderr.splitlines() if any(m in line for m in NATIVE_LOG_MARKS)]
    assert noisy == [], noisy
    assert f"Annotated video written to {annotated}" in " ".join(done.stdout.split())
    assert annotated.stat().st_size > 0
