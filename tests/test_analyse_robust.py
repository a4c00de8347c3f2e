"""Any valid Recording, however odd, gives Findings (with quality entries), never a crash."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thrustlab.config import AnalysisConfig
from thrustlab.measurement import analyse, analyse_legs
from thrustlab.recording import Recording


@st.composite
def recordings(draw: st.DrawFn) -> Recording:
    n = draw(st.integers(min_value=2, max_value=3000))
    rate = draw(st.sampled_from([1.0, 5.0, 20.0, 50.0, 100.0, 400.0]))
    seed = draw(st.integers(min_value=0, max_value=2**32 - 1))
    rng = np.random.default_rng(seed)
    steps = rng.uniform(0.2, 3.0, n - 1) / rate if draw(st.booleans()) else np.full(n - 1, 1 / rate)
    t = np.concatenate([[0.0], np.cumsum(steps)])
    kind = draw(st.sampled_from(["noise", "constant", "zeros", "huge", "steps"]))
    acc = {
        "noise": rng.normal(0, 3, (n, 3)) + np.array([0.0, 0.0, 9.81]),
        "constant": np.tile([0.0, 9.81, 0.0], (n, 1)),
        "zeros": np.zeros((n, 3)),
        "huge": rng.normal(0, 1e6, (n, 3)),
        "steps": np.repeat(rng.normal(0, 9, (max(1, n // 50) + 1, 3)), 50, axis=0)[:n],
    }[kind]
    gyro = rng.normal(0, 1, (n, 3)) if draw(st.booleans()) else None
    return Recording(
        t_s=t, acc_mps2=acc, gyro_rads=gyro, gravity_included=draw(st.booleans()), format="test"
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recordings(), st.sampled_from(["hip_thrust", "cyclic"]))
def test_any_recording_is_analysed_without_crashing(recording: Recording, mode: str) -> None:
    findings = analyse(recording, config=AnalysisConfig(mode=mode))  # type: ignore[arg-type]
    assert findings.set.rep_count == len(findings.reps)
    if not findings.reps:  # an error entry says why
        assert any(flag.severity == "error" for flag in findings.quality)
    for value in (findings.set.tremor_rms_mps2, findings.set.tremor_peak_hz):
        assert value is None or np.isfinite(value)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recordings(), recordings())
def test_any_pair_of_legs_is_analysed_without_crashing(left: Recording, right: Recording) -> None:
    findings = analyse_legs(left, right)
    assert findings.set.legs is not None


def test_a_set_whose_range_comes_out_zero_is_scored_without_crashing() -> None:
    """Found by the test above (0.6 Hz noise of 1e6 m/s2): a run of reps of no range made the
    clear time after the set take the sample the set ends on as the first far one, and the
    speed there from a single sample (``np.gradient`` raised)."""
    from thrustlab.measurement.reps import _clear_score

    y = np.array([0.0, 1.0, 2.0, 1.0, 0.0, 5.0, 10.0])
    score = _clear_score(
        y,
        [0.0, 2.0, 0.0],
        [(0, 2), (2, 4)],
        0,
        4.0,
        rom=0.0,
        rate_hz=1.0,
        past_bottom_deg=60.0,
        pause_s=0.0,
    )
    assert 0.0 <= score <= 2.0  # 0 s before the set, and 1-2 s to the last rest after it
