"""One pass over the frames: pose (every few frames), the plate, and the thighs' flow."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from thrustlab.records import record
from thrustlab.video import cuts
from thrustlab.video import pose as kp
from thrustlab.video.decode import Frame
from thrustlab.video.flow import FlowMeter, thigh_box
from thrustlab.video.plate import PlateTracker

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int], None]
"""Called after each frame with the number of frames done."""


@record
class Tracks:
    """Everything followed through the video, per frame, in working-frame pixels; NaN
    where unknown. ``pose_xy_px`` holds only the frames pose ran on (NaN elsewhere)."""

    t_s: FloatArray
    width_px: int
    height_px: int
    pose_xy_px: FloatArray  # (N, 33, 2)
    pose_visibility: FloatArray  # (N, 33)
    plate_px: FloatArray  # (N, 3): x, y, radius
    shift_px: FloatArray  # (N, 2 legs, 2): thigh flow from the frame before (left, right)
    change: FloatArray  # (N,): share of the picture that changed from the frame before (cuts)


def follow(
    frames: Iterable[Frame],
    /,
    *,
    estimator: kp.PoseEstimator | None,
    pose_every: int,
    plate: bool,
    progress: Progress | None = None,
) -> Tracks:
    """Run pose, plate tracking and thigh flow over ``frames``."""
    import cv2

    times: list[float] = []
    xy: list[FloatArray] = []
    vis: list[FloatArray] = []
    plates: list[tuple[float, float, float]] = []
    shifts: list[FloatArray] = []
    changes: list[float] = []
    last_thumbnail: FloatArray | None = None
    tracker, meter = PlateTracker(), FlowMeter()
    nan_xy = np.full((kp.N_KEYPOINTS, 2), np.nan)
    nan_vis = np.full(kp.N_KEYPOINTS, np.nan)
    last: kp.Keypoints | None = None
    previous = None
    shape: tuple[int, ...] = (0, 0)
    for frame in frames:
        gray = cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2GRAY)
        shape = gray.shape
        found = None
        if estimator is not None and frame.index % pose_every == 0:
            found = estimator.estimate(frame.rgb, t_s=frame.t_s)
            last = found if found is not None else last
        xy.append(found.xy_px if found is not None else nan_xy)
        vis.append(found.visibility if found is not None else nan_vis)
        circle = tracker.update(gray) if plate else None
        plates.append((circle.x_px, circle.y_px, circle.r_px) if circle else (np.nan,) * 3)
        shift = np.full((2, 2), np.nan)
        if previous is not None and last is not None:
            for leg, (hip, knee) in enumerate(
                ((kp.LEFT_HIP, kp.LEFT_KNEE), (kp.RIGHT_HIP, kp.RIGHT_KNEE))
            ):
                box = thigh_box(last.xy_px[hip], last.xy_px[knee], shape=(shape[0], shape[1]))
                if box is not None:
                    shift[leg] = meter.shift(previous, gray, box)
        shifts.append(shift)
        thumbnail = cuts.thumbnail(gray)
        changes.append(cuts.change(last_thumbnail, thumbnail))
        last_thumbnail = thumbnail
        times.append(frame.t_s)
        previous = gray
        if progress is not None:
            progress(len(times))
    n = len(times)
    return Tracks(
        t_s=np.asarray(times, dtype=np.float64),
        width_px=int(shape[1]),
        height_px=int(shape[0]),
        pose_xy_px=np.asarray(xy).reshape(n, kp.N_KEYPOINTS, 2),
        pose_visibility=np.asarray(vis).reshape(n, kp.N_KEYPOINTS),
        plate_px=np.asarray(plates, dtype=np.float64).reshape(n, 3),
        shift_px=np.asarray(shifts).reshape(n, 2, 2),
        change=np.asarray(changes, dtype=np.float64),
    )


def fill_gaps(t_s: FloatArray, values: FloatArray, /) -> FloatArray:
    """Each column of ``values`` (N, ...) linearly interpolated over its NaNs in time
    (held at the ends); all-NaN columns stay NaN."""
    flat = values.reshape(values.shape[0], -1).copy()
    for k in range(flat.shape[1]):
        ok = np.isfinite(flat[:, k])
        if ok.any() and not ok.all():
            flat[:, k] = np.interp(t_s, t_s[ok], flat[ok, k])
    return flat.reshape(values.shape)
