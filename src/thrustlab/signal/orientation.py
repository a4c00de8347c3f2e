"""The thigh's angle in its plane of movement, whatever way the phone sits on it.

A hip thrust swings the thigh about one axis (hip to hip). With gravity in the signal, the
slow part of the acceleration is gravity, whose direction in the phone's axes then moves on
a great circle: its plane's normal is that axis, and the angle along the circle is the
thigh's pitch up to a constant. Without gravity, the gyroscope's rate about its dominant
axis, integrated, gives the same angle. The sign and zero of the angle are arbitrary; the
rep segmentation decides which end is the bottom.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt

from thrustlab.signal.filters import gaussian_gain, inverse, spectrum_of

FloatArray = npt.NDArray[np.float64]

QUIET_QUANTILE = 0.3
"""Gyro bias is the median rate over the quietest 30 % of samples (rests and holds)."""


def angle_from_gravity(gravity_mps2: FloatArray, /) -> FloatArray:
    """Angle (degrees) of the low-passed acceleration ``gravity_mps2`` (N, 3) along its
    best-fitting plane through the origin."""
    norms = np.linalg.norm(gravity_mps2, axis=1, keepdims=True)
    unit = gravity_mps2 / np.maximum(norms, 1e-9)
    _, _, vt = np.linalg.svd(unit, full_matrices=False)
    axis = vt[2]
    first = unit.mean(axis=0)
    first -= axis * (first @ axis)
    if np.linalg.norm(first) < 1e-9:
        first = vt[0]
    e1 = first / np.linalg.norm(first)
    e2 = np.cross(axis, e1)
    angle = np.unwrap(np.arctan2(unit @ e2, unit @ e1))
    return np.asarray(np.rad2deg(angle))


def angle_from_gyro(gyro_rads: FloatArray, /, *, fs_hz: float) -> FloatArray:
    """Angle (degrees) integrated from the rate about the gyroscope's dominant axis, with the
    bias measured on the quietest samples removed."""
    _, _, vt = np.linalg.svd(gyro_rads, full_matrices=False)
    rate = gyro_rads @ vt[0]
    magnitude = np.linalg.norm(gyro_rads, axis=1)
    quiet = magnitude <= np.quantile(magnitude, QUIET_QUANTILE)
    rate = rate - np.median(rate[quiet])
    return np.asarray(np.rad2deg(np.cumsum(rate) / fs_hz))


def blend(
    fast_deg: FloatArray,
    slow_deg: FloatArray,
    /,
    *,
    fs_hz: float,
    crossover_hz: float,
    sigma_hz: float,
) -> FloatArray:
    """A complementary filter: ``fast_deg`` (integrated gyroscope) above ``crossover_hz``,
    ``slow_deg`` (gravity) below it, after turning ``fast_deg`` to the same sign; the fast
    part is smoothed on the way with a Gaussian of ``sigma_hz``."""
    if float(np.dot(np.gradient(fast_deg), np.gradient(slow_deg))) < 0:
        fast_deg = -fast_deg
    fast, slow = spectrum_of(fast_deg, fs_hz=fs_hz), spectrum_of(slow_deg, fs_hz=fs_hz)
    low = gaussian_gain(fast.freqs_hz, sigma_hz=crossover_hz)
    smooth = gaussian_gain(fast.freqs_hz, sigma_hz=sigma_hz)
    mixed = replace(fast, coeffs=fast.coeffs * (1.0 - low) * smooth + slow.coeffs * low)
    return inverse(mixed, gain=np.ones_like(low))  # one inverse transform for both
