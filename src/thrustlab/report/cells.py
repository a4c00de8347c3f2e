"""A logged set's figures as the cells of a table people read (``log list``, ``log show``,
``log history``, the web's history and team pages): loads in the lifter's unit, words where
a number is missing or would read the wrong way round, blank where nothing was given."""

from __future__ import annotations

from thrustlab.explanation.assessment import NOT_MEASURED, verdict_as_read
from thrustlab.explanation.questions import WeightUnit, shown_weight


def band(band_hz: tuple[float, float], /) -> str:
    """``6-12 Hz``; a band the recording's rate leaves nothing of (its top, the highest
    frequency the rate shows, below its bottom) reads as where it starts: ``6 Hz and up``."""
    low, high = band_hz
    return f"{low:g}-{high:g} Hz" if high > low else f"{low:g} Hz and up"


def load(load_kg: float | None, unit: WeightUnit | None, /) -> str:
    """``225 lb`` in the lifter's unit; blank when no load was given."""
    return "" if load_kg is None else shown_weight(load_kg, unit)


def shaking(rms_mps2: float | None, /, *, analysed: bool, unit: bool = True) -> str:
    """Blank for a set with no recording, "not measured" when its recording gave none."""
    if not analysed:
        return ""
    if rms_mps2 is None:
        return NOT_MEASURED
    return f"{round(rms_mps2, 3):g}{' m/s²' if unit else ''}"


def slowdown(pct: float | None, /, *, analysed: bool) -> str:
    """``35 %``; "none" when the way up took no longer (never "0 %" or "-3 %"). A slowdown
    measured is always shown (the reps of a set whose shaking was not measured have one);
    without one, "not measured" when ``analysed``, else blank."""
    if pct is None:
        return NOT_MEASURED if analysed else ""
    return "none" if round(pct) <= 0 else f"{pct:.0f} %"


def verdict(stored: str | None, /, *, measured: bool) -> str:
    """A stored verdict as people read it (``verdict_as_read``); blank when there is none."""
    return "" if stored is None else verdict_as_read(stored, measured=measured)


def asymmetry(index_pct: float | None, /) -> str:
    """Short, for a table: ``right leg, 51 %`` (the index against the legs' mean)."""
    if index_pct is None:
        return NOT_MEASURED
    if round(index_pct) == 0:
        return "legs alike"
    return f"{'right' if index_pct > 0 else 'left'} leg, {abs(index_pct):.0f} %"
