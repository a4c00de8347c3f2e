"""Power spectra and their peaks."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Spectra:
    """Welch spectra of several spans on one frequency grid: row ``i`` of ``psd`` belongs to
    span ``members[i]``."""

    members: tuple[int, ...]
    freqs_hz: FloatArray
    psd: FloatArray


def power_spectrum(
    x: FloatArray, /, *, fs_hz: float, window_s: float
) -> tuple[FloatArray, FloatArray]:
    """Welch power spectral density of ``x`` (samples along axis 0; columns are summed).

    Hann segments of ``window_s`` (shorter when ``x`` is), half overlapping, each with its
    mean removed. Returns ``(freqs_hz, psd)`` with psd in units of x squared per Hz."""
    groups = welch_many(x, [(0, x.shape[0])], fs_hz=fs_hz, window_s=window_s)
    if not groups:
        return np.array([0.0]), np.zeros(1)
    return groups[0].freqs_hz, groups[0].psd[0]


def welch_many(
    x: FloatArray, spans: Sequence[tuple[int, int]], /, *, fs_hz: float, window_s: float
) -> list[Spectra]:
    """``power_spectrum`` of each ``x[lo:hi]`` in ``spans``, one FFT for all the spans whose
    spectra share a frequency grid (spans under 4 samples get none)."""
    lengths = [min(hi - lo, max(4, round(window_s * fs_hz))) for lo, hi in spans]
    rows = np.ascontiguousarray(x.T if x.ndim == 2 else x[None, :], dtype=float)  # (col, sample)
    grids: dict[int, list[int]] = {}
    for k, seg in enumerate(lengths):
        if seg >= 4:  # a Hann window of fewer samples is all zeros
            grids.setdefault(next_fast_len(max(seg, round(fs_hz / FREQ_STEP_HZ))), []).append(k)
    out = []
    for n_fft, members in sorted(grids.items()):
        order = sorted(members, key=lambda k: lengths[k])
        starts = [  # each span's segments' first samples (Python ranges: a few each)
            range(spans[k][0], spans[k][1] - lengths[k] + 1, max(1, lengths[k] // 2)) for k in order
        ]
        counts = [len(st) for st in starts]
        segments = np.zeros((rows.shape[0], sum(counts), n_fft))
        first = 0
        for seg in sorted({lengths[k] for k in order}):  # one gather per segment length
            mine = [s for i, k in enumerate(order) if lengths[k] == seg for s in starts[i]]
            where = np.array(mine)[:, None] + _steps(seg)
            block = rows[:, where]  # (col, segment, sample)
            mean, window = _segment_weights(seg, fs_hz)
            block -= (block @ mean)[..., None]  # each one's mean
            block *= window  # density scaling
            segments[:, first : first + where.shape[0], :seg] = block
            first += where.shape[0]
        coeffs = np.fft.rfft(segments, axis=2)
        power = (coeffs.real**2 + coeffs.imag**2).sum(axis=0)
        power[:, 1 : (n_fft + 1) // 2] *= 2.0  # one-sided: all but 0 Hz and Nyquist (even n)
        edges = np.array([0, *itertools.accumulate(counts[:-1])])
        psd = np.add.reduceat(power, edges, axis=0) / np.array(counts)[:, None]
        out.append(Spectra(tuple(order), _freqs(n_fft, fs_hz).copy(), psd))
    return out


@lru_cache(maxsize=64)
def _steps(seg: int) -> npt.NDArray[np.intp]:
    """``np.arange(seg)``, kept (read-only)."""
    steps = np.arange(seg)
    steps.setflags(write=False)
    return steps


@lru_cache(maxsize=64)
def _segment_weights(seg: int, fs_hz: float) -> tuple[FloatArray, FloatArray]:
    """For segments of ``seg`` samples: the weights whose product with a segment is its
    mean, and the Hann window scaled to a density (kept, read-only)."""
    mean = np.full(seg, 1.0 / seg)
    window = _hann(seg)
    scaled = window / np.sqrt(fs_hz * float(window @ window))
    mean.setflags(write=False)
    scaled.setflags(write=False)
    return mean, scaled


@lru_cache(maxsize=64)
def _freqs(n_fft: int, fs_hz: float) -> FloatArray:
    """``np.fft.rfftfreq(n_fft, 1.0 / fs_hz)``, kept (read-only)."""
    freqs = np.fft.rfftfreq(n_fft, 1.0 / fs_hz)
    freqs.setflags(write=False)
    return freqs


def peak_frequency(
    freqs_hz: FloatArray,
    psd: FloatArray,
    /,
    *,
    band_hz: tuple[float, float],
    halfwidth_hz: float = 1.0,
) -> float | None:
    """Frequency of the largest peak of ``psd`` inside ``band_hz`` (see
    ``peak_frequencies``); None when the band holds no power."""
    peak = peak_frequencies(freqs_hz, psd[None, :], band_hz=band_hz, halfwidth_hz=halfwidth_hz)[0]
    return None if np.isnan(peak) else float(peak)


def peak_frequencies(
    freqs_hz: FloatArray,
    psd: FloatArray,
    /,
    *,
    band_hz: tuple[float, float],
    halfwidth_hz: float = 1.0,
) -> FloatArray:
    """For each row of ``psd``, the frequency of its largest peak inside ``band_hz``: the
    highest local maximum (a slope running into the band edge is not a peak), refined to
    the power-weighted centre of the spectrum within ``halfwidth_hz`` of it, above the
    lowest bin there (a wandering tremor makes a broad peak whose centre is its mean
    frequency). NaN where the band holds no power."""
    inside = (freqs_hz >= band_hz[0]) & (freqs_hz <= band_hz[1])
    rows = psd.shape[0]
    if not inside.any():
        return np.full(rows, np.nan)
    f, p = freqs_hz[inside], psd[:, inside]
    local = np.zeros_like(p, dtype=bool)
    local[:, 1:-1] = (p[:, 1:-1] >= p[:, :-2]) & (p[:, 1:-1] >= p[:, 2:])
    has_local = local.any(axis=1)
    k = np.where(has_local, np.where(local, p, -np.inf).argmax(axis=1), p.argmax(axis=1))
    near = np.abs(f[None, :] - f[k][:, None]) <= halfwidth_hz
    floor = np.where(near, p, np.inf).min(axis=1, keepdims=True)
    weights = np.where(near, p - floor, 0.0)
    total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (weights @ f) / total
    peaks = np.where(total > 0, centre, f[k])
    return np.asarray(np.where(p.max(axis=1) > 0, peaks, np.nan))
