"""Plate tracking (side view): the round plate on the bar, found with a Hough circle
transform and followed frame to frame in a window around its last position.

Its centre is the bar's position; its radius gives the scale (a standard plate is 450 mm
across), unless the user gives one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.records import record

UInt8Array = npt.NDArray[Any]
"""Image pixels (uint8; typed loosely, as OpenCV returns them)."""

PLATE_DIAMETER_M = 0.45
"""Standard (IWF/IPF) bumper and competition plates are 450 mm across."""
MIN_RADIUS_FRACTION = 0.06
MAX_RADIUS_FRACTION = 0.35
"""A plate filmed from the side spans 12-70 % of the frame's shorter side."""
SEARCH_RADII = 1.5
"""A tracked plate is looked for within 1.5 radii of where it was."""
RADIUS_TOLERANCE = 0.2
"""...with a radius within 20 % of the tracked one."""


@record
class Circle:
    x_px: float
    y_px: float
    r_px: float


def _hough(gray: UInt8Array, r_min: int, r_max: int, min_dist: float) -> list[Circle]:
    import cv2

    found = cv2.HoughCircles(
        gray,
        cv2.HOUGH_GRADIENT,
        dp=1.0,
        minDist=max(1.0, min_dist),
        param1=100,
        param2=30,
        minRadius=max(1, r_min),
        maxRadius=max(r_min + 1, r_max),
    )
    if found is None:
        return []  # type: ignore[unreachable]  # OpenCV's stubs say it never is
    return [Circle(float(x), float(y), float(r)) for x, y, r in found[0]]


def find_plate(gray: UInt8Array, /) -> Circle | None:
    """The most prominent plate-sized circle in a blurred grey frame, or None."""
    short = min(gray.shape)
    found = _hough(
        gray, int(MIN_RADIUS_FRACTION * short), int(MAX_RADIUS_FRACTION * short), short / 2
    )
    return found[0] if found else None


def follow_plate(gray: UInt8Array, /, *, last: Circle) -> Circle | None:
    """The plate near ``last`` (searched in a window around it), or None."""
    reach = SEARCH_RADII * last.r_px + last.r_px
    h, w = gray.shape
    x0, y0 = max(0, int(last.x_px - reach)), max(0, int(last.y_px - reach))
    x1, y1 = min(w, int(last.x_px + reach) + 1), min(h, int(last.y_px + reach) + 1)
    window = np.ascontiguousarray(gray[y0:y1, x0:x1])
    if min(window.shape) < 2 * last.r_px * (1 - RADIUS_TOLERANCE):
        return None
    found = _hough(
        window,
        int(last.r_px * (1 - RADIUS_TOLERANCE)),
        int(np.ceil(last.r_px * (1 + RADIUS_TOLERANCE))),
        last.r_px,
    )
    if not found:
        return None
    best = min(found, key=lambda c: np.hypot(c.x_px + x0 - last.x_px, c.y_px + y0 - last.y_px))
    return Circle(best.x_px + x0, best.y_px + y0, best.r_px)


RAYS = 48
"""The plate's rim is located on 48 rays from the centre..."""
RAY_SPAN = 0.25
"""...within 25 % of the radius either side of the Hough circle."""
RIM_OUTLIER = 0.08
"""Rays whose rim lies more than 8 % of the radius off the median (a hand, the bar's
sleeve, a leg in front) are left out of the circle fit."""


def refine(gray: UInt8Array, circle: Circle, /) -> Circle:
    """Sub-pixel centre and radius: the strongest edge on each ray from the Hough centre,
    then a least-squares circle through those rim points."""
    import cv2

    angles = np.linspace(0, 2 * np.pi, RAYS, endpoint=False)
    radii = np.linspace(1 - RAY_SPAN, 1 + RAY_SPAN, 41) * circle.r_px
    cos, sin = np.cos(angles)[:, None], np.sin(angles)[:, None]
    xs = (circle.x_px + radii[None, :] * cos).astype(np.float32)
    ys = (circle.y_px + radii[None, :] * sin).astype(np.float32)
    samples = cv2.remap(
        gray.astype(np.float32), xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    ).astype(np.float64)
    grad = np.abs(np.diff(samples, axis=1))
    k = np.clip(np.argmax(grad, axis=1), 1, grad.shape[1] - 2)
    rows = np.arange(RAYS)
    a, b, c = grad[rows, k - 1], grad[rows, k], grad[rows, k + 1]
    denom = a - 2 * b + c
    offset = np.where(denom != 0, 0.5 * (a - c) / np.where(denom != 0, denom, 1), 0.0)
    step = radii[1] - radii[0]
    edge = radii[0] + (k + 0.5 + np.clip(offset, -0.5, 0.5)) * step
    keep = np.abs(edge - np.median(edge)) <= RIM_OUTLIER * circle.r_px
    if keep.sum() < RAYS // 3:
        return circle
    px = circle.x_px + edge[keep] * cos[keep, 0]
    py = circle.y_px + edge[keep] * sin[keep, 0]
    design = np.column_stack([px, py, np.ones_like(px)])
    solution, *_ = np.linalg.lstsq(design, px**2 + py**2, rcond=None)
    cx, cy = solution[0] / 2, solution[1] / 2
    r2 = solution[2] + cx**2 + cy**2
    if r2 <= 0 or np.hypot(cx - circle.x_px, cy - circle.y_px) > 0.2 * circle.r_px:
        return circle
    return Circle(float(cx), float(cy), float(np.sqrt(r2)))


class PlateTracker:
    """Follows one plate through the frames (search near the last position, else the
    whole frame)."""

    def __init__(self) -> None:
        self.last: Circle | None = None

    def update(self, gray: UInt8Array, /) -> Circle | None:
        import cv2

        blurred = cv2.GaussianBlur(gray, (5, 5), 1.2)
        found = follow_plate(blurred, last=self.last) if self.last is not None else None
        if found is None:
            found = find_plate(blurred)
            if (
                found is not None
                and self.last is not None
                and abs(found.r_px - self.last.r_px) > RADIUS_TOLERANCE * self.last.r_px
            ):
                found = None  # another round thing: keep the tracked plate's size
        if found is not None:
            found = refine(gray, found)
            self.last = found
        return found
