"""Decoding: frames of an mp4, mov or avi (h264, hevc, ...) with their own timestamps.

PyAV (FFmpeg) decodes; each frame keeps its presentation time, so variable-frame-rate phone
videos are followed as recorded, and the display rotation a phone writes into the file is
applied, so the lifter stands the way the phone showed them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.errors import ReadError
from thrustlab.readers import VIDEO_SUFFIXES
from thrustlab.records import record

UInt8Array = npt.NDArray[Any]
"""Image pixels (uint8; typed loosely, as OpenCV returns them)."""


@record
class VideoInfo:
    """What the container says about the video stream (sizes after rotation)."""

    path: str
    codec: str
    width_px: int
    height_px: int
    nominal_fps_hz: float
    duration_s: float | None
    frame_count: int | None
    rotation_deg: int


@record
class Frame:
    """One decoded frame: seconds since the first frame, and RGB pixels (rows, cols, 3)."""

    index: int
    t_s: float
    rgb: UInt8Array


def is_video(path: str | Path, /) -> bool:
    """True when ``path`` has a video file's suffix (the reader is chosen by it)."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def _open(path: str | Path) -> Any:
    import av

    try:
        container = av.open(str(path))
    except (OSError, av.FFmpegError) as exc:
        raise ReadError(path, f"cannot be opened as a video ({exc})") from exc
    if not container.streams.video:
        container.close()
        raise ReadError(path, "holds no video stream")
    return container


def _rotation(stream: Any, container: Any) -> int:
    """Counter-clockwise display rotation in degrees (a multiple of 90), from the first
    frame's display matrix."""
    for frame in container.decode(stream):
        return round(float(frame.rotation or 0) / 90.0) * 90 % 360
    return 0


def probe(path: str | Path, /) -> VideoInfo:
    """Read the stream's description (and the first frame, for the rotation)."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or 0
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration is not None and stream.time_base is not None
            else (container.duration / 1e6 if container.duration else None)
        )
        width, height = stream.codec_context.width, stream.codec_context.height
        rotation = _rotation(stream, container)
    finally:
        container.close()
    if rotation in (90, 270):
        width, height = height, width
    return VideoInfo(
        path=str(path),
        codec=str(stream.codec_context.name),
        width_px=int(width),
        height_px=int(height),
        nominal_fps_hz=float(rate),
        duration_s=duration,
        frame_count=int(stream.frames) or None,
        rotation_deg=rotation,
    )


def working_size(width_px: int, height_px: int, /, *, max_side_px: int | None) -> tuple[int, int]:
    """The (even) size frames are analysed at: the longer side at most ``max_side_px``."""
    scale = 1.0 if not max_side_px else min(1.0, max_side_px / max(width_px, height_px))
    return (
        max(2, round(width_px * scale / 2) * 2),
        max(2, round(height_px * scale / 2) * 2),
    )


def frames(path: str | Path, /, *, max_side_px: int | None = None) -> Iterator[Frame]:
    """Decode every frame, rotated for display and shrunk to ``max_side_px`` if larger.

    Timestamps are the presentation times relative to the first frame."""
    import cv2

    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        t0: float | None = None
        last_t = -np.inf
        for index, frame in enumerate(container.decode(stream)):
            if frame.time is None and not stream.average_rate:
                raise ReadError(path, "has frames without timestamps and no frame rate")
            t = float(frame.time) if frame.time is not None else index / float(stream.average_rate)
            if t <= last_t:  # duplicated or out-of-order stamps: keep time increasing
                t = last_t + 1e-6
            last_t = t
            t0 = t if t0 is None else t0
            rgb = frame.to_ndarray(format="rgb24")
            k = round(float(frame.rotation or 0) / 90.0) % 4
            if k:
                rgb = np.ascontiguousarray(np.rot90(rgb, k))
            h, w = rgb.shape[:2]
            size = working_size(w, h, max_side_px=max_side_px)
            if size != (w, h):
                rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
            yield Frame(index, t - t0, rgb)
    except Exception as exc:
        import av

        if isinstance(exc, av.FFmpegError):
            raise ReadError(path, f"cannot be decoded ({exc})") from exc
        raise
    finally:
        container.close()
