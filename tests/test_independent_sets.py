"""Rep counts on sets from a second simulator written on other assumptions than
``thrustlab.simulate`` (``independent_sets``: cosine-eased moves, no jolts, a thigh that
walks in and stands up, a phone anywhere 0.15-0.35 m from the knee). The rules were tuned on
the first simulator; these targets say how far they carry."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from independent_sets import ENDS, STARTS, End, Sensors, Start, share, simulate, survey
from thrustlab.measurement import analyse
from thrustlab.recording import Recording

SEEDS = 8
"""8 seeds x 36 rows: 288 sets, about 12 s."""
TARGET_PCT: dict[Sensors, float] = {"gyroscope": 97.0, "gravity": 97.0, "acceleration_only": 45.0}
"""Measured at 8 seeds: 100, 100 and 49.0 % (at 20 seeds 98.3, 98.3 and 50.0 %; acceleration
alone 42.7 and 42.9 % while its drift's smoothing carried the recording's end into its start:
``filters.smooth_pad_s``); each target sits three sets of 96 under. Without gravity or a
gyroscope the angle comes from integrating the acceleration twice, which these sets (no jolt
at the stops, slow steady eccentrics) defeat about half the time: that row is a floor, not a
goal."""


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


@pytest.mark.parametrize(
    ("seed", "start", "end"),
    [
        (22, "setup", "sit_up"),
        (92, "setup", "sit_up"),
        (113, "setup", "sit_up"),
        (8, "standing", "stand"),
        (50, "standing", "stand"),
        (71, "standing", "stand"),
    ],
)
def test_a_set_with_lockout_holds_is_not_read_the_other_way_up(
    seed: int, start: Start, end: End
) -> None:
    # Each lockout held 1-2 s, and the lifter sits up or stands straight after the last rep:
    # read lockout to lockout, the holds were time clear of the set, which won (one rep
    # short, or one too many with the walk in). Sitting up goes past the bottom, which ends
    # no set; standing lies 65-115 degrees past what the wrong way up takes for the bottom.
    recording, n_reps = simulate(seed, start=start, end=end, sensors="gyroscope")
    assert analyse(recording).set.rep_count == n_reps


@pytest.mark.parametrize(("hold_s", "at_least"), [((2.0, 5.0), 72), ((5.0, 10.0), 58)])
def test_lockouts_held_longer_than_the_rests_around_the_set(
    hold_s: tuple[float, float], at_least: int
) -> None:
    # Read lockout to lockout, a set's holds lie between its "reps" and before and after
    # them, where they looked like the rest around a set: holds of 5-10 s beside rests of
    # 1-8 s counted one rep short in 35 of 72 sets (4 of 72 at 2-5 s). A set now stands
    # out by the rest around it beyond the pause between its own reps: 72 and 60 of 72.
    # The 12 missed at 5-10 s are one seed's set under every start and end: 12 reps of
    # 12.5-15.2 s, two of them 15 s or longer (``max_rep_s``), which splits the run. The
    # 5-10 s target sits two sets under what was measured, as the survey's targets do, for
    # a machine whose floating point decides a close reading otherwise.
    assert _exact_sets(hold_s=hold_s) >= at_least


def test_a_slow_tempo_is_counted() -> None:
    # Tempo work: each move up and down and each pause at the bottom three times as long as
    # drawn (up 1.8-4.8 s, down 2.4-6.6 s over 20-50 degrees). Its slowest reps peak under 10
    # deg/s, where a rep had to reach 10: 57 of 72 sets were exact (one lifter's set of 12
    # counted as 1 or 2); with 6 deg/s, 66 of 72 (the realistic-set survey's 1,700 held-out
    # sets and this simulator's usual tempo count exactly as before). The six missed stand up
    # straight after the last rep (one short: read lockout to lockout, the set's slow
    # pauses at the bottom leave the right reading less time clear around it). The target
    # sits two sets under what was measured, as the survey's do.
    assert _exact_sets(tempo=3.0) >= 64


@pytest.mark.parametrize("seed", [1, 8, 15])
@pytest.mark.parametrize("rate_hz", [20.0, 30.0])
def test_a_phone_sampling_slowly_counts_the_same(seed: int, rate_hz: float) -> None:
    # An old phone or a watch at 20-30 Hz: the reps (below 2 Hz) are all there, though the
    # shaking band is cut (seeds 1-29, every start and end: 60 of 60 right at 20, 25 and 30 Hz).
    recording, n_reps = simulate(
        seed, start="standing", end="sit_up", sensors="gyroscope", rate_hz=rate_hz
    )
    assert analyse(recording).set.rep_count == n_reps


@pytest.mark.parametrize("sensors", ["gyroscope", "gravity"])
@pytest.mark.parametrize("seed", [1, 8, 15])
def test_two_sets_recorded_on_are_one_set_and_a_note(seed: int, sensors: Sensors) -> None:
    # The same lifter's two sets in one recording, resting 40 s still at the bottom between
    # them (about 45 s from the last rep to the next): read as one set of both sets' reps
    # (16 for two of 8), since a pause at the bottom ends no set. Reps 30 s apart are two
    # sets now: one is measured and a note names the other.
    first, n_reps = simulate(seed, start="setup", end="rest", sensors=sensors, rate_hz=100.0)
    second, _ = simulate(seed, start="setup", end="rest", sensors=sensors, rate_hz=100.0)
    rest_t = first.t_s[-1] + np.arange(1, 4001) / 100.0  # 40 s at the set's last posture
    rest_gyro = None if first.gyro_rads is None else np.zeros((rest_t.size, 3))
    both = dataclasses.replace(
        first,
        t_s=np.concatenate([first.t_s, rest_t, rest_t[-1] + 0.01 + second.t_s]),
        acc_mps2=np.vstack(
            [first.acc_mps2, np.repeat(first.acc_mps2[-1:], rest_t.size, 0), second.acc_mps2]
        ),
        gyro_rads=None
        if rest_gyro is None
        else np.vstack([first.gyro_rads, rest_gyro, second.gyro_rads]),
    )
    findings = analyse(both)
    assert findings.set.rep_count == n_reps
    (note,) = [q for q in findings.quality if q.code == "another_set"]
    assert f"another set, of {n_reps} reps" in note.message


def test_an_uncalibrated_gyroscope_counts_the_same() -> None:
    # A gyroscope read with its offset (Sensor Logger's uncalibrated one; 0.02-0.1 rad/s at
    # rest): 0.05 rad/s about a random axis looked like turning about other axes (a fifth of
    # a rep's rate, where a strapped phone keeps under a tenth), so no rep turned "about one
    # axis": 34 of 72 sets exact. Its offset is now taken off (the median of the quietest
    # samples): 72 of 72; the target sits two under, as the others do.
    def offset(recording: Recording, seed: int) -> Recording:
        assert recording.gyro_rads is not None
        axis = np.random.default_rng(seed).normal(size=3)
        offset_rads = 0.05 * axis / np.linalg.norm(axis)
        return dataclasses.replace(recording, gyro_rads=recording.gyro_rads + offset_rads)

    assert _exact_sets(offset) >= 70


def _exact_sets(
    alter: Callable[[Recording, int], Recording] = lambda recording, _seed: recording,
    /,
    **simulated: Any,
) -> int:
    """How many of 72 sets (every start and end, seeds 1, 8, ..., 36; with a gyroscope;
    ``simulated``: ``simulate``'s options) count exactly, each passed through ``alter``
    (with its seed) first."""
    exact = 0
    for start, end in itertools.product(STARTS, ENDS):
        for seed in range(1, 42, 7):
            recording, n_reps = simulate(
                seed, start=start, end=end, sensors="gyroscope", **simulated
            )
            exact += analyse(alter(recording, seed)).set.rep_count == n_reps
    return exact
