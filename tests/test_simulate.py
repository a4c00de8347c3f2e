"""The simulator: seeded, with ground truth that matches what it was asked for."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from thrustlab.recording import Recording
from thrustlab.simulate import (
    SCENARIOS,
    SimulationSpec,
    random_spec,
    scenario,
    simulate_legs,
    simulate_recordings,
    simulate_set,
    to_csv_text,
)


def test_same_seed_same_set_and_other_seed_other_set() -> None:
    a, truth_a = simulate_set(SimulationSpec(seed=4))
    b, truth_b = simulate_set(SimulationSpec(seed=4))
    c, _ = simulate_set(SimulationSpec(seed=5))
    assert isinstance(a, Recording) and isinstance(b, Recording) and isinstance(c, Recording)
    assert np.array_equal(a.acc_mps2, b.acc_mps2) and truth_a == truth_b
    assert not np.array_equal(a.acc_mps2[:100], c.acc_mps2[:100])


@pytest.mark.parametrize("n_reps", [1, 7, 30])
def test_truth_has_the_reps_asked_for_in_order(n_reps: int) -> None:
    _, truth = simulate_set(SimulationSpec(seed=1, n_reps=n_reps))
    assert truth.n_reps == n_reps
    starts, ends = np.array(truth.start_s), np.array(truth.end_s)
    assert np.all(ends > starts) and np.all(starts[1:] >= ends[:-1])
    assert np.all(np.array(truth.lockout_start_s) > starts) and np.all(
        np.array(truth.lockout_end_s) < ends
    )


def test_tremor_truth_follows_the_requested_level_and_asymmetry() -> None:
    spec = SimulationSpec(
        seed=2, two_legs=True, asymmetry_pct=30.0, tremor_rms_mps2=0.2, fatigue_gain=1.0
    )
    (left, right), truth = simulate_legs(spec)
    assert isinstance(left, Recording) and isinstance(right, Recording)
    assert truth.right is not None and truth.asymmetry_index_pct is not None
    # 1 point: the index is computed from the simulated tremor itself
    assert truth.asymmetry_index_pct == pytest.approx(30.0, abs=1.0)
    # 2 %: a narrow-band tone averaged over whole reps
    assert np.median(truth.left.tremor_rms_mps2) == pytest.approx(0.2, rel=0.02)


def test_fatigue_makes_the_last_reps_shake_more_and_slow_down() -> None:
    spec = SimulationSpec(
        seed=3, n_reps=12, fatigue_gain=5.0, fatigue_onset_rep=6, slowdown_pct=40.0
    )
    _, truth = simulate_set(spec)
    rms = truth.left.tremor_rms_mps2
    assert rms[-1] > 4 * rms[0]
    assert truth.concentric_slowdown_pct is not None and truth.concentric_slowdown_pct > 25


def test_random_specs_span_the_required_ranges() -> None:
    specs = [random_spec(seed) for seed in range(300)]
    assert {s.rate_hz for s in specs} >= {50.0, 100.0, 400.0}
    assert {s.gravity_included for s in specs} == {True, False}
    assert all(s.with_gyro for s in specs if not s.gravity_included)
    assert min(s.n_reps for s in specs) == 1 and max(s.n_reps for s in specs) == 30
    periods = [s.concentric_s + s.lockout_s + s.eccentric_s + s.bottom_pause_s for s in specs]
    assert 1 / max(periods) >= 0.19 and 1 / min(periods) <= 0.61  # reps at 0.2-0.6 Hz
    assert all(70 <= s.noise_ug_per_rthz <= 300 for s in specs)
    assert all(0.01 <= s.tremor_rms_mps2 <= 0.1 and 1 <= s.fatigue_gain <= 10 for s in specs)


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_scenario_simulates(name: str) -> None:
    recordings, truth = simulate_recordings(scenario(name, seed=0))
    assert truth.n_reps >= 1
    assert len(recordings) == (2 if name == "asymmetry" else 1)


def test_unknown_scenario_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario"):
        scenario("sleepy", seed=0)


def test_csv_text_round_trips_through_the_reader(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from thrustlab.readers import read

    recording, _ = simulate_set(replace(SimulationSpec(seed=9, n_reps=3), rate_hz=50.0))
    assert isinstance(recording, Recording)
    path = tmp_path / "set.csv"
    path.write_text(to_csv_text(recording))
    back = read(path)
    assert back.gyro_rads is not None and back.gravity_included
    # 1e-6: six decimals in the file
    assert np.allclose(back.acc_mps2, recording.acc_mps2, atol=1e-6)
    assert np.allclose(back.t_s, recording.t_s, atol=1e-6)


def test_one_sensor_and_two_legs_each_have_their_own_function() -> None:
    spec = SimulationSpec(seed=4, n_reps=3)
    recording, _ = simulate_set(spec)
    assert isinstance(recording, Recording)
    (left, right), _ = simulate_legs(spec)
    assert isinstance(left, Recording) and isinstance(right, Recording)
    with pytest.raises(ValueError, match="simulate_legs"):
        simulate_set(replace(spec, two_legs=True))
    assert len(simulate_recordings(replace(spec, two_legs=True))[0]) == 2


@pytest.mark.parametrize("slip_deg", [0.0, 30.0])
def test_the_gyroscope_turns_gravity_as_on_a_real_phone(slip_deg: float) -> None:
    """Seen from a phone that turns at w, gravity turns at dg/dt = -w x g, whatever turns
    it: the thigh or the phone slipping on it (the thigh's gyroscope had the wrong sign, so
    a slip read as a turn the other way to gravity). Without shaking, jolts or noise the
    rest of dg/dt is the thigh's own acceleration turning with it: a correlation of 0.9
    and over (a wrong sign gives -0.9)."""
    spec = SimulationSpec(
        seed=3,
        slip_deg=slip_deg,
        tremor_rms_mps2=0.0,
        jolt_peak_mps2=0.0,
        noise_ug_per_rthz=1.0,
        jitter_fraction=0.0,
        dropouts=0,
    )
    recording, _ = simulate_set(spec)
    assert recording.gyro_rads is not None
    t, g, w = recording.t_s, recording.acc_mps2, recording.gyro_rads
    turning = np.linalg.norm(w, axis=1) > 0.3
    change, expected = np.gradient(g, t, axis=0)[turning], -np.cross(w, g)[turning]
    correlation = np.sum(change * expected) / np.sqrt(np.sum(change**2) * np.sum(expected**2))
    assert correlation > 0.9
