"""The plan: strategies that follow from the likely causes, made concrete with the lifter's
own numbers (next load, warm-up length, which stabiliser work fits the pattern)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from thrustlab.explanation.answers import Answers
from thrustlab.explanation.assessment import CauseFinding, PlanItem, RedFlag
from thrustlab.explanation.features import Features
from thrustlab.explanation.knowledge import Knowledge, Op
from thrustlab.explanation.questions import shown_weight
from thrustlab.records import record

if TYPE_CHECKING:
    from thrustlab.explanation.history import HistoryChecks, NextLoad

MAX_STRATEGIES = 5
MIN_LIKELIHOOD = 0.15
"""Causes below this likelihood add only their first strategy (each shown cause has one)."""
DEFAULT_STRATEGIES = ("progressive_overload", "mind_muscle")
LOAD_STRATEGY = "progressive_overload"
"""The strategy that advises on load: never under a sign of urgency ``now``."""


def choose_strategies(
    kb: Knowledge, causes: tuple[CauseFinding, ...], flags: tuple[RedFlag, ...], /
) -> list[tuple[str, tuple[str, ...]]]:
    """(strategy id, the causes or signs that call for it): the warning signs' own strategies
    first, then the first strategy of every shown cause (so each has its step), then the
    likelier causes' other strategies, up to ``MAX_STRATEGIES``. Under a sign of urgency ``now`` no
    strategy adds load."""
    chosen: dict[str, list[str]] = {}
    for flag in flags:
        for strategy_id in kb.red_flag(flag.id).strategies:
            chosen.setdefault(strategy_id, []).append(flag.id)
    for rank in range(max((len(kb.cause(c.id).strategies) for c in causes), default=0)):
        for cause in causes:  # every shown cause its first strategy; likely ones more
            options = kb.cause(cause.id).strategies
            more = cause.likelihood >= MIN_LIKELIHOOD and len(chosen) < MAX_STRATEGIES
            if rank < len(options) and (rank == 0 or more):
                chosen.setdefault(options[rank], []).append(cause.id)
    if not chosen:
        for strategy_id in DEFAULT_STRATEGIES:
            chosen[strategy_id] = []
    if any(f.urgency == "now" for f in flags):
        chosen.pop(LOAD_STRATEGY, None)
    return [(k, tuple(v)) for k, v in chosen.items()]


def next_load(
    kb: Knowledge,
    answers: Answers,
    features: Features,
    causes: tuple[CauseFinding, ...],
    checks: HistoryChecks | None,
    /,
    *,
    stop: bool,
) -> NextLoad | None:
    """Today's load held or stepped up; ``None`` when no load is known."""
    load, unit = answers.load_kg, answers.weight_unit or "kg"
    if load is None:
        return checks.next_load if checks is not None else None
    from thrustlab.explanation.history import NextLoad, suggest_next_load, whole_steps

    if checks is not None and checks.load_jump is not None:
        jump = checks.load_jump
        cap = whole_steps(jump.reference_kg * (1.0 + jump.threshold_pct / 100.0), unit=unit)
        jump_reason = f"today's jump was {jump.jump_pct:.0f} %"
        return NextLoad(cap, cap - load, True, jump_reason)
    hold_reason = _hold_reason(kb, features, causes, checks, stop)
    if hold_reason is not None:
        return suggest_next_load(load, hold=True, reason=hold_reason, unit=unit)
    return suggest_next_load(load, hold=False, reason="the set was under control", unit=unit)


def _hold_reason(
    kb: Knowledge,
    features: Features,
    causes: tuple[CauseFinding, ...],
    checks: HistoryChecks | None,
    stop: bool,
) -> str | None:
    fatigue = next((c.likelihood for c in causes if c.id == "muscle_fatigue"), 0.0)
    slowdown = features.values.get("slowdown_pct")
    if stop:
        return "a warning sign came up today"
    if isinstance(slowdown, float | int) and slowdown >= kb.plan["hold_slowdown_pct"].value:
        return f"reps slowed by {slowdown:.0f} % today"
    if fatigue >= kb.plan["hold_fatigue_likelihood"].value:
        return "shaking rose clearly across the set"
    if checks is not None and checks.shaking_increase is not None:
        return f"you shook {checks.shaking_increase.ratio:.1f}x as much as last time"
    return None


@record
class PlanContext:
    """Everything the plan draws on."""

    kb: Knowledge
    causes: tuple[CauseFinding, ...]
    flags: tuple[RedFlag, ...]
    features: Features
    answers: Answers
    checks: HistoryChecks | None
    load: NextLoad | None


def build_plan(ctx: PlanContext, /) -> tuple[PlanItem, ...]:
    """The strategies, each with its reason and personal steps."""
    names = {c.id: c.name.lower() for c in ctx.causes} | {f.id: f.name.lower() for f in ctx.flags}
    plan = []
    for strategy_id, cause_ids in choose_strategies(ctx.kb, ctx.causes, ctx.flags):
        strategy = ctx.kb.strategy(strategy_id)
        steps: list[str] = []
        for step in strategy.steps:
            key = step.strip("{}")
            filler = _SLOTS.get(key) if step.startswith("{") else None
            steps.extend(filler(ctx) if filler else [step])
        why = strategy.why
        if cause_ids:
            why += " Suggested by: " + ", ".join(names.get(c, c) for c in cause_ids) + "."
        plan.append(PlanItem(strategy.id, strategy.name, why, tuple(steps), cause_ids))
    return tuple(plan)


def _holds(kb: Knowledge, cause_id: str, feature: str, op: Op, value: object) -> bool:
    """Whether the knowledge base's rule holds on the lifter's value (its cutoff, not a copy)."""
    return kb.rule(cause_id, feature, op).holds(value)


def _warmup(ctx: PlanContext) -> list[str]:
    kb, answers = ctx.kb, ctx.answers
    target = float(kb.rule("inadequate_warmup", "warmup_minutes", ">=").threshold)
    if answers.warmup_done is False:
        return [kb.personal["warmup_none"].format(target=target)]
    if _holds(kb, "inadequate_warmup", "warmup_minutes", "<", answers.warmup_minutes):
        text = kb.personal["warmup_short"].format(minutes=answers.warmup_minutes, target=target)
        return [text]
    return [kb.personal["warmup_default"]]


def _next_load_step(ctx: PlanContext) -> list[str]:
    personal, load = ctx.kb.personal, ctx.load
    if load is None:
        return [personal["load_unknown"]]

    def weight(load_kg: float) -> str:  # in the lifter's own unit
        return shown_weight(load_kg, ctx.answers.weight_unit)

    jump = ctx.checks.load_jump if ctx.checks is not None else None
    if jump is not None:
        text = personal["load_jump"].format(
            load=weight(jump.load_kg),
            pct=jump.jump_pct,
            sessions=jump.compared_with,
            ref=weight(jump.reference_kg),
            cap=weight(load.load_kg),
        )
        return [text]
    if load.hold:
        return [personal["load_hold"].format(load=weight(load.load_kg), reason=load.reason)]
    return [personal["load_up"].format(load=weight(load.load_kg), step=weight(load.change_kg))]


def _stabilizer(ctx: PlanContext) -> list[str]:
    values, details, personal = ctx.features.values, ctx.features.details, ctx.kb.personal
    side = details.get("side") or details.get("leg")
    asym = values.get("asymmetry_abs_pct")
    measured_one_side = _holds(ctx.kb, "stabilizer_weakness", "asymmetry_abs_pct", ">=", asym)
    one_sided = side is not None and (bool(values.get("reported_one_leg")) or measured_one_side)
    knees = bool(values.get("knees_cave")) or any(
        _holds(ctx.kb, "stabilizer_weakness", feature, ">", values.get(feature))
        for feature in ("knee_valgus_pct", "knee_wander_pct")
    )
    lines = [personal["stabilizer_one_leg"].format(side=side)] if one_sided else []
    lines += [personal["stabilizer_knees"]] if knees else []
    return lines or [personal["stabilizer_default"]]


def _rest(ctx: PlanContext) -> list[str]:
    checks = ctx.checks
    days = checks.consecutive_days.days_in_a_row if checks and checks.consecutive_days else None
    if _holds(ctx.kb, "neuromuscular_fatigue", "consecutive_hard_days", ">=", days):
        return [ctx.kb.personal["rest_days"].format(days=days)]
    return [ctx.kb.personal["rest_default"]]


def _sleep(ctx: PlanContext) -> list[str]:
    hours = ctx.answers.sleep_h
    if _holds(ctx.kb, "neuromuscular_fatigue", "sleep_h", "<", hours):
        return [ctx.kb.personal["sleep_short"].format(hours=hours)]
    return [ctx.kb.personal["sleep_default"]]


def _fluids(ctx: PlanContext) -> list[str]:
    litres = ctx.answers.fluids_l
    if _holds(ctx.kb, "hydration_electrolytes", "fluids_l", "<", litres):
        return [ctx.kb.personal["fluids_low"].format(litres=litres)]
    return [ctx.kb.personal["fluids_default"]]


_SLOTS: dict[str, Callable[[PlanContext], list[str]]] = {
    "warmup_minutes_step": _warmup,
    "next_load_step": _next_load_step,
    "stabilizer_step": _stabilizer,
    "rest_step": _rest,
    "sleep_step": _sleep,
    "fluids_step": _fluids,
}
"""The ``{..._step}`` slots of the knowledge base's strategy steps."""
