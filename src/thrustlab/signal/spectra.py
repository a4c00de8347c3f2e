"""Power spectra and their peaks."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from thrustlab.signal.filters import next_fast_len

FloatArray = npt.NDArray[np.float64]

FREQ_STEP_HZ = 0.2
"""Segments are zero-padded so the spectrum is sampled at least this finely."""


@lru_cache(maxsize=64)
def _hann(n: int) -> FloatArray:
    window = np.hanning(n)
    window.setflags(write=False)
    return window


def power_spectrum(
    x: FloatArray, /, *, fs_hz: float, window_s: float
) -> tuple[FloatArray, FloatArray]:
    """Welch power spectral density of ``x`` (samples along axis 0; columns are summed).

    Hann segments of ``window_s`` (shorter when ``x`` is), half overlapping, each with its
    mean removed. Returns ``(freqs_hz, psd)`` with psd in units of x squared per Hz."""
    return welch_many(x, [(0, x.shape[0])], fs_hz=fs_hz, window_s=window_s)[0]


def welch_many(
    x: FloatArray, spans: Sequence[tuple[int, int]], /, *, fs_hz: float, window_s: float
) -> list[tuple[FloatArray, FloatArray]]:
    """``power_spectrum`` of each ``x[lo:hi]`` in ``spans``, with one FFT for all the spans
    whose segments have the same length."""
    lengths = [min(hi - lo, max(4, round(window_s * fs_hz))) for lo, hi in spans]
    out: list[tuple[FloatArray, FloatArray]] = [(np.array([0.0]), np.zeros(1))] * len(spans)
    for seg in sorted(set(lengths)):
        if seg < 4:  # a Hann window of fewer samples is all zeros
            continue
        members = [k for k, length in enumerate(lengths) if length == seg]
        starts = [np.arange(spans[k][0], spans[k][1] - seg + 1, max(1, seg // 2)) for k in members]
        segments = x[np.concatenate(starts)[:, None] + np.arange(seg)[None, :]]
        segments = segments - segments.mean(axis=1, keepdims=True)
        window = _hann(seg)
        segments = segments * window.reshape((1, seg) + (1,) * (segments.ndim - 2))
        n_fft = next_fast_len(max(seg, round(fs_hz / FREQ_STEP_HZ)))
        coeffs = np.fft.rfft(segments, n=n_fft, axis=1)
        power = coeffs.real**2 + coeffs.imag**2
        if power.ndim == 3:
            power = power.sum(axis=2)
        power[:, 1:-1] *= 2.0
        power /= fs_hz * float(np.sum(window**2))
        freqs = np.fft.rfftfreq(n_fft, 1.0 / fs_hz)
        edges = np.cumsum([0] + [len(st) for st in starts])
        for k, a, b in zip(members, edges[:-1], edges[1:], strict=True):
            out[k] = (freqs, power[a:b].mean(axis=0))
    return out


def peak_frequency(
    freqs_hz: FloatArray,
    psd: FloatArray,
    /,
    *,
    band_hz: tuple[float, float],
    halfwidth_hz: float = 1.0,
) -> float | None:
    """Frequency of the largest peak of ``psd`` inside ``band_hz``: the highest local
    maximum (a slope running into the band edge is not a peak), refined to the
    power-weighted centre of the spectrum within ``halfwidth_hz`` of it, above the lowest
    bin there (a wandering tremor makes a broad peak whose centre is its mean frequency).
    None when the band holds no power."""
    inside = np.flatnonzero((freqs_hz >= band_hz[0]) & (freqs_hz <= band_hz[1]))
    if inside.size == 0 or float(np.max(psd[inside])) <= 0:
        return None
    values = psd[inside]
    local = np.flatnonzero((values[1:-1] >= values[:-2]) & (values[1:-1] >= values[2:])) + 1
    k = int(inside[local[np.argmax(values[local])]] if local.size else inside[np.argmax(values)])
    near = inside[np.abs(freqs_hz[inside] - freqs_hz[k]) <= halfwidth_hz]
    weights = psd[near] - float(np.min(psd[near]))
    if weights.sum() <= 0:
        return float(freqs_hz[k])
    return float(np.sum(freqs_hz[near] * weights) / weights.sum())
