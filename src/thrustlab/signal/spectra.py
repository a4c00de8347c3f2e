"""Power spectra and their peaks."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from thrustlab.records import record
from thrustlab.signal.filters import next_fast_len, rfft_freqs

FloatArray = npt.NDArray[np.float64]

FREQ_STEP_HZ = 0.2
"""Segments are zero-padded so the spectrum is sampled at least this finely."""


@lru_cache(maxsize=64)
def _hann(n: int) -> FloatArray:
    window = np.hanning(n)
    window.setflags(write=False)
    return window


@record
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
    x: FloatArray,
    spans: Sequence[tuple[int, int]],
    /,
    *,
    fs_hz: float,
    window_s: float,
    band_hz: tuple[float, float] | None = None,
) -> list[Spectra]:
    """``power_spectrum`` of each ``x[lo:hi]`` in ``spans``, one FFT for all the spans whose
    spectra share a frequency grid (spans under 4 samples get none). ``band_hz``: only the
    frequencies ``f`` with ``low <= f <= high`` are kept, the same numbers as without it
    (the others' power is not worked out). ``x`` is read fastest as (sample, column) rows,
    C-ordered."""
    window = max(4, round(window_s * fs_hz))
    least_fft = round(fs_hz / FREQ_STEP_HZ)
    samples = np.ascontiguousarray(x if x.ndim == 2 else x[:, None], dtype=float)
    grids: dict[int, list[tuple[int, int]]] = {}  # n_fft: (segment length, span) each
    for k, (lo, hi) in enumerate(spans):
        seg = min(hi - lo, window)
        if seg >= 4:  # a Hann window of fewer samples is all zeros
            grids.setdefault(next_fast_len(max(seg, least_fft)), []).append((seg, k))
    return [
        _welch_grid(samples, spans, sorted(members), n_fft=n_fft, fs_hz=fs_hz, band_hz=band_hz)
        for n_fft, members in sorted(grids.items())
    ]


def _welch_grid(
    samples: FloatArray,
    spans: Sequence[tuple[int, int]],
    members: list[tuple[int, int]],
    /,
    *,
    n_fft: int,
    fs_hz: float,
    band_hz: tuple[float, float] | None,
) -> Spectra:
    """The spectra of ``members`` (segment length, span: shortest first, ties in the spans'
    order) on the grid of ``n_fft`` points.

    Written for speed, the same numbers: the segments of each length are copied from a
    strided view of ``samples`` (runs of samples, where an index per sample cost seven times
    as much) into the layout an index per sample gave, so their means are the same sums;
    the power is added over the columns one after another, as ``sum(axis=0)`` adds them,
    only within ``band_hz``; the one-sided doubling (by two: exact) scales each span's sum
    instead of every segment."""
    starts: list[int] = []  # each span's segments' first samples, in order
    counts = []
    per_length: dict[int, int] = {}  # segments of each length
    for seg, k in members:
        before = len(starts)
        starts.extend(range(spans[k][0], spans[k][1] - seg + 1, max(1, seg // 2)))
        counts.append(len(starts) - before)
        per_length[seg] = per_length.get(seg, 0) + counts[-1]
    segments = np.empty((samples.shape[1], len(starts), n_fft))
    first_at = np.array(starts)
    first = 0
    for seg, many in per_length.items():
        segments[:, first : first + many, seg:] = 0.0  # the zero padding (the rest is written)
        _windowed(
            samples,
            first_at[first : first + many],
            seg,
            fs_hz,
            out=segments[:, first : first + many, :seg],
        )
        first += many
    coeffs = np.fft.rfft(segments, axis=2)
    kept = _bins(n_fft, fs_hz, band_hz)
    coeffs = coeffs[..., kept]
    squares = np.square(coeffs.real)
    squares += np.square(coeffs.imag)
    power = squares[0] if squares.shape[0] == 1 else squares[0] + squares[1]
    for column in squares[2:]:
        power += column
    edges = np.array([0, *itertools.accumulate(counts[:-1])])
    sums = np.add.reduceat(power, edges, axis=0)
    # one-sided: all but 0 Hz and Nyquist (even n), in the kept bins' numbering
    sums[:, max(1, kept.start) - kept.start : max(0, (n_fft + 1) // 2 - kept.start)] *= 2.0
    psd = sums / np.array(counts)[:, None]
    freqs = rfft_freqs(n_fft, fs_hz)[kept].copy()
    return Spectra(tuple(k for _, k in members), freqs, psd)


def _windowed(
    samples: FloatArray, starts: npt.NDArray[np.intp], seg: int, fs_hz: float, /, *, out: FloatArray
) -> None:
    """The ``seg``-sample segments of ``samples`` (sample, column; C-ordered) from
    ``starts``, each less its mean and Hann-windowed for density, into ``out`` (column,
    segment, sample). Each segment is one run of memory, copied whole; the means are taken
    on the layout ``rows[:, index]`` gave (column, segment, sample with strides (8, 8 seg C,
    8 C)), so they are the same sums.

    The segments are centred in a C-ordered copy and windowed from it into ``out``: numpy
    copies operands laid out as the segments and ``out`` are through buffers, and this
    order costs a quarter fewer instructions than centring and windowing in ``out`` (443 ->
    328 k for the segments of a minute's reps; the padding is zeroed alone)."""
    columns, size = samples.shape[1], samples.itemsize
    runs = np.lib.stride_tricks.as_strided(  # (a C-ordered array's strides, whatever numpy says)
        samples,
        (samples.shape[0] - seg + 1, seg * columns),
        (columns * size, size),
        writeable=False,
    )
    block = runs[starts].reshape(starts.size, seg, columns).transpose(2, 0, 1)
    mean, window = _segment_weights(seg, fs_hz)
    centred = np.ascontiguousarray(block)
    np.subtract(centred, (block @ mean)[..., None], out=centred)  # each one's mean
    np.multiply(centred, window, out=out)  # density scaling


@lru_cache(maxsize=64)
def _bins(n_fft: int, fs_hz: float, band_hz: tuple[float, float] | None) -> slice:
    """The bins of ``rfft_freqs(n_fft, fs_hz)`` within ``band_hz`` (all: None; an ascending
    grid, so they are a run)."""
    freqs = rfft_freqs(n_fft, fs_hz)
    return slice(0, freqs.size) if band_hz is None else band_bins(freqs, band_hz)


def band_bins(freqs_hz: FloatArray, band_hz: tuple[float, float], /) -> slice:
    """The bins of an ascending ``freqs_hz`` with ``low <= f <= high``: a run."""
    low = int(np.searchsorted(freqs_hz, band_hz[0], side="left"))
    return slice(low, max(low, int(np.searchsorted(freqs_hz, band_hz[1], side="right"))))


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
    """For each row of ``psd`` (at the ascending ``freqs_hz``), the frequency of its
    largest peak inside ``band_hz``: the highest local maximum (a slope running into the
    band edge is not a peak), refined to the power-weighted centre of the spectrum within
    ``halfwidth_hz`` of it, above the lowest bin there (a wandering tremor makes a broad
    peak whose centre is its mean frequency). NaN where the band holds no power."""
    inside = band_bins(freqs_hz, band_hz)
    if inside.start == inside.stop:
        return np.full(psd.shape[0], np.nan)
    return band_peaks(freqs_hz[inside], psd[:, inside], halfwidth_hz=halfwidth_hz)


def band_peaks(
    f: FloatArray,
    p: FloatArray,
    /,
    *,
    halfwidth_hz: float = 1.0,
    top: npt.NDArray[np.intp] | None = None,
) -> FloatArray:
    """``peak_frequencies`` of the spectra ``p`` (rows) already cut to a band's bins ``f``
    (at least one); ``top``: ``p.argmax(axis=1)``, when already worked out.

    Which bins lie within ``halfwidth_hz`` of each is worked out once per band (the same
    differences as per spectrum), and the division by a zero weight is left out rather
    than its warning silenced."""
    local = np.zeros_like(p, dtype=bool)
    local[:, 1:-1] = (p[:, 1:-1] >= p[:, :-2]) & (p[:, 1:-1] >= p[:, 2:])
    highest = p.argmax(axis=1) if top is None else top
    k = np.where(local.any(axis=1), np.where(local, p, -np.inf).argmax(axis=1), highest)
    near = _near(f.tobytes(), halfwidth_hz)[k]
    floor = np.where(near, p, np.inf).min(axis=1, keepdims=True)
    weights = np.where(near, p - floor, 0.0)
    total = weights.sum(axis=1)
    peaks = f[k]
    # f copied: the product's sums follow the vector's alignment, and a fresh array is what
    # it always had (a view into a band's bins gave other last bits)
    np.divide(weights @ f.copy(), total, out=peaks, where=total > 0)
    # each row's largest power is the one at its argmax (a pick, not a second reduction)
    return np.asarray(np.where(p[np.arange(p.shape[0]), highest] > 0, peaks, np.nan))


@lru_cache(maxsize=32)
def _near(grid: bytes, halfwidth_hz: float) -> npt.NDArray[np.bool_]:
    """For a band's frequencies (``grid``: their bytes), which lie within ``halfwidth_hz``
    of each (row: the peak's bin; kept, read-only)."""
    f = np.frombuffer(grid)
    near = np.abs(f[None, :] - f[:, None]) <= halfwidth_hz
    near.setflags(write=False)
    return near
