"""Rep counts on sets from a second simulator written on other assumptions than
``thrustlab.simulate`` (``independent_sets``: cosine-eased moves, no jolts, a thigh that
walks in and stands up, a phone anywhere 0.15-0.35 m from the knee). The rules were tuned on
the first simulator; these targets say how far they carry."""

from __future__ import annotations

import pytest

from independent_sets import End, Sensors, share, simulate, survey
from thrustlab.measurement import analyse

SEEDS = 8
"""8 seeds x 36 rows: 288 sets, about 12 s."""
TARGET_PCT: dict[Sensors, float] = {"gyroscope": 93.0, "gravity": 95.0, "acceleration_only": 30.0}
"""Measured at 8 seeds: 95.8, 97.9 and 36.5 % (at 20 seeds 94.2, 96.7 and 38.8 %); each
target sits one or two sets of 96 under. Without gravity or a gyroscope the angle comes
from integrating the acceleration twice, which these sets (no jolt at the stops, slow
steady eccentrics) defeat more often than not: that row is a floor, not a goal."""


def test_the_survey_holds_its_targets() -> None:
    rows = survey(SEEDS)
    for sensors, target in TARGET_PCT.items():
        assert share(rows, sensors) >= target, (sensors, [r.missed for r in rows])


@pytest.mark.parametrize(
    ("seed", "end"), [(85, "rest"), (43, "rest"), (127, "roll_bar"), (78, "stand"), (85, "stand")]
)
def test_a_step_walking_in_is_not_a_rep(seed: int, end: End) -> None:
    # The lifter walks in and sits down: read the wrong way up, a step at the standing level
    # chained to the set as if the phone had slipped 100 degrees on the thigh (one rep too
    # many before); a phone slips by tens of degrees at most.
    sensors: Sensors = "gravity"
    recording, n_reps = simulate(seed, start="standing", end=end, sensors=sensors)
    assert analyse(recording).set.rep_count == n_reps
