"""Zero-phase filters applied in the frequency domain.

A filter here is a real gain per frequency, so it never shifts a signal in time. Band edges
fall off with a raised-cosine taper ``taper_hz`` wide outside the band: steep enough that a
tremor at 5.5 Hz does not leak into a 6-12 Hz band, smooth enough not to ring. Edges of the
recording are handled by mirroring it before the transform.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

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


def rfft0(x: FloatArray, /, *, n: int) -> npt.NDArray[np.complex128]:
    """``np.fft.rfft`` along axis 0, run on contiguous rows (three times faster than on the
    columns of an (N, 3) array)."""
    if x.ndim == 1:
        return np.fft.rfft(x, n=n)
    return np.fft.rfft(np.ascontiguousarray(x.T), n=n, axis=1).T


def irfft0(coeffs: npt.NDArray[np.complex128], gain: FloatArray, /, *, n: int) -> FloatArray:
    """``np.fft.irfft`` along axis 0 of ``coeffs`` (``n // 2 + 1`` frequencies) each scaled
    by ``gain``, run on contiguous rows.

    The scaled coefficients are written straight into rows of ``n`` entries, whose tail
    np.fft.irfft crops unread: handed ``n // 2 + 1`` of them, numpy 1.x first copies them
    into a zeroed complex array of ``n``, fresh memory taken from the system a 4 kB page at a
    time (for an hour at 50 Hz, a third of each transform's time)."""
    kept = coeffs.shape[0]
    rows = np.empty((*coeffs.shape[1:], n), dtype=np.complex128)
    scale = gain[:, None] if coeffs.ndim == 2 else gain
    np.multiply(coeffs, scale, out=rows[..., :kept].T)
    return np.fft.irfft(rows, n=n, axis=-1).T


@dataclass(frozen=True, slots=True)
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


def spectrum_of(x: FloatArray, /, *, fs_hz: float, pad_s: float = 1.0) -> Spectrum:
    """Transform ``x`` (samples along axis 0) once, so that many bands cost one inverse each."""
    n = x.shape[0]
    pad = min(n - 1, round(pad_s * fs_hz))
    n_fft = next_fast_len(n + 2 * pad)
    # rfft0(mirrored(x, pad=pad), n=n_fft), with x copied once to contiguous rows, not thrice;
    # np.empty, filled here: np.zeros' memory comes from the system a 4 kB page at a time,
    # where numpy asks for large pages for memory it fills itself (long signals)
    rows = np.empty((*x.shape[1:], n_fft))
    along = rows.T
    along[pad : pad + n] = x
    along[:pad] = x[pad:0:-1]
    along[pad + n : n + 2 * pad] = x[-2 : -pad - 2 : -1]
    along[n + 2 * pad :] = 0.0
    coeffs = np.fft.rfft(rows, axis=-1).T
    return Spectrum(coeffs, np.fft.rfftfreq(n_fft, 1.0 / fs_hz), n, pad, n_fft)


def inverse(spectrum: Spectrum, /, *, gain: FloatArray) -> FloatArray:
    """The signal of ``spectrum`` with each frequency scaled by ``gain``, unpadded."""
    out = irfft0(spectrum.coeffs, gain, n=spectrum.n_fft)
    return np.asarray(out[spectrum.pad : spectrum.pad + spectrum.n_samples])


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
    brief jolt stays brief instead of spreading into the seconds around it."""
    spectrum = spectrum_of(x, fs_hz=fs_hz)
    return inverse(spectrum, gain=gaussian_gain(spectrum.freqs_hz, sigma_hz=sigma_hz))
