"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, nothing fetched)
that reads well on a phone. Verdict, warning signs, causes with their evidence, the plan,
then the plots: acceleration with the reps shaded, tremor per rep with its trend, the
spectrum with the bands marked, left against right, and the history when there is one.

It renders an ``Analysis`` and nothing else: every number, trace, band and text comes from
it (the findings carry the traces; the assessment its texts and citations).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import numpy as np

from thrustlab.analysis import Analysis
from thrustlab.explanation.assessment import Assessment, CauseFinding, Evidence, PlanItem, RedFlag
from thrustlab.explanation.history import History
from thrustlab.findings import Envelope, Findings, Traces
from thrustlab.report import _svg as s
from thrustlab.report.assessment_view import badge
from thrustlab.report.rep_table import rep_table

URGENCY_WORDS = {"now": "stop now", "soon": "watch this; see a professional if it goes on"}
VERDICT_COLOURS = {"normal": "#2e7d32", "caution": "#e65100", "stop": "#c62828"}
NOT_MEASURED_COLOUR = "#546e7a"
REP_FILL = "#90caf9"
TREMOR_COLOUR = "#1565c0"
FATIGUE_COLOUR = "#ef6c00"
LEG_COLOURS = {"left": "#1565c0", "right": "#ef6c00"}

CSS = """
:root{color-scheme:light}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#fafafa;
color:#1b1b1b;line-height:1.45}
main{max-width:760px;margin:0 auto;padding:12px 14px 40px}
h1{font-size:1.35rem;margin:.4rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.meta{color:#555;font-size:.85rem}
.verdict{border-radius:10px;color:#fff;padding:12px 14px;margin:12px 0}
.verdict b{font-size:1.25rem;letter-spacing:.04em;margin-right:.5rem}
.flag{border:2px solid #c62828;background:#ffebee;border-radius:8px;padding:10px 12px;margin:8px 0}
.flag h3{color:#b71c1c;margin:0 0 4px;font-size:1rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 12px;margin:8px 0}
.card h3{margin:0 0 4px;font-size:1rem}
ul{padding-left:1.2rem;margin:.3rem 0}li{margin:.15rem 0}
.ev small,.src{color:#666}.against{color:#6d4c41}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:2px 8px;text-align:left;
border-bottom:1px solid #eee}
figure svg{display:block;max-width:100%;height:auto;margin:0 auto}
figure{margin:10px 0;background:#fff;border:1px solid #ddd;border-radius:8px;padding:6px}
figcaption{font-size:.85rem;color:#555;padding:0 4px 4px}
footer{margin-top:28px;font-size:.8rem;color:#666}
.speed{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0 10px}
.fig{flex:1 1 220px;background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px 10px}
.scroll{overflow-x:auto;margin-bottom:12px}
table.reps{font-variant-numeric:tabular-nums;background:#fff}
table.reps td,table.reps th{text-align:right;white-space:nowrap;padding:3px 6px}
table.reps th{font-weight:600;border-bottom:2px solid #ccc;white-space:normal;min-width:2.5em}
table.reps td:first-child,table.reps th:first-child{position:sticky;left:0;background:#fff}
td{white-space:nowrap}
"""


def render_report(analysis: Analysis, /, *, history: History | None = None) -> str:
    """The whole report as one HTML string (``history``: the lifter's log, for its plot)."""
    findings, assessment = analysis.findings, analysis.assessment
    body = [
        _header(findings),
        _verdict(assessment),
        _red_flags(assessment.red_flags),
        _causes(assessment.causes),
        _plan(assessment),
        _measurements(findings),
        _plots(findings, history),
        _footer(assessment),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>thrustlab report: {escape(badge(assessment).lower())}</title>"
        f"<style>{CSS}</style></head><body><main>" + "".join(body) + "</main></body></html>"
    )


# --- text sections --------------------------------------------------------------------------


def _header(findings: Findings | None) -> str:
    if findings is None:
        meta = "From your answers only (no recording)."
    else:
        src = findings.source
        meta = (
            f"{escape(src.kind)} recording ({escape(src.format)}), {src.duration_s:.0f} s at "
            f"{src.sample_rate_hz:.0f} Hz, {findings.set.rep_count} reps."
        )
    return f'<h1>Why do my legs shake? A hip-thrust set</h1><p class="meta">{meta}</p>'


def _verdict(a: Assessment) -> str:
    colour = NOT_MEASURED_COLOUR if badge(a) == "NOT MEASURED" else VERDICT_COLOURS[a.verdict]
    return (
        f'<section class="verdict" style="background:{colour}"><b>{badge(a)}</b>'
        f"{escape(a.headline)}</section>"
    )


def _evidence_items(evidence: Sequence[Evidence]) -> str:
    items = []
    for e in evidence:
        css = "" if e.supports else ' class="against"'
        items.append(f"<li{css}>{escape(e.text)}</li>")
    return '<ul class="ev">' + "".join(items) + "</ul>"


def _red_flags(flags: Sequence[RedFlag]) -> str:
    if not flags:
        return ""
    cards = "".join(
        f'<div class="flag"><h3>&#9888; {escape(f.name)} <small>({URGENCY_WORDS[f.urgency]})'
        f"</small></h3><p><b>{escape(f.advice)}</b></p>{_evidence_items(f.evidence)}</div>"
        for f in flags
    )
    return f"<section><h2>Warning signs</h2>{cards}</section>"


def _causes(causes: Sequence[CauseFinding]) -> str:
    if not causes:
        return (
            "<section><h2>Likely causes</h2><p>Nothing points to a particular cause.</p></section>"
        )
    cards = []
    for cause in causes:
        cards.append(
            f'<div class="card"><h3>{escape(cause.name)} <small>({cause.strength} evidence)'
            f"</small></h3><p>{escape(cause.long)}</p>{_evidence_items(cause.evidence)}</div>"
        )
    return "<section><h2>Likely causes</h2>" + "".join(cards) + "</section>"


def _plan(a: Assessment) -> str:
    def card(item: PlanItem) -> str:
        steps = "".join(f"<li>{escape(step)}</li>" for step in item.steps)
        return (
            f'<div class="card"><h3>{escape(item.name)}</h3><p>{escape(item.why)}</p>'
            f"<ul>{steps}</ul></div>"
        )

    missing = ""
    if a.missing:
        rows = "".join(
            f"<li><b>{escape(m.label or m.answer)}</b>: {escape(m.effect)}</li>" for m in a.missing
        )
        missing = f"<h2>Answers that could change this</h2><ul>{rows}</ul>"
    return "<section><h2>Plan</h2>" + "".join(map(card, a.strategies)) + missing + "</section>"


def _measurements(findings: Findings | None) -> str:
    if findings is None:
        return ""
    m = findings.set
    rows = [
        ("Reps", m.rep_count, ""),
        (f"Shaking ({_band(findings.tremor_band_hz)} RMS)", m.tremor_rms_mps2, "m/s²"),
        ("Peak frequency", m.tremor_peak_hz, "Hz"),
        ("Trend: last third of the reps against the first", m.tremor_trend_ratio, "times"),
        ("Shaking stays up from rep", m.tremor_onset_rep or "no clear onset", ""),
        ("At rest before the set", m.baseline_tremor_rms_mps2, "m/s²"),
        ("At rest after the set", m.post_set_tremor_rms_mps2, "m/s²"),
        ("Asymmetry index (right against left, of the legs' mean)", m.asymmetry_index_pct, "%"),
    ]
    cells = "".join(
        f"<tr><th>{escape(name)}</th><td>{_fmt(value)} {'' if value is None else unit}</td></tr>"
        for name, value, unit in rows
    )
    notes = "".join(f"<li>{escape(q.message)}</li>" for q in findings.quality)
    quality = f"<p class='meta'>Data notes:</p><ul class='meta'>{notes}</ul>" if notes else ""
    return (
        f"<section><h2>Measurements</h2>{_reps(findings)}<table>{cells}</table>{quality}</section>"
    )


def _reps(findings: Findings) -> str:
    """The per-rep table, the set's velocity loss and slowdown beside each other above it."""
    table = rep_table(findings)
    if not table.rows:
        return ""
    speed = "".join(
        f'<div class="fig"><b>{escape(label)}</b> {escape(text)}</div>'
        for label, text in table.speed
    )
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    return (
        f'<div class="speed">{speed}</div><div class="scroll"><table class="reps">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _fmt(value: float | int | str | None) -> str:
    if value is None:
        return "not measured"
    if isinstance(value, int | str):
        return str(value)
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"


def _band(band_hz: tuple[float, float]) -> str:
    return f"{band_hz[0]:g}-{band_hz[1]:g} Hz"


def _footer(a: Assessment) -> str:
    cites = "".join(f"<li>{escape(cite)}</li>" for cite in a.sources)
    return (
        "<footer><p>thrustlab is not a medical device. It shows what the measurements and "
        "your answers suggest; it does not diagnose. See a professional when a warning sign "
        f"appears or keeps coming back.</p><p>Sources:</p><ul class='src'>{cites}</ul></footer>"
    )


# --- plots ----------------------------------------------------------------------------------


def _plots(findings: Findings | None, history: History | None) -> str:
    figures = []
    traces = findings.traces if findings is not None else None
    if findings is not None and traces is not None:
        figures.append(_figure(_acceleration(traces, findings), _acc_caption(findings)))
    if findings is not None and findings.reps:
        figures.append(_figure(_tremor_bars(findings), _BARS_CAPTION))
    if findings is not None and traces is not None and traces.spectrum is not None:
        figures.append(_figure(_spectrum(traces, findings), _spectrum_caption(findings)))
    if findings is not None and any(r.legs is not None for r in findings.reps):
        figures.append(_figure(_legs(findings), _LEGS_CAPTION))
    if history is not None and history.sets:
        from thrustlab.report.history_plot import history_svg

        figures.append(_figure(history_svg(history.sets, title="Your history"), _HISTORY_CAPTION))
    return "<section><h2>Plots</h2>" + "".join(figures) + "</section>" if figures else ""


def _acc_caption(findings: Findings) -> str:
    return (
        "Top: how hard the thigh accelerates (movement and shaking). Bottom: the sustained "
        f"shaking alone ({_band(findings.tremor_band_hz)}), as measured: the brief jolts where "
        "the movement stops are left out. Blue areas are the reps; darker blue is the hold at "
        "the top."
    )


_BARS_CAPTION = (
    "Shaking in each rep (bars), its trend (line), and the leg at rest before and after the "
    "set (grey). Rising bars fit fatigue; high first bars that ease fit a short warm-up."
)


def _spectrum_caption(findings: Findings) -> str:
    return (
        f"Where the shaking sits in frequency during the reps. Blue band: "
        f"{_band(findings.tremor_band_hz)} (the usual shake of working muscles); orange band: "
        f"{_band(findings.fatigue_band_hz)} (slower shaking that grows with a tired nervous "
        "system)."
    )


_LEGS_CAPTION = (
    "Shaking per rep: blue the left leg, orange the right. The asymmetry index is positive "
    "when the right leg shakes more; above 15 % is large."
)
_HISTORY_CAPTION = "Load and shaking over your logged sessions."


def _figure(svg: str, caption: str) -> str:
    return f"<figure>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _rep_shading(frame: s.Frame, findings: Findings) -> list[str]:
    y0, y1 = float(frame.y(frame.y_range[0])), float(frame.y(frame.y_range[1]))
    parts = []
    for rep in findings.reps:
        x0, x1 = float(frame.x(rep.start_s)), float(frame.x(rep.end_s))
        parts.append(s.rect(x0, y0, x1, y1, fill=REP_FILL, opacity=0.35, title=f"rep {rep.index}"))
        l0, l1 = float(frame.x(rep.lockout_start_s)), float(frame.x(rep.lockout_end_s))
        parts.append(s.rect(l0, y0, l1, y1, fill=REP_FILL, opacity=0.45))
    return parts


def _points(e: Envelope) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """An envelope as a line through each bin's low and high."""
    mids = e.start_s + (np.arange(len(e.low)) + 0.5) * e.bin_s
    return np.repeat(mids, 2), np.column_stack([e.low, e.high]).ravel()


def _acceleration(traces: Traces, findings: Findings) -> str:
    t, dynamic = _points(traces.movement)
    t_shake, shake = _points(traces.shaking)
    x_range = (0.0, float(max(t[-1], findings.source.duration_s)))
    limit = float(np.percentile(np.abs(dynamic), 99.5)) or 1.0
    top = s.Frame(x_range, (-limit, limit), 220)
    bottom = s.Frame(x_range, (0.0, float(np.percentile(shake, 99.5)) or 1.0), 200, top=220)
    parts = _rep_shading(top, findings) + _rep_shading(bottom, findings)
    parts += s.axes(top, x_label="time (s)", y_label="m/s²", title="Acceleration, gravity removed")
    band = _band(findings.tremor_band_hz)
    parts += s.axes(bottom, x_label="time (s)", y_label="m/s²", title=f"Sustained shaking, {band}")
    for frame, times, values, colour in (
        (top, t, dynamic, "#555"),
        (bottom, t_shake, shake, TREMOR_COLOUR),
    ):
        parts.append(s.path(frame.x(times), frame.y(values), colour=colour, width=0.8))
    return s.svg(420, parts, label="acceleration with the reps shaded")


def _tremor_bars(findings: Findings) -> str:
    reps = findings.reps
    values = [r.tremor_rms_mps2 or 0.0 for r in reps]
    pre, post = findings.set.baseline_tremor_rms_mps2, findings.set.post_set_tremor_rms_mps2
    top = max([*values, pre or 0.0, post or 0.0, 1e-3]) * 1.15
    n = len(reps)
    frame = s.Frame((-1.0, n + 2.0), (0.0, top), 260)
    parts = s.axes(
        frame, x_label="rep", y_label="m/s²", title="Shaking per rep", x_ticks=s.rep_ticks(n)
    )
    parts.append(s.text(float(frame.x(0)), float(frame.y(0)) + 16, "rest", anchor="middle"))
    parts.append(s.text(float(frame.x(n + 1)), float(frame.y(0)) + 16, "rest", anchor="middle"))
    half = 0.35
    slots = [(0, pre, "rest before", "#9e9e9e")]
    slots += [(i + 1, v, f"rep {i + 1}", TREMOR_COLOUR) for i, v in enumerate(values)]
    slots += [(n + 1, post, "rest after", "#9e9e9e")]
    base = float(frame.y(0.0))
    for x, value, name, colour in slots:
        if value is None:
            continue
        parts.append(
            s.rect(
                float(frame.x(x - half)),
                base,
                float(frame.x(x + half)),
                float(frame.y(value)),
                fill=colour,
                title=f"{name}: {value:.3f} m/s²",
            )
        )
    if n >= 2:
        slope, intercept = np.polyfit(np.arange(1, n + 1), values, 1)
        ends = np.array([1.0, float(n)])
        parts.append(
            s.path(frame.x(ends), frame.y(intercept + slope * ends), colour="#c62828", width=2.0)
        )
    onset = findings.set.tremor_onset_rep
    if onset is not None:
        onset_x = float(frame.x(onset - 0.5))
        parts.append(
            f'<path d="M{onset_x:.1f},{frame.y(top):.1f} L{onset_x:.1f},{base:.1f}" '
            'stroke="#c62828" stroke-dasharray="4 3"/>'
        )
        parts.append(s.text(onset_x + 3, float(frame.y(top)) + 12, "onset", colour="#c62828"))
    return s.svg(260, parts, label="tremor per rep with trend")


def _spectrum(traces: Traces, findings: Findings) -> str:
    assert traces.spectrum is not None  # checked by the caller
    freqs = np.asarray(traces.spectrum.freq_hz)
    psd = np.maximum(np.asarray(traces.spectrum.psd), 1e-9)
    lo = float(max(np.percentile(psd, 1), psd.max() * 1e-6))
    frame = s.Frame(
        (float(freqs[0]), float(freqs[-1])), (lo, float(psd.max()) * 2), 260, log_y=True
    )
    y0, y1 = float(frame.y(lo)), float(frame.y(float(psd.max()) * 2))
    parts = []
    for band, colour in (
        (findings.fatigue_band_hz, FATIGUE_COLOUR),
        (findings.tremor_band_hz, TREMOR_COLOUR),
    ):
        parts.append(
            s.rect(
                float(frame.x(band[0])), y0, float(frame.x(band[1])), y1, fill=colour, opacity=0.12
            )
        )
    parts += s.axes(
        frame, x_label="frequency (Hz)", y_label="(m/s²)²/Hz", title="Spectrum during the reps"
    )
    parts.append(s.path(frame.x(freqs), frame.y(psd), colour="#333", width=1.2))
    peak = findings.set.tremor_peak_hz
    if peak is not None:
        x = float(frame.x(peak))
        parts.append(
            f'<path d="M{x:.1f},{y0:.1f} L{x:.1f},{y1:.1f}" stroke="#c62828" '
            'stroke-dasharray="4 3"/>'
        )
        parts.append(s.text(x + 3, y1 + 12, f"peak {peak:.1f} Hz", colour="#c62828"))
    return s.svg(260, parts, label="spectrum with the bands marked")


def _legs(findings: Findings) -> str:
    reps = [r for r in findings.reps if r.legs is not None]
    pairs = [
        (r.index, r.legs.left.tremor_rms_mps2 or 0.0, r.legs.right.tremor_rms_mps2 or 0.0)
        for r in reps
        if r.legs is not None
    ]
    top = max([max(a, b) for _, a, b in pairs] + [1e-3]) * 1.15
    n = max(i for i, _, _ in pairs)
    frame = s.Frame((0.0, n + 1.0), (0.0, top), 240)
    asym = findings.set.asymmetry_index_pct
    title = "Left vs right" + (f", asymmetry {asym:+.0f} %" if asym is not None else "")
    parts = s.axes(frame, x_label="rep", y_label="m/s²", title=title, x_ticks=s.rep_ticks(n))
    base = float(frame.y(0.0))
    for index, left, right in pairs:
        for offset, value, side in ((-0.36, left, "left"), (0.0, right, "right")):
            parts.append(
                s.rect(
                    float(frame.x(index + offset)),
                    base,
                    float(frame.x(index + offset + 0.34)),
                    float(frame.y(value)),
                    fill=LEG_COLOURS[side],
                    title=f"rep {index} {side}: {value:.3f} m/s²",
                )
            )
    return s.svg(240, parts, label="left leg against right leg")
