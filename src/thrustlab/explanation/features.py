"""Features: the named numbers and facts the evidence rules of the knowledge base test.

One flat, documented vocabulary built from the measurements (``Findings``), the answers and
the history checks. A feature that is unknown is ``None`` and no rule holds on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from thrustlab.config import PHONE_NOISE_FLOOR_MPS2
from thrustlab.explanation.answers import ANSWER_FIELDS, Answers
from thrustlab.findings import Findings, FormMetrics
from thrustlab.records import record

if TYPE_CHECKING:
    from thrustlab.explanation.history import HistoryChecks

Value = float | int | bool | str | None

FEATURES: Mapping[str, str] = MappingProxyType(
    {
        "tremor_trend_ratio": "last third of the reps' tremor over the first third (x)",
        "early_easing_ratio": "first third of the reps' tremor over the last third (x)",
        "onset_rep": "the rep from which shaking stays high",
        "onset_pct": "how far into the set shaking set in: (onset rep - 1) / reps (%)",
        "slowdown_pct": "velocity loss, else concentric slowdown, fastest rep to last (%)",
        "fatigue_band_ratio": "fatigue-band RMS over tremor-band RMS for the set (x)",
        "tremor_peak_hz": "frequency of the strongest shaking (Hz)",
        "asymmetry_abs_pct": "size of the asymmetry index, either leg (%)",
        "rom_cv_pct": "rep-to-rep variation of the range of motion (coefficient of variation, %)",
        "shin_from_vertical_deg": "shins from vertical at lockout (video, degrees)",
        "hip_extension_deg": "shoulder-hip-knee angle at lockout (video, degrees; 180 straight)",
        "lumbar_extension_deg": "hips past the shoulder-knee line at lockout (video, degrees)",
        "knee_valgus_pct": "the more caving knee, inside its ankle (video, % of hip width)",
        "knee_wander_pct": "the knees' side-to-side spread within a rep (video, % of hip width)",
        "baseline_ratio": "shaking at rest before the first rep over the first rep's (x)",
        "post_set_ratio": "shaking at rest after the last rep over the level the set ended on"
        " (the larger of the set's and its last third's, x)",
        "post_set_end_ratio": "shaking over the last 10 s of the still rest after the set, over"
        " the level the set ended on (x)",
        "post_set_rest_s": "seconds of still rest measured after the last rep",
        "repeated_asymmetry_sets": "sets with the same leg shaking > 15 % more (history)",
        "consecutive_hard_days": "hard lower-body days in a row, today included",
        "load_jump_pct": "today's load above the heaviest of the last 3 sessions (%)",
        "shaking_increase_ratio": "today's shaking over last time's at the same load (x)",
        "reps": "reps in the set (answer, else counted)",
        "reported_one_leg": "the lifter noticed one leg shaking more",
        "reported_repeated_one_leg": "the lifter says the same leg shakes more every time",
        "feet_off": "the lifter's feet were too near or too far",
    }
)
"""Derived features; every other feature is the answer of the same name."""

ANSWERS_OF_FEATURE: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "reported_one_leg": ("shakier_leg",),
        "reported_repeated_one_leg": ("shakier_leg", "same_leg_every_time"),
        "feet_off": ("feet",),
        "consecutive_hard_days": ("days_since_hard",),
        "reps": ("reps",),
    }
)
"""The answers that would settle a derived feature when it is unknown, the first not given
asked first (every other feature is settled by the answer of its name)."""


@record
class Features:
    """The figures and answers the knowledge base's rules are evaluated on, by name."""

    values: Mapping[str, Value]
    details: Mapping[str, str]
    """Words the evidence texts fill in: the shakier side, the form flags, where it hurts."""
    answered: frozenset[str] = frozenset()
    """The answers given (``ANSWER_FIELDS``): never asked for again."""


def extract_features(
    findings: Findings | None, answers: Answers, checks: HistoryChecks | None, /
) -> Features:
    """Measured, reported and historical features, in one flat mapping."""
    values: dict[str, Value] = {}
    details: dict[str, str] = {}
    if findings is not None:
        values.update(_measured(findings))
        details.update(_measured_details(findings))
    values.update(_reported(answers))
    details.update(_reported_details(answers))
    if checks is not None:
        values.update(_historical(checks))
        if checks.repeated_asymmetry is not None:
            details["repeated_side"] = checks.repeated_asymmetry.side
    if values.get("reps") is None and findings is not None and findings.set.rep_count:
        values["reps"] = findings.set.rep_count
    given = frozenset(name for name in ANSWER_FIELDS if getattr(answers, name) is not None)
    return Features(MappingProxyType(values), MappingProxyType(details), given)


def _ratio(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom <= 1e-9:
        return None
    return top / bottom


def _over_shaking(top: float | None, level_mps2: float | None) -> float | None:
    """``top`` over a shaking level, or None when that level is at the phone's noise floor
    (a calm set's 0.01 m/s2 is the sensor's noise: anything over it reads as a large ratio)."""
    if level_mps2 is None or level_mps2 < PHONE_NOISE_FLOOR_MPS2:
        return None
    return _ratio(top, level_mps2)


# math, not the statistics module: importing it costs every analysis ~20 ms of start-up.
def _mean(values: list[float], /) -> float:
    return math.fsum(values) / len(values)


def _pstdev(values: list[float], /) -> float:
    """The population standard deviation."""
    mean = _mean(values)
    return math.sqrt(_mean([(v - mean) ** 2 for v in values]))


def _thirds(series: list[float]) -> tuple[float, float] | None:
    if len(series) < 3:
        return None
    third = max(1, len(series) // 3)
    return _mean(series[:third]), _mean(series[-third:])


def _end_level(tremor: list[float], set_rms: float | None) -> float | None:
    """The shaking the set ended on: the larger of the set's level and its last third's."""
    thirds = _thirds(tremor)
    if thirds is None:
        return set_rms
    return max(thirds[1], set_rms or 0.0)


def _measured(findings: Findings) -> dict[str, Value]:
    s = findings.set
    tremor = [r.tremor_rms_mps2 for r in findings.reps if r.tremor_rms_mps2 is not None]
    thirds = _thirds(tremor)
    roms = [r.rom_deg for r in findings.reps]
    form = findings.form
    onset_pct = None
    if s.tremor_onset_rep is not None and s.rep_count:
        onset_pct = 100.0 * (s.tremor_onset_rep - 1) / s.rep_count
    return {
        "tremor_trend_ratio": s.tremor_trend_ratio,
        "early_easing_ratio": _ratio(thirds[0], thirds[1]) if thirds else None,
        "onset_rep": s.tremor_onset_rep,
        "onset_pct": onset_pct,
        "slowdown_pct": s.velocity_loss_pct
        if s.velocity_loss_pct is not None
        else s.concentric_slowdown_pct,
        "fatigue_band_ratio": _over_shaking(s.fatigue_band_rms_mps2, s.tremor_rms_mps2),
        "tremor_peak_hz": s.tremor_peak_hz,
        "asymmetry_abs_pct": abs(s.asymmetry_index_pct)
        if s.asymmetry_index_pct is not None
        else None,
        "rom_cv_pct": 100.0 * _pstdev(roms) / _mean(roms)
        if len(roms) >= 3 and _mean(roms) > 0
        else None,
        "shin_from_vertical_deg": None if form is None else form.shin_from_vertical_deg,
        "hip_extension_deg": None if form is None else form.hip_extension_deg,
        "lumbar_extension_deg": None if form is None else form.lumbar_extension_deg,
        "knee_valgus_pct": None if form is None else _larger(*_valgus(form)),
        "knee_wander_pct": None if form is None else form.knee_wander_pct,
        "baseline_ratio": _over_shaking(s.baseline_tremor_rms_mps2, tremor[0] if tremor else None),
        "post_set_ratio": _over_shaking(
            s.post_set_tremor_rms_mps2, _end_level(tremor, s.tremor_rms_mps2)
        ),
        "post_set_end_ratio": _over_shaking(
            s.post_set_end_tremor_rms_mps2, _end_level(tremor, s.tremor_rms_mps2)
        ),
        "post_set_rest_s": s.post_set_rest_s,
    }


def _band(band_hz: tuple[float, float]) -> str:
    return f"{band_hz[0]:g}-{band_hz[1]:g} Hz"


def _measured_details(findings: Findings) -> dict[str, str]:
    details = {
        "tremor_band": _band(findings.tremor_band_hz),
        "fatigue_band": _band(findings.fatigue_band_hz),
    }
    if findings.set.post_set_rest_s is not None:
        details["rest_s"] = f"{findings.set.post_set_rest_s:.0f}"
    asym = findings.set.asymmetry_index_pct
    if asym is not None:
        details["side"] = "right" if asym > 0 else "left"
        details["other_side"] = "left" if asym > 0 else "right"
    legs = findings.set.legs
    if legs is not None:
        more = _more_pct(legs.left.tremor_rms_mps2, legs.right.tremor_rms_mps2)
        if more is not None:
            details["more_pct"] = f"{more:.0f}"
    if findings.form is not None:
        left, right = _valgus(findings.form)
        if left is not None or right is not None:
            details["valgus_side"] = "left" if (left or 0.0) >= (right or 0.0) else "right"
    return details


def _more_pct(left: float | None, right: float | None) -> float | None:
    """How much more the shakier leg shook than the other, in % of the other (the
    asymmetry index compares the difference with the two legs' mean instead)."""
    if left is None or right is None or min(left, right) <= 0:
        return None
    return 100.0 * (max(left, right) / min(left, right) - 1.0)


def _valgus(form: FormMetrics) -> tuple[float | None, float | None]:
    return form.knee_valgus_left_pct, form.knee_valgus_right_pct


def _larger(a: float | None, b: float | None) -> float | None:
    known = [v for v in (a, b) if v is not None]
    return max(known) if known else None


def _reported(a: Answers) -> dict[str, Value]:
    one_leg = a.shakier_leg in ("left", "right")
    return {
        "rpe": a.effort_rpe,
        "reps": a.reps,
        "warmup_done": a.warmup_done,
        "warmup_minutes": a.warmup_minutes,
        "sleep_h": a.sleep_h,
        "fluids_l": a.fluids_l,
        "hours_since_meal": a.hours_since_meal,
        "caffeine_mg": a.caffeine_mg,
        "pr_attempt": a.pr_attempt,
        "nervous": a.nervous,
        "pain": a.pain,
        "dizziness": a.dizziness,
        "shaking_after_min": a.shaking_after_min,
        "cramps": a.cramps,
        "heavy_sweating": a.heavy_sweating,
        "knees_cave": a.knees_cave,
        "back_arching": a.back_arching,
        "feet_off": None if a.feet is None else a.feet != "ok",
        "reported_one_leg": None if a.shakier_leg is None else one_leg,
        "reported_repeated_one_leg": None
        if a.same_leg_every_time is None or a.shakier_leg is None
        else bool(a.same_leg_every_time and one_leg),
        "experience_sessions": a.experience_sessions,
        "days_since_hard": a.days_since_hard,
    }


def _reported_details(a: Answers) -> dict[str, str]:
    details = {"where": f" ({a.pain_where})" if a.pain_where else ""}
    if a.shakier_leg in ("left", "right"):
        details["leg"] = a.shakier_leg
    if a.feet is not None:
        details["feet"] = a.feet.replace("_", " ")
    return details


def _historical(checks: HistoryChecks) -> dict[str, Value]:
    values: dict[str, Value] = {}
    if checks.consecutive_days is not None:
        values["consecutive_hard_days"] = checks.consecutive_days.days_in_a_row
    if checks.load_jump is not None:
        values["load_jump_pct"] = checks.load_jump.jump_pct
    if checks.shaking_increase is not None:
        values["shaking_increase_ratio"] = checks.shaking_increase.ratio
    if checks.repeated_asymmetry is not None:
        values["repeated_asymmetry_sets"] = checks.repeated_asymmetry.sets
    return values
