"""The history plot (``report/history_plot.py``): valid SVG, a load line, verdict-coloured dots."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from thrustlab.explanation.history import PastSet
from thrustlab.log.history import TrendRow
from thrustlab.report.history_plot import NO_VERDICT_COLOUR, VERDICT_COLOURS, history_svg

SVG = "{http://www.w3.org/2000/svg}"
DAY = dt.date(2024, 5, 1)


def _past(days: int, load: float, tremor: float | None, verdict: str | None) -> PastSet:
    return PastSet(
        DAY + dt.timedelta(days=days), "barbell_hip_thrust", load, 8, 8.0, tremor, None, verdict
    )


def test_the_plot_is_valid_svg_with_a_load_line_and_a_dot_per_measured_set() -> None:
    sets = [
        _past(0, 90.0, 0.3, "normal"),
        _past(0, 100.0, 0.4, "caution"),
        _past(3, 105.0, 0.9, "stop"),
        _past(6, 107.5, None, None),
    ]
    root = ET.fromstring(history_svg(sets, title="me & my <lifts>"))
    assert root.tag == f"{SVG}svg"
    (line,) = root.iter(f"{SVG}polyline")
    assert len(line.attrib["points"].split()) == 3  # one point per day: its heaviest set
    tremor_dots = [
        c for c in root.iter(f"{SVG}circle") if "m/s²" in (c.findtext(f"{SVG}title") or "")
    ]
    assert [c.attrib["fill"] for c in tremor_dots] == [
        VERDICT_COLOURS["normal"],
        VERDICT_COLOURS["caution"],
        VERDICT_COLOURS["stop"],
    ]
    assert root.findtext(f"{SVG}title") == "me & my <lifts>"


def test_heavier_loads_are_drawn_higher() -> None:
    rows = [
        TrendRow(DAY, 1, 80.0, 8, None, None, None),
        TrendRow(DAY + dt.timedelta(days=2), 1, 120.0, 8, None, None, "normal"),
    ]
    (line,) = ET.fromstring(history_svg(rows, title="t")).iter(f"{SVG}polyline")
    (x1, y1), (x2, y2) = (tuple(map(float, p.split(","))) for p in line.attrib["points"].split())
    assert x2 > x1 and y2 < y1  # SVG y grows downwards


def test_an_empty_history_says_so() -> None:
    text = history_svg([], title="t")
    assert "No sessions yet." in text
    ET.fromstring(text)
    assert NO_VERDICT_COLOUR not in text


def test_the_plot_fits_a_phone_with_axes_and_a_legend() -> None:
    """It scales to the page (a 380-unit viewBox: 13-unit text, 12 px at a phone's width),
    each panel has round ticks around its values (the shaking's from zero, so that noise
    between days does not look like a change), and the dots' colours are named."""
    sets = [_past(3 * i, 90.0 + 2.5 * i, 0.1 + 0.02 * i, "normal") for i in range(6)]
    root = ET.fromstring(history_svg(sets, title="t"))
    assert root.attrib["width"] == "100%" and root.attrib["viewBox"].split()[2] == "380"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"normal", "caution", "stop"} <= set(texts)
    assert {"90", "95", "100", "105"} <= set(texts)  # load 90-102.5: steps of 5 around it
    assert {"0", "0.1", "0.2"} <= set(texts) and "0.15" not in texts
    assert "2024-05-01" in texts and "2024-05-16" in texts


def test_the_load_axis_follows_the_lifters_unit() -> None:
    """An lb lifter reads pounds on the axis and in the points' tooltips; kg stays the unit
    of a lifter who never said."""
    sets = [_past(0, 100.0, 0.2, "normal"), _past(4, 102.058, 0.3, "normal")]
    root = ET.fromstring(history_svg(sets, title="t", weight_unit="lb"))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "load (lb)" in texts and "load (kg)" not in texts
    tips = [c.findtext(f"{SVG}title") for c in root.iter(f"{SVG}circle")]
    assert "220.5 lb" in tips and "225 lb" in tips  # 100 kg and 102.058 kg, to 0.1 lb
    assert {"220", "222", "224", "226"} <= set(texts)  # 220.5-225 lb in steps of 2
    assert "load (kg)" in [
        t.text for t in ET.fromstring(history_svg(sets, title="t")).iter(f"{SVG}text")
    ]
