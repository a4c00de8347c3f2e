"""The analysis costs in proportion to the samples (issue 15): 3 hours of 100 Hz noise that
swings like a thigh (a worst case for rep finding: thousands of candidates, none a set) in
bounded memory and time."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np
import pytest

from thrustlab.config import AnalysisConfig
from thrustlab.measurement import analyse
from thrustlab.recording import G_MPS2, Recording

RATE_HZ = 100.0
HOURS = 3.0


def swinging_noise(hours: float, *, seed: int) -> Recording:
    """A phone turning about one level axis by band-limited noise (0.1-0.8 Hz, 25 degrees
    RMS: rep-like swings at random levels and tempos), with gravity and a gyroscope."""
    n = int(hours * 3600 * RATE_HZ)
    rng = np.random.default_rng(seed)
    t = np.arange(n) / RATE_HZ
    spectrum = np.fft.rfft(rng.normal(size=n))
    freqs = np.fft.rfftfreq(n, 1 / RATE_HZ)
    spectrum[(freqs < 0.1) | (freqs > 0.8)] = 0
    angle = np.fft.irfft(spectrum, n)
    angle *= np.deg2rad(25.0) / angle.std()
    zeros = np.zeros(n)
    acc = np.column_stack([G_MPS2 * np.sin(angle), zeros, G_MPS2 * np.cos(angle)])
    gyro = np.column_stack([zeros, np.gradient(angle, t), zeros])
    return Recording(
        t_s=t,
        acc_mps2=acc + rng.normal(0, 0.05, (n, 3)),
        gyro_rads=gyro + rng.normal(0, 0.01, (n, 3)),
        gravity_included=True,
        format="simulated",
        path="swinging noise",
    )


PEAK_LIMIT_BYTES = 600e6
"""The 3 h recording holds 7 float64 columns (60 MB); the analysis keeps a few dozen
columns per sample at most (measured: 0.23 GB). One N x N array over this signal's
~11,000 rep candidates would take 0.97 GB alone (the old rep finder took 2.9 GB here)."""
TIME_LIMIT_S = 60.0
"""Issue 15's target for 3 hours of noise (measured: 5-11 s on a loaded 2-core machine)."""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["hip_thrust", "cyclic"])
def test_three_hours_of_noise_analyse_in_bounded_memory_and_time(mode: str) -> None:
    recording = swinging_noise(HOURS, seed=1)
    tracemalloc.start()
    try:
        start = time.perf_counter()
        findings = analyse(recording, config=AnalysisConfig(mode=mode))
        seconds = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert findings.source.duration_s == pytest.approx(HOURS * 3600, rel=1e-3)
    assert peak <= PEAK_LIMIT_BYTES, f"{peak / 1e9:.2f} GB"
    assert seconds <= TIME_LIMIT_S
