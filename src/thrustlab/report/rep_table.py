"""The per-rep table as people read it (the terminal and the HTML report draw the same one):
each rep's start, way up, hold, way down, range of motion, shaking and its peak frequency,
each leg's shaking when there were two, and under it the set's velocity loss and slowdown
side by side, as velocity-based-training apps show them."""

from __future__ import annotations

from thrustlab.explanation.assessment import NOT_MEASURED
from thrustlab.findings import Findings, RepMetrics
from thrustlab.records import record

PCT = "\u00a0%"
"""A per cent sign that never wraps onto a line of its own."""


@record
class RepTable:
    """Column headers, one row of cell texts per rep, and the set's speed figures as
    (label, text) pairs."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    speed: tuple[tuple[str, str], ...]


def rep_table(findings: Findings, /) -> RepTable:
    """The table of ``findings``' reps (no rows when none were found)."""
    two_legs = any(rep.legs is not None for rep in findings.reps)
    headers: tuple[str, ...] = (
        "Rep",
        "Start (s)",
        "Up (s)",
        "Hold (s)",
        "Down (s)",
        "Range (°)",
        "Shaking (m/s²)",
        "Peak (Hz)",
    )
    if two_legs:
        headers += ("Left (m/s²)", "Right (m/s²)")
    rows = tuple(_row(rep, two_legs=two_legs) for rep in findings.reps)
    return RepTable(headers=headers, rows=rows, speed=speed_figures(findings))


def _row(rep: RepMetrics, *, two_legs: bool) -> tuple[str, ...]:
    cells: tuple[str, ...] = (
        f"{rep.index}" + (" (partial)" if rep.partial else ""),
        f"{rep.start_s:.1f}",
        f"{rep.concentric_s:.2f}",
        f"{rep.lockout_s:.2f}",
        f"{rep.eccentric_s:.2f}",
        f"{rep.rom_deg:.0f}" if rep.rom_deg > 0 else NOT_MEASURED,
        _cell(rep.tremor_rms_mps2, 3),
        _cell(rep.tremor_peak_hz, 1),
    )
    if two_legs:
        legs = rep.legs
        cells += (
            (_cell(legs.left.tremor_rms_mps2, 3), _cell(legs.right.tremor_rms_mps2, 3))
            if legs is not None
            else (NOT_MEASURED, NOT_MEASURED)
        )
    return cells


def _cell(value: float | None, digits: int) -> str:
    return NOT_MEASURED if value is None else f"{value:.{digits}f}"


def speed_figures(findings: Findings, /) -> tuple[tuple[str, str], ...]:
    """The set's velocity loss and slowdown, each worded by its definition: "not measured"
    or "none" where a number would be missing or read the wrong way round."""
    s = findings.set
    loss, slowdown = s.velocity_loss_pct, s.concentric_slowdown_pct
    if loss is None:
        loss_text = NOT_MEASURED
    elif round(loss) <= 0:  # "0 % slower" is none
        loss_text = "none: the last rep went up as fast as the fastest"
    else:
        loss_text = f"{loss:.0f}{PCT}: the last rep went up {loss:.0f}{PCT} slower than the fastest"
    if slowdown is None:
        slowdown_text = NOT_MEASURED
    elif round(slowdown) <= 0:
        slowdown_text = "none: the way up took no longer by the end of the set"
    else:
        slowdown_text = (
            f"{slowdown:.0f}{PCT}: the way up took {slowdown:.0f}{PCT} longer by the end"
        )
    return (("Velocity loss", loss_text), ("Slowdown", slowdown_text))


def asymmetry_words(pct: float | None, /) -> str:
    """The asymmetry index in words, its sign said as the leg that shook more."""
    if pct is None:
        return NOT_MEASURED
    if round(pct) == 0:
        return f"0{PCT}: the legs shook alike"
    side = "right" if pct > 0 else "left"
    return f"{abs(pct):.0f}{PCT}: the {side} leg shook more (the difference against the legs' mean)"
