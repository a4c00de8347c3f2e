"""Pictures of a video result: the bar path as an SVG string, and an annotated copy of
the video (skeleton, bar path, a shake meter per rep)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.video import pose as kp
from thrustlab.video.analyse import VideoResult
from thrustlab.video.decode import frames
from thrustlab.video.track import fill_gaps

FloatArray = npt.NDArray[np.float64]


def bar_path_svg(result: VideoResult, /, *, width_px: int = 480, height_px: int = 200) -> str:
    """The bar's (or hips') height over time, reps shaded, as a self-contained SVG."""
    h = result.height
    if h.size < 2:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}"/>'
    t = np.arange(h.size) / result.rate_hz
    lo, hi = float(h.min()), float(h.max())
    span = hi - lo or 1.0
    pad = 24

    def x(v: float) -> float:
        return pad + (width_px - 2 * pad) * v / max(float(t[-1]), 1e-9)

    def y(v: float) -> float:
        return height_px - pad - (height_px - 2 * pad) * (v - lo) / span

    step = max(1, h.size // 600)
    points = " ".join(
        f"{x(float(a)):.1f},{y(float(b)):.1f}" for a, b in zip(t[::step], h[::step], strict=True)
    )
    shades = "".join(
        f'<rect x="{x(r.start_s):.1f}" y="{pad}" width="{x(r.end_s) - x(r.start_s):.1f}" '
        f'height="{height_px - 2 * pad}" fill="#e8f0fe"/>'
        f'<text x="{x(r.start_s) + 2:.1f}" y="{pad + 10}" font-size="10">{i + 1}</text>'
        for i, r in enumerate(result.reps)
    )
    unit = result.height_unit
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'font-family="sans-serif"><title>Bar path</title>{shades}'
        f'<polyline fill="none" stroke="#1a56db" stroke-width="1.5" points="{points}"/>'
        f'<text x="{pad}" y="{height_px - 6}" font-size="10">time (s), '
        f"height ({unit}), range {span:.3g} {unit}</text></svg>"
    )


def _meter_values(result: VideoResult) -> list[float]:
    """Each rep's shaking (m/s2 when scaled, else px), the louder leg."""
    values = []
    for left, right in result.rep_legs:
        pair = (
            (left.acc_rms_mps2, right.acc_rms_mps2)
            if result.m_per_px is not None
            else (left.displacement_rms_px, right.displacement_rms_px)
        )
        values.append(max((v for v in pair if v is not None), default=0.0))
    return values


def annotate(
    result: VideoResult,
    out_path: str | Path,
    /,
    *,
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Write a copy of the analysed video with the skeleton, the bar path and a shake
    meter per rep drawn on it (at the analysis resolution, h264)."""
    import av
    import cv2

    tracks = result.tracks
    xy = fill_gaps(tracks.t_s, tracks.pose_xy_px)
    meter = _meter_values(result)
    top = max(meter, default=0.0) or 1.0
    unit = "m/s2" if result.m_per_px is not None else "px"
    rate = result.info.nominal_fps_hz or result.rate_hz
    path_pts: list[tuple[int, int]] = []
    with av.open(str(out_path), "w") as container:
        stream: Any = container.add_stream("libx264", rate=round(rate))
        stream.width, stream.height = tracks.width_px, tracks.height_px
        stream.pix_fmt = "yuv420p"
        for frame in frames(result.info.path, max_side_px=max(tracks.width_px, tracks.height_px)):
            img = np.ascontiguousarray(frame.rgb)
            i = min(frame.index, tracks.t_s.size - 1)
            if np.isfinite(xy[i]).all():
                for a, b in kp.SKELETON:
                    pa, pb = xy[i, a].astype(int), xy[i, b].astype(int)
                    cv2.line(
                        img, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])), (0, 255, 0), 2
                    )
            bar = tracks.plate_px[i]
            if np.isfinite(bar[:2]).all():
                path_pts.append((int(bar[0]), int(bar[1])))
            if len(path_pts) > 1:
                cv2.polylines(img, [np.array(path_pts[-600:], np.int32)], False, (255, 200, 0), 2)
            current = next(
                (k for k, r in enumerate(result.reps) if r.start_s <= frame.t_s <= r.end_s),
                None,
            )
            for k, value in enumerate(meter):
                x0 = 8 + 14 * k
                height = int(60 * value / top)
                color = (255, 80, 80) if k == current else (200, 200, 200)
                cv2.rectangle(img, (x0, 74 - height), (x0 + 10, 74), color, -1)
            cv2.putText(img, f"shake ({unit})", (8, 88), 0, 0.4, (255, 255, 255), 1)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                container.mux(packet)
            if progress is not None:
                progress(frame.index + 1)
        for packet in stream.encode():
            container.mux(packet)
    return Path(out_path)
