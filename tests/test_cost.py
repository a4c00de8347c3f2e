"""Cost follows the samples, not the clock: jumps, long pauses and absurd steps in the
timestamps neither blow up memory nor crash; what is dropped is said in a quality entry."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrustlab.errors import AnalysisError
from thrustlab.pipeline import process
from thrustlab.readers import read
from thrustlab.recording import GRID_PER_SAMPLE, GRID_SLACK, affordable_span, usable_stretch
from thrustlab.signal.resample import to_uniform
from thrustlab.simulate import SimulationSpec, simulate_set


def _fits(t_s: np.ndarray) -> bool:
    steps = np.diff(t_s)
    return bool(t_s[-1] - t_s[0] <= (GRID_PER_SAMPLE * t_s.size + GRID_SLACK) * np.median(steps))


def _csv(path: Path, t_s: np.ndarray) -> Path:
    rng = np.random.default_rng(0)
    acc = rng.normal(0, 0.1, (t_s.size, 3)) + np.array([0.0, 0.0, 9.81])
    with path.open("w") as out:
        out.write("time_s,ax,ay,az\n")
        np.savetxt(out, np.column_stack([t_s, acc]), fmt="%.6f", delimiter=",")
    return path


@pytest.mark.parametrize("jump_s", [1e5, 1e6, 1e12])
def test_a_clock_jump_keeps_the_longest_stretch(tmp_path: Path, jump_s: float) -> None:
    t = np.arange(6000) / 100.0
    t[2000:] += jump_s
    recording = read(_csv(tmp_path / "jump.csv", t))
    assert recording.t_s.size == 4000  # the samples after the jump, a time line of their own
    assert recording.duration_s == pytest.approx(39.99, abs=0.01)
    kept = next(f for f in recording.quality if f.code == "stretch_kept")
    assert "2000 samples" in kept.message and f"{jump_s:.3g} s" in kept.message
    assert "time_gaps" not in {f.code for f in recording.quality}  # the jump is not a gap


def test_an_honest_pause_is_kept_as_a_gap(tmp_path: Path) -> None:
    """A 12 s pause in a minute of samples costs a fifth more: kept, and flagged as a gap."""
    t = np.arange(6000) / 100.0
    t[3000:] += 12.0
    recording = read(_csv(tmp_path / "pause.csv", t))
    assert recording.t_s.size == 6000
    assert {"time_gaps"} <= {f.code for f in recording.quality}
    assert "stretch_kept" not in {f.code for f in recording.quality}


def test_process_trims_a_recording_made_in_code() -> None:
    recording, _ = simulate_set(SimulationSpec(seed=4))
    t = recording.t_s.copy()
    t[t.size // 3 :] += 1e6
    jumped = replace(recording, t_s=t, start_epoch_ns=10**18)
    trimmed = usable_stretch(jumped)
    assert trimmed.t_s.size == recording.t_s.size - recording.t_s.size // 3
    assert trimmed.t_s[0] == 0 and trimmed.start_epoch_ns is not None
    assert trimmed.start_epoch_ns == pytest.approx(10**18 + (t[t.size // 3] * 1e9), rel=1e-12)
    analysis = process([jumped], plots=False)
    assert analysis.findings is not None
    assert analysis.findings.source.duration_s == pytest.approx(trimmed.duration_s, abs=1e-3)
    assert "stretch_kept" in {f.code for f in analysis.findings.quality}


@settings(max_examples=200, deadline=None)
@given(
    steps=st.lists(
        st.floats(1e-12, 1e12, allow_nan=False, allow_infinity=False), min_size=1, max_size=300
    )
)
def test_the_kept_span_always_fits_and_keeps_all_that_fits(steps: list[float]) -> None:
    t = np.concatenate(([0.0], np.cumsum(steps)))
    t = t[np.concatenate(([True], np.diff(t) > 0))]  # float64 may merge tiny steps
    start, stop = affordable_span(t)
    assert stop - start >= min(2, t.size)
    assert _fits(t[start:stop]) or stop - start <= 2
    if _fits(t):
        assert (start, stop) == (0, t.size)


def test_resampling_marks_thousands_of_gaps_like_one_at_a_time() -> None:
    rng = np.random.default_rng(5)
    t = np.cumsum(np.where(rng.random(20_000) < 0.15, rng.uniform(0.06, 0.5, 20_000), 0.01))
    t -= t[0]
    uniform, gaps = to_uniform(
        t, np.ones((t.size, 3)), None, gravity_included=True, gap_threshold_s=0.05
    )
    assert gaps is not None and gaps.count > 2000
    expected = np.ones(uniform.valid.size, dtype=bool)
    t_out = np.arange(uniform.valid.size) / uniform.rate_hz
    steps = np.diff(t)
    for i in np.flatnonzero(steps > 0.05):
        expected[(t_out > t[i]) & (t_out < t[i + 1])] = False
    np.testing.assert_array_equal(uniform.valid, expected)


def test_a_sample_every_minute_has_a_rate_not_zero() -> None:
    t = np.arange(50) * 60.0
    uniform, _ = to_uniform(t, np.ones((50, 3)), None, gravity_included=True, gap_threshold_s=0.1)
    assert uniform.rate_hz == pytest.approx(1 / 60)
    assert uniform.acc_mps2.shape == (50, 3)


def test_steps_of_a_picosecond_are_thinned_without_a_huge_filter() -> None:
    """A factor of 2e10 would mean an FFT of 2e10 points (447 GiB); it stops at the samples."""
    t = np.arange(1000) * 1e-12
    uniform, _ = to_uniform(
        t,
        np.ones((1000, 3)),
        np.zeros((1000, 3)),
        gravity_included=True,
        gap_threshold_s=0.1,
        max_rate_hz=50.0,
    )
    assert 1 <= uniform.acc_mps2.shape[0] <= 2
    assert uniform.gyro_rads is not None and uniform.gyro_rads.shape == uniform.acc_mps2.shape


@pytest.mark.parametrize("corrupt", [2**63 - 1, -(2**63), 1_698_501_144_401_773_000 + 9 * 10**17])
def test_one_corrupt_nanosecond_stamp_costs_one_row(tmp_path: Path, corrupt: int) -> None:
    """A stamp at the int64 limits, or with a flipped leading digit, is one bad row: the
    others are kept (subtracting it from the rest in int64 would wrap around)."""
    stamps = 1_698_501_144_401_773_000 + np.arange(1000, dtype=np.int64) * 10_000_000
    stamps[300] = corrupt
    lines = [f"{s},0.1,0.2,9.8" for s in stamps.tolist()]
    path = tmp_path / "ns.csv"
    path.write_text("timestamp_ns,ax,ay,az\n" + "\n".join(lines) + "\n")
    recording = read(path)
    assert recording.t_s.size == 999
    assert recording.median_rate_hz == pytest.approx(100.0, rel=1e-3)
    assert "stretch_kept" in {f.code for f in recording.quality}


def test_a_sample_every_two_seconds_is_refused_in_one_line(tmp_path: Path) -> None:
    """0.5 Hz is a wrong time unit or rate, not a sensor: refused before the rep finder."""
    path = _csv(tmp_path / "slow.csv", np.arange(600) * 2.0)
    with pytest.raises(AnalysisError, match=r"2 s apart \(0.5 Hz\).*2 Hz or more") as info:
        process([path])
    assert str(path) in str(info.value) and "\n" not in str(info.value)
