"""Sustained shaking in a stretch of time, with transients left out.

Jolts where the movement stops (bottom, lockout) ring for a fraction of a second at many
times the level of the shaking; a band-pass filter would smear them over the seconds around.
So they are gated out first: the acceleration above the movement (>= ``GATE_LOW_HZ``, all
three axes, so nothing depends on how the phone sits) has its short-time power compared with
its running median; bursts ``transient_factor`` times above it, and gaps, are faded to zero.
Only then is the gated signal band-passed. The RMS of the vector magnitude over the samples
left, less the noise floor, is the tremor; its Welch spectrum gives the peak frequency.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.signal.filters import Spectrum, filtered, spectrum_of
from thrustlab.signal.spectra import peak_frequency, power_spectrum

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_MEASURED_S = 0.5
"""A stretch with less than half a second of usable samples gets no tremor figure."""
GATE_LOW_HZ = 2.5
"""The gated signal keeps what lies above the thigh's own movement (below 2-3 Hz)."""
POWER_WINDOW_S = 0.05
"""Short-time power is averaged over 50 ms: shorter than a jolt, longer than a cycle at 20 Hz."""
REFERENCE_S = 2.5
"""Bursts are judged against the median power of the surrounding 2.5 s: long enough that a
0.2 s jolt cannot lift it, short enough to follow shaking that grows through the set."""
REFERENCE_RATE_HZ = 20.0
"""The running median is taken on the power thinned to 20 Hz (it changes slowly)."""
FADE_S = 0.05
"""Gates open and close over 50 ms, so gating adds no edges of its own."""
NOISE_PERCENTILE = 25.0
"""Sensor noise is flat across the band while tremor is a narrow peak: the band's 25th
percentile of power density, times its width, is the noise power taken off the RMS."""


@dataclass(frozen=True, slots=True)
class Band:
    """One frequency band of the whole recording: the gated, filtered signal and which of
    its samples show sustained shaking (not a gap, not a transient)."""

    band_hz: tuple[float, float]
    signal: FloatArray
    usable: BoolArray


@dataclass(frozen=True, slots=True)
class TremorStats:
    rms_mps2: float | None
    peak_hz: float | None


def above_movement(spectrum: Spectrum, /, *, rate_hz: float) -> FloatArray:
    """The acceleration above the thigh's own movement: shaking, jolts and noise."""
    return filtered(spectrum, band_hz=(GATE_LOW_HZ, rate_hz / 2), taper_hz=1.0)


def sustained_bands(
    above: FloatArray,
    /,
    *,
    bands_hz: tuple[tuple[float, float], ...],
    keep: BoolArray,
    rate_hz: float,
    config: AnalysisConfig,
) -> tuple[Band, ...]:
    """Fade the samples not to ``keep`` (transients, gaps) out of ``above``, then band-pass
    it into ``bands_hz``."""
    keep = ~widened(~keep, by=round(config.transient_margin_s * rate_hz))
    fade = max(1, round(FADE_S * rate_hz))
    kernel = np.hanning(2 * fade + 3)[1:-1]
    gate = np.convolve((~widened(~keep, by=fade)).astype(float), kernel / kernel.sum(), mode="same")
    gated = spectrum_of(above * gate[:, None], fs_hz=rate_hz)
    usable = np.asarray(keep & (gate > 0.99))
    return tuple(Band(band, filtered(gated, band_hz=band), usable) for band in bands_hz)


def widened(mask: BoolArray, /, *, by: int) -> BoolArray:
    """``mask`` with every True run extended by ``by`` samples on each side."""
    if by < 1 or not mask.any():
        return mask
    return np.asarray(np.convolve(mask.astype(float), np.ones(2 * by + 1), mode="same") > 0)


def bursts(x: FloatArray, /, *, rate_hz: float, config: AnalysisConfig) -> BoolArray:
    """Samples whose short-time power stands ``transient_factor``^2 above the running
    median of the surrounding ``REFERENCE_S``."""
    n = max(1, round(POWER_WINDOW_S * rate_hz))
    power = np.convolve(np.sum(x**2, axis=1), np.ones(n) / n, mode="same")
    step = max(1, round(rate_hz / REFERENCE_RATE_HZ))
    coarse = power[::step]
    half = max(1, round(REFERENCE_S * rate_hz / step / 2))
    windows = np.lib.stride_tricks.sliding_window_view(
        np.pad(coarse, half, mode="edge"), 2 * half + 1
    )
    reference = np.repeat(np.median(windows, axis=1), step)[: power.size]
    return np.asarray(power > config.transient_factor**2 * reference)


def measure(
    band: Band,
    /,
    *,
    span_s: tuple[float, float],
    rate_hz: float,
    config: AnalysisConfig,
    with_peak: bool = True,
) -> TremorStats:
    """Sustained RMS (m/s^2, above the noise floor) and peak frequency (Hz) of ``band``
    over ``span_s``."""
    lo = max(0, round(span_s[0] * rate_hz))
    hi = min(band.signal.shape[0], round(span_s[1] * rate_hz))
    use = band.usable[lo:hi]
    if use.sum() < MIN_MEASURED_S * rate_hz:
        return TremorStats(None, None)
    segment = band.signal[lo:hi] * use[:, None]
    power = float(np.sum(segment**2) / use.sum())
    freqs, psd = power_spectrum(segment, fs_hz=rate_hz, window_s=config.welch_window_s)
    inside = (freqs >= band.band_hz[0]) & (freqs <= band.band_hz[1])
    floor = float(np.percentile(psd[inside], NOISE_PERCENTILE)) * (
        band.band_hz[1] - band.band_hz[0]
    )
    floor *= use.size / use.sum()  # the zeroed samples lowered the spectrum
    rms = float(np.sqrt(max(power - floor, 0.0)))
    if not with_peak:
        return TremorStats(rms, None)
    return TremorStats(rms, peak_frequency(freqs, psd, band_hz=band.band_hz))
