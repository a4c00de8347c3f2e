"""What the training log says about today's set: load jumps, back-to-back hard days, more
shaking than last time at the same load, one-sided shaking that repeats, and the next load.

The contract shared with the training log (``thrustlab.log``): it builds a ``History`` of
``PastSet`` (oldest first) and calls ``history_checks``. Everything here is pure.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING, Literal

from thrustlab.explanation.questions import WeightUnit, in_unit, kg_from_lb
from thrustlab.records import record

if TYPE_CHECKING:
    from thrustlab.explanation.knowledge import Op

Verdict = Literal["normal", "caution", "stop"]
EXERCISES = (
    "barbell_hip_thrust",
    "single_leg_hip_thrust",
    "banded_hip_thrust",
    "machine_hip_thrust",
    "glute_bridge",
)


@record
class PastSet:
    date: datetime.date
    exercise: str  # one of EXERCISES
    load_kg: float | None
    reps: int | None
    rpe: float | None
    tremor_rms_mps2: float | None
    asymmetry_index_pct: float | None
    verdict: str | None  # "normal" | "caution" | "stop" | None
    hard_lower_body: bool = True


@record
class History:
    sets: tuple[PastSet, ...]  # oldest first


def _cutoff(cause_id: str, feature: str, op: Op, /) -> Callable[[], float]:
    """A default read from the knowledge base's rule, so the number lives there only."""

    def read() -> float:
        from thrustlab.explanation.knowledge import load_knowledge

        return float(load_knowledge().rule(cause_id, feature, op).threshold)

    return read


@record
class HistoryRules:
    """The thresholds of the history checks, each with its reason. The three that the
    knowledge base's evidence rules also judge are read from those rules."""

    load_jump_pct: float = field(
        default_factory=_cutoff("neuromuscular_fatigue", "load_jump_pct", ">")
    )
    """A load above the heaviest of the last sessions by more than this is a jump: the usual
    advice is to add no more than about 2-10 % at a time (ACSM position stand on progression
    models in resistance training, 2009)."""
    sessions_compared: int = 3
    """How many earlier sessions the load is compared with."""
    same_load_tolerance_pct: float = 2.5
    """Loads within 2.5 % of each other count as the same load (one small plate step)."""
    more_shaking_ratio: float = field(
        default_factory=_cutoff("neuromuscular_fatigue", "shaking_increase_ratio", ">")
    )
    """Shaking this many times last time's at the same load counts as more (set-to-set
    tremor RMS varies by roughly 10-15 % in repeated trials)."""
    asymmetry_pct: float = field(
        default_factory=_cutoff("stabilizer_weakness", "asymmetry_abs_pct", ">")
    )
    """Above this the asymmetry index is large (PRODUCT.md); repeated sets make it a pattern."""
    asymmetry_window_days: int = 28
    """Only sets from the last four weeks count towards repeated asymmetry."""
    min_step_kg: float = 2.5
    """The smallest load step (two 1.25 kg plates)."""
    min_step_lb: float = 5.0
    """The smallest load step for a lifter counting in pounds (two 2.5 lb plates)."""
    step_pct: float = 2.5
    """The usual step: about 2.5 % of the load, rounded to the smallest plate step."""


@record
class LoadJump:
    load_kg: float
    reference_kg: float
    """The heaviest load of the last sessions compared."""
    jump_pct: float
    threshold_pct: float
    sessions: int

    @property
    def compared_with(self) -> str:
        """The sessions compared, in words: "the last session", "the last 3 sessions"."""
        return "the last session" if self.sessions == 1 else f"the last {self.sessions} sessions"


@record
class ConsecutiveDays:
    days_in_a_row: int
    """Hard lower-body days in a row, today included (2 = yesterday and today)."""
    dates: tuple[datetime.date, ...]


@record
class ShakingIncrease:
    load_kg: float
    tremor_rms_mps2: float
    previous_tremor_rms_mps2: float
    previous_date: datetime.date
    ratio: float
    threshold_ratio: float


@record
class RepeatedAsymmetry:
    side: Literal["left", "right"]
    sets: int
    """Sets (today's included when measured) whose asymmetry exceeded the threshold on this
    side."""
    values_pct: tuple[float, ...]
    threshold_pct: float


@record
class NextLoad:
    load_kg: float
    change_kg: float
    hold: bool
    reason: str


@record
class HistoryChecks:
    load_jump: LoadJump | None
    consecutive_days: ConsecutiveDays | None
    shaking_increase: ShakingIncrease | None
    repeated_asymmetry: RepeatedAsymmetry | None
    next_load: NextLoad | None
    sessions_seen: int


def history_checks(
    history: History,
    /,
    *,
    today: datetime.date,
    load_kg: float | None,
    tremor_rms_mps2: float | None,
    asymmetry_index_pct: float | None,
    exercise: str | None = None,
    rules: HistoryRules | None = None,
) -> HistoryChecks:
    """Compare today's set with the log. ``exercise`` (optional) limits the load
    comparisons to that exercise; sets dated today or later are ignored except for
    asymmetry and consecutive days, which count today's earlier sets."""
    rules = rules or HistoryRules()
    past = tuple(s for s in history.sets if s.date < today)
    same = tuple(s for s in past if exercise is None or s.exercise == exercise)
    jump = _load_jump(same, load_kg, rules)
    increase = _shaking_increase(same, load_kg, tremor_rms_mps2, rules)
    return HistoryChecks(
        load_jump=jump,
        consecutive_days=_consecutive_days(history.sets, today),
        shaking_increase=increase,
        repeated_asymmetry=_repeated_asymmetry(history.sets, today, asymmetry_index_pct, rules),
        next_load=_next_from_history(same, load_kg, jump, increase, rules),
        sessions_seen=len({s.date for s in same}),
    )


def suggest_next_load(
    load_kg: float,
    /,
    *,
    hold: bool,
    reason: str,
    rules: HistoryRules | None = None,
    unit: WeightUnit = "kg",
) -> NextLoad:
    """The next load: the same when ``hold``, else one small step up, in whole plate steps
    of the lifter's ``unit`` (2.5 kg, or 5 lb: 220 lb steps to 225 lb, not to 102.5 kg)."""
    rules = rules or HistoryRules()
    if hold:
        return NextLoad(load_kg=load_kg, change_kg=0.0, hold=True, reason=reason)
    load = in_unit(load_kg, unit)
    smallest = rules.min_step_lb if unit == "lb" else rules.min_step_kg
    step = max(smallest, load * rules.step_pct / 100.0)
    step = math.floor(step / smallest) * smallest
    step_kg = kg_from_lb(step) if unit == "lb" else step
    return NextLoad(load_kg=load_kg + step_kg, change_kg=step_kg, hold=False, reason=reason)


def whole_steps(load_kg: float, /, *, unit: WeightUnit, rules: HistoryRules | None = None) -> float:
    """``load_kg`` down to what whole plate steps of ``unit`` can make, in kg."""
    rules = rules or HistoryRules()
    smallest = rules.min_step_lb if unit == "lb" else rules.min_step_kg
    load = math.floor(in_unit(load_kg, unit) / smallest + 1e-9) * smallest
    return kg_from_lb(load) if unit == "lb" else load


def _sessions(sets: tuple[PastSet, ...]) -> list[tuple[datetime.date, float]]:
    """(date, heaviest load) per session, oldest first."""
    top: dict[datetime.date, float] = {}
    for s in sets:
        if s.load_kg is not None:
            top[s.date] = max(top.get(s.date, s.load_kg), s.load_kg)
    return sorted(top.items())


def _load_jump(
    sets: tuple[PastSet, ...], load_kg: float | None, rules: HistoryRules
) -> LoadJump | None:
    recent = _sessions(sets)[-rules.sessions_compared :]
    if load_kg is None or not recent:
        return None
    reference = max(load for _, load in recent)
    if reference <= 0:
        return None
    jump = 100.0 * (load_kg - reference) / reference
    if jump <= rules.load_jump_pct:
        return None
    return LoadJump(load_kg, reference, jump, rules.load_jump_pct, len(recent))


def _consecutive_days(sets: tuple[PastSet, ...], today: datetime.date) -> ConsecutiveDays | None:
    hard = {s.date for s in sets if s.hard_lower_body and s.date < today}
    dates = [today]
    while dates[-1] - datetime.timedelta(days=1) in hard:
        dates.append(dates[-1] - datetime.timedelta(days=1))
    if len(dates) < 2:
        return None
    return ConsecutiveDays(days_in_a_row=len(dates), dates=tuple(reversed(dates)))


def _shaking_increase(
    sets: tuple[PastSet, ...],
    load_kg: float | None,
    tremor_rms_mps2: float | None,
    rules: HistoryRules,
) -> ShakingIncrease | None:
    if load_kg is None or tremor_rms_mps2 is None:
        return None
    tolerance = max(abs(load_kg) * rules.same_load_tolerance_pct / 100.0, 0.5)
    matches = [
        s
        for s in sets
        if s.load_kg is not None
        and s.tremor_rms_mps2 is not None
        and abs(s.load_kg - load_kg) <= tolerance
    ]
    if not matches:
        return None
    last_date = matches[-1].date
    previous = max(s.tremor_rms_mps2 or 0.0 for s in matches if s.date == last_date)
    if previous <= 0:
        return None
    ratio = tremor_rms_mps2 / previous
    if ratio <= rules.more_shaking_ratio:
        return None
    return ShakingIncrease(
        load_kg, tremor_rms_mps2, previous, last_date, ratio, rules.more_shaking_ratio
    )


def _repeated_asymmetry(
    sets: tuple[PastSet, ...],
    today: datetime.date,
    asymmetry_index_pct: float | None,
    rules: HistoryRules,
) -> RepeatedAsymmetry | None:
    since = today - datetime.timedelta(days=rules.asymmetry_window_days)
    values = [
        s.asymmetry_index_pct
        for s in sets
        if s.asymmetry_index_pct is not None and since <= s.date <= today
    ]
    if asymmetry_index_pct is not None:
        values.append(asymmetry_index_pct)
    large = [v for v in values if abs(v) > rules.asymmetry_pct]
    right = tuple(v for v in large if v > 0)
    left = tuple(v for v in large if v < 0)
    side: Literal["left", "right"] = "right" if len(right) >= len(left) else "left"
    chosen = right if side == "right" else left
    if len(chosen) < 2:
        return None
    return RepeatedAsymmetry(side, len(chosen), chosen, rules.asymmetry_pct)


def _next_from_history(
    sets: tuple[PastSet, ...],
    load_kg: float | None,
    jump: LoadJump | None,
    increase: ShakingIncrease | None,
    rules: HistoryRules,
) -> NextLoad | None:
    if load_kg is None:
        sessions = _sessions(sets)
        if not sessions:
            return None
        load_kg = sessions[-1][1]
    if jump is not None:
        reason = f"today's load was {jump.jump_pct:.0f} % above the last sessions"
        return suggest_next_load(load_kg, hold=True, reason=reason, rules=rules)
    if increase is not None:
        reason = f"shaking was {increase.ratio:.1f}x last time at this load"
        return suggest_next_load(load_kg, hold=True, reason=reason, rules=rules)
    return suggest_next_load(load_kg, hold=False, reason="no jump and no rise in shaking")
