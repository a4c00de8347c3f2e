"""The HTML report: self-contained, small, in reading order, and it renders in Chromium."""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from thrustlab.config import AnalysisConfig
from thrustlab.explanation import Answers, History, PastSet
from thrustlab.findings import Findings
from thrustlab.pipeline import process
from thrustlab.recording import Recording
from thrustlab.report.html import render_report
from thrustlab.simulate import scenario, simulate_recordings

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
    assert "<script" not in html and "@import" not in html and "url(" not in html
    assert not re.search(r"\b(src|href)\s*=", html)
    assert set(re.findall(r"https?://[^\s\"'<]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert 'name="viewport"' in html


def test_report_reads_in_order_with_every_plot(two_legs: Shown) -> None:
    _, _, html = two_legs
    order = [
        html.index(mark)
        for mark in ('class="verdict"', "Warning signs", "Likely causes", "<h2>Plan", "<h2>Plots")
    ]
    assert order == sorted(order)
    assert "STOP" in html and "Sharp pain" in html
    for label in (
        "acceleration with the reps shaded",
        "tremor per rep with trend",
        "spectrum with the bands marked",
        "left leg against right leg",
    ):
        assert f'aria-label="{label}"' in html
    assert "lower back &amp; &lt;hamstring&gt;" in html
    assert "<hamstring>" not in html


def test_report_without_a_recording() -> None:
    html = render_report(process([], answers=Answers(warmup_done=False)))
    assert "From your answers only" in html and "<svg" not in html
    assert "Not warmed up" in html


def test_report_names_only_the_bands_it_measured() -> None:
    """A 6-8 Hz analysis is labelled 6-8 Hz everywhere (no default band left in a label)."""
    config = AnalysisConfig(tremor_band_hz=(6.0, 8.0), fatigue_band_hz=(3.5, 5.5))
    analysis = process(_recordings("fatigue", n_reps=6), config=config)
    html = render_report(analysis)
    assert analysis.findings is not None and analysis.findings.tremor_band_hz == (6.0, 8.0)
    assert "6-8 Hz" in html and "3.5-5.5 Hz" in html
    assert "6-12 Hz" not in html and "3-6 Hz" not in html
    assert 'aria-label="spectrum with the bands marked"' in html


def test_the_report_re_runs_nothing() -> None:
    """Rendered from the stored document alone, the report is the same page."""
    from thrustlab.document import from_document, to_document

    analysis = process(_recordings("fatigue", n_reps=6))
    stored, fresh = render_report(from_document(to_document(analysis))), render_report(analysis)
    # The document keeps 4 decimals, so a plot's coordinate may move by 0.1 px; the words,
    # numbers and figures are the same.
    svg = re.compile(r"<svg.*?</svg>", re.S)
    assert svg.sub("", stored) == svg.sub("", fresh)
    assert re.findall(r'aria-label="[^"]+"', stored) == re.findall(r'aria-label="[^"]+"', fresh)


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
