"""The knowledge base: causes, warning signs, strategies, evidence rules and their sources.

The content lives in ``knowledge.yaml`` beside this module, for people to read and change.
``load_knowledge()`` reads it on first use (never on import) and checks it: the schema, every
cause links to at least one strategy, and every referenced id exists. It reads the YAML's copy
in ``knowledge.json`` (no YAML parser to import: 10-50 ms off every command's start-up); after
changing the YAML, write the copy again with ``write_knowledge_json()`` (a test fails while the
two differ).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from thrustlab.errors import ThrustlabError
from thrustlab.records import record

Op = Literal[">=", "<=", ">", "<", "=="]
OPS: tuple[Op, ...] = (">=", "<=", ">", "<", "==")
Threshold = float | bool | str
Urgency = Literal["now", "soon"]
URGENCIES: tuple[Urgency, ...] = ("now", "soon")
"""``now``: stop the exercise now (the verdict is ``stop``). ``soon``: pay attention and see a
professional if it goes on (the verdict is ``caution``)."""

CAUSE_IDS = (
    "muscle_fatigue",
    "neuromuscular_fatigue",
    "stabilizer_weakness",
    "inadequate_warmup",
    "form_technique",
    "hydration_electrolytes",
    "nervous_arousal",
)
RED_FLAG_IDS = ("sharp_pain", "persistent_after_exercise", "asymmetric_shaking", "dizziness")
PLAN_CUTOFFS = ("hold_slowdown_pct", "hold_fatigue_likelihood")
"""The plan's own cutoffs (``plan:`` in the YAML), each a number with its unit and reason."""
STRATEGY_IDS = (
    "warm_up",
    "form_technique",
    "progressive_overload",
    "stabilizer_strength",
    "recovery",
    "hydration_nutrition",
    "breathing_bracing",
    "mind_muscle",
)


class KnowledgeError(ThrustlabError):
    """The knowledge base is malformed (a bug in the package or in an edited file)."""


@record
class Rule:
    """One piece of evidence: ``feature op threshold`` (with its unit) holds or not."""

    feature: str
    op: Op
    threshold: Threshold
    unit: str
    text: str
    weight: float = 1.0
    supports: bool = True
    sources: tuple[str, ...] = ()
    also: Rule | None = None
    """A second condition that must hold too (e.g. enough rest measured)."""

    def holds(self, value: object) -> bool:
        """Whether a feature value meets the rule (``None`` never does)."""
        if value is None:
            return False
        if self.op == "==":
            return value == self.threshold
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, int | float):
            return False
        limit = float(self.threshold)
        number = float(value)
        return {
            ">=": number >= limit,
            "<=": number <= limit,
            ">": number > limit,
            "<": number < limit,
        }[self.op]


@record
class Cause:
    """A likely cause of the shaking: what it is, the evidence rules that point to it, and
    the strategies that answer it."""

    id: str
    name: str
    short: str
    long: str
    strategies: tuple[str, ...]
    rules: tuple[Rule, ...]
    caution_likelihood: float
    sources: tuple[str, ...]


@record
class RedFlagSpec:
    """A warning sign: its urgency, the advice to give and the rules that raise it."""

    id: str
    name: str
    urgency: Urgency
    advice: str
    rules: tuple[Rule, ...]
    sources: tuple[str, ...]
    strategies: tuple[str, ...] = ()
    """Strategies the sign itself calls for (first in the plan)."""


@record
class Strategy:
    """Something to do about a cause: why, and the steps."""

    id: str
    name: str
    why: str
    steps: tuple[str, ...]
    sources: tuple[str, ...]


@record
class PlanCutoff:
    """One of the plan's own cutoffs, with its unit and the reason for it."""

    value: float
    unit: str
    why: str
    sources: tuple[str, ...]


@record
class Knowledge:
    """The knowledge base (``knowledge.yaml``): causes, warning signs, strategies and
    the sources behind them."""

    causes: tuple[Cause, ...]
    red_flags: tuple[RedFlagSpec, ...]
    strategies: tuple[Strategy, ...]
    sources: Mapping[str, str]
    personal: Mapping[str, str]
    plan: Mapping[str, PlanCutoff]
    """The plan's own cutoffs, by name (``PLAN_CUTOFFS``)."""

    def cause(self, cause_id: str, /) -> Cause:
        return next(c for c in self.causes if c.id == cause_id)

    def strategy(self, strategy_id: str, /) -> Strategy:
        return next(s for s in self.strategies if s.id == strategy_id)

    def red_flag(self, flag_id: str, /) -> RedFlagSpec:
        return next(f for f in self.red_flags if f.id == flag_id)

    def rule(self, cause_id: str, feature: str, op: Op, /) -> Rule:
        """The cause's evidence rule ``feature op threshold`` (the plan reads its cutoffs
        from these, so a number in the knowledge base is the only copy)."""
        found = [r for r in self.cause(cause_id).rules if r.feature == feature and r.op == op]
        if not found:
            raise KnowledgeError(f"cause {cause_id}: needs an evidence rule {feature} {op}")
        return found[0]


@functools.cache
def load_knowledge() -> Knowledge:
    """The packaged knowledge base, read and checked once."""
    return parse_knowledge(json.loads(_packaged("knowledge.json")))


def knowledge_yaml_as_json() -> str:
    """``knowledge.yaml``'s structure as the JSON text ``load_knowledge`` reads."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml (5x faster) if built with it
    data = yaml.load(_packaged("knowledge.yaml"), Loader=loader)
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_knowledge_json() -> None:
    """Write ``knowledge.json`` from ``knowledge.yaml``, beside them (after changing the YAML)."""
    Path(__file__).with_name("knowledge.json").write_text(knowledge_yaml_as_json(), "utf-8")


def _packaged(name: str) -> str:
    # The file beside this module, as installed (importlib.resources would add 5 ms of start-up).
    return Path(__file__).with_name(name).read_text("utf-8")


def parse_knowledge(data: Any, /) -> Knowledge:
    """Build and check a ``Knowledge`` from the YAML's structure."""
    root = _mapping(data, "knowledge base")
    if root.get("schema") != "thrustlab.knowledge/1":
        raise KnowledgeError("knowledge base: schema must be 'thrustlab.knowledge/1'")
    sources = {k: _text(_mapping(v, f"source {k}"), "cite", k) for k, v in _items(root, "sources")}
    personal = {k: str(v) for k, v in _items(root, "personal")}
    strategies = tuple(_strategy(k, _mapping(v, k)) for k, v in _items(root, "strategies"))
    causes = tuple(_cause(k, _mapping(v, k)) for k, v in _items(root, "causes"))
    flags = tuple(_red_flag(k, _mapping(v, k)) for k, v in _items(root, "red_flags"))
    plan = {k: _plan_cutoff(k, _mapping(v, f"plan {k}")) for k, v in _items(root, "plan")}
    knowledge = Knowledge(causes, flags, strategies, sources, personal, plan)
    _check_ids(knowledge)
    return knowledge


def _check_ids(kb: Knowledge) -> None:
    for kind, have, want in (
        ("plan cutoff", list(kb.plan), PLAN_CUTOFFS),
        ("cause", [c.id for c in kb.causes], CAUSE_IDS),
        ("warning sign", [f.id for f in kb.red_flags], RED_FLAG_IDS),
        ("strategy", [s.id for s in kb.strategies], STRATEGY_IDS),
    ):
        if sorted(have) != sorted(want):
            raise KnowledgeError(f"knowledge base: {kind} ids must be {', '.join(want)}")
    strategy_ids = {s.id for s in kb.strategies}
    for cause in kb.causes:
        if not cause.strategies:
            raise KnowledgeError(f"cause {cause.id}: links to no strategy")
        missing = [s for s in cause.strategies if s not in strategy_ids]
        if missing:
            raise KnowledgeError(f"cause {cause.id}: unknown strategy {missing[0]!r}")
    for flag in kb.red_flags:
        unknown = [s for s in flag.strategies if s not in strategy_ids]
        if unknown:
            raise KnowledgeError(f"warning sign {flag.id}: unknown strategy {unknown[0]!r}")
    cited = [s for c in kb.causes for s in c.sources + tuple(x for r in c.rules for x in r.sources)]
    cited += [
        s for f in kb.red_flags for s in f.sources + tuple(x for r in f.rules for x in r.sources)
    ]
    cited += [s for st in kb.strategies for s in st.sources]
    cited += [s for cutoff in kb.plan.values() for s in cutoff.sources]
    unknown = sorted({s for s in cited if s not in kb.sources})
    if unknown:
        raise KnowledgeError(f"knowledge base: unknown source {unknown[0]!r}")


def _plan_cutoff(key: str, raw: Mapping[str, Any]) -> PlanCutoff:
    where = f"plan {key}"
    return PlanCutoff(
        value=_float(raw, "value", where),
        unit=str(raw.get("unit", "")),
        why=_text(raw, "why", where),
        sources=_strings(raw, "sources", where),
    )


def _cause(key: str, raw: Mapping[str, Any]) -> Cause:
    likelihood = _float(raw, "caution_likelihood", key)
    if not 0 < likelihood <= 1:
        raise KnowledgeError(f"cause {key}: caution_likelihood must be in (0, 1]")
    return Cause(
        id=key,
        name=_text(raw, "name", key),
        short=_text(raw, "short", key),
        long=_text(raw, "long", key),
        strategies=_strings(raw, "strategies", key),
        rules=_rules(raw, key, weighted=True),
        caution_likelihood=likelihood,
        sources=_strings(raw, "sources", key),
    )


def _red_flag(key: str, raw: Mapping[str, Any]) -> RedFlagSpec:
    urgency = raw.get("urgency")
    if urgency not in URGENCIES:
        raise KnowledgeError(f"{key}: urgency must be one of {' '.join(URGENCIES)}")
    return RedFlagSpec(
        id=key,
        name=_text(raw, "name", key),
        urgency=urgency,
        strategies=_strings(raw, "strategies", key, required=False),
        advice=_text(raw, "advice", key),
        rules=_rules(raw, key, weighted=False),
        sources=_strings(raw, "sources", key),
    )


def _strategy(key: str, raw: Mapping[str, Any]) -> Strategy:
    return Strategy(
        id=key,
        name=_text(raw, "name", key),
        why=_text(raw, "why", key),
        steps=_strings(raw, "steps", key),
        sources=_strings(raw, "sources", key),
    )


def _rules(raw: Mapping[str, Any], key: str, *, weighted: bool) -> tuple[Rule, ...]:
    items = raw.get("evidence")
    if not isinstance(items, list) or not items:
        raise KnowledgeError(f"{key}: needs a non-empty evidence list")
    rules = []
    for number, item in enumerate(items, start=1):
        where = f"{key} evidence {number}"
        rules.append(_rule(_mapping(item, where), where, weighted=weighted))
    return tuple(rules)


def _rule(entry: Mapping[str, Any], where: str, *, weighted: bool, text: bool = True) -> Rule:
    op = entry.get("op")
    if op not in OPS:
        raise KnowledgeError(f"{where}: op must be one of {' '.join(OPS)}")
    threshold = entry.get("threshold")
    if not isinstance(threshold, int | float | str | bool):
        raise KnowledgeError(f"{where}: needs a threshold")
    numeric = isinstance(threshold, int | float) and not isinstance(threshold, bool)
    if op != "==" and not numeric:
        raise KnowledgeError(f"{where}: {op} needs a number as its threshold")
    weight = _float(entry, "weight", where) if weighted else 1.0
    if not 0 < weight < 1 and weighted:
        raise KnowledgeError(f"{where}: weight must be between 0 and 1")
    also = entry.get("also")
    return Rule(
        feature=_text(entry, "feature", where),
        op=op,
        threshold=threshold if isinstance(threshold, bool | str) else float(threshold),
        unit=str(entry.get("unit", "")),
        text=_text(entry, "text", where) if text else "",
        weight=weight,
        supports=bool(entry.get("supports", True)),
        sources=_strings(entry, "sources", where, required=False),
        also=None
        if also is None
        else _rule(_mapping(also, f"{where} also"), f"{where} also", weighted=False, text=False),
    )


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise KnowledgeError(f"{where}: expected a mapping")
    return value


def _items(root: Mapping[str, Any], key: str) -> list[tuple[str, Any]]:
    return [(str(k), v) for k, v in _mapping(root.get(key), key).items()]


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise KnowledgeError(f"{where}: needs a text {key!r}")
    return value.strip()


def _float(raw: Mapping[str, Any], key: str, where: str) -> float:
    value = raw.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise KnowledgeError(f"{where}: {key} must be a number")
    return float(value)


def _strings(
    raw: Mapping[str, Any], key: str, where: str, *, required: bool = True
) -> tuple[str, ...]:
    value = raw.get(key, None if required else [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise KnowledgeError(f"{where}: {key} must be a list of names")
    if required and not value:
        raise KnowledgeError(f"{where}: {key} must not be empty")
    return tuple(value)
