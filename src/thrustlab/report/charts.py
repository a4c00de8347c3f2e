"""The report's charts, drawn in the page by uPlot (vendored in ``report/vendor``, MIT).

Python says what each chart shows (a small JSON spec per chart: x values, series, shaded
areas and marks, labels, units); ``charts.js`` turns the specs into uPlot charts. The report
inlines uPlot, its CSS, ``charts.js`` and the specs, so it stays one file that works offline.
Drag across a chart to zoom (into one rep, say), double-click to zoom out; the legend under a
chart shows the values under the pointer.

Why uPlot: 51 kB minified with no dependencies (Chart.js is about four times that, Plotly
about 70 times), canvas drawing that stays fast on a phone with thousands of points, and
zoom, a live legend and log scales built in. The specs hold numbers only; the words around
them are escaped HTML.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from thrustlab.explanation.history import PastSet
from thrustlab.explanation.questions import WeightUnit, in_unit
from thrustlab.findings import Envelope, Findings, Traces
from thrustlab.report.cells import band

Spec = dict[str, Any]

REP_FILL = "rgba(144, 202, 249, 0.30)"
HOLD_FILL = "rgba(100, 181, 246, 0.45)"
TREMOR_COLOUR = "#1565c0"
THIGH_COLOUR = "#2e3b4e"
SET_SYNC = "set"
"""The charts over the set's time share this key: the pointer and a zoom on one move both."""
FATIGUE_FILL = "rgba(239, 108, 0, 0.12)"
TREMOR_FILL = "rgba(21, 101, 192, 0.12)"
REST_COLOUR = "#9e9e9e"
TREND_COLOUR = "#c62828"
LEG_COLOURS = {"left": "#1565c0", "right": "#ef6c00"}
VERDICT_COLOURS = {"normal": "#2e7d32", "caution": "#ef6c00", "stop": "#c62828"}


@cache
def _asset(name: str) -> str:
    return resources.files("thrustlab.report").joinpath(name).read_text(encoding="utf-8")


def scripts() -> tuple[str, str]:
    """The two scripts the report runs: uPlot, then ``charts.js``."""
    return _asset("vendor/uPlot.iife.min.js"), _asset("charts.js")


def styles() -> str:
    return _asset("vendor/uPlot.min.css")


def script_hashes() -> tuple[str, ...]:
    """CSP sources (``'sha256-...'``) of the report's scripts, for a server that shows the
    report: they are the same in every report."""
    return tuple(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts()
    )


def specs_json(specs: Sequence[Spec], /) -> str:
    """The specs as JSON safe inside ``<script type="application/json">``."""
    text = json.dumps(list(specs), separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _r(values: Any, digits: int = 4) -> list[float | None]:
    return [None if v is None else round(float(v), digits) for v in values]


def _mids(e: Envelope) -> np.ndarray[Any, Any]:
    return np.asarray(e.start_s + (np.arange(len(e.low)) + 0.5) * e.bin_s)


def _rep_areas(findings: Findings) -> list[dict[str, Any]]:
    areas: list[dict[str, Any]] = []
    for rep in findings.reps:
        areas.append({"from": rep.start_s, "to": rep.end_s, "colour": REP_FILL, "label": ""})
        areas.append(
            {
                "from": rep.lockout_start_s,
                "to": rep.lockout_end_s,
                "colour": HOLD_FILL,
                "label": str(rep.index),
            }
        )
    return areas


def _set_time_range(e: Envelope, findings: Findings) -> list[float]:
    return [0.0, round(max(float(_mids(e)[-1]), findings.source.duration_s), 2)]


def thigh_over_time(angle: Envelope, findings: Findings, /) -> Spec:
    """The thigh's angle through the set (up: the hips rising, 0° at the reps' bottom),
    each rep shaded and numbered; drawn through the middle of each short bin."""
    middle = (np.asarray(angle.low) + np.asarray(angle.high)) / 2
    return {
        "id": "chart-thigh",
        "title": "Your thigh through the set",
        "x_label": "time (s)",
        "x_unit": "s",
        "y_label": f"angle ({angle.unit})",
        "x": _r(_mids(angle), 3),
        "x_range": _set_time_range(angle, findings),
        "y_range": [None, None],
        "sync": SET_SYNC,
        "height": 220,
        "series": [
            {
                "label": "Thigh",
                "values": _r(middle, 1),
                "colour": THIGH_COLOUR,
                "unit": angle.unit,
                "digits": 0,
            }
        ],
        "areas": _rep_areas(findings),
    }


def shaking_over_time(traces: Traces, findings: Findings, /) -> Spec:
    """The sustained shaking (tremor band) through the set, reps shaded and numbered."""
    e = traces.shaking
    return {
        "id": "chart-shaking",
        "title": f"Shaking through the set ({band(findings.tremor_band_hz)})",
        "x_label": "time (s)",
        "x_unit": "s",
        "y_label": "m/s²",
        "x": _r(_mids(e), 3),
        "x_range": _set_time_range(e, findings),
        "sync": SET_SYNC,
        "y_range": [0.0, None],
        "series": [
            {
                "label": "Shaking",
                "values": _r(e.high),
                "colour": TREMOR_COLOUR,
                "unit": "m/s²",
                "kind": "band",
                "fill": "rgba(21, 101, 192, 0.25)",
            }
        ],
        "areas": _rep_areas(findings),
    }


def shaking_per_rep(findings: Findings, /) -> Spec:
    """A bar per rep, the rest before and after in grey, and the trend line through the reps
    measured, drawn from the first to the last of them: never over reps whose shaking was
    not measured beyond them (a phone that lowered its rate for the last ten reps had the
    line drawn on over all ten)."""
    reps = findings.reps
    n = len(reps)
    pre, post = findings.set.baseline_tremor_rms_mps2, findings.set.post_set_tremor_rms_mps2
    values = [r.tremor_rms_mps2 for r in reps]
    trend: list[float | None] = [None] * (n + 2)
    known = [(i + 1, v) for i, v in enumerate(values) if v is not None]
    if len(known) >= 2:
        xs, ys = np.array([k for k, _ in known], float), np.array([v for _, v in known])
        slope, intercept = np.polyfit(xs, ys, 1)
        for i in range(known[0][0], known[-1][0] + 1):
            trend[i] = float(intercept + slope * i)
    names = ["rest before", *(f"rep {r.index}" for r in reps), "rest after"]
    onset = findings.set.tremor_onset_rep
    return {
        "id": "chart-reps",
        "title": "Shaking per rep",
        "x_label": "rep",
        "x_names": names,
        "x_tick_names": ["pre", *(str(r.index) for r in reps), "post"],
        "x_ticks": [0, *range(1, n + 1, max(1, -(-n // 10))), n + 1],
        "x_range": [-0.6, n + 1.6],
        "y_label": "m/s²",
        "x": list(range(n + 2)),
        "y_range": [0.0, None],
        "series": [
            {
                "label": "Rep",
                "values": _r([None, *values, None]),
                "colour": TREMOR_COLOUR,
                "kind": "bars",
                "unit": "m/s²",
            },
            {
                "label": "At rest",
                "values": _r([pre, *([None] * n), post]),
                "colour": REST_COLOUR,
                "kind": "bars",
                "unit": "m/s²",
            },
            {"label": "Trend", "values": _r(trend), "colour": TREND_COLOUR, "unit": "m/s²"},
        ],
        "marks": [] if onset is None else [{"x": onset - 0.5, "label": "stays up from here"}],
    }


def spectrum(traces: Traces, findings: Findings, /) -> Spec:
    """The spectrum during the reps on a log scale, the two bands shaded, the peak marked."""
    assert traces.spectrum is not None  # checked by the caller
    psd = np.maximum(np.asarray(traces.spectrum.psd), 1e-9)
    peak = findings.set.tremor_peak_hz
    tremor, fatigue = findings.tremor_band_hz, findings.fatigue_band_hz
    return {
        "id": "chart-spectrum",
        "title": "Where the shaking sits in frequency",
        "x_label": "frequency (Hz)",
        "x_unit": "Hz",
        "y_label": "(m/s²)²/Hz",
        "log_y": True,
        "x": _r(traces.spectrum.freq_hz, 3),
        "series": [
            {
                "label": "Power",
                "values": [float(f"{v:.3g}") for v in psd],
                "colour": "#333333",
                "unit": "",
                "digits": 5,
            }
        ],
        "areas": [
            {"from": fatigue[0], "to": fatigue[1], "colour": FATIGUE_FILL, "label": ""},
            {"from": tremor[0], "to": tremor[1], "colour": TREMOR_FILL, "label": ""},
        ],
        "marks": [] if peak is None else [{"x": peak, "label": f"peak {peak:.1f} Hz"}],
    }


def legs(findings: Findings, /) -> Spec:
    """Each leg's shaking per rep, side by side."""
    reps = findings.reps
    left = [r.legs.left.tremor_rms_mps2 if r.legs else None for r in reps]
    right = [r.legs.right.tremor_rms_mps2 if r.legs else None for r in reps]
    n = len(reps)
    return {
        "id": "chart-legs",
        "title": "Left leg and right leg",
        "x_label": "rep",
        "x_names": ["", *(f"rep {r.index}" for r in reps)],
        "x_tick_names": ["", *(str(r.index) for r in reps)],
        "x_ticks": list(range(1, n + 1, max(1, -(-n // 10)))),
        "x_range": [0.4, n + 0.6],
        "y_label": "m/s²",
        "x": list(range(n + 1)),
        "y_range": [0.0, None],
        "series": [
            {
                "label": "Left",
                "values": _r([None, *left]),
                "colour": LEG_COLOURS["left"],
                "kind": "bars",
                "align": -1,
                "unit": "m/s²",
            },
            {
                "label": "Right",
                "values": _r([None, *right]),
                "colour": LEG_COLOURS["right"],
                "kind": "bars",
                "align": 1,
                "unit": "m/s²",
            },
        ],
    }


def history(sets: Sequence[PastSet], /, *, weight_unit: WeightUnit | None = None) -> Spec:
    """Load (a line through each day's heaviest set, in the lifter's unit: kg when never
    said) and shaking per day, over the log."""
    unit: WeightUnit = weight_unit or "kg"
    days = sorted({s.date for s in sets})
    heaviest = {d: max((in_unit(s.load_kg, unit) for s in sets if s.date == d and s.load_kg),
                       default=None)
                for d in days}  # fmt: skip
    shaking = {
        d: max((s.tremor_rms_mps2 for s in sets if s.date == d and s.tremor_rms_mps2), default=None)
        for d in days
    }
    seconds = [int(dt.datetime.combine(d, dt.time(12), tzinfo=dt.UTC).timestamp()) for d in days]
    return {
        "id": "chart-history",
        "title": "Your history",
        "x_label": "date",
        "x_kind": "date",
        "y_label": unit,
        "y2_label": "m/s²",
        "x": seconds,
        "series": [
            {
                "label": "Heaviest load",
                "values": _r([heaviest[d] for d in days], 1),
                "colour": "#1565c0",
                "unit": unit,
                "digits": 1,
                "span_gaps": True,
            },
            {
                "label": "Shaking",
                "values": _r([shaking[d] for d in days]),
                "colour": "#ef6c00",
                "kind": "points",
                "scale": "y2",
                "unit": "m/s²",
            },
        ],
    }
