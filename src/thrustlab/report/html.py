"""The HTML report: one self-contained file (inline CSS, charts and their library, nothing
fetched, so it works offline) that reads well on a phone. Verdict, warning signs, causes with
their evidence, the plan, the per-rep table, then the charts (``report.charts``, drawn by
uPlot): the thigh's angle through the set with the reps shaded and, beneath it on the same
time axis, the shaking; shaking per rep with its trend, the spectrum with the bands marked,
left against right, and the history (loads in the lifter's unit) when there is one.

It renders an ``Analysis`` and nothing else: every number, trace, band and text comes from
it (the findings carry the traces; the assessment its texts and citations).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from thrustlab.analysis import Analysis
from thrustlab.explanation.assessment import (
    NOT_MEASURED,
    Assessment,
    CauseFinding,
    Evidence,
    PlanItem,
    RedFlag,
    said_once,
)
from thrustlab.explanation.history import History
from thrustlab.explanation.questions import WeightUnit
from thrustlab.findings import Findings
from thrustlab.report import charts as c
from thrustlab.report.assessment_view import badge
from thrustlab.report.cells import band
from thrustlab.report.rep_table import asymmetry_words, rep_table

URGENCY_WORDS = {"now": "stop now", "soon": "watch this; see a professional if it goes on"}
VERDICT_COLOURS = {"normal": "#2e7d32", "caution": "#e65100", "stop": "#c62828"}
NOT_MEASURED_COLOUR = "#546e7a"

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
.notes{border-left:4px solid #f9a825;background:#fffde7;border-radius:8px;padding:8px 12px;
margin:8px 0}.notes h2{margin:0 0 4px;font-size:1rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 12px;margin:8px 0}
.card h3{margin:0 0 4px;font-size:1rem}
ul{padding-left:1.2rem;margin:.3rem 0}li{margin:.15rem 0}
.ev small,.src{color:#666}.against{color:#6d4c41}
table{border-collapse:collapse;font-size:.9rem}td,th{padding:2px 8px;text-align:left;
border-bottom:1px solid #eee}
.chart{width:100%;min-height:120px}
.uplot .u-title{font-size:1rem;font-weight:600;text-align:left;padding:2px 4px}
.uplot .u-legend{font-size:.85rem;text-align:left}
.uplot .u-legend th{font-weight:500}
figure{margin:10px 0;background:#fff;border:1px solid #ddd;border-radius:8px;padding:6px}
figcaption{font-size:.85rem;color:#555;padding:0 4px 4px}
footer{margin-top:28px;font-size:.8rem;color:#666}
details.missing{margin:12px 0}details.missing summary{font-weight:600;cursor:pointer}
.speed{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0 10px}
.fig{flex:1 1 220px;background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px 10px}
.scroll{overflow-x:auto;margin-bottom:12px}
table.reps{font-variant-numeric:tabular-nums;background:#fff}
table.reps td,table.reps th{text-align:right;white-space:nowrap;padding:3px 6px}
table.reps th{font-weight:600;border-bottom:2px solid #ccc;white-space:normal;min-width:2.5em}
table.reps td:first-child,table.reps th:first-child{position:sticky;left:0;background:#fff}
td{white-space:nowrap}
table.figures td{white-space:normal;min-width:6.5em}
"""


def render_report(
    analysis: Analysis,
    /,
    *,
    history: History | None = None,
    weight_unit: WeightUnit | None = None,
) -> str:
    """The whole report as one HTML string (``history``: the lifter's log, for its plot;
    ``weight_unit``: the lifter's unit for loads, kg when never said)."""
    findings, assessment = analysis.findings, analysis.assessment
    body = [
        _header(findings),
        _verdict(assessment),
        _red_flags(assessment.red_flags),
        _recording_notes(findings),
        _causes(assessment.causes),
        _plan(assessment),
        _measurements(findings),
        _plots(findings, history, weight_unit),
        _footer(assessment),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>thrustlab report: {escape(badge(assessment).lower())}</title>"
        f"<style>{CSS}{c.styles()}</style></head><body><main>"
        + "".join(body)
        + "</main></body></html>"
    )


# --- text sections --------------------------------------------------------------------------


def _header(findings: Findings | None) -> str:
    if findings is None:
        meta = "From your answers only (no recording)."
    else:
        src = findings.source
        meta = (
            f"From a {escape(src.format_in_words)}: {src.duration_s:.0f} s at "
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


def _recording_notes(findings: Findings | None) -> str:
    """The recording's warnings and errors, under the verdict: what the figures rest on
    (another set left out, a rate too low for the shaking, gaps). Notes for information stay
    with the measurements."""
    if findings is None:
        return ""
    items = "".join(
        f"<li>{escape(q.message)}</li>" for q in findings.quality if q.severity != "info"
    )
    return (
        f'<section class="notes"><h2>About this recording</h2><ul>{items}</ul></section>'
        if items
        else ""
    )


def _causes(causes: Sequence[CauseFinding]) -> str:
    if not causes:
        return (
            "<section><h2>Likely causes</h2><p>Nothing points to a particular cause.</p></section>"
        )
    cards = []
    for cause in causes:
        cards.append(
            f'<div class="card"><h3>{escape(cause.name)} <small>({cause.strength} evidence)'
            f"</small></h3><p>{escape(cause.long)}</p>{_evidence_items(said_once(cause.evidence))}</div>"
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
        missing = (
            f'<details class="missing"><summary>Answers that could change this '
            f"({len(a.missing)})</summary><ul>{rows}</ul></details>"
        )
    return "<section><h2>Plan</h2>" + "".join(map(card, a.strategies)) + missing + "</section>"


def _measurements(findings: Findings | None) -> str:
    if findings is None:
        return ""
    m = findings.set
    rows = [
        ("Reps", m.rep_count, ""),
        (f"Shaking ({band(findings.tremor_band_hz)} RMS)", m.tremor_rms_mps2, "m/s²"),
        ("Peak frequency", m.tremor_peak_hz, "Hz"),
        ("Trend: last third of the reps against the first", m.tremor_trend_ratio, "times"),
        ("Shaking stays up from rep", m.tremor_onset_rep or "no clear onset", ""),
        ("At rest before the set", m.baseline_tremor_rms_mps2, "m/s²"),
        ("At rest after the set", m.post_set_tremor_rms_mps2, "m/s²"),
        ("Asymmetry index", asymmetry_words(m.asymmetry_index_pct), ""),
    ]
    cells = "".join(
        f"<tr><th>{escape(name)}</th><td>{_fmt(value)} {'' if value is None else unit}</td></tr>"
        for name, value, unit in rows
    )
    notes = "".join(
        f"<li>{escape(q.message)}</li>" for q in findings.quality if q.severity == "info"
    )
    quality = f"<p class='meta'>Data notes:</p><ul class='meta'>{notes}</ul>" if notes else ""
    return (
        f'<section><h2>Measurements</h2>{_reps(findings)}<table class="figures">{cells}</table>'
        f"{quality}</section>"
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
        return NOT_MEASURED
    if isinstance(value, int | str):
        return str(value)
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"


def _footer(a: Assessment) -> str:
    cites = "".join(f"<li>{escape(cite)}</li>" for cite in a.sources)
    return (
        "<footer><p>thrustlab is not a medical device. It shows what the measurements and "
        "your answers suggest; it does not diagnose. See a professional when a warning sign "
        f"appears or keeps coming back.</p><p>Sources:</p><ul class='src'>{cites}</ul></footer>"
    )


# --- plots ---------------------------------------------------------------------------------


def _specs(
    findings: Findings | None, history: History | None, weight_unit: WeightUnit | None
) -> list[tuple[c.Spec, str]]:
    """Each chart's spec with its caption, in reading order: the set as it went (the thigh,
    the shaking beneath it on the same time axis), then the figures."""
    charts: list[tuple[c.Spec, str]] = []
    traces = findings.traces if findings is not None else None
    if findings is not None and traces is not None and traces.angle is not None:
        charts.append((c.thigh_over_time(traces.angle, findings), _THIGH_CAPTION))
    if findings is not None and traces is not None:
        caption = _shaking_caption(findings, beneath_thigh=traces.angle is not None)
        charts.append((c.shaking_over_time(traces, findings), caption))
    if findings is not None and findings.reps:
        charts.append((c.shaking_per_rep(findings), _BARS_CAPTION))
    if findings is not None and traces is not None and traces.spectrum is not None:
        charts.append((c.spectrum(traces, findings), _spectrum_caption(findings)))
    if findings is not None and any(r.legs is not None for r in findings.reps):
        charts.append((c.legs(findings), _LEGS_CAPTION))
    if history is not None and history.sets:
        charts.append((c.history(history.sets, weight_unit=weight_unit), _HISTORY_CAPTION))
    return charts


def _plots(
    findings: Findings | None, history: History | None, weight_unit: WeightUnit | None
) -> str:
    charts = _specs(findings, history, weight_unit)
    if not charts:
        return ""
    figures = "".join(
        f'<figure><div class="chart" id="{spec["id"]}" role="img" '
        f'aria-label="{escape(spec["title"])}"></div><figcaption>{escape(caption)}</figcaption>'
        "</figure>"
        for spec, caption in charts
    )
    library, code = c.scripts()
    return (
        f"<section><h2>Plots</h2>{_HOW_TO_READ}{figures}</section>"
        f'<script type="application/json" id="thrustlab-charts">'
        f"{c.specs_json([spec for spec, _ in charts])}</script>"
        f"<script>{library}</script><script>{code}</script>"
    )


_HOW_TO_READ = (
    '<p class="meta">Drag across a chart to zoom in (into one rep, say); double-click to zoom '
    "out. The line under each chart gives the values under your finger or pointer.</p>"
)


_THIGH_CAPTION = (
    "Your thigh's angle through the set: it rises as your hips go up (0° is the bottom of "
    "your reps). Light blue areas are the reps; the darker, numbered part is the hold at the "
    "top. Zoom here and the shaking below follows."
)


def _shaking_caption(findings: Findings, /, *, beneath_thigh: bool) -> str:
    where = ", on the same time line as your thigh above" if beneath_thigh else ", as measured"
    return (
        f"The sustained shaking ({band(findings.tremor_band_hz)}) through the set{where}: "
        "the brief jolts where the movement stops are left out. Light blue areas are the reps; "
        "the darker, numbered part is the hold at the top."
    )


_BARS_CAPTION = (
    "Shaking in each rep (blue bars), its trend (red line), and the leg at rest before (pre) "
    "and after (post) the set (grey). Rising bars fit fatigue; high first bars that ease fit "
    "a short warm-up."
)


def _spectrum_caption(findings: Findings) -> str:
    return (
        f"Where the shaking sits in frequency during the reps. Blue band: "
        f"{band(findings.tremor_band_hz)} (the usual shake of working muscles); orange band: "
        f"{band(findings.fatigue_band_hz)} (slower shaking that grows with a tired nervous "
        "system)."
    )


_LEGS_CAPTION = (
    "Shaking per rep: blue the left leg, orange the right. The asymmetry index compares the "
    "legs' difference with their mean; above 15 % is large."
)
_HISTORY_CAPTION = (
    "Your logged sessions: the heaviest load of each day (blue line, left scale) and the "
    "shaking (orange dots, right scale)."
)
