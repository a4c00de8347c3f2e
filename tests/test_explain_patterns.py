"""Patterns on seeded simulator sets: the intended cause (or warning sign) comes first.

Each scenario is paired with the answers its pattern names (warm-up: "no warm-up"); the
one-sided pattern needs repeated sets, so a second set of the same spec with other noise
is logged three days earlier.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from thrustlab.explanation import Answers, Assessment, History, PastSet, explain
from thrustlab.findings import Findings
from thrustlab.measurement import analyse, analyse_legs
from thrustlab.simulate import SimulationSpec, scenario, simulate_recordings

SEEDS = range(20)
TODAY = datetime.date(2026, 11, 23)
REQUIRED_ACCURACY = 0.9


def _findings(spec: SimulationSpec) -> Findings:
    recordings, _ = simulate_recordings(spec)
    return analyse_legs(*recordings) if len(recordings) == 2 else analyse(recordings[0])


def _assess(name: str, seed: int) -> Assessment:
    spec = scenario(name, seed=seed)
    answers = Answers(warmup_done=False) if name == "warmup" else Answers()
    history = None
    if name == "asymmetry":
        earlier = _findings(dataclasses.replace(spec, seed=seed + 10_000))
        past = PastSet(
            TODAY - datetime.timedelta(days=3),
            "barbell_hip_thrust",
            None,
            None,
            None,
            earlier.set.tremor_rms_mps2,
            earlier.set.asymmetry_index_pct,
            None,
        )
        history = History((past,))
    return explain(_findings(spec), answers, history, today=TODAY)


def _first_cause(assessment: Assessment) -> str | None:
    return assessment.causes[0].id if assessment.causes else None


def _hit(name: str, assessment: Assessment) -> bool:
    flags = [f.id for f in assessment.red_flags]
    if name == "persistence":
        return flags[:1] == ["persistent_after_exercise"]
    if name == "asymmetry":
        return "asymmetric_shaking" in flags and _first_cause(assessment) == "stabilizer_weakness"
    expected = {
        "fatigue": "muscle_fatigue",
        "warmup": "inadequate_warmup",
        "arousal": "nervous_arousal",
    }[name]
    return not flags and _first_cause(assessment) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", ["fatigue", "warmup", "asymmetry", "arousal", "persistence"])
def test_intended_cause_ranks_first(name: str) -> None:
    misses = [seed for seed in SEEDS if not _hit(name, _assess(name, seed))]
    accuracy = 1 - len(misses) / len(SEEDS)
    assert accuracy >= REQUIRED_ACCURACY, f"{name}: {accuracy:.0%}, missed seeds {misses}"


@pytest.mark.slow
def test_calm_sets_raise_no_warning_sign() -> None:
    verdicts = [explain(_findings(scenario("calm", seed=s)), Answers()).verdict for s in SEEDS]
    assert verdicts.count("stop") == 0
    assert verdicts.count("normal") / len(verdicts) >= REQUIRED_ACCURACY


def test_asymmetry_says_how_much_more_one_leg_shook_and_names_the_index() -> None:
    """'68 % more' is right against left; the 51 % index is the difference against the mean:
    each number is worded by its own definition."""
    import dataclasses

    from thrustlab.pipeline import process
    from thrustlab.simulate import scenario, simulate_recordings

    recordings, _ = simulate_recordings(dataclasses.replace(scenario("asymmetry", seed=3)))
    analysis = process(recordings)
    assert analysis.findings is not None and analysis.findings.set.legs is not None
    legs = analysis.findings.set.legs
    left, right = legs.left.tremor_rms_mps2, legs.right.tremor_rms_mps2
    assert left is not None and right is not None
    side, other = ("right", "left") if right > left else ("left", "right")
    more = 100.0 * (max(left, right) / min(left, right) - 1.0)
    assert more > 20.0  # the scenario's asymmetry is large enough to be listed
    texts = [e.text for c in analysis.assessment.causes for e in c.evidence]
    wording = next(t for t in texts if f"more than the {other}" in t)
    assert wording.startswith(f"The {side} leg shook {more:.0f} % more than the {other}")
    index = analysis.findings.set.asymmetry_index_pct
    assert index is not None and f"asymmetry index {abs(index):.0f} %" in wording
