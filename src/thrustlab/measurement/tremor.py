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

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from thrustlab.config import AnalysisConfig
from thrustlab.records import record
from thrustlab.signal.filters import TAPER_HZ, Spectrum, band_gain, gain_on, inverses, spectrum_of
from thrustlab.signal.spectra import band_bins, band_peaks, welch_many
from thrustlab.signal.windows import padded_running_sum

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

MIN_BAND_WIDTH_HZ = 0.5
"""A band narrower than this (clipped to what the sampling rate allows) is not measured."""
MIN_MEASURED_S = 0.5
"""A stretch with less than half a second of usable samples gets no tremor figure."""
GATE_LOW_HZ = 2.5
"""The gated signal keeps what lies above the thigh's own movement (below 2-3 Hz)."""
POWER_WINDOW_S = 0.05
"""Short-time power is averaged over 50 ms: shorter than a jolt, longer than a cycle at 20 Hz."""
REFERENCE_S = 2.5
"""Bursts are judged against the median power of the surrounding 2.5 s: long enough that a
0.2 s jolt cannot lift it, short enough to follow shaking that grows through the set."""
REFERENCE_RATE_HZ = 10.0
"""The running median is taken on 0.1 s block means of the power (over 2.5 s it changes slowly)."""
FADE_S = 0.05
"""Gates open and close over 50 ms, so gating adds no edges of its own."""
PEAK_HALFWIDTH_HZ = 1.5
"""A wandering tremor, seen through short windows, spreads about 1.5 Hz either side."""
NOISE_PERCENTILE = 25.0
"""Sensor noise is flat across the band while tremor is a narrow peak: the band's 25th
percentile of power density, times its width, is the noise power taken off the RMS."""


@record
class Bands:
    """The whole recording above the movement with transients and gaps faded out
    (``gated``), band-passed to the tremor and fatigue bands, and which samples show
    sustained shaking."""

    tremor_hz: tuple[float, float]
    fatigue_hz: tuple[float, float]
    gated: FloatArray
    tremor: FloatArray
    fatigue: FloatArray
    usable: BoolArray


@record
class TremorStats:
    """Shaking in one stretch of time: RMS in each band (m/s^2), tremor peak (Hz)."""

    rms_mps2: float | None
    peak_hz: float | None
    fatigue_rms_mps2: float | None = None


NOTHING = TremorStats(None, None, None)


def above_movement(spectrum: Spectrum, /, *, rate_hz: float) -> FloatArray:
    """The acceleration above the thigh's own movement: shaking, jolts and noise."""
    return inverses(spectrum, [above_gain(spectrum, rate_hz=rate_hz)])[0]


def above_gain(spectrum: Spectrum, /, *, rate_hz: float) -> FloatArray:
    """The gain ``above_movement`` applies to ``spectrum``."""
    band = (GATE_LOW_HZ, rate_hz / 2)
    return gain_on(
        spectrum.freqs_hz, ("band", band, 1.0), lambda f: band_gain(f, band_hz=band, taper_hz=1.0)
    )


def sustained_bands(
    above: FloatArray,
    /,
    *,
    tremor_hz: tuple[float, float],
    fatigue_hz: tuple[float, float],
    keep: BoolArray,
    rate_hz: float,
    config: AnalysisConfig,
) -> Bands:
    """Fade the samples not to ``keep`` (transients, gaps) out of ``above``, then band-pass
    it to the tremor and fatigue bands."""
    margin = max(0, round(config.transient_margin_s * rate_hz))
    fade = max(1, round(FADE_S * rate_hz))
    # one running count of the samples not kept serves both widenings: widening by the
    # margin and then by the fade is widening by both at once
    running = _running_count(~keep, margin + fade)
    keep = _none_within(running, margin + fade, margin)
    clear = _none_within(running, margin + fade, margin + fade)
    gate = np.convolve(clear.astype(float), _fade_kernel(fade), mode="same")
    faded = above * gate[:, None]
    gated = spectrum_of(faded, fs_hz=rate_hz)
    tremor, fatigue = inverses(gated, [_band(gated, tremor_hz), _band(gated, fatigue_hz)])
    return Bands(
        tremor_hz=tremor_hz,
        fatigue_hz=fatigue_hz,
        gated=faded,
        tremor=tremor,
        fatigue=fatigue,
        usable=np.asarray(keep & (gate > 0.99)),
    )


@lru_cache(maxsize=16)
def _fade_kernel(fade: int) -> FloatArray:
    """A Hann window of ``2 * fade + 1`` points (its zero ends left out) adding to 1."""
    window = np.hanning(2 * fade + 3)[1:-1]
    kernel: FloatArray = window / window.sum()
    kernel.setflags(write=False)
    return kernel


def _band(spectrum: Spectrum, band_hz: tuple[float, float]) -> FloatArray:
    """``filters.filtered``'s gain for ``band_hz``."""
    return gain_on(
        spectrum.freqs_hz, ("band", band_hz, TAPER_HZ), lambda f: band_gain(f, band_hz=band_hz)
    )


def widened(mask: BoolArray, /, *, by: int) -> BoolArray:
    """``mask`` with every True run extended by ``by`` samples on each side.

    Counted with a running count of ``mask`` (integers: exactly the sums a convolution with
    ``2 * by + 1`` ones added), 64 -> 20 us a call on a minute at 100 Hz."""
    if by < 1:
        return mask
    return ~_none_within(_running_count(mask, by), by, by)


def _running_count(mask: BoolArray, pad: int, /) -> npt.NDArray[np.intp]:
    """The running count of ``mask``'s True samples, ``pad`` zeros before it and ``pad``
    copies of the total after: element ``pad + i + 1`` counts those before sample ``i + 1``."""
    return padded_running_sum(mask, before=pad + 1, after=pad, dtype=np.intp)


def _none_within(running: npt.NDArray[np.intp], pad: int, by: int, /) -> BoolArray:
    """Which samples have no True one within ``by`` samples, from ``_running_count(mask,
    pad)`` (``by <= pad``)."""
    n = running.shape[0] - 2 * pad - 1
    return np.asarray(running[pad + by + 1 : pad + by + 1 + n] == running[pad - by : pad - by + n])


def bursts(x: FloatArray, /, *, rate_hz: float, config: AnalysisConfig) -> BoolArray:
    """Samples whose short-time power stands ``transient_factor``^2 above the running
    median of the surrounding ``REFERENCE_S``.

    The averaging kernel and the blocks' edges and sizes are kept per length and rate (a
    batch's recordings share them), and the threshold is scaled on the blocks before it is
    spread over their samples (the same products, a tenth as many)."""
    n = max(1, round(POWER_WINDOW_S * rate_hz))
    power = np.convolve(np.einsum("ij,ij->i", x, x), _mean_kernel(n), mode="same")
    step = max(1, round(rate_hz / REFERENCE_RATE_HZ))
    edges, counts = _blocks(power.size, step)
    coarse = np.add.reduceat(power, edges) / counts
    half = max(1, round(REFERENCE_S * rate_hz / step / 2))
    padded = np.empty(coarse.size + 2 * half)
    padded[:half] = coarse[0]
    padded[half : half + coarse.size] = coarse
    padded[half + coarse.size :] = coarse[-1]
    windows = np.lib.stride_tricks.as_strided(  # sliding_window_view's rows, without its checks
        padded, (coarse.size, 2 * half + 1), (padded.strides[0],) * 2, writeable=False
    )
    middle = np.sort(windows, axis=1)[:, half]  # the median (sorting short rows beats partition)
    middle *= config.transient_factor**2
    return np.asarray(power > np.repeat(middle, step)[: power.size])


@lru_cache(maxsize=16)
def _mean_kernel(n: int) -> FloatArray:
    """``np.ones(n) / n`` (kept, read-only)."""
    kernel: FloatArray = np.ones(n) / n
    kernel.setflags(write=False)
    return kernel


@lru_cache(maxsize=16)
def _blocks(size: int, step: int) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """The first sample of each block of ``step`` samples of ``size``, and each block's
    size (the last may be shorter; kept, read-only)."""
    edges = np.arange(0, size, step)
    counts = np.full(edges.size, float(step))
    counts[-1] = size - edges[-1]
    edges.setflags(write=False)
    counts.setflags(write=False)
    return edges, counts


def measure(
    bands: Bands,
    /,
    *,
    spans_s: Sequence[tuple[float, float] | None],
    rate_hz: float,
    config: AnalysisConfig,
) -> tuple[TremorStats, ...]:
    """Sustained shaking over each of ``spans_s`` (None gives nothing): each band's RMS
    above its noise floor and the tremor band's peak frequency, from a Welch spectrum of
    the span. All spans' spectra come from one batch of FFTs."""
    n = bands.usable.shape[0]
    bounds = _bounds(spans_s, rate_hz, n)
    per_sample = np.empty((3, n))  # summed over each span below, all three at once
    weight = per_sample[0]
    weight[:] = bands.usable
    np.einsum("ij,ij->i", bands.tremor, bands.tremor, out=per_sample[1])
    np.einsum("ij,ij->i", bands.fatigue, bands.fatigue, out=per_sample[2])
    per_sample[1:] *= weight
    cumulative = np.empty((3, n + 1))
    cumulative[:, 0] = 0.0
    np.cumsum(per_sample, axis=1, out=cumulative[:, 1:])
    used, tremor_power, fatigue_power = cumulative[:, bounds[:, 1]] - cumulative[:, bounds[:, 0]]
    measured = np.flatnonzero((bounds[:, 1] > bounds[:, 0]) & (used >= MIN_MEASURED_S * rate_hz))
    out = [NOTHING] * len(bounds)
    if not measured.size:
        return tuple(out)
    # Nothing in the bands lies above their top edge and its taper: the spectra can be taken
    # on every k-th sample, as long as that rate's Nyquist frequency stays above it.
    top_hz = max(bands.tremor_hz[1], bands.fatigue_hz[1]) + TAPER_HZ
    k = max(1, int(rate_hz // (2 * top_hz)))
    # bands do not overlap; (sample, column) rows, C-ordered, as welch_many reads them
    both = np.empty((-(-n // k), bands.tremor.shape[1]))
    for column, tremor, fatigue in zip(both.T, bands.tremor.T, bands.fatigue.T, strict=True):
        np.add(tremor[::k], fatigue[::k], out=column)  # a column at a time: long inner loops
        np.multiply(column, weight[::k], out=column)
    lows, highs = (-(-bounds[measured, 0] // k)).tolist(), (bounds[measured, 1] // k).tolist()
    spectra = welch_many(
        both,
        list(zip(lows, highs, strict=True)),
        fs_hz=rate_hz / k,
        window_s=config.welch_window_s,
        band_hz=(
            min(bands.tremor_hz[0], bands.fatigue_hz[0]),
            max(bands.tremor_hz[1], bands.fatigue_hz[1]),
        ),
    )
    for group in spectra:
        rows = measured[list(group.members)]
        lengths = (bounds[rows, 1] - bounds[rows, 0]).astype(float)
        psd = group.psd * (lengths / used[rows])[:, None]  # the faded samples lowered the spectrum
        f = group.freqs_hz
        in_tremor, in_fatigue = _band_bins(f.tobytes(), bands.tremor_hz, bands.fatigue_hz)
        tremor_f, tremor_psd = f[in_tremor], psd[:, in_tremor]
        top = tremor_psd.argmax(axis=1) if tremor_f.size else None  # both figures use it
        tremor = _above_floor(
            tremor_power[rows] / used[rows], tremor_f, tremor_psd, bands.tremor_hz, top
        )
        fatigue = _above_floor(
            fatigue_power[rows] / used[rows], f[in_fatigue], psd[:, in_fatigue], bands.fatigue_hz
        )
        peaks = (
            band_peaks(tremor_f, tremor_psd, top=top)
            if top is not None
            else np.full(rows.size, np.nan)
        )
        isfinite = math.isfinite
        for i, rms, peak, fatigue_rms in zip(
            rows.tolist(), tremor.tolist(), peaks.tolist(), fatigue.tolist(), strict=True
        ):
            if isfinite(rms):
                out[i] = TremorStats(
                    rms,
                    peak if isfinite(peak) else None,
                    fatigue_rms if isfinite(fatigue_rms) else None,
                )
            else:
                out[i] = TremorStats(None, None, fatigue_rms if isfinite(fatigue_rms) else None)
    return tuple(out)


def _bounds(
    spans_s: Sequence[tuple[float, float] | None], rate_hz: float, n: int
) -> npt.NDArray[np.int_]:
    """Each span's first and end sample, within the ``n`` samples ((0, 0): None).

    Rounded by numpy as ``round`` rounds (half to even), on the same products: 105 -> 80 k
    instructions for a set's 14 spans, which Python rounded and clipped one by one."""
    times = np.array([_NO_SPAN if s is None else s for s in spans_s], dtype=float)
    bounds: npt.NDArray[np.int_] = np.rint(np.multiply(times.reshape(-1, 2), rate_hz)).astype(int)
    np.maximum(bounds[:, 0], 0, out=bounds[:, 0])
    np.minimum(bounds[:, 1], n, out=bounds[:, 1])
    return bounds


_NO_SPAN = (0.0, 0.0)
"""A span of None: its bounds are (0, 0) as None's were."""


def _above_floor(
    power: FloatArray,
    f: FloatArray,
    p: FloatArray,
    band_hz: tuple[float, float],
    top: npt.NDArray[np.intp] | None = None,
) -> FloatArray:
    """RMS of each row's ``power`` less its band's noise floor: the ``NOISE_PERCENTILE`` of
    the density ``p`` (at ``f``, the band's bins) away from the band's peak (within
    ``PEAK_HALFWIDTH_HZ`` of it lies the shaking itself). NaN where the band is too narrow
    to measure. ``top``: ``p.argmax(axis=1)`` when already worked out."""
    if band_hz[1] - band_hz[0] < MIN_BAND_WIDTH_HZ or not f.size:
        return np.full(power.shape, np.nan)
    away, rank = _away(f.tobytes())
    peak = p.argmax(axis=1) if top is None else top
    ranked = np.sort(np.where(away[peak], p, np.inf), axis=1)
    floor = ranked[np.arange(peak.size), rank[peak]] * (band_hz[1] - band_hz[0])
    return np.asarray(np.sqrt(np.maximum(power - floor, 0.0)))


@lru_cache(maxsize=32)
def _band_bins(
    grid: bytes, tremor_hz: tuple[float, float], fatigue_hz: tuple[float, float]
) -> tuple[slice, slice]:
    """``band_bins`` of a spectrum's frequencies (``grid``: their bytes) for both bands,
    kept: a batch's spectra share a few grids (four searches were 44 k instructions a set)."""
    f = np.frombuffer(grid)
    return band_bins(f, tremor_hz), band_bins(f, fatigue_hz)


@lru_cache(maxsize=32)
def _away(grid: bytes) -> tuple[BoolArray, npt.NDArray[np.intp]]:
    """For a band's frequencies (``grid``: their bytes) and each bin as the peak: which
    bins lie more than ``PEAK_HALFWIDTH_HZ`` from it (all, when fewer than 3 do), and which
    of them, ranked, is the ``NOISE_PERCENTILE``: the same numbers worked out per spectrum
    before, now once per grid."""
    f = np.frombuffer(grid)
    away = np.abs(f[None, :] - f[:, None]) > PEAK_HALFWIDTH_HZ
    away[away.sum(axis=1) < 3] = True  # too few bins away from the peak: use them all
    rank = (NOISE_PERCENTILE / 100 * (away.sum(axis=1) - 1)).astype(int)
    away.setflags(write=False)
    rank.setflags(write=False)
    return away, rank
