"""The knowledge base: complete, linked, sourced, and checked when loaded."""

from __future__ import annotations

import copy
import re
from importlib import resources
from typing import Any

import pytest
import yaml

from thrustlab.explanation.knowledge import (
    CAUSE_IDS,
    RED_FLAG_IDS,
    STRATEGY_IDS,
    KnowledgeError,
    load_knowledge,
    parse_knowledge,
)


def _raw() -> dict[str, Any]:
    text = resources.files("thrustlab.explanation").joinpath("knowledge.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def test_the_packaged_base_has_every_public_id() -> None:
    kb = load_knowledge()
    assert [c.id for c in kb.causes] == list(CAUSE_IDS)
    assert sorted(f.id for f in kb.red_flags) == sorted(RED_FLAG_IDS)
    assert sorted(s.id for s in kb.strategies) == sorted(STRATEGY_IDS)
    assert "article" in kb.sources


def test_every_cause_links_strategies_and_explains_itself() -> None:
    kb = load_knowledge()
    for cause in kb.causes:
        assert cause.strategies and cause.short and len(cause.long) > len(cause.short)
        assert any(rule.supports for rule in cause.rules)
    linked = {s for c in kb.causes for s in c.strategies}
    assert linked == set(STRATEGY_IDS)


def test_every_numeric_threshold_cites_a_source() -> None:
    kb = load_knowledge()
    rules = [r for c in kb.causes for r in c.rules] + [r for f in kb.red_flags for r in f.rules]
    for rule in rules:
        if isinstance(rule.threshold, float):
            assert rule.sources, f"{rule.feature} {rule.op} {rule.threshold} has no source"
    for name, cutoff in kb.plan.items():
        assert cutoff.sources and cutoff.why, f"plan cutoff {name} has no source or reason"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["causes"]["muscle_fatigue"].update(strategies=[]), "must not be empty"),
        (lambda d: d["causes"]["muscle_fatigue"].update(strategies=["nap"]), "unknown strategy"),
        (lambda d: d["causes"].pop("nervous_arousal"), "cause ids must be"),
        (lambda d: d["strategies"].pop("warm_up"), "strategy ids must be"),
        (lambda d: d["causes"]["muscle_fatigue"]["evidence"][0].update(op="~"), "op must be"),
        (lambda d: d["causes"]["muscle_fatigue"]["evidence"][0].update(weight=2), "weight"),
        (lambda d: d["causes"]["muscle_fatigue"].update(sources=["nobody"]), "unknown source"),
        (lambda d: d["red_flags"]["dizziness"].update(evidence=[]), "non-empty evidence"),
        (lambda d: d.update(schema="v0"), "schema"),
        (lambda d: d["causes"]["muscle_fatigue"].pop("short"), "needs a text 'short'"),
        (lambda d: d["causes"]["muscle_fatigue"]["evidence"][0].update(threshold="high"), "number"),
        (lambda d: d["plan"].pop("hold_slowdown_pct"), "plan cutoff ids must be"),
        (lambda d: d["plan"]["hold_slowdown_pct"].update(value="lots"), "value must be a number"),
    ],
)
def test_a_broken_base_is_refused_with_a_reason(change: Any, message: str) -> None:
    data = copy.deepcopy(_raw())
    change(data)
    with pytest.raises(KnowledgeError, match=message):
        parse_knowledge(data)


def test_evidence_reads_right_for_a_value_of_one() -> None:
    """A rule that holds at 1 (a day since the last hard session, a first session) must not
    read "1 days" or "1 sessions", nor hedge with "day(s)"."""
    from thrustlab.explanation.features import Features
    from thrustlab.explanation.scoring import evidence_for

    kb = load_knowledge()
    rules = [r for c in kb.causes for r in c.rules] + [r for f in kb.red_flags for r in f.rules]
    checked = 0
    for rule in rules:
        assert "(s)" not in rule.text, rule.text
        if rule.also is not None or isinstance(rule.threshold, bool) or not rule.holds(1.0):
            continue
        evidence = evidence_for(rule, Features({rule.feature: 1.0}, {}))
        assert evidence is not None
        checked += 1
        plural = re.search(r"\b1 (days|sessions|hours|reps|sets)\b", evidence.text)
        assert plural is None, evidence.text
    assert checked >= 2  # days since the last hard session, sessions so far
