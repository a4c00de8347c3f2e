"""The HTML report: self-contained, small, in reading order, and it renders in Chromium."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

from thrustlab.config import AnalysisConfig
from thrustlab.explanation import Answers, History, PastSet
from thrustlab.explanation.questions import in_unit
from thrustlab.findings import Findings
from thrustlab.pipeline import process
from thrustlab.recording import Recording
from thrustlab.report.html import render_report
from thrustlab.simulate import SimulationSpec, scenario, simulate_recordings, simulate_set

TODAY = datetime.date(2026, 11, 23)
Shown = tuple[Findings, tuple[Recording, ...], str]
MAX_BYTES = 2_000_000
CHROMIUM = "/usr/bin/chromium"


def _recordings(name: str, *, n_reps: int = 12) -> tuple[Recording, ...]:
    recordings, _ = simulate_recordings(dataclasses.replace(scenario(name, seed=3), n_reps=n_reps))
    return recordings


@pytest.fixture(scope="module")
def two_legs() -> tuple[Findings, tuple[Recording, ...], str]:
    recordings = _recordings("asymmetry")
    history = History(
        tuple(
            PastSet(
                TODAY - datetime.timedelta(days=d),
                "barbell_hip_thrust",
                95.0,
                10,
                8.0,
                0.1,
                -25.0,
                "caution",
            )
            for d in (10, 6, 3)
        )
    )
    answers = Answers(
        load_kg=100.0,
        rpe=9.0,
        warmup_minutes=3,
        pain="sharp",
        pain_where="lower back & <hamstring>",
    )
    analysis = process(recordings, answers=answers, history=history, today=TODAY)
    assert analysis.findings is not None
    html = render_report(analysis, history=history)
    return analysis.findings, recordings, html


def test_report_is_self_contained_and_small(two_legs: Shown) -> None:
    findings, _, html = two_legs
    assert findings.source.duration_s >= 60.0
    assert len(html.encode("utf-8")) < MAX_BYTES
    # the chart data, the chart library and the charts' code, all inline: nothing fetched
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="application/json" id="thrustlab-charts">',
        "<script>",
        "<script>",
    ]
    assert "@import" not in html and "url(" not in html
    assert not re.search(r"<[^>]+\b(src|href)\s*=", html)
    # the one address is in the vendored library's licence header, not fetched
    assert set(re.findall(r"https?://[^\s\"'<]+", html)) <= {"https://github.com/leeoniya/uPlot"}
    assert 'name="viewport"' in html


def test_report_reads_in_order_with_every_plot(two_legs: Shown) -> None:
    _, _, html = two_legs
    order = [
        html.index(mark)
        for mark in ('class="verdict"', "Warning signs", "Likely causes", "<h2>Plan", "<h2>Plots")
    ]
    assert order == sorted(order)
    assert "STOP" in html and "Sharp pain" in html
    charts = ("chart-thigh", "chart-shaking", "chart-reps", "chart-spectrum", "chart-legs")
    for chart in (*charts, "chart-history"):
        assert f'<div class="chart" id="{chart}"' in html
    assert "lower back &amp; &lt;hamstring&gt;" in html
    assert "<hamstring>" not in html


def test_report_without_a_recording() -> None:
    html = render_report(process([], answers=Answers(warmup_done=False)))
    assert "From your answers only" in html and 'class="chart"' not in html
    assert "<script" not in html  # nothing to draw, no chart library
    assert "Not warmed up" in html


def test_report_names_only_the_bands_it_measured() -> None:
    """A 6-8 Hz analysis is labelled 6-8 Hz everywhere (no default band left in a label)."""
    config = AnalysisConfig(tremor_band_hz=(6.0, 8.0), fatigue_band_hz=(3.5, 5.5))
    analysis = process(_recordings("fatigue", n_reps=6), config=config)
    html = render_report(analysis)
    assert analysis.findings is not None and analysis.findings.tremor_band_hz == (6.0, 8.0)
    assert "6-8 Hz" in html and "3.5-5.5 Hz" in html
    assert "6-12 Hz" not in html and "3-6 Hz" not in html
    assert '<div class="chart" id="chart-spectrum"' in html


def test_a_band_the_rate_leaves_nothing_of_reads_as_where_it_starts() -> None:
    """At 10 Hz the 6-12 Hz band is cut to 6-4.04 Hz (nothing): the pages say "6 Hz and up"
    beside "not measured", never a band that runs backwards."""
    recording, _ = simulate_set(dataclasses.replace(SimulationSpec(seed=5), rate_hz=10.0))
    analysis = process([recording])
    assert analysis.findings is not None
    low, high = analysis.findings.tremor_band_hz
    assert high < low
    html = render_report(analysis)
    assert "6 Hz and up" in html and f"6-{high:g} Hz" not in html
    # what the figures rest on comes under the verdict; notes for information stay below
    about = html.index("About this recording")
    assert html.index('class="verdict"') < about < html.index("Likely causes")
    assert html.index("cannot be measured. Record at 100 Hz", about) < html.index("Likely causes")
    assert html.index("No still second before the first rep") > html.index("Data notes")


def test_the_report_re_runs_nothing() -> None:
    """Rendered from the stored document alone, the report is the same page."""
    from thrustlab.document import from_document, to_document

    analysis = process(_recordings("fatigue", n_reps=6))
    stored, fresh = render_report(from_document(to_document(analysis))), render_report(analysis)
    # The document keeps 4 decimals, so a chart's point may move in its last digit; the
    # words, numbers, figures and charts are the same.
    data = re.compile(r'<script type="application/json" id="thrustlab-charts">.*?</script>', re.S)
    assert data.sub("", stored) == data.sub("", fresh)
    assert re.findall(r'class="chart" id="[^"]+"', stored) == re.findall(
        r'class="chart" id="[^"]+"', fresh
    )


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_report_renders_in_headless_chromium(two_legs: Shown, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is missing in CI: .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    _, _, html = two_legs
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / "report.png"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--screenshot={shot}",
        "--window-size=412,2400",
        page.as_uri(),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    assert _png_size(shot) == (412, 2400)
    assert shot.stat().st_size > 20_000  # a blank page compresses to a few kB
    keep = os.environ.get("THRUSTLAB_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / "report-phone.png")


def _plain(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup).replace("\u00a0", " "))


def test_the_report_shows_the_rep_table_with_velocity_loss_and_slowdown(two_legs: Shown) -> None:
    """Each rep's start, way up, hold, way down, range, shaking and peak, each leg's
    shaking, and the set's velocity loss and slowdown worded by their definitions."""
    findings, _, html = two_legs
    text = _plain(html)
    for header in ("Start (s)", "Up (s)", "Hold (s)", "Down (s)", "Range (°)", "Peak (Hz)"):
        assert f">{header}</th>" in html
    assert "Left (m/s²)" in html and "Right (m/s²)" in html
    rows = re.findall(r"<tr>((?:<td>[^<]*</td>)+)</tr>", html)
    assert len(rows) == findings.set.rep_count
    for rep, row in zip(findings.reps, rows, strict=True):
        cells = re.findall(r"<td>([^<]*)</td>", row)
        assert cells[1] == f"{rep.start_s:.1f}" and cells[2] == f"{rep.concentric_s:.2f}"
        assert cells[5] == f"{rep.rom_deg:.0f}"
    loss, slowdown = findings.set.velocity_loss_pct, findings.set.concentric_slowdown_pct
    assert loss is not None and slowdown is not None
    if loss > 0:
        assert f"Velocity loss {loss:.0f} %: the last rep went up {loss:.0f} % slower" in text
    else:  # the last rep was the fastest: no "0 %" or "-3 %" to misread
        assert "Velocity loss none: the last rep went up as fast as the fastest" in text
    if slowdown > 0:
        assert f"Slowdown {slowdown:.0f} %: the way up took {slowdown:.0f} % longer" in text
    else:
        assert "Slowdown none: the way up took no longer" in text
    assert "-0 %" not in text and "-1 %" not in text


def test_the_terminal_shows_the_same_rep_table() -> None:
    from rich.console import Console

    from thrustlab.report.terminal import findings_view

    analysis = process(_recordings("fatigue", n_reps=8))
    assert analysis.findings is not None
    console = Console(width=80, record=True)
    console.print(findings_view(analysis.findings))
    text = console.export_text().replace("\u00a0", " ")
    assert "Start" in text and "Hold" in text and "Shaking" in text and "…" not in text
    rep = analysis.findings.reps[-1]
    last_row = next(line for line in text.splitlines() if line.strip().startswith("8 "))
    assert f"{rep.start_s:.1f}" in last_row and f"{rep.eccentric_s:.2f}" in last_row
    assert "Velocity loss" in text and "Slowdown" in text
    assert "tremor m/s2" not in text and "ROM deg" not in text


def test_the_recording_is_named_in_words_not_by_its_format_id(tmp_path: Path) -> None:
    """Both reports' first line said "csv" or "sensorlogger-sqlite"; every format the
    readers take now has words, and a video names its codec."""
    from rich.console import Console

    from thrustlab.findings import FORMAT_NAMES, SourceSummary
    from thrustlab.readers import FORMATS
    from thrustlab.report.terminal import findings_view
    from thrustlab.simulate import to_csv_text

    assert set(FORMATS) <= set(FORMAT_NAMES)
    path = tmp_path / "set.csv"
    path.write_text(to_csv_text(_recordings("fatigue", n_reps=6)[0]), encoding="utf-8")
    analysis = process([path])
    assert analysis.findings is not None
    rate = analysis.findings.source.sample_rate_hz
    console = Console(width=120, record=True)
    console.print(findings_view(analysis.findings))
    assert "set.csv: sensor CSV, " in console.export_text()
    assert '<p class="meta">From a sensor CSV: ' in render_report(analysis)
    assert f"s at {rate:.0f} Hz, 6 reps." in render_report(analysis)

    def words(fmt: str) -> str:
        return SourceSummary("sensor", fmt, 60.0, 100.0).format_in_words

    assert words("sensorlogger-sqlite") == "Sensor Logger SQLite export"
    assert words("video/h264") == "video (h264)"
    assert words("something-new") == "something-new"  # as it is, not a guess


@pytest.mark.parametrize("width_px", [390, 1280])
def test_the_charts_draw_fit_the_width_and_show_values_on_hover(
    two_legs: Shown, tmp_path: Path, width_px: int
) -> None:
    """In Chromium, offline: every chart draws inside the page's width (a phone's too), with
    its legend; the pointer over a rep shows that rep's shaking in the legend."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    findings, _, html = two_legs
    page_file = tmp_path / "report.html"
    page_file.write_text(html, encoding="utf-8")
    errors: list[str] = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": width_px, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.route(
                "**/*",
                lambda route: (
                    route.abort()
                    if not route.request.url.startswith("file:")
                    else route.continue_()
                ),
            )
            page.add_init_script(DRAWN_TEXTS)
            page.goto(page_file.as_uri())
            # every rep numbered on the thigh's chart, a phone's width too (with a gap of 6
            # px between numbers, a set of 10 reps lost its "10" at 390 px)
            drawn = page.evaluate("window.drawnTexts['chart-thigh'] || []")
            labels = [t for t in drawn if t["colour"] == REP_LABEL_COLOUR]
            assert [t["text"] for t in labels] == [str(r.index) for r in findings.reps]
            for a, b in itertools.combinations(labels, 2):  # none overlaps another
                assert a["y"] != b["y"] or abs(a["x"] - b["x"]) >= (a["width"] + b["width"]) / 2
            # nothing wider than the screen (wide tables scroll inside their own box)
            assert page.evaluate("document.documentElement.scrollWidth") <= width_px
            charts = page.locator(".chart")
            assert charts.count() == 6
            for i in range(charts.count()):
                box = charts.nth(i).locator("canvas").bounding_box()
                assert box is not None and box["x"] > 0 and box["x"] + box["width"] <= width_px
                assert charts.nth(i).locator(".u-legend").count() == 1
            legends = page.locator("#chart-legs .u-legend").inner_text()
            assert "Left" in legends and "Right" in legends
            assert "–" not in legends  # no placeholder before the pointer comes
            reps = page.locator("#chart-reps .u-over")
            reps.scroll_into_view_if_needed()
            over = reps.bounding_box()
            assert over is not None
            n = findings.set.rep_count
            x_range = (-0.6, n + 1.6)  # the chart's x range: rest, reps 1..n, rest
            x = over["x"] + over["width"] * (n - x_range[0]) / (x_range[1] - x_range[0])
            page.mouse.move(x - 20, over["y"] + over["height"] / 2)
            page.mouse.move(x, over["y"] + over["height"] / 2, steps=4)
            legend = page.locator("#chart-reps .u-legend").inner_text()
            shaking = findings.reps[-1].tremor_rms_mps2
            assert shaking is not None and f"{shaking:.3f} m/s²" in legend and f"rep {n}" in legend
            _drag_zooms_the_thigh_and_the_shaking_beneath(page, findings)
            keep = os.environ.get("THRUSTLAB_SCREENSHOT_DIR")
            if keep:
                page.screenshot(path=Path(keep) / f"report-{width_px}.png", full_page=True)
        finally:
            browser.close()
    assert errors == []


REP_LABEL_COLOUR = "#333333"
"""The colour ``charts.js`` draws the reps' numbers in (the axes' is #444)."""
DRAWN_TEXTS = """
window.drawnTexts = {};
const fillText = CanvasRenderingContext2D.prototype.fillText;
CanvasRenderingContext2D.prototype.fillText = function (text, x, y) {
  const chart = this.canvas.closest('.chart');
  const id = chart ? chart.id : '';
  const width = this.measureText(text).width;
  const left = { center: x - width / 2, right: x - width, end: x - width }[this.textAlign];
  (window.drawnTexts[id] = window.drawnTexts[id] || []).push({
    text: String(text), x: x, y: y, width: width, colour: this.fillStyle,
    left: left === undefined ? x : left, canvasWidth: this.canvas.width });
  return fillText.apply(this, arguments);
};
"""
"""Records the texts each chart draws on its canvas (with where, how wide and in which
colour, where the text starts and how wide the canvas is), by the chart's id."""
MARK_COLOUR = "#c62828"
"""The colour of a marked moment's line and label (``charts.js``)."""
AXIS_COLOUR = "#444444"
"""The colour of the axes' values (``charts.js``)."""


@pytest.mark.parametrize("width_px", [390, 1280])
@pytest.mark.parametrize("n_reps", [9, 10])
def test_the_per_rep_chart_keeps_its_names_and_marks_legible(
    tmp_path: Path, width_px: int, n_reps: int
) -> None:
    """On a phone's width: the reps' names under the bars do not touch (with 10 reps "10"
    ran into "post"), the first and last ("pre", "post") stay and at most every other rep's
    is left out (none on a desktop's), and the onset's label is drawn whole inside the chart
    (with 9 reps it ran past the right edge at 390 px)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    analysis = process(_recordings("fatigue", n_reps=n_reps))
    assert analysis.findings is not None and analysis.findings.set.rep_count == n_reps
    html = render_report(analysis)
    marks = _chart_specs(html)["chart-reps"]["marks"]
    assert isinstance(marks, list) and len(marks) == 1  # the onset, past the middle
    page_file = tmp_path / "report.html"
    page_file.write_text(html, encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": width_px, "height": 900})
            page.add_init_script(DRAWN_TEXTS)
            page.goto(page_file.as_uri())
            drawn = page.evaluate("window.drawnTexts['chart-reps'] || []")
        finally:
            browser.close()
    (mark,) = [t for t in drawn if t["colour"] == MARK_COLOUR]
    assert mark["text"] == marks[0]["label"]
    assert mark["left"] >= 0 and mark["left"] + mark["width"] <= mark["canvasWidth"]
    names_y = next(t["y"] for t in drawn if t["text"] == "pre" and t["colour"] == AXIS_COLOUR)
    names = [t for t in drawn if t["colour"] == AXIS_COLOUR and t["y"] == names_y]
    shown = [t["text"] for t in names]
    assert shown[0] == "pre" and shown[-1] == "post"
    reps_shown = [int(text) for text in shown[1:-1]]
    if width_px >= 1280:
        assert reps_shown == list(range(1, n_reps + 1))
    else:
        assert reps_shown == sorted(reps_shown)
        assert max(b - a for a, b in itertools.pairwise([0, *reps_shown, n_reps + 1])) <= 2
    for a, b in itertools.pairwise(names):  # two pixels apart at least
        assert b["left"] >= a["left"] + a["width"] + 2


def _chart_specs(html: str) -> dict[str, dict[str, object]]:
    found = re.search(r'<script type="application/json" id="thrustlab-charts">(.*?)</script>', html)
    assert found is not None
    return {spec["id"]: spec for spec in json.loads(found.group(1))}


ANGLE_TOLERANCE_DEG = 5.0
"""The angle is drawn through the middle of short bins (``ANGLE_BINS``): within 5° of the
angle the reps were measured on, as the bins' docstring works out."""


def test_the_thigh_angle_is_measured_and_drawn_above_the_shaking(two_legs: Shown) -> None:
    """The thigh's angle (the signal the reps were found on) is in the traces and the page:
    each rep rises from about 0° to about its range of motion, and the chart shares its time
    line (zoom and pointer) with the shaking drawn beneath it."""
    findings, _, html = two_legs
    assert findings.traces is not None and findings.traces.angle is not None
    angle = findings.traces.angle
    assert angle.unit == "°" and len(angle.low) == len(angle.high) > 100
    specs = _chart_specs(html)
    thigh = specs["chart-thigh"]
    drawn = thigh["series"][0]["values"]  # type: ignore[index]
    assert drawn == [round((lo + hi) / 2, 1) for lo, hi in zip(angle.low, angle.high, strict=True)]
    times = thigh["x"]
    assert isinstance(times, list) and len(times) == len(drawn)
    for rep in findings.reps:
        hold_s = (rep.lockout_start_s + rep.lockout_end_s) / 2
        bottom, top = (float(np.interp(t, times, drawn)) for t in (rep.start_s, hold_s))
        assert abs(bottom) < ANGLE_TOLERANCE_DEG, (rep.index, bottom)
        assert abs(top - bottom - rep.rom_deg) < ANGLE_TOLERANCE_DEG, (rep.index, top, rep.rom_deg)
    assert html.index('id="chart-thigh"') < html.index('id="chart-shaking"')
    shaking = specs["chart-shaking"]
    assert thigh["sync"] == shaking["sync"] and thigh["x_range"] == shaking["x_range"]
    assert thigh["areas"] == shaking["areas"]  # the same reps shaded on both


def test_the_angle_is_stored_and_an_older_document_without_it_still_reads() -> None:
    from thrustlab.document import from_document, to_document

    analysis = process(_recordings("fatigue", n_reps=6))
    document = to_document(analysis)
    assert document["traces"]["angle"]["unit"] == "°"
    back = from_document(document)
    assert back.findings is not None and analysis.findings is not None
    assert back.findings.traces == analysis.findings.traces
    del document["traces"]["angle"]  # stored before the angle was kept
    older = from_document(document)
    assert older.findings is not None and older.findings.traces is not None
    assert older.findings.traces.angle is None
    html = render_report(older)
    assert 'id="chart-thigh"' not in html and 'id="chart-shaking"' in html


def test_the_history_chart_gives_loads_in_the_lifters_unit(two_legs: Shown) -> None:
    _, recordings, _ = two_legs
    day = datetime.timedelta(days=1)
    sets = tuple(
        PastSet(TODAY - d * day, "barbell_hip_thrust", kg, 8, 8.0, 0.1, None, None)
        for d, kg in ((9, 90.0), (2, 102.06))
    )
    history = History(sets)
    analysis = process(recordings, history=history, today=TODAY)
    for unit in ("lb", "kg"):
        html = render_report(analysis, history=history, weight_unit=unit)
        chart = _chart_specs(html)["chart-history"]
        load = chart["series"][0]  # type: ignore[index]
        assert chart["y_label"] == unit and load["unit"] == unit
        assert load["values"] == [round(in_unit(s.load_kg or 0.0, unit), 1) for s in sets]
    never_said = _chart_specs(render_report(analysis, history=history))["chart-history"]
    assert never_said["y_label"] == "kg"


def _legend_time_s(page: object, chart: str) -> float:
    text = page.locator(f"#{chart} .u-legend").inner_text()  # type: ignore[attr-defined]
    found = re.search(r"([0-9.]+) s", text)
    assert found is not None, text
    return float(found.group(1))


def _drag_zooms_the_thigh_and_the_shaking_beneath(page: object, findings: Findings) -> None:
    """Dragging across the thigh chart zooms it and the shaking chart to that span (the
    pointer at the plot's right edge reads a time inside it on both); a double-click shows
    the whole set again."""
    over = page.locator("#chart-thigh .u-over")  # type: ignore[attr-defined]
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    y = box["y"] + box["height"] / 2
    whole_s = findings.source.duration_s
    mouse = page.mouse  # type: ignore[attr-defined]

    def pointer_at(fraction: float) -> tuple[float, float]:
        mouse.move(box["x"] + box["width"] * fraction, y, steps=2)
        return _legend_time_s(page, "chart-thigh"), _legend_time_s(page, "chart-shaking")

    mouse.move(box["x"] + box["width"] * 0.3, y)
    mouse.down()
    mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    mouse.up()
    thigh_s, shaking_s = pointer_at(0.99)
    # about 45 % of the set; a bin's width either way (0.2 s on the shaking's bins)
    assert thigh_s < 0.5 * whole_s and shaking_s < 0.5 * whole_s, (thigh_s, shaking_s)
    assert abs(thigh_s - shaking_s) < 0.5
    mouse.dblclick(box["x"] + box["width"] * 0.5, y)
    thigh_s, shaking_s = pointer_at(0.99)
    assert thigh_s > 0.9 * whole_s and shaking_s > 0.9 * whole_s


def test_a_ten_minute_recording_makes_no_larger_a_report() -> None:
    """Every trace is thinned to a fixed number of points, so ten minutes of rest around the
    set (a phone left recording) keep the report far under 2 MB."""
    from thrustlab.measurement.traces import ANGLE_BINS, PLOT_BINS
    from thrustlab.simulate import SimulationSpec, simulate_set

    recording, _ = simulate_set(SimulationSpec(seed=5, rest_before_s=240.0, rest_after_s=300.0))
    assert recording.duration_s > 590.0
    analysis = process([recording])
    assert analysis.findings is not None and analysis.findings.traces is not None
    traces = analysis.findings.traces
    assert traces.angle is not None and len(traces.angle.low) <= ANGLE_BINS
    assert len(traces.shaking.low) <= PLOT_BINS and len(traces.movement.low) <= PLOT_BINS
    html = render_report(analysis)
    assert len(html.encode("utf-8")) < MAX_BYTES / 10
    assert 'id="chart-thigh"' in html


def test_the_trend_line_is_drawn_over_the_measured_reps_only() -> None:
    """Reps 11-20 of a set whose phone lowered its rate were not measured: their bars are
    gone, and the trend line, fitted through reps 1-10, stopped there instead of running on
    over ten reps with no figure under it. A rep not measured between measured ones keeps
    the line (it joins them)."""
    from thrustlab.report.charts import shaking_per_rep

    base = process(_recordings("fatigue", n_reps=12)).findings
    assert base is not None
    rms = [0.1 + 0.01 * i for i in range(12)]
    for gone, drawn in (({9, 10, 11}, range(1, 10)), ({4}, range(1, 13))):
        reps = tuple(
            dataclasses.replace(rep, tremor_rms_mps2=None if i in gone else rms[i])
            for i, rep in enumerate(base.reps)
        )
        spec = shaking_per_rep(dataclasses.replace(base, reps=reps))
        trend = next(s["values"] for s in spec["series"] if s["label"] == "Trend")
        assert [i for i, v in enumerate(trend) if v is not None] == list(drawn)
