"""A few inline-SVG drawing helpers for the HTML report: axes, polylines, bars, bands.

Points are computed with numpy and written as short path strings; no plotting library, no
scripts, nothing fetched. Every plot scales to the page width through its viewBox.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

WIDTH = 520
MARGIN_LEFT = 46
MARGIN_RIGHT = 12
MARGIN_TOP = 26
MARGIN_BOTTOM = 34
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


@dataclass(frozen=True, slots=True)
class Frame:
    """A plot area: data ranges mapped to pixels inside a ``height`` tall panel."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    height: int
    top: int = 0
    log_y: bool = False

    @property
    def inner_w(self) -> float:
        return WIDTH - MARGIN_LEFT - MARGIN_RIGHT

    @property
    def inner_h(self) -> float:
        return self.height - MARGIN_TOP - MARGIN_BOTTOM

    def x(self, value: FloatArray | float) -> FloatArray:
        lo, hi = self.x_range
        span = hi - lo or 1.0
        return np.asarray(MARGIN_LEFT + (np.asarray(value) - lo) / span * self.inner_w)

    def y(self, value: FloatArray | float) -> FloatArray:
        lo, hi = self.y_range
        v = np.asarray(value, dtype=float)
        if self.log_y:
            v, lo, hi = np.log10(np.maximum(v, lo)), np.log10(lo), np.log10(hi)
        span = hi - lo or 1.0
        frac = np.clip((v - lo) / span, -0.02, 1.02)
        return np.asarray(self.top + MARGIN_TOP + (1.0 - frac) * self.inner_h)


def svg(height: int, body: Sequence[str], *, label: str) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" {FONT}>'
        + "".join(body)
        + "</svg>"
    )


def path(xs: FloatArray, ys: FloatArray, *, colour: str, width: float = 1.2) -> str:
    if xs.size == 0:
        return ""
    coords = np.column_stack([xs, ys]).round(1)
    d = "M" + " L".join(f"{x:g},{y:g}" for x, y in coords)
    return (
        f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}" '
        'stroke-linejoin="round"/>'
    )


def rect(
    x0: float, y0: float, x1: float, y1: float, *, fill: str, opacity: float = 1.0, title: str = ""
) -> str:
    x, w = min(x0, x1), abs(x1 - x0)
    y, h = min(y0, y1), abs(y1 - y0)
    tip = f"<title>{escape(title)}</title>" if title else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
        f'fill-opacity="{opacity:g}">{tip}</rect>'
    )


def text(x: float, y: float, words: str, *, anchor: str = "start", colour: str = "#333") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}">'
        f"{escape(words)}</text>"
    )


def axes(
    frame: Frame,
    *,
    x_label: str,
    y_label: str,
    title: str,
    x_ticks: Sequence[float] | None = None,
) -> list[str]:
    """Frame, ticks, labels and a title for one panel."""
    top = frame.top + MARGIN_TOP
    bottom = frame.top + frame.height - MARGIN_BOTTOM
    left, right = MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    parts = [
        text(left, frame.top + 16, f"{title} ({y_label})", colour="#111"),
        f'<path d="M{left},{top} L{left},{bottom} L{right},{bottom}" fill="none" stroke="#888"/>',
        text(right, bottom + 28, x_label, anchor="end", colour="#555"),
    ]
    for tick in _ticks(*frame.x_range) if x_ticks is None else x_ticks:
        x = float(frame.x(tick))
        parts.append(f'<path d="M{x:.1f},{bottom} L{x:.1f},{bottom + 4}" stroke="#888"/>')
        parts.append(text(x, bottom + 16, f"{tick:g}", anchor="middle", colour="#555"))
    y_ticks = _log_ticks(*frame.y_range) if frame.log_y else _ticks(*frame.y_range)
    for tick in y_ticks:
        y = float(frame.y(tick))
        parts.append(f'<path d="M{left - 4},{y:.1f} L{right},{y:.1f}" stroke="#eee"/>')
        parts.append(text(left - 6, y + 4, f"{tick:g}", anchor="end", colour="#555"))
    return parts


def envelope(t: FloatArray, v: FloatArray, *, bins: int) -> tuple[FloatArray, FloatArray]:
    """Min and max of ``v`` per time bin, interleaved: the visible shape of a long trace in
    2 x ``bins`` points."""
    if t.size <= 2 * bins:
        return t, v
    edges = np.linspace(0, t.size, bins + 1).astype(int)
    lows = np.minimum.reduceat(v, edges[:-1])
    highs = np.maximum.reduceat(v, edges[:-1])
    mids = t[np.minimum((edges[:-1] + edges[1:]) // 2, t.size - 1)]
    return np.repeat(mids, 2), np.column_stack([lows, highs]).ravel()


def _ticks(lo: float, hi: float, count: int = 6) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    raw = span / count
    magnitude = 10 ** np.floor(np.log10(raw))
    if span >= count and magnitude < 1:
        magnitude = 1.0
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = np.ceil(lo / step) * step
    return [round(float(v), 6) for v in np.arange(start, hi + step * 1e-6, step)]


def _log_ticks(lo: float, hi: float) -> list[float]:
    return [10.0**e for e in range(int(np.ceil(np.log10(lo))), int(np.floor(np.log10(hi))) + 1)]


def rep_ticks(n: int) -> list[float]:
    """Whole rep numbers 1..n, about ten of them at most."""
    step = max(1, -(-n // 10))
    return [float(i) for i in range(1, n + 1, step)]
