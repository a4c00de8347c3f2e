"""Terminal rendering of an Analysis: a per-rep table, a one-screen summary (rich), then the
assessment."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from thrustlab.analysis import Analysis
from thrustlab.findings import Findings
from thrustlab.report.assessment_view import assessment_view

SEVERITY_STYLE = {"info": "dim", "warning": "yellow", "error": "bold red"}


def _num(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def rep_table(findings: Findings, /) -> Table:
    """One row per rep: timing, range of motion and shaking."""
    table = Table(title="Reps", title_justify="left", header_style="bold")
    two_legs = any(rep.legs is not None for rep in findings.reps)
    for name in (
        "#",
        "start s",
        "up s",
        "hold s",
        "down s",
        "ROM deg",
        "tremor m/s2",
        "peak Hz",
        f"{findings.fatigue_band_hz[0]:g}-{findings.fatigue_band_hz[1]:g} Hz m/s2",
    ):
        table.add_column(name, justify="right")
    if two_legs:
        table.add_column("left m/s2", justify="right")
        table.add_column("right m/s2", justify="right")
    for rep in findings.reps:
        row = [
            str(rep.index),
            _num(rep.start_s, 1),
            _num(rep.concentric_s),
            _num(rep.lockout_s),
            _num(rep.eccentric_s),
            _num(rep.rom_deg, 0),
            _num(rep.tremor_rms_mps2, 3),
            _num(rep.tremor_peak_hz, 1),
            _num(rep.fatigue_band_rms_mps2, 3),
        ]
        if two_legs:
            legs = rep.legs
            row += (
                [_num(legs.left.tremor_rms_mps2, 3), _num(legs.right.tremor_rms_mps2, 3)]
                if legs
                else ["-", "-"]
            )
        table.add_row(*row)
    return table


def _figure_rows(findings: Findings) -> list[tuple[str, str]]:
    """The set's figures in words: "not measured", "no clear onset" and "no slowdown" where
    a number would be missing or misread."""
    s = findings.set
    low, high = findings.tremor_band_hz
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
            f"{_measured(s.tremor_rms_mps2, 3, 'm/s2 RMS')} in {low:g}-{high:g} Hz, peak "
            f"{_measured(s.tremor_peak_hz, 1, 'Hz')}; {trend}; {onset}",
        ),
        (
            "Rest ",
            f"before the set {_measured(s.baseline_tremor_rms_mps2, 3, 'm/s2')}, "
            f"after it {_measured(s.post_set_tremor_rms_mps2, 3, 'm/s2')}",
        ),
        (
            "Slowdown ",
            f"{_slowdown(s.concentric_slowdown_pct)}; velocity loss "
            f"{_measured(s.velocity_loss_pct, 0, '%')}",
        ),
    ]


def _measured(value: float | None, digits: int, unit: str) -> str:
    return "not measured" if value is None else f"{value:.{digits}f} {unit}"


def _slowdown(pct: float | None) -> str:
    if pct is None:
        return "slowdown not measured"
    if pct <= 0:
        return "no slowdown on the way up"
    return f"the way up {pct:.0f} % slower by the end of the set"


def summary(findings: Findings, /) -> Group:
    """The set on one screen: what was read, the set's figures, and the quality notes."""
    s, src = findings.set, findings.source
    where = ", ".join(src.paths) or src.format
    rows = [
        (
            "Recording ",
            f"{where}: {src.format}, {src.duration_s:.1f} s at {src.sample_rate_hz:.0f} Hz",
        ),
        ("Reps ", str(s.rep_count)),
    ]
    if s.rep_count:
        rows += _figure_rows(findings)
    if s.legs is not None:
        left, right = s.legs.left.tremor_rms_mps2, s.legs.right.tremor_rms_mps2
        rows.append(
            (
                "Legs ",
                f"left {_num(left, 3)}, right {_num(right, 3)} m/s2; asymmetry "
                f"{_num(s.asymmetry_index_pct, 0)} % (positive: right shakes more)",
            )
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
    return Group(rep_table(findings), summary(findings))
