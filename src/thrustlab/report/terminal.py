"""Terminal rendering of an Analysis: the per-rep table with the set's velocity loss and
slowdown, a one-screen summary (rich), then the assessment."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from thrustlab.analysis import Analysis
from thrustlab.explanation.assessment import NOT_MEASURED
from thrustlab.findings import Findings
from thrustlab.report.assessment_view import assessment_view
from thrustlab.report.cells import band
from thrustlab.report.rep_table import asymmetry_words, rep_table

SEVERITY_STYLE = {"info": "dim", "warning": "yellow", "error": "bold red"}


def rep_table_view(findings: Findings, /) -> Group:
    """One row per rep (``report.rep_table``), the set's velocity loss and slowdown under it
    (lines of their own: a caption would wrap them at the table's width)."""
    table = rep_table(findings)
    view = Table(title="Reps", title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    for i, header in enumerate(table.headers):  # wrapped between words, never cut in one
        width = max([*map(len, header.split()), *(len(row[i]) for row in table.rows)])
        view.add_column(header, justify="right", min_width=width, max_width=width)
    for row in table.rows:
        view.add_row(*row)
    speed = [Text.assemble((f"{label} ", "bold"), text) for label, text in table.speed]
    return Group(view, *speed)


def _figure_rows(findings: Findings) -> list[tuple[str, str]]:
    """The set's figures in words: "not measured", "no clear onset" and "no slowdown" where
    a number would be missing or misread."""
    s = findings.set
    onset = (
        "no clear onset"
        if s.tremor_onset_rep is None
        else f"stays up from rep {s.tremor_onset_rep}"
    )
    trend = (
        "trend not measured"
        if s.tremor_trend_ratio is None
        else f"trend x{s.tremor_trend_ratio:.2f} (last third / first third)"
    )
    return [
        (
            "Shaking ",
            f"{_measured(s.tremor_rms_mps2, 3, 'm/s2 RMS')} in {band(findings.tremor_band_hz)}, "
            f"peak {_measured(s.tremor_peak_hz, 1, 'Hz')}; {trend}; {onset}",
        ),
        (
            "Rest ",
            f"before the set {_measured(s.baseline_tremor_rms_mps2, 3, 'm/s2')}, "
            f"after it {_measured(s.post_set_tremor_rms_mps2, 3, 'm/s2')}",
        ),
    ]


def _measured(value: float | None, digits: int, unit: str) -> str:
    return NOT_MEASURED if value is None else f"{value:.{digits}f} {unit}"


def summary(findings: Findings, /) -> Group:
    """The set on one screen: what was read, the set's figures, and the quality notes."""
    s, src = findings.set, findings.source
    read = f"{src.format_in_words}, {src.duration_s:.1f} s at {src.sample_rate_hz:.0f} Hz"
    rows = [
        ("Recording ", f"{', '.join(src.paths)}: {read}" if src.paths else read),
        ("Reps ", str(s.rep_count)),
    ]
    if s.rep_count:
        rows += _figure_rows(findings)
    if s.legs is not None:
        left, right = s.legs.left.tremor_rms_mps2, s.legs.right.tremor_rms_mps2
        shaking = (
            "shaking not measured"
            if left is None and right is None
            else f"left {_measured(left, 3, 'm/s2')}, right {_measured(right, 3, 'm/s2')}"
        )
        rows.append(
            ("Legs ", f"{shaking}; asymmetry index {asymmetry_words(s.asymmetry_index_pct)}")
        )
    lines = [Text.assemble((label, "bold"), text) for label, text in rows]
    for flag in findings.quality:
        lines.append(Text(f"[{flag.severity}] {flag.message}", style=SEVERITY_STYLE[flag.severity]))
    return Group(*lines)


def analysis_view(analysis: Analysis, /) -> Group:
    """What was measured (when anything was), then what it means."""
    if analysis.findings is None:
        return Group(assessment_view(analysis.assessment))
    return Group(findings_view(analysis.findings), assessment_view(analysis.assessment))


def findings_view(findings: Findings, /) -> Group:
    """The per-rep table, then the summary."""
    if not findings.reps:
        return summary(findings)
    return Group(rep_table_view(findings), summary(findings))
