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
    return Traces(
        movement=envelope(movement, rate_hz=rate),
        shaking=envelope(shaking, rate_hz=rate),
        spectrum=spectrum,
    )


def envelope(x: FloatArray, /, *, rate_hz: float, bins: int = PLOT_BINS) -> Envelope:
    """The lowest and highest value of ``x`` per bin of equal length."""
    per_bin = max(1, -(-x.size // bins))
    n = -(-x.size // per_bin)
    padded = np.concatenate([x, np.full(n * per_bin - x.size, x[-1])]).reshape(n, per_bin)
    return Envelope(
        start_s=0.0,
        bin_s=per_bin / rate_hz,
        low=_rounded(padded.min(axis=1), 4),
        high=_rounded(padded.max(axis=1), 4),
        unit="m/s²",
    )


def _set_span(findings: Findings, t: FloatArray) -> npt.NDArray[np.bool_]:
    if not findings.reps:
        return np.ones(t.size, dtype=bool)
    return (t >= findings.reps[0].start_s) & (t <= findings.reps[-1].end_s)


def _rounded(x: FloatArray, digits: int) -> tuple[float, ...]:
    return tuple(float(v) for v in np.round(x, digits))
