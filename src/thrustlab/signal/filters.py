"""Zero-phase filters applied in the frequency domain.

A filter here is a real gain per frequency, so it never shifts a signal in time. Band edges
fall off with a raised-cosine taper ``taper_hz`` wide outside the band: steep enough that a
tremor at 5.5 Hz does not leak into a 6-12 Hz band, smooth enough not to ring. Edges of the
recording are handled by mirroring it before the transform.

Band filters transform the whole signal: their kernels reach far (a raised-cosine edge
fades as 1/t^3), so blocks would change them. A Gaussian's kernel is nil 12 sigmas out, so
``smooth`` of a long signal goes block by block, equal to the whole transform to rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from itertools import pairwise
from math import ceil

import numpy as np
import numpy.typing as npt

from thrustlab.records import record

FloatArray = npt.NDArray[np.float64]

TAPER_HZ = 0.3
"""Width of the raised-cosine roll-off outside each band edge."""


@lru_cache(maxsize=256)
def next_fast_len(n: int, /) -> int:
    """The smallest 2-3-5-smooth integer >= n (FFTs of such lengths are fast)."""
    best = 1 << max(n - 1, 0).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            quotient = -(-n // p35)
            candidate = p35 * (1 << max(quotient - 1, 0).bit_length())
            best = min(best, candidate)
            p35 *= 3
        p5 *= 5
    return best


def band_gain(
    freqs_hz: FloatArray, /, *, band_hz: tuple[float, float], taper_hz: float = TAPER_HZ
) -> FloatArray:
    """Gain 1 inside ``band_hz``, falling to 0 over ``taper_hz`` outside each edge, for
    ascending ``freqs_hz`` (the cosines are worked out only on the tapers).

    A low edge of 0 makes a low-pass filter; a high edge below the low one passes nothing."""
    low, high = band_hz
    gain = np.zeros_like(freqs_hz)
    if high < low:  # an empty band passes nothing
        return gain
    below, first, above = np.searchsorted(freqs_hz, [low - taper_hz, low, high + taper_hz]).tolist()
    last = int(np.searchsorted(freqs_hz, high, side="right"))
    gain[first:last] = 1.0
    if low > 0:
        rise = freqs_hz[below:first]
        gain[below:first] = 0.5 * (1.0 + np.cos(np.pi * (low - rise) / taper_hz))
    fall = freqs_hz[last:above]
    gain[last:above] = 0.5 * (1.0 + np.cos(np.pi * (fall - high) / taper_hz))
    return gain


def irfft0(coeffs: npt.NDArray[np.complex128], gain: FloatArray, /, *, n: int) -> FloatArray:
    """``np.fft.irfft`` along axis 0 of ``coeffs`` (``n // 2 + 1`` frequencies) each scaled
    by ``gain``, run on contiguous rows.

    The scaled coefficients are written straight into rows of ``n`` entries, whose tail
    np.fft.irfft crops unread: handed ``n // 2 + 1`` of them, numpy 1.x first copies them
    into a zeroed complex array of ``n``, fresh memory taken from the system a 4 kB page at a
    time (for an hour at 50 Hz, a third of each transform's time).

    A long signal (``BY_ROWS_FROM``) goes one column at a time, through one row."""
    kept = coeffs.shape[0]
    if coeffs.ndim == 2 and n < BY_ROWS_FROM:
        rows = np.empty((coeffs.shape[1], n), dtype=np.complex128)
        _scaled_into(rows, coeffs, gain)
        return np.fft.irfft(rows, n=n, axis=-1).T
    row = np.empty(n, dtype=np.complex128)
    if coeffs.ndim == 1:
        np.multiply(coeffs, gain, out=row[:kept])
        return np.fft.irfft(row, n=n)
    out = np.empty((coeffs.shape[1], n))
    for column, signal in zip(coeffs.T, out, strict=True):
        np.multiply(column, gain, out=row[:kept])
        signal[:] = np.fft.irfft(row, n=n)
    return out.T


def _scaled_into(
    rows: npt.NDArray[np.complex128], coeffs: npt.NDArray[np.complex128], gain: FloatArray
) -> None:
    """The first ``len(gain)`` entries of each row of ``rows`` (C, n): each column of
    ``coeffs`` (kept, C) times ``gain``. A column at a time: one multiplication of the
    (kept, C) views went through numpy's buffered iteration, 60 % dearer (144,000
    instructions where the three rows take 91,000 in all, for a 60 s file's 1,601
    frequencies); and 66,000 with the gain turned complex once, as numpy turned it for
    each row."""
    kept = coeffs.shape[0]
    as_complex = gain.astype(np.complex128)  # what numpy multiplies by, made once, not per row
    for column, row in zip(coeffs.T, rows, strict=True):
        np.multiply(column, as_complex, out=row[:kept])


BY_ROWS_FROM = 2**15
"""From 32,768 samples on, ``irfft0`` and ``spectrum_of`` transform one column at a time:
np.fft's output comes zeroed from the system (np.zeros), and a long signal's (3, n) output
took a page fault per 4 kB each call (an hour at 57 Hz: 1,400 faults, 40 % of the inverse
transform's time), where one column's output, freed before the next is asked for, is
handed back by the allocator without faults. The same transform of the same numbers per
column, so the same result; below, where the outputs fit the allocator's reuse, one call
of numpy is cheaper than three."""


@record
class Spectrum:
    """The FFT of a mirrored-padded signal, ready to be filtered into several bands."""

    coeffs: npt.NDArray[np.complex128]
    freqs_hz: FloatArray
    n_samples: int
    pad: int
    n_fft: int


def mirrored(x: FloatArray, /, *, pad: int) -> FloatArray:
    """``x`` (samples along axis 0) with ``pad`` samples mirrored onto each end, so that a
    filter applied in the frequency domain sees no jump at the edges."""
    return np.concatenate([x[pad:0:-1], x, x[-2 : -pad - 2 : -1]]) if pad > 0 else x


def gaussian_gain(freqs_hz: FloatArray, /, *, sigma_hz: float) -> FloatArray:
    """Gain ``exp(-f^2 / 2 sigma^2)``: a low-pass with no ringing."""
    return np.asarray(np.exp(-0.5 * (freqs_hz / sigma_hz) ** 2))


def padded_length(n: int, fs_hz: float, /, *, pad_s: float = 1.0) -> tuple[int, int]:
    """``(pad, n_fft)``: the samples mirrored onto each end of ``n`` at ``fs_hz`` (``pad_s``,
    fewer than ``n``), and the transform's length (fast, at least the padded signal's)."""
    pad = min(n - 1, round(pad_s * fs_hz))
    return pad, next_fast_len(n + 2 * pad)


def spectrum_of(x: FloatArray, /, *, fs_hz: float, pad_s: float = 1.0) -> Spectrum:
    """Transform ``x`` (samples along axis 0) once, so that many bands cost one inverse each."""
    n = x.shape[0]
    pad, n_fft = padded_length(n, fs_hz, pad_s=pad_s)
    rows = _padded_rows(x, pad=pad, n_fft=n_fft)
    if rows.ndim == 1 or n_fft < BY_ROWS_FROM:
        coeffs = np.fft.rfft(rows, axis=-1)
    else:  # a row at a time, as in irfft0
        coeffs = np.empty((rows.shape[0], n_fft // 2 + 1), dtype=np.complex128)
        for row, out in zip(rows, coeffs, strict=True):
            out[:] = np.fft.rfft(row)
    return Spectrum(coeffs.T, rfft_freqs(n_fft, fs_hz), n, pad, n_fft)


def rfft_freqs(n_fft: int, fs_hz: float, /) -> FloatArray:
    """``np.fft.rfftfreq(n_fft, 1.0 / fs_hz)``, read-only; kept for the next transform on the
    same grid up to ``GAIN_KEPT_UP_TO`` frequencies (made anew, its three passes and four
    numpy calls cost 15 % of a short signal's ``spectrum_of`` beside numpy's FFT)."""
    if n_fft // 2 + 1 > GAIN_KEPT_UP_TO:
        return _read_only_freqs(n_fft, fs_hz)
    return _kept_freqs(n_fft, fs_hz)


def _read_only_freqs(n_fft: int, fs_hz: float, /) -> FloatArray:
    freqs = np.fft.rfftfreq(n_fft, 1.0 / fs_hz)
    freqs.setflags(write=False)
    return freqs


_kept_freqs = lru_cache(maxsize=64)(_read_only_freqs)


def _padded_rows(x: FloatArray, /, *, pad: int, n_fft: int) -> FloatArray:
    """``mirrored(x, pad=pad)`` zero-padded to ``n_fft`` samples, as contiguous rows (one
    per column of ``x``): x copied once, not thrice. np.empty, filled here: np.zeros' memory
    comes from the system a 4 kB page at a time, where numpy asks for large pages for memory
    it fills itself (long signals)."""
    n = x.shape[0]
    rows = np.empty((*x.shape[1:], n_fft))
    along = rows.T
    along[pad : pad + n] = x
    along[:pad] = x[pad:0:-1]
    along[pad + n : n + 2 * pad] = x[-2 : -pad - 2 : -1]
    along[n + 2 * pad :] = 0.0
    return rows


def inverse(spectrum: Spectrum, /, *, gain: FloatArray) -> FloatArray:
    """The signal of ``spectrum`` with each frequency scaled by ``gain``, unpadded."""
    return inverses(spectrum, [gain])[0]


def inverses(spectrum: Spectrum, gains: Sequence[FloatArray], /) -> list[FloatArray]:
    """``[inverse(spectrum, gain=g) for g in gains]``: below ``BY_ROWS_FROM``, the same
    numbers from one call to the inverse transform (numpy plans a transform again at every
    call); from it on, one column at a time (``irfft0``)."""
    coeffs, n = spectrum.coeffs, spectrum.n_fft
    low, high = spectrum.pad, spectrum.pad + spectrum.n_samples
    if n >= BY_ROWS_FROM:
        return [np.asarray(irfft0(coeffs, gain, n=n)[low:high]) for gain in gains]
    kept = coeffs.shape[0]
    rows = np.empty((len(gains), *coeffs.shape[1:], n), dtype=np.complex128)
    for row, gain in zip(rows, gains, strict=True):
        if coeffs.ndim == 2:
            _scaled_into(row, coeffs, gain)
        else:
            np.multiply(coeffs, gain, out=row[:kept])
    signals = np.fft.irfft(rows, n=n, axis=-1)
    return [np.asarray(signal.T[low:high]) for signal in signals]


GAIN_BYTES_KEPT = 4 * 2**20
"""Gains kept for the next recordings (``gain_on``), up to 4 MB in all, the least recently
used dropped first: a batch's recordings mostly share their length and rate, so their
transforms share a frequency grid. A 60 s recording takes nine gains of 13-25 kB; a batch
of them spreads over a few dozen grids (150 of the benchmark's: 28), which 20 gains
forgotten all at once when full could not hold (7 in 10 asked for were made anew; now 1 to
2 in 10). Only grids of up to ``GAIN_KEPT_UP_TO`` frequencies (256 kB a gain): a longer
recording's gains cost little beside its analysis."""
GAIN_KEPT_UP_TO = 32_768
_gains: dict[tuple[object, ...], FloatArray] = {}


def gain_on(
    freqs_hz: FloatArray, what: tuple[object, ...], make: Callable[[FloatArray], FloatArray]
) -> FloatArray:
    """``make(freqs_hz)`` for the frequencies of an ``np.fft.rfftfreq`` grid (known by its
    size and step), kept read-only under ``what`` for the next transform on the same grid."""
    if freqs_hz.size > GAIN_KEPT_UP_TO:
        return np.asarray(make(freqs_hz))
    key = (freqs_hz.size, float(freqs_hz[1]) if freqs_hz.size > 1 else 0.0, *what)
    gain = _gains.pop(key, None)
    if gain is None:
        gain = np.array(make(freqs_hz), dtype=float)
        gain.setflags(write=False)
        kept_bytes = gain.nbytes + sum(g.nbytes for g in _gains.values())
        while _gains and kept_bytes > GAIN_BYTES_KEPT:
            kept_bytes -= _gains.pop(next(iter(_gains))).nbytes
    _gains[key] = gain  # the most recently used last
    return gain


def filtered(
    spectrum: Spectrum, /, *, band_hz: tuple[float, float], taper_hz: float = TAPER_HZ
) -> FloatArray:
    """The signal of ``spectrum`` band-passed to ``band_hz`` (low edge 0: low-pass)."""
    return inverse(spectrum, gain=band_gain(spectrum.freqs_hz, band_hz=band_hz, taper_hz=taper_hz))


def bandpass(x: FloatArray, /, *, fs_hz: float, band_hz: tuple[float, float]) -> FloatArray:
    """Zero-phase band-pass of ``x`` (samples along axis 0)."""
    return filtered(spectrum_of(x, fs_hz=fs_hz), band_hz=band_hz)


def lowpass(x: FloatArray, /, *, fs_hz: float, cutoff_hz: float) -> FloatArray:
    """Zero-phase low-pass of ``x`` (samples along axis 0)."""
    return filtered(spectrum_of(x, fs_hz=fs_hz), band_hz=(0.0, cutoff_hz))


def smooth(x: FloatArray, /, *, fs_hz: float, sigma_hz: float) -> FloatArray:
    """Zero-phase Gaussian low-pass (gain ``exp(-f^2 / 2 sigma^2)``): no ringing, so a
    brief jolt stays brief instead of spreading into the seconds around it.

    A long signal is smoothed a block at a time (``_smoothed_blocks``), the same filter.
    The ends are mirrored ``smooth_pad_s`` out."""
    n = x.shape[0]
    pad_s = smooth_pad_s(sigma_hz)
    pad, n_fft = padded_length(n, fs_hz, pad_s=pad_s)
    reach = ceil(GAUSSIAN_REACH_SIGMAS * fs_hz / (2 * np.pi * sigma_hz))
    block = next_fast_len(max(SMOOTH_BLOCK, 8 * reach))
    if (
        n_fft >= BLOCKWISE_FROM
        and 2 * block <= n_fft
        and fs_hz / 2 >= GAUSSIAN_REACH_SIGMAS * sigma_hz
    ):
        rows = _padded_rows(x, pad=pad, n_fft=n_fft)
        return _smoothed_blocks(
            rows, (pad, pad + n), fs_hz=fs_hz, sigma_hz=sigma_hz, reach=reach, block=block
        )
    spectrum = spectrum_of(x, fs_hz=fs_hz, pad_s=pad_s)
    return inverse(spectrum, gain=gaussian_on(spectrum.freqs_hz, sigma_hz))


def smooth_pad_s(sigma_hz: float, /) -> float:
    """Seconds mirrored onto each end before smoothing with a Gaussian of ``sigma_hz``:
    ``PAD_SIGMAS`` of its widths, 1 s at least. The transform joins the end to the start:
    with 1 s mirrored, a drift's kernel (5 s wide at 0.03 Hz) reached into the other end,
    and an angle integrated from acceleration that drifted 700 degrees over a set read 260
    degrees off in its first seconds."""
    return max(1.0, PAD_SIGMAS / (2 * np.pi * sigma_hz))


PAD_SIGMAS = 4.0
"""A Gaussian's weight 4 widths out is 3e-4 of its peak."""


def smoothed_together(
    xs: Sequence[FloatArray], /, *, fs_hz: float, sigma_hz: float
) -> list[FloatArray]:
    """``[smooth(x, fs_hz=fs_hz, sigma_hz=sigma_hz) for x in xs]`` for signals (N, C_i) of one
    length: one ``smooth`` of their columns side by side, transformed there and back in one
    call each (numpy plans a transform again at every call). Each column is transformed on
    its own row either way, so the results are the same; a long signal (``smooth`` block by
    block, or a row at a time) is smoothed one ``x`` at a time."""
    if padded_length(xs[0].shape[0], fs_hz)[1] >= min(BLOCKWISE_FROM, BY_ROWS_FROM):
        return [smooth(x, fs_hz=fs_hz, sigma_hz=sigma_hz) for x in xs]
    together = smooth(np.concatenate(xs, axis=1), fs_hz=fs_hz, sigma_hz=sigma_hz)
    bounds = np.cumsum([0, *(x.shape[1] for x in xs)]).tolist()
    return [together[:, low:high] for low, high in pairwise(bounds)]


def gaussian_on(freqs_hz: FloatArray, sigma_hz: float) -> FloatArray:
    """``gaussian_gain(freqs_hz, sigma_hz=sigma_hz)``, kept for the next transform on the
    same grid (``gain_on``): the exponentials cost a fifth of a short signal's smoothing."""
    return gain_on(freqs_hz, ("gauss", sigma_hz), lambda f: gaussian_gain(f, sigma_hz=sigma_hz))


BLOCKWISE_FROM = 2**15
"""From 32,768 samples on (padded: 11 minutes at 50 Hz), ``smooth`` works a block at a
time: the transforms of the whole signal no longer stay in the processor's cache (an hour
at 57 Hz: 16 ms, 13x six minutes, where blocks of 4,096 take 8 ms)."""
SMOOTH_BLOCK = 4096
"""Samples per block of ``_smoothed_blocks`` (fewer if the kernel is wide)."""
GAUSSIAN_REACH_SIGMAS = 12.0
"""A Gaussian kernel's weight 12 sigmas out is exp(-72) = 5e-32 of its peak: nothing, next
to the 1e-16 to which doubles are rounded."""


def _smoothed_blocks(
    rows: FloatArray,
    span: tuple[int, int],
    /,
    *,
    fs_hz: float,
    sigma_hz: float,
    reach: int,
    block: int,
) -> FloatArray:
    """Samples ``span`` of the padded ``rows`` (one per column, as ``spectrum_of``
    transforms them) smoothed as ``inverse(spectrum, gain=gaussian_gain(...))`` smooths
    them, ``block`` samples at a time (overlap-save); (samples, C) or (samples,).

    Both are the circular convolution of the padded signal with one kernel: the Gaussian
    gain sampled on any frequency grid is the Gaussian kernel (sampled) repeated every
    grid-length samples, as long as the gain is nil at the Nyquist frequency and the kernel
    nil ``reach`` samples out (12 sigmas in both, checked by ``smooth``). Each block is
    transformed with ``reach`` samples of the padded signal on either side (wrapping round
    its ends, as the whole transform does) and keeps only its middle, which those wrapped
    edges cannot reach. The same sums in another order: equal to rounding (test_signal)."""
    gain = gaussian_on(rfft_freqs(block, fs_hz), sigma_hz)
    kept = gain.size
    out = np.empty((*rows.shape[:-1], span[1] - span[0]))
    scaled = np.empty((*rows.shape[:-1], block), dtype=np.complex128)  # see irfft0
    for low, high, segment in overlap_save_blocks(rows, span, block=block, reach=reach):
        np.multiply(np.fft.rfft(segment, axis=-1), gain, out=scaled[..., :kept])
        smoothed = np.fft.irfft(scaled, n=block, axis=-1)
        out[..., low:high] = smoothed[..., reach : reach + high - low]
    return out.T


def overlap_save_blocks(
    rows: FloatArray, span: tuple[int, int], /, *, block: int, reach: int
) -> Iterator[tuple[int, int, FloatArray]]:
    """The blocks of an overlap-save over samples ``span`` of ``rows`` (samples along the
    last axis, a circle): each block's own output samples ``low, high`` (counted from the
    span's start) and its ``block`` samples of ``rows``, ``reach`` either side of its own,
    wrapping round the ends of the circle as a transform of the whole does. Of a block's
    filtered samples, ``reach`` to ``reach + high - low`` are the output's ``low`` to
    ``high``."""
    n, (start, stop) = rows.shape[-1], span
    step = block - 2 * reach
    for low in range(start, stop, step):
        first, high = low - reach, min(low + step, stop)
        if first >= 0 and first + block <= n:
            segment = rows[..., first : first + block]
        else:  # around the ends of the circle
            segment = np.take(rows, np.arange(first, first + block), axis=-1, mode="wrap")
        yield low - start, high - start, segment
