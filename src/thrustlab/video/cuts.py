"""Scene cuts: frames where much of the picture changes at once (an edited clip: another
shot, a close-up, a jump over part of the set).

Each frame is shrunk to a thumbnail and normalised (its mean and spread taken out, so the
camera's own exposure changes nothing); the share of thumbnail cells that changed by more
than ``CELL_CHANGE_SD`` from the frame before is the frame's change. A cut is a spike: a
large change in one frame, well above the frames around it. A pan or someone walking past
changes the picture over many frames, each step small or alike.

Measured on real photographs of one gym (free-exercise-db): another shot changes 60-75 %
of the cells, a jump cut within the same scene (a hip thrust at the bottom, then at the
top) 32-38 %; a frame-to-frame camera shake of 0.35 % of the width changes 3 %, a 60 %
exposure change 3 %.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.errors import EditedClipError

FloatArray = npt.NDArray[np.float64]
UInt8Array = npt.NDArray[Any]
"""Image pixels (uint8; typed loosely, as OpenCV returns them)."""

THUMBNAIL_CELLS = (48, 27)
"""Thumbnails are 48 x 27 cells (27 x 48 for a portrait video): coarse enough that a
pixel of movement or noise does not show, fine enough to see where the picture changed."""
CELL_CHANGE_SD = 0.5
"""A cell changed when it moved by half the thumbnail's standard deviation."""
NEIGHBOURS = 5
"""A spike is judged against the median change of the 5 frames either side."""


def thumbnail(gray: UInt8Array, /) -> FloatArray:
    """The frame shrunk to ``THUMBNAIL_CELLS`` (area average), mean 0 and spread 1."""
    import cv2

    h, w = gray.shape[:2]
    size = THUMBNAIL_CELLS if w >= h else THUMBNAIL_CELLS[::-1]
    small = cv2.resize(gray, size, interpolation=cv2.INTER_AREA).astype(np.float64)
    return np.asarray((small - small.mean()) / max(float(small.std()), 1.0))


def change(previous: FloatArray | None, current: FloatArray, /) -> float:
    """The share of thumbnail cells that changed from the frame before (0 for the first)."""
    if previous is None or previous.shape != current.shape:
        return 0.0
    return float(np.mean(np.abs(current - previous) > CELL_CHANGE_SD))


def find_cuts(
    t_s: FloatArray, change_per_frame: FloatArray, /, *, min_change: float, spike_factor: float
) -> FloatArray:
    """Times (s) of the frames whose change is at least ``min_change`` and
    ``spike_factor`` times the median change of the frames around them."""
    cuts = []
    for i in np.flatnonzero(change_per_frame >= min_change).tolist():
        around = np.r_[
            change_per_frame[max(0, i - NEIGHBOURS) : i],
            change_per_frame[i + 1 : i + 1 + NEIGHBOURS],
        ]
        typical = float(np.median(around)) if around.size else 0.0
        if change_per_frame[i] >= spike_factor * typical:
            cuts.append(float(t_s[i]))
    return np.asarray(cuts, dtype=np.float64)


def refuse_cuts(
    t_s: FloatArray, change_per_frame: FloatArray, /, *, min_change: float, spike_factor: float
) -> None:
    """Raise ``EditedClipError`` when the clip holds a cut.

    Refused rather than measured on its longest shot: the rests before and after the set,
    the reps' timing and the shaking all need one continuous take, and the longest shot of
    an edited clip need not be the set at all."""
    cuts = find_cuts(t_s, change_per_frame, min_change=min_change, spike_factor=spike_factor)
    if cuts.size:
        raise EditedClipError(tuple(round(float(t), 2) for t in cuts))
