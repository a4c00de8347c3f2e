"""Shaking from video: dense optical flow (OpenCV DIS) in a region on each thigh, above
the knee, followed frame to frame.

The median flow of the region between two frames is how far the thigh moved; summed over
the frames it is the thigh's path in pixels. Band-passed to the tremor band it is the
shaking's displacement; its spectrum gives the frequency. With a scale (metres per pixel)
the displacement becomes acceleration by the (2 pi f)^2 gain of each frequency.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.signal.filters import band_gain, spectrum_of
from thrustlab.signal.spectra import peak_frequency, power_spectrum

FloatArray = npt.NDArray[np.float64]
UInt8Array = npt.NDArray[Any]
"""Image pixels (uint8; typed loosely, as OpenCV returns them)."""

ROI_ALONG_THIGH = 0.7
"""The region sits 70 % of the way from hip to knee: on the thigh, just above the knee."""
ROI_HALF_FRACTION = 0.3
"""Its half-width is 30 % of the thigh's length in the picture..."""
MIN_ROI_HALF_PX = 12
"""...and at least 12 px, so DIS has texture to follow."""
ROBUST_WINDOW_S = 0.5
"""Shaking is the median of 0.5 s windowed mean squares: brief jolts do not count."""


@dataclass(frozen=True, slots=True)
class Box:
    x0: int
    y0: int
    x1: int
    y1: int


def thigh_box(hip: FloatArray, knee: FloatArray, /, *, shape: tuple[int, int]) -> Box | None:
    """The flow region on the thigh between ``hip`` and ``knee`` (pixels), clipped to the
    frame, or None when it falls outside."""
    centre = hip + ROI_ALONG_THIGH * (knee - hip)
    half = max(MIN_ROI_HALF_PX, ROI_HALF_FRACTION * float(np.linalg.norm(knee - hip)))
    h, w = shape
    x0, y0 = max(0, int(centre[0] - half)), max(0, int(centre[1] - half))
    x1, y1 = min(w, int(centre[0] + half)), min(h, int(centre[1] + half))
    if x1 - x0 < MIN_ROI_HALF_PX or y1 - y0 < MIN_ROI_HALF_PX:
        return None
    return Box(x0, y0, x1, y1)


class FlowMeter:
    """Median DIS optical flow of a region between two grey frames."""

    def __init__(self) -> None:
        import cv2

        self._dis: Any = cv2.DISOpticalFlow.create(cv2.DISOPTICAL_FLOW_PRESET_FAST)

    def shift(self, previous: UInt8Array, current: UInt8Array, box: Box, /) -> FloatArray:
        """How far the content of ``box`` moved from ``previous`` to ``current`` (dx, dy)."""
        a = np.ascontiguousarray(previous[box.y0 : box.y1, box.x0 : box.x1])
        b = np.ascontiguousarray(current[box.y0 : box.y1, box.x0 : box.x1])
        flow = self._dis.calc(a, b, None)
        return np.asarray(np.median(flow.reshape(-1, 2), axis=0), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class Shake:
    """One leg's shaking over a stretch: band-limited displacement RMS (pixels, and mm
    with a scale), the spectral peak, and acceleration RMS only with a scale."""

    displacement_rms_px: float | None
    displacement_rms_mm: float | None
    peak_hz: float | None
    acc_rms_mps2: float | None
    fatigue_acc_rms_mps2: float | None


NO_SHAKE = Shake(None, None, None, None, None)


def to_uniform(t_s: FloatArray, path_px: FloatArray, /, *, rate_hz: float) -> FloatArray:
    """``path_px`` (N, 2) sampled at ``t_s`` resampled to ``rate_hz`` from t = 0."""
    n = int(np.floor(t_s[-1] * rate_hz)) + 1
    grid = np.arange(n) / rate_hz
    return np.column_stack([np.interp(grid, t_s, path_px[:, k]) for k in range(2)])


def band_signals(
    path_px: FloatArray, /, *, rate_hz: float, band_hz: tuple[float, float]
) -> tuple[FloatArray, FloatArray]:
    """Band-passed displacement (px) and its second derivative (px/s^2), both (N, 2)."""
    spectrum = spectrum_of(path_px - path_px.mean(axis=0), fs_hz=rate_hz)
    gain = band_gain(spectrum.freqs_hz, band_hz=band_hz)
    omega2 = (2 * np.pi * spectrum.freqs_hz) ** 2
    lo, hi = spectrum.pad, spectrum.pad + spectrum.n_samples
    disp = np.fft.irfft(spectrum.coeffs * gain[:, None], n=spectrum.n_fft, axis=0)[lo:hi]
    acc = np.fft.irfft(-spectrum.coeffs * (gain * omega2)[:, None], n=spectrum.n_fft, axis=0)
    return np.asarray(disp), np.asarray(acc[lo:hi])


def robust_rms(x: FloatArray, /, *, rate_hz: float) -> float:
    """RMS of the vector magnitude of ``x`` (N, 2): the median of windowed mean squares."""
    power = np.sum(x**2, axis=1)
    win = max(1, round(ROBUST_WINDOW_S * rate_hz))
    if power.size < 2 * win:
        return float(np.sqrt(power.mean()))
    n = power.size // win
    return float(np.sqrt(np.median(power[: n * win].reshape(n, win).mean(axis=1))))


@dataclass(frozen=True, slots=True)
class Bands:
    """One leg's path, filtered once into both bands."""

    rate_hz: float
    tremor_disp_px: FloatArray
    tremor_acc_px: FloatArray
    fatigue_acc_px: FloatArray
    path_px: FloatArray
    tremor_band_hz: tuple[float, float]


def bands_of(
    path_px: FloatArray,
    /,
    *,
    rate_hz: float,
    tremor_band_hz: tuple[float, float],
    fatigue_band_hz: tuple[float, float],
) -> Bands:
    disp, acc = band_signals(path_px, rate_hz=rate_hz, band_hz=tremor_band_hz)
    _, fatigue = band_signals(path_px, rate_hz=rate_hz, band_hz=fatigue_band_hz)
    return Bands(rate_hz, disp, acc, fatigue, path_px, tremor_band_hz)


def shake_between(
    bands: Bands, /, *, start_s: float, end_s: float, m_per_px: float | None, window_s: float
) -> Shake:
    """The shaking of one leg from ``start_s`` to ``end_s``."""
    lo = max(0, round(start_s * bands.rate_hz))
    hi = min(bands.tremor_disp_px.shape[0], round(end_s * bands.rate_hz))
    if hi - lo < max(8, round(0.5 * bands.rate_hz)):
        return NO_SHAKE
    rate = bands.rate_hz
    disp = robust_rms(bands.tremor_disp_px[lo:hi], rate_hz=rate)
    segment = bands.path_px[lo:hi]
    freqs, psd = power_spectrum(
        segment - np.linspace(segment[0], segment[-1], hi - lo), fs_hz=rate, window_s=window_s
    )
    peak = peak_frequency(freqs, psd, band_hz=bands.tremor_band_hz)
    if m_per_px is None:
        return Shake(disp, None, peak, None, None)
    return Shake(
        disp,
        1000.0 * disp * m_per_px,
        peak,
        robust_rms(bands.tremor_acc_px[lo:hi], rate_hz=rate) * m_per_px,
        robust_rms(bands.fatigue_acc_px[lo:hi], rate_hz=rate) * m_per_px,
    )
