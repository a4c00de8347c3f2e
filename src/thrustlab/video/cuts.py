"""Scene cuts: where one frame's grey-level histogram differs from the one before by more
than a single take allows (an edited clip: another shot, a close-up, another set).

A cut is a jump in one frame; movement, a hand in front of the lens or the camera's own
exposure change the picture over many frames, each step small.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.errors import EditedClipError

FloatArray = npt.NDArray[np.float64]
UInt8Array = npt.NDArray[Any]
"""Image pixels (uint8; typed loosely, as OpenCV returns them)."""

HISTOGRAM_BINS = 32
"""Grey levels are counted in 32 classes of 8: fine enough to see another shot, coarse
enough that sensor noise and compression barely move a pixel between classes."""


def histogram(gray: UInt8Array, /) -> FloatArray:
    """The share of the frame's pixels in each grey-level class (sums to 1)."""
    counts = np.bincount((gray.ravel() >> 3).astype(np.intp), minlength=HISTOGRAM_BINS)
    return np.asarray(counts / max(1, gray.size), dtype=np.float64)


def change(previous: FloatArray | None, current: FloatArray, /) -> float:
    """The share of pixels that changed class between two frames' histograms (half their
    L1 distance, 0 to 1); 0 for the first frame."""
    if previous is None:
        return 0.0
    return float(0.5 * np.abs(current - previous).sum())


def find_cuts(t_s: FloatArray, change_per_frame: FloatArray, /, *, min_change: float) -> FloatArray:
    """Times (s) of the frames whose histogram changed by ``min_change`` or more."""
    return np.asarray(t_s[change_per_frame >= min_change], dtype=np.float64)


def refuse_cuts(t_s: FloatArray, change_per_frame: FloatArray, /, *, min_change: float) -> None:
    """Raise ``EditedClipError`` when the clip holds a cut.

    Refused rather than measured on its longest shot: the rests before and after the set,
    the reps' timing and the shaking all need one continuous take, and the longest shot of
    an edited clip need not be the set at all."""
    cuts = find_cuts(t_s, change_per_frame, min_change=min_change)
    if cuts.size:
        raise EditedClipError(tuple(round(float(t), 2) for t in cuts))
