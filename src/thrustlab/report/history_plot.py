"""The training-history plot: load and shaking per session of one lift, as inline SVG (for
the web history page and ``log history --svg``; the HTML report draws its own with uPlot).

Pure string building (no plotting library), so a page can embed it as it is.
It takes anything with ``date``, ``load_kg``, ``tremor_rms_mps2`` and ``verdict``, such as
the rows of ``thrustlab.log.lift_trends`` or ``PastSet`` from the explain history.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from html import escape
from typing import Protocol

from thrustlab.explanation.questions import WeightUnit, in_unit

VERDICT_COLOURS = {"normal": "#2e7d32", "caution": "#ef6c00", "stop": "#c62828"}
NO_VERDICT_COLOUR = "#757575"
LOAD_COLOUR = "#1565c0"
MAX_SCALE = 1.4
"""On a wide page the plot grows to 1.4 times its size at most: its 13-unit text is then
18 px, near the page's own 16 px."""
X_INSET = 8.0
"""The first and last day's dots sit this far inside the panel's frame."""


class HistoryPoint(Protocol):
    @property
    def date(self) -> dt.date: ...
    @property
    def load_kg(self) -> float | None: ...
    @property
    def tremor_rms_mps2(self) -> float | None: ...
    @property
    def verdict(self) -> str | None: ...


def history_svg(
    points: Sequence[HistoryPoint],
    /,
    *,
    title: str,
    weight_unit: WeightUnit | None = None,
    width_px: int = 380,
    height_px: int = 320,
) -> str:
    """Two stacked panels over the same dates: load in the lifter's ``weight_unit`` (kg when
    never said; a line through each day's heaviest set) and shaking (tremor RMS) in m/s² from
    zero, so that day-to-day noise does not look like a change (a dot per point, coloured by
    verdict: green normal, orange caution, red stop, grey none). It scales to the page's
    width, up to ``MAX_SCALE`` times its own."""
    unit: WeightUnit = weight_unit or "kg"
    margin_left, margin_right, margin_top, gap, margin_bottom = 52, 14, 44, 34, 36
    panel_h = (height_px - margin_top - gap - margin_bottom) / 2
    plot_w = width_px - margin_left - margin_right
    ordered = sorted(points, key=lambda p: p.date)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="thrustlab-history" '
        f'width="100%" viewBox="0 0 {width_px} {height_px}" '
        f'style="max-width:{MAX_SCALE * width_px:.0f}px" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<text x="{margin_left}" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    if not ordered:
        parts.append(f'<text x="{margin_left}" y="{height_px / 2:.0f}">No sessions yet.</text>')
        return "".join([*parts, "</svg>"])
    first, last = ordered[0].date, ordered[-1].date
    span_days = max((last - first).days, 1)

    def x_of(day: dt.date) -> float:  # the first and last day's dots clear of the frame
        if first == last:
            return margin_left + plot_w / 2
        return margin_left + X_INSET + (plot_w - 2 * X_INSET) * (day - first).days / span_days

    load_top = margin_top
    tremor_top = margin_top + panel_h + gap
    heaviest: dict[dt.date, float] = {}  # the load line: the heaviest set of each day
    for p in ordered:
        if p.load_kg is not None:
            load = round(in_unit(p.load_kg, unit), 1)
            heaviest[p.date] = max(heaviest.get(p.date, load), load)
    loads = [(x_of(day), load) for day, load in heaviest.items()]
    tremors = [
        (x_of(p.date), p.tremor_rms_mps2, p) for p in ordered if p.tremor_rms_mps2 is not None
    ]
    parts += _panel(
        load_top,
        panel_h,
        left=margin_left,
        width=plot_w,
        label=f"load ({unit})",
        values=[v for _, v in loads],
    )
    parts += _panel(
        tremor_top,
        panel_h,
        left=margin_left,
        width=plot_w,
        label="shaking (m/s²)",
        values=[v for _, v, _ in tremors],
        from_zero=True,
    )
    legend_x = margin_left + 112.0  # what the dots' colours mean, beside the panel's name
    for verdict, colour in VERDICT_COLOURS.items():
        parts.append(
            f'<circle cx="{legend_x:.0f}" cy="{tremor_top - 10:.1f}" r="4" fill="{colour}"/>'
            f'<text x="{legend_x + 7:.0f}" y="{tremor_top - 6:.1f}">{verdict}</text>'
        )
        legend_x += 64.0
    load_scale = _scale([v for _, v in loads], load_top, panel_h)
    tremor_scale = _scale([v for _, v, _ in tremors], tremor_top, panel_h, from_zero=True)
    if loads:
        path = " ".join(f"{x:.1f},{load_scale(v):.1f}" for x, v in loads)
        parts.append(
            f'<polyline fill="none" stroke="{LOAD_COLOUR}" stroke-width="2" points="{path}"/>'
        )
        parts += [
            f'<circle cx="{x:.1f}" cy="{load_scale(v):.1f}" r="3" fill="{LOAD_COLOUR}">'
            f"<title>{v:g} {unit}</title></circle>"
            for x, v in loads
        ]
    for x, v, point in tremors:
        colour = VERDICT_COLOURS.get(point.verdict or "", NO_VERDICT_COLOUR)
        label = f"{point.date.isoformat()}: {v:.2f} m/s², {point.verdict or 'no verdict'}"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{tremor_scale(v):.1f}" r="4" fill="{colour}">'
            f"<title>{escape(label)}</title></circle>"
        )
    axis_y = height_px - margin_bottom + 18
    parts.append(f'<text x="{margin_left}" y="{axis_y}">{first.isoformat()}</text>')
    if (last - first).days >= 4:  # a date in the middle too, where there is room
        middle = first + (last - first) / 2
        parts.append(
            f'<text x="{x_of(middle):.1f}" y="{axis_y}" text-anchor="middle">'
            f"{middle.isoformat()[5:]}</text>"
        )
    if last != first:
        parts.append(
            f'<text x="{margin_left + plot_w}" y="{axis_y}" text-anchor="end">'
            f"{last.isoformat()}</text>"
        )
    return "".join([*parts, "</svg>"])


def _scale(
    values: list[float], top: float, height: float, *, from_zero: bool = False
) -> Callable[[float], float]:
    """Value to y over the panel's ticks, from the lowest to the highest."""
    ticks = _ticks(values, from_zero=from_zero)
    low, high = ticks[0], ticks[-1]
    pad = 0.06 * height  # points on the lowest or highest tick stay clear of the frame

    def y_of(value: float) -> float:
        return top + pad + (height - 2 * pad) * (1.0 - (value - low) / (high - low))

    return y_of


def _panel(
    top: float,
    height: float,
    /,
    *,
    left: float,
    width: float,
    label: str,
    values: list[float],
    from_zero: bool = False,
) -> list[str]:
    parts = [
        f'<rect x="{left}" y="{top:.1f}" width="{width}" height="{height:.1f}" '
        f'fill="none" stroke="#bdbdbd"/>',
        f'<text x="{left}" y="{top - 6:.1f}" font-weight="bold">{escape(label)}</text>',
    ]
    if values:  # round values around the data, each with its grid line
        y_of = _scale(values, top, height, from_zero=from_zero)
        for value in _ticks(values, from_zero=from_zero):
            y = y_of(value)
            parts += [
                f'<path d="M{left},{y:.1f} H{left + width}" stroke="#eeeeee"/>',
                f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{value:g}</text>',
            ]
    return parts


NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
"""Ticks step by 1, 2, 2.5 or 5 times a power of ten, as people count."""
TICKS_WANTED = 3
"""About three steps per panel: readable on a phone's 100-pixel panel."""


def _ticks(values: list[float], /, *, from_zero: bool) -> list[float]:
    """Round values from at or below the lowest (zero with ``from_zero``) to at or above
    the highest, about ``TICKS_WANTED`` steps apart."""
    low = 0.0 if from_zero or not values else min(values)
    high = max(values) if values else 1.0
    if high - low < 1e-9:  # one value: a step about a tenth of it
        low, high = low - max(abs(low) * 0.1, 1e-3), high + max(abs(high) * 0.1, 1e-3)
        low = max(low, 0.0) if from_zero else low
    rough = (high - low) / TICKS_WANTED
    power = 10.0 ** math.floor(math.log10(rough))
    step = next(m * power for m in NICE_STEPS if m * power >= rough * (1 - 1e-9))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(k * step, 12) for k in range(first, last + 1)]
