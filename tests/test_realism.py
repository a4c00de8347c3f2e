"""Sets as they really happen, end to end through the pipeline: what a lifter reads.

The analysis's own realism sweep (``tests/test_real_sets.py``) checks the counts and the
figures; this one checks the verdicts a lifter sees on the same situations: a calm set never
gets a warning sign from what the lifter or the phone does around it, and a phone that
recorded no set is never called normal or measured."""

from __future__ import annotations

import pytest

from thrustlab.pipeline import process
from thrustlab.simulate import SITUATIONS, simulate_recordings, situation

CALM_SEEDS = (0, 2, 4)
"""Even seeds are calm sets (no fatigue; shaking after the set at half the set's level,
fading): nothing in them should raise a warning sign."""
NO_SET = ("still_phone", "handling")


@pytest.mark.parametrize("name", [s for s in SITUATIONS if s not in NO_SET])
def test_a_calm_set_raises_no_warning_sign_whatever_happens_around_it(name: str) -> None:
    for seed in CALM_SEEDS:
        recordings, _ = simulate_recordings(situation(name, seed=seed))
        analysis = process(recordings, plots=False)
        assert analysis.findings is not None
        where = f"{name}, seed {seed}"
        assert analysis.findings.set.rep_count >= 1, where  # exact counts: test_real_sets
        assert analysis.assessment.red_flags == (), where
        assert analysis.assessment.verdict != "stop", where
        assert analysis.assessment.basis == "measured", where


@pytest.mark.parametrize("name", NO_SET)
def test_a_phone_that_recorded_no_set_is_not_measured(name: str) -> None:
    for seed in CALM_SEEDS:
        recordings, _ = simulate_recordings(situation(name, seed=seed))
        analysis = process(recordings, plots=False)
        assert analysis.findings is not None and analysis.findings.set.rep_count == 0
        assessment = analysis.assessment
        assert assessment.basis == "answers_only"
        assert assessment.headline.startswith("The set could not be measured")
        assert "no problem" not in assessment.headline
