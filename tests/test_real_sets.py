"""Sets as they really happen (issue 12): how a set starts and ends, what the phone does
around it and which sensors exist, from the simulator's situations, a few seeds each, and
the survey over 384 sets with its targets (``real_sets_survey``; the table is in README)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from real_sets_survey import survey
from thrustlab.config import AnalysisConfig
from thrustlab.explanation import explain
from thrustlab.explanation.answers import Answers
from thrustlab.explanation.features import extract_features
from thrustlab.findings import Findings
from thrustlab.measurement import analyse
from thrustlab.recording import Recording
from thrustlab.simulate import SetTruth, SimulationSpec, Situation, simulate_set, situation

HIP_THRUST = AnalysisConfig()
CYCLIC = AnalysisConfig(mode="cyclic")


def run(spec: SimulationSpec, config: AnalysisConfig = HIP_THRUST) -> tuple[Findings, SetTruth]:
    recording, truth = simulate_set(spec)
    assert isinstance(recording, Recording)
    return analyse(recording, config=config), truth


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("after", ["rest", "sit_up", "stand", "walk"])
def test_the_last_rep_counts_when_the_lifter_moves_straight_after_it(seed: int, after: str) -> None:
    spec = replace(situation("dismount", seed=seed), dismount_s=0.1 * seed, after_set=after)
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps
    # the last rep ends where the thigh comes back to the bottom, not where the dismount
    # ends; within a second, as the eccentric runs straight into the dismount (a rep lasts
    # 2-5 s, a dismount 1-3 s more)
    assert findings.reps[-1].end_s == pytest.approx(truth.end_s[-1], abs=1.0)


@pytest.mark.parametrize("seed", range(4))
def test_a_one_rep_set_gives_one_rep(seed: int) -> None:
    findings, _ = run(replace(situation("one_rep", seed=seed), dismount_s=0.3, after_set="sit_up"))
    assert findings.set.rep_count == 1
    assert "single_rep" in {flag.code for flag in findings.quality}


@pytest.mark.parametrize("lead_in_s", [0.0, 8.0, 30.0])
def test_a_still_lead_in_of_any_length_is_no_rep(lead_in_s: float) -> None:
    # with set-up shuffles before the rest: a lifter who sits with the legs out at the
    # lockout's level and starts 3 s after pulling the feet in reads either way up (see the
    # survey's lead_in row, where such sets are drawn too)
    spec = replace(situation("lead_in", seed=5), lead_in_s=lead_in_s, setup_s=4.0)
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps
    assert findings.reps[0].start_s >= truth.start_s[0] - 0.5


@pytest.mark.parametrize("seed", range(3))
def test_a_rest_pause_set_stays_one_set(seed: int) -> None:
    spec = replace(
        situation("rest_pause", seed=seed), n_reps=9, rest_pause_s=15.0, rest_pause_after=(3, 6)
    )
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps == 9


@pytest.mark.parametrize("seed", range(4))
def test_a_partial_last_rep_is_counted_and_flagged(seed: int) -> None:
    spec = replace(situation("partial_last", seed=seed), partial_last_fraction=0.3 + 0.1 * seed)
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps
    assert [rep.partial for rep in findings.reps] == list(truth.partial)
    assert "partial_rep" in {flag.code for flag in findings.quality}


def test_a_phone_turning_on_the_thigh_mid_set_keeps_the_count() -> None:
    exact = 0
    for seed in range(8):
        findings, truth = run(replace(situation("slip", seed=seed), slip_deg=25.0))
        exact += findings.set.rep_count == truth.n_reps
    # 7 of 8: a turn during the set's first or last rep can read as a phone turned in the
    # hand when that rep also stands apart from the others
    assert exact >= 7


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("config", [HIP_THRUST, CYCLIC], ids=["hip_thrust", "cyclic"])
def test_a_still_phone_gives_no_reps(seed: int, config: AnalysisConfig) -> None:
    findings, _ = run(situation("still_phone", seed=seed), config)
    assert findings.set.rep_count == 0
    assert "no_reps" in {flag.code for flag in findings.quality}


@pytest.mark.parametrize("seed", range(3))
def test_sitting_up_after_a_calm_set_is_not_read_as_shaking(seed: int) -> None:
    spec = replace(
        situation("after_set", seed=2 * seed),  # even seeds: calm sets
        tremor_rms_mps2=0.03,
        dismount_s=0.2,
        after_set="sit_up",
    )
    findings, _ = run(spec)
    s = findings.set
    assert s.tremor_rms_mps2 is not None
    # the rest after a calm set shakes at half the set's level, fading: what is measured
    # there must not exceed the set's level (before the fix: 0.33 m/s2 on a 0.03 m/s2 set)
    assert s.post_set_tremor_rms_mps2 is None or s.post_set_tremor_rms_mps2 <= s.tremor_rms_mps2


@pytest.mark.parametrize("seed", range(6))
def test_a_phone_that_lowers_its_rate_mid_set_keeps_the_count_and_says_so(seed: int) -> None:
    """From 30-90 % of the way on the phone sends 10-25 samples a second (its screen turned
    off): every rep is counted, the reps there have no shaking figure, and a warning says
    why. Before, their shaking read 20-88 % low with no word."""
    spec = situation("screen_off", seed=seed)
    assert spec.rate_drop_hz is not None
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps
    assert "rate_dropped" in {flag.code for flag in findings.quality}
    dropped_s = spec.rate_drop_at * findings.source.duration_s
    late = [rep for rep in findings.reps if rep.start_s > dropped_s + 1.0]
    assert all(rep.tremor_rms_mps2 is None for rep in late)


def test_a_set_at_the_phones_noise_floor_gives_no_shaking_ratios() -> None:
    """A calm set whose shaking (0.012 m/s2) is the phone's own noise, then the phone in the
    hand: 0.034 m/s2 in the short rest after it once read as 2.9 times the set's shaking
    and, with slow shaking 1.05 times the noise, made a calm set a caution."""
    findings, truth = run(situation("after_set", seed=70))
    assert findings.set.rep_count == truth.n_reps
    assert findings.set.tremor_rms_mps2 is not None and findings.set.tremor_rms_mps2 < 0.02
    values = extract_features(findings, Answers(), None).values
    assert values["post_set_ratio"] is None and values["fatigue_band_ratio"] is None
    assert explain(findings, Answers()).verdict == "normal"


def test_a_long_rest_after_the_set_gives_its_length_and_its_end_shaking() -> None:
    spec = SimulationSpec(
        seed=3, post_set_tremor_rms_mps2=0.3, post_set_persists=True, rest_after_s=70.0
    )
    findings, truth = run(spec)
    s = findings.set
    rest = truth.rest_after_s[1] - truth.rest_after_s[0]
    assert s.post_set_rest_s is not None
    # the rest is found from the movement: its edges each within about a second
    assert s.post_set_rest_s == pytest.approx(rest, abs=2.0)
    # 20 %: as for the other rest figures (the windows are found, not told)
    assert s.post_set_end_tremor_rms_mps2 == pytest.approx(0.3, rel=0.2)


def test_a_short_rest_after_the_set_has_no_end_figure() -> None:
    findings, _ = run(SimulationSpec(seed=3, rest_after_s=4.0))
    assert findings.set.post_set_rest_s is not None and findings.set.post_set_rest_s < 10
    assert findings.set.post_set_end_tremor_rms_mps2 is None


def test_shaking_outside_its_physical_range_is_left_out_and_said() -> None:
    findings, _ = run(SimulationSpec(seed=2, tremor_rms_mps2=8.0))
    assert findings.set.rep_count == 10
    assert findings.set.tremor_rms_mps2 is None
    assert "implausible_value" in {flag.code for flag in findings.quality}


def test_a_phone_handled_with_no_set_counts_no_rep() -> None:
    """Seeds beyond the survey's. A hand turns the phone one way and back another, about
    axes that are not level, and moves it every way as it turns it: the reps must turn the
    phone about one level axis (``AnalysisConfig.max_rep_off_plane_deg`` and the three after
    it). With gravity alone a hand's two turns can still lie near one great circle: 1 of
    the seeds 0-249 counts one rep (164; 2 before ``max_thigh_swing_deg``)."""
    for seed in range(24, 60):
        findings, truth = run(situation("handling", seed=seed))
        assert truth.n_reps == 0
        assert findings.set.rep_count == 0, seed


def test_a_hand_turning_the_phone_on_past_where_it_started_is_no_one_rep_set() -> None:
    """Gravity alone: a hand's turn up and back lies near one great circle and starts
    from rest, like a one-rep set, but the phone then turns on, 195 degrees below that
    "rep's" top before it rests; a thigh sitting up after its last rep stops 10-35 degrees
    past the bottom (``AnalysisConfig.max_thigh_swing_deg``). Counted one rep before."""
    spec = situation("handling", seed=19)
    assert spec.gravity_included and not spec.with_gyro
    findings, truth = run(spec)
    assert truth.n_reps == 0
    assert findings.set.rep_count == 0


def test_a_phone_turning_on_the_thigh_during_the_first_lockout_keeps_that_rep() -> None:
    """The phone turns 37 degrees on the thigh while the first rep is held at lockout:
    the angle steps down there, the fastest move between the top and the bottom, and the
    thigh then rests before its eccentric. That rep's fall is the eccentric, from the
    thigh's last rest down to the bottom (``reps._own_fall``), so the rep follows the
    others at their pace; it ended at the slip before, 2.6 s apart from them, and was
    dropped."""
    spec = situation("slip", seed=12)
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps == 15
    assert findings.reps[0].end_s == pytest.approx(truth.end_s[0], abs=0.5)


def test_a_two_rep_set_keeps_the_rep_the_phone_slipped_during() -> None:
    """The phone turns 40 degrees on the thigh during one rep of two: that rep neither
    turns about one axis nor comes back to its posture, but the other does both and the
    two follow at a set's pace (``reps.PAIR_GAP_S``). Counted one rep before."""
    spec = situation("slip", seed=87)
    assert spec.n_reps == 2 and spec.slip_deg > 20
    findings, _ = run(spec)
    assert findings.set.rep_count == 2


def test_a_phone_turning_further_than_a_rep_on_the_thigh_keeps_the_set_whole() -> None:
    """Seed beyond the survey's: the phone turns 37 degrees on the thigh in the seventh
    rep of 18, moving every level after it by more than a rep's range (31 degrees). The
    bottoms moved as much as the tops, at the set's pace, so the reps on either side are
    one set; it was cut at the slip and the seven reps before it were lost."""
    spec = situation("slip", seed=70)
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps == 18


def test_a_phone_turning_on_the_thigh_in_the_first_reps_fall_keeps_that_rep() -> None:
    """Seed beyond the survey's: the phone turns 31 degrees on the thigh near the end of
    the first rep's fall (gyroscope only), so that fall stops short of the bottom the
    rep rose from. Its own rise is like the others' and the bottom after it moved as
    much as the top: it is the set's first rep (lost before), whole, from where it rose."""
    spec = situation("slip", seed=47)
    findings, truth = run(spec)
    assert findings.set.rep_count == truth.n_reps == 11
    assert not findings.reps[0].partial
    # 0.5 s: the onset at 10 % of the peak speed against the simulator's planned start
    assert findings.reps[0].start_s == pytest.approx(truth.start_s[0], abs=0.5)


def test_a_phone_taken_off_after_the_set_keeps_the_last_rep() -> None:
    """Seeds beyond the survey's: sitting up, standing, walking off or taking the phone
    off after the set. The last eccentric, a rest and what follows can make one stretch of
    the angle whose fastest part is not where the set ends; the time clear after the set
    runs from the last rep's own end to the thigh's last rest before it moves half a range
    (else the set read lockout to lockout, one rep short, can win). Measured 36 of 36
    (before: 34)."""
    assert exact_over("after_set", range(24, 60), HIP_THRUST) >= 35


def test_set_up_squats_do_not_hide_the_set_beyond_the_survey_seeds() -> None:
    """Squats loading the bar before a short set: the set is the longest run of reps that
    passes every check (the next is tried when one fails). Seeds 0-59 all count exact
    (measured); 24-59 here, the survey holds 0-23."""
    for seed in range(24, 60):
        findings, truth = run(situation("set_up", seed=seed))
        assert findings.set.rep_count == truth.n_reps, seed


def exact_over(name: Situation, seeds: range, config: AnalysisConfig) -> int:
    """How many of ``seeds``' sets of situation ``name`` count exact (one sensor)."""
    exact = 0
    for seed in seeds:
        spec = situation(name, seed=seed)
        if config.mode == "cyclic" and name == "lead_in":  # as in the survey
            spec = replace(spec, setup_s=0.0, after_set="sit_up", dismount_s=0.5)
        findings, truth = run(spec, config)
        exact += findings.set.rep_count == truth.n_reps
    return exact


def test_cyclic_mode_counts_the_reps_not_the_rests_around_them() -> None:
    """Seeds beyond the survey's: a set with a still lead-in, the feet pulled in, and
    sitting up after it. Its acceleration passes the bottom once more than the top (the
    rests before, between and after the reps): ``cyclic._rests`` counts the tops then;
    pulling the feet in and sitting up stop short of the reps' level or go past it
    (``cyclic.LEVEL_TOLERANCE``). Measured 35 of 36 (23 before issue 12, 31 before this
    session); the miss is a set of two reps (cyclic mode counts three cycles or more)."""
    assert exact_over("lead_in", range(24, 60), CYCLIC) >= 34


def test_cyclic_mode_counts_no_cycles_for_a_phone_turned_in_the_hand() -> None:
    """Seeds beyond the survey's: a hand's turns may come at a steady pace but are not
    alike in every axis of the gyroscope and the acceleration together
    (``cyclic.MIN_LIKENESS``). Measured 36 of 36 (24 before issue 12, 34 before this
    session)."""
    assert exact_over("handling", range(24, 60), CYCLIC) >= 35


def test_acceleration_alone_gives_the_reps_beyond_the_survey_seeds() -> None:
    """Without gravity or a gyroscope the angle is integrated twice from the acceleration:
    a gap is bridged from the mean level either side (not from a jolt's peak at its edge),
    each jolt's start is a stop (``orientation.jolt_starts``) and what drift is left goes
    with ``acceleration_drift_hz``. Measured 34 of 36 (before: 26, then 31 without jolt
    stops)."""
    assert exact_over("no_gravity_no_gyro", range(24, 60), HIP_THRUST) >= 33


def test_the_survey_of_real_life_sets_meets_its_targets() -> None:
    rows = {row.name: row for row in survey(24)}
    assert sum(row.sets for row in rows.values()) >= 300
    # no phantom reps on a still phone, in either mode
    assert rows["still_phone"].exact_pct == 100 and rows["cyclic: still_phone"].exact_pct == 100
    # movement after a calm set is never read as shaking that carries on after it
    assert sum(row.false_alarms for row in rows.values()) == 0
    # the situations the rules now handle, exact on 98 % or more of their sets
    for name in (
        "tidy",
        "dismount",
        "one_rep",
        "lead_in",
        "set_up",
        "rest_pause",
        "partial_last",
        "after_set",
        "screen_off",
        "handling",
        "cyclic: handling",
    ):
        assert rows[name].exact_pct >= 98, name
    assert rows["partial_last"].partial_flagged == rows["partial_last"].partial_true
    # Measured short of the 98 % target (README, "Realistic sets"); each gate is the
    # measured level less one set of 24 (4.2 %), so that one more miss on another machine's
    # rounding fails loudly only when the rules got worse: a slipping phone misses on one
    # set in 24 (a slip that upsets a one-rep set), all at once on one, acceleration alone
    # on one, the cyclic mode around a set on two (sets of one or two reps, which it
    # cannot count).
    measured = {
        "slip": 96,
        "mixed": 96,
        "no_gravity_no_gyro": 96,
        "cyclic: lead_in": 92,
    }
    for name, pct in measured.items():
        assert rows[name].exact_pct >= pct - 4.2, name
    overall = sum(r.exact for r in rows.values()) / sum(r.sets for r in rows.values())
    assert overall >= 0.98  # the target; measured 98.7 % (379 of 384)
