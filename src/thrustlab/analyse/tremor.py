"""Sustained shaking in a stretch of time, with transients left out.

The acceleration is band-passed (all three axes, so nothing depends on how the phone sits)
and its envelope taken. Jolts where the movement stops ring for a fraction of a second at
many times the level of the shaking; samples whose envelope exceeds ``transient_factor``
times the stretch's median envelope, plus a margin, are left out, and so are gaps. What is
left gives the RMS of the vector magnitude, and its Welch spectrum the peak frequency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.signal.filters import Spectrum, envelope, filtered
from thrustlab.signal.spectra import peak_frequency, power_spectrum

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_MEASURED_S = 0.5
"""A stretch with less than half a second of usable samples gets no tremor figure."""


@dataclass(frozen=True, slots=True)
class Band:
    """One frequency band of the whole recording: the filtered signal and its envelope."""

    band_hz: tuple[float, float]
    signal: FloatArray
    envelope: FloatArray


@dataclass(frozen=True, slots=True)
class TremorStats:
    rms_mps2: float | None
    peak_hz: float | None


def band_of(spectrum: Spectrum, /, *, band_hz: tuple[float, float]) -> Band:
    return Band(band_hz, filtered(spectrum, band_hz=band_hz), envelope(spectrum, band_hz=band_hz))


def _usable(
    band: Band, lo: int, hi: int, valid: BoolArray, config: AnalysisConfig, rate_hz: float
) -> BoolArray:
    env = band.envelope[lo:hi]
    ok = valid[lo:hi].copy()
    if not ok.any():
        return ok
    reference = float(np.median(env[ok]))
    burst = env > config.transient_factor * reference
    if burst.any():
        margin = max(1, round(config.transient_margin_s * rate_hz))
        kernel = np.ones(2 * margin + 1)
        burst = np.convolve(burst.astype(float), kernel, mode="same") > 0
    return np.asarray(ok & ~burst)


def measure(
    band: Band,
    /,
    *,
    span_s: tuple[float, float],
    valid: BoolArray,
    rate_hz: float,
    config: AnalysisConfig,
    with_peak: bool = True,
) -> TremorStats:
    """Sustained RMS (m/s^2) and peak frequency (Hz) of ``band`` over ``span_s``."""
    lo = max(0, round(span_s[0] * rate_hz))
    hi = min(band.signal.shape[0], round(span_s[1] * rate_hz))
    if hi - lo < 2:
        return TremorStats(None, None)
    use = _usable(band, lo, hi, valid, config, rate_hz)
    if use.sum() < MIN_MEASURED_S * rate_hz:
        return TremorStats(None, None)
    segment = band.signal[lo:hi]
    rms = float(np.sqrt(np.mean(np.sum(segment[use] ** 2, axis=1))))
    if not with_peak:
        return TremorStats(rms, None)
    freqs, psd = power_spectrum(
        segment * use[:, None], fs_hz=rate_hz, window_s=config.welch_window_s
    )
    return TremorStats(rms, peak_frequency(freqs, psd, band_hz=band.band_hz))
