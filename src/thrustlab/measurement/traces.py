"""What the report draws beside the figures, measured with the analysis's own settings."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.findings import Envelope, Findings, Spectrum, Traces
from thrustlab.measurement.leg import Sustained
from thrustlab.signal.spectra import power_spectrum

FloatArray = npt.NDArray[np.float64]

PLOT_BINS = 400
"""Min/max bins per trace: enough for a phone or laptop screen, small for long sets."""
ANGLE_BINS = 1000
"""The thigh angle gets shorter bins, as it is drawn as a line through each bin's middle:
0.1 s over a 100 s recording, where the thigh turns at most about 100 °/s during a rep, so
a bin's lowest and highest value stay within about 10° and the line within 5° of both."""
SPECTRUM_RANGE_HZ = (1.0, 25.0)
"""The spectrum is drawn from 1 Hz (above the reps' own movement) to 25 Hz (soft-tissue
ringing), within what the rate resolves."""


def traces_of(sustained: Sustained, findings: Findings, /, *, config: AnalysisConfig) -> Traces:
    """The movement, the sustained shaking and the spectrum of the leg the reps were timed
    on, from the very signal its figures were measured on (nothing is measured again)."""
    t, rate = sustained.t_s, sustained.rate_hz
    magnitude = np.sqrt(np.einsum("ij,ij->i", sustained.raw_mps2, sustained.raw_mps2))
    movement = magnitude - float(np.median(magnitude))
    shaking = np.sqrt(np.einsum("ij,ij->i", sustained.tremor_mps2, sustained.tremor_mps2))
    shaking = shaking * sustained.usable
    inside = _set_span(findings, t)
    spectrum = None
    if np.count_nonzero(inside) >= 2 * rate:
        freqs, psd = power_spectrum(
            sustained.gated_mps2[inside], fs_hz=rate, window_s=config.welch_window_s
        )
        keep = (freqs >= SPECTRUM_RANGE_HZ[0]) & (freqs <= min(SPECTRUM_RANGE_HZ[1], rate / 2))
        spectrum = Spectrum(_rounded(freqs[keep], 2), _rounded(psd[keep], 8))
    angle = None
    if sustained.angle_deg is not None and sustained.angle_deg.size:
        angle = envelope(
            _thigh_up(sustained.angle_deg, findings, rate_hz=sustained.angle_rate_hz),
            rate_hz=sustained.angle_rate_hz,
            bins=ANGLE_BINS,
            unit="°",
            digits=2,
        )
    return Traces(
        movement=envelope(movement, rate_hz=rate),
        shaking=envelope(shaking, rate_hz=rate),
        spectrum=spectrum,
        angle=angle,
    )


def _thigh_up(angle_deg: FloatArray, findings: Findings, /, *, rate_hz: float) -> FloatArray:
    """The thigh angle as a lifter reads it: the hips' rise is up and the reps' bottom is 0°
    (the angle's own sign and zero are arbitrary: the phone may sit either way round); with
    no reps, 0° is the recording's median angle."""
    if not findings.reps:
        return angle_deg - float(np.median(angle_deg))
    t = np.arange(angle_deg.size) / rate_hz
    bottoms = np.interp([r.start_s for r in findings.reps], t, angle_deg)
    tops = np.interp(
        [(r.lockout_start_s + r.lockout_end_s) / 2 for r in findings.reps], t, angle_deg
    )
    up = 1.0 if float(np.median(tops - bottoms)) >= 0 else -1.0
    return up * (angle_deg - float(np.median(bottoms)))


def envelope(
    x: FloatArray,
    /,
    *,
    rate_hz: float,
    bins: int = PLOT_BINS,
    unit: str = "m/s²",
    digits: int = 4,
) -> Envelope:
    """The lowest and highest value of ``x`` (in ``unit``) per bin of equal length, to
    ``digits`` decimals."""
    per_bin = max(1, -(-x.size // bins))
    n = -(-x.size // per_bin)
    padded = np.concatenate([x, np.full(n * per_bin - x.size, x[-1])]).reshape(n, per_bin)
    return Envelope(
        start_s=0.0,
        bin_s=per_bin / rate_hz,
        low=_rounded(padded.min(axis=1), digits),
        high=_rounded(padded.max(axis=1), digits),
        unit=unit,
    )


def _set_span(findings: Findings, t: FloatArray) -> npt.NDArray[np.bool_]:
    if not findings.reps:
        return np.ones(t.size, dtype=bool)
    return (t >= findings.reps[0].start_s) & (t <= findings.reps[-1].end_s)


def _rounded(x: FloatArray, digits: int) -> tuple[float, ...]:
    return tuple(float(v) for v in np.round(x, digits))
