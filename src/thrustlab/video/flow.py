"""Shaking from video: dense optical flow (OpenCV DIS) in a region on each thigh, above
the knee, followed frame to frame.

The median flow of the region between two frames is how far the thigh moved; summed over
the frames it is the thigh's path in pixels (metres with a scale). Its second derivative,
by the (2 pi f)^2 gain of each frequency, is the thigh's acceleration: fed to the same
gating, bands and ``analyse.tremor.measure`` as a phone's accelerometer, it gives the same
figures. Band-passed to the tremor band, the path itself is the shaking's displacement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.measurement.leg import usable_bands
from thrustlab.measurement.tremor import GATE_LOW_HZ, Bands, bursts, sustained_bands
from thrustlab.records import record
from thrustlab.signal.filters import band_gain, inverse, spectrum_of

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
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


@record
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


@record
class Shake:
    """One leg's shaking over a stretch: band-limited displacement RMS (pixels, and mm
    with a scale), and the figures ``analyse.tremor.measure`` gives (the spectral peak, and
    acceleration RMS only with a scale)."""

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


def shaking_bands(
    path: FloatArray,
    valid: BoolArray,
    /,
    *,
    rate_hz: float,
    measurable: bool,
    config: AnalysisConfig,
) -> Bands:
    """One thigh's shaking as the sensor path's ``Bands``, so ``analyse.tremor.measure``
    gives its figures: the path's second derivative (the exact (2 pi f)^2 gain of each
    frequency) above the movement, with jolts and frames without flow faded out, then
    band-passed. In the path's unit per s^2 (m/s^2 for a path in metres). Nothing is
    usable when not ``measurable`` (too few frames a second)."""
    tremor_hz, fatigue_hz, _ = usable_bands(rate_hz, config)
    spectrum = spectrum_of(path - path.mean(axis=0), fs_hz=rate_hz)
    omega2 = (2 * np.pi * spectrum.freqs_hz) ** 2
    gate = band_gain(spectrum.freqs_hz, band_hz=(GATE_LOW_HZ, rate_hz / 2), taper_hz=1.0)
    above = inverse(spectrum, gain=-omega2 * gate)
    keep = valid & ~bursts(above, rate_hz=rate_hz, config=config) if measurable else valid & False
    return sustained_bands(
        above, tremor_hz=tremor_hz, fatigue_hz=fatigue_hz, keep=keep, rate_hz=rate_hz, config=config
    )


def displacement_rms_px(
    path_px: FloatArray,
    /,
    *,
    rate_hz: float,
    band_hz: tuple[float, float],
    spans_s: Sequence[tuple[float, float] | None],
) -> tuple[float | None, ...]:
    """Tremor-band displacement RMS (px) of ``path_px`` over each span (None when shorter
    than half a second)."""
    disp, _ = band_signals(path_px, rate_hz=rate_hz, band_hz=band_hz)
    out: list[float | None] = []
    for span in spans_s:
        lo, hi = (round(span[0] * rate_hz), round(span[1] * rate_hz)) if span else (0, 0)
        lo, hi = max(0, lo), min(disp.shape[0], hi)
        enough = hi - lo >= max(8, round(0.5 * rate_hz))
        out.append(robust_rms(disp[lo:hi], rate_hz=rate_hz) if enough else None)
    return tuple(out)
