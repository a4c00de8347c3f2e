"""The numpy-only filters and spectra beside ``scipy`` on the same signals.

thrustlab does not import scipy at run time (``scipy.signal`` alone takes longer to import
than ``thrustlab analyze`` may take); these tests make that choice cost no trust. scipy is a
test dependency only (the ``dev`` extra). Each tolerance says what makes the two differ.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.fft
import scipy.ndimage
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

from thrustlab.signal.filters import band_gain, bandpass, lowpass, next_fast_len, smooth
from thrustlab.signal.spectra import FREQ_STEP_HZ, power_spectrum, welch_many


def tone(freq_hz: float, *, fs_hz: float, seconds: float, amplitude: float = 1.0) -> np.ndarray:
    t = np.arange(round(seconds * fs_hz)) / fs_hz
    return amplitude * np.sin(2 * np.pi * freq_hz * t)


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x))))


@given(st.integers(min_value=1, max_value=100_000))
def test_next_fast_len_is_scipys_for_real_transforms(n: int) -> None:
    assert next_fast_len(n) == scipy.fft.next_fast_len(n, real=True)


def _scipy_welch(x: np.ndarray, *, fs_hz: float, window_s: float) -> tuple[np.ndarray, np.ndarray]:
    """scipy's Welch with the settings ``power_spectrum`` documents: Hann segments (numpy's
    symmetric window), half overlapping, mean removed, density scaling, columns summed."""
    seg = min(x.shape[0], round(window_s * fs_hz))
    n_fft = next_fast_len(max(seg, round(fs_hz / FREQ_STEP_HZ)))
    freqs, psd = scipy.signal.welch(
        x,
        fs=fs_hz,
        window=np.hanning(seg),
        nperseg=seg,
        noverlap=seg - seg // 2,
        nfft=n_fft,
        detrend="constant",
        scaling="density",
        axis=0,
    )
    return freqs, psd.sum(axis=1) if psd.ndim == 2 else psd


# 50 and 400 Hz are phone rates; 75 Hz gives an odd FFT length (375), whose last bin is not
# a Nyquist bin and so is doubled like the others
@pytest.mark.parametrize("fs_hz", [50.0, 75.0, 100.0, 400.0])
@pytest.mark.parametrize("window_s", [2.5, 100.0])  # 100 s: one segment, shorter than asked
def test_power_spectrum_is_scipys_welch(fs_hz: float, window_s: float) -> None:
    rng = np.random.default_rng(int(fs_hz))
    x = rng.normal(0, 0.3, (round(30 * fs_hz), 3))
    x[:, 2] += tone(7.3, fs_hz=fs_hz, seconds=30) + 9.81  # a tremor over gravity
    freqs, psd = power_spectrum(x, fs_hz=fs_hz, window_s=window_s)
    ref_freqs, ref_psd = _scipy_welch(x, fs_hz=fs_hz, window_s=window_s)
    # the same estimator: only floating-point rounding differs (1e-9 of the largest value)
    np.testing.assert_allclose(freqs, ref_freqs, rtol=1e-12)
    np.testing.assert_allclose(psd, ref_psd, rtol=1e-9, atol=1e-9 * ref_psd.max())


def test_welch_many_gives_each_span_scipys_spectrum() -> None:
    fs_hz = 100.0
    x = np.random.default_rng(5).normal(0, 1.0, (3000, 3))
    spans = [(0, 3000), (100, 400), (500, 560), (2000, 2990), (10, 13)]  # the last: too short
    found = {}
    for group in welch_many(x, spans, fs_hz=fs_hz, window_s=2.5):
        for row, k in enumerate(group.members):
            found[k] = (group.freqs_hz, group.psd[row])
    assert sorted(found) == [0, 1, 2, 3]  # a Hann window of 3 samples is all zeros: no spectrum
    for k, (freqs, psd) in found.items():
        lo, hi = spans[k]
        ref_freqs, ref_psd = _scipy_welch(x[lo:hi], fs_hz=fs_hz, window_s=2.5)
        np.testing.assert_allclose(freqs, ref_freqs, rtol=1e-12)
        np.testing.assert_allclose(psd, ref_psd, rtol=1e-9, atol=1e-9 * ref_psd.max())


@pytest.mark.parametrize("band_hz", [(6.0, 12.0), (3.0, 6.0), (0.0, 3.0)])
def test_bandpass_gain_measured_by_scipy_is_the_designed_gain(band_hz: tuple[float, float]) -> None:
    """scipy measures the filter's transfer function on white noise (cross spectrum over
    input spectrum): real and equal to ``band_gain`` (a zero-phase filter, no time shift)."""
    fs_hz = 100.0
    x = np.random.default_rng(3).normal(0, 1.0, round(1800 * fs_hz))
    y = bandpass(x, fs_hz=fs_hz, band_hz=band_hz)
    freqs, pxy = scipy.signal.csd(x, y, fs=fs_hz, nperseg=2048)
    _, pxx = scipy.signal.welch(x, fs=fs_hz, nperseg=2048)
    measured = pxy / pxx
    designed = band_gain(freqs, band_hz=band_hz)
    # scipy's Hann segments of 2048 samples blur the spectrum over about +-0.1 Hz, so the
    # 0.3 Hz tapers are compared only 0.5 Hz or more away from each edge
    away = np.all([np.abs(freqs - edge) >= 0.5 for edge in band_hz if edge > 0], axis=0)
    # 0.03: scipy's estimate scatters, as the filter's response (seconds long, for 0.3 Hz
    # tapers) reaches past the ends of its 20 s segments; the worst of 24 bands and seeds
    # was 0.013 (0.019 for the imaginary part next to an edge)
    np.testing.assert_allclose(measured.real[away], designed[away], atol=0.03)
    np.testing.assert_allclose(measured.imag, 0.0, atol=0.03)


def test_bandpass_does_what_a_butterworth_filtfilt_does_on_tones() -> None:
    """On tones well inside and well outside a 6-12 Hz band, the raised-cosine filter and a
    16th-order Butterworth band-pass run forwards and backwards give the same signal."""
    fs_hz, seconds = 100.0, 30.0
    inside = tone(8.5, fs_hz=fs_hz, seconds=seconds, amplitude=0.4)
    x = inside + tone(2.0, fs_hz=fs_hz, seconds=seconds) + tone(25.0, fs_hz=fs_hz, seconds=seconds)
    ours = bandpass(x, fs_hz=fs_hz, band_hz=(6.0, 12.0))
    sos = scipy.signal.butter(8, (6.0, 12.0), btype="bandpass", fs=fs_hz, output="sos")
    theirs = scipy.signal.sosfiltfilt(sos, x)
    middle = slice(round(3 * fs_hz), -round(3 * fs_hz))  # the two pad the ends differently
    # 2 %: Butterworth's gain is 0.99-1 at 8.5 Hz (squared by filtfilt) and 1e-5 at 2 and 25
    assert rms((ours - theirs)[middle]) < 0.02 * rms(inside)
    assert rms((ours - inside)[middle]) < 0.01 * rms(inside)


def test_lowpass_does_what_a_butterworth_filtfilt_does_on_tones() -> None:
    fs_hz, seconds = 100.0, 30.0
    slow = tone(0.5, fs_hz=fs_hz, seconds=seconds)
    x = slow + tone(8.0, fs_hz=fs_hz, seconds=seconds, amplitude=0.5)
    ours = lowpass(x, fs_hz=fs_hz, cutoff_hz=3.0)
    sos = scipy.signal.butter(8, 3.0, btype="lowpass", fs=fs_hz, output="sos")
    theirs = scipy.signal.sosfiltfilt(sos, x)
    middle = slice(round(3 * fs_hz), -round(3 * fs_hz))
    # 1 %: both pass 0.5 Hz whole and leave under 1e-6 of 8 Hz
    assert rms((ours - theirs)[middle]) < 0.01 * rms(slow)


@pytest.mark.parametrize("sigma_hz", [0.03, 0.1])
def test_a_wide_smoothing_is_scipys_gaussian_filter_to_the_ends(sigma_hz: float) -> None:
    """A drift's Gaussian (5 s wide at 0.03 Hz) is mirrored 4 of its widths out at each end,
    so the end of a signal that drifted does not wrap round into its start: with 1 s
    mirrored, a minute that rose by 500 read 84 (at 0.1 Hz) and 178 (at 0.03 Hz) at its
    first sample, where scipy reads -1 and 4."""
    fs_hz, n = 50.0, 3000
    rng = np.random.default_rng(4)
    x = np.concatenate([np.zeros(n // 2), np.linspace(0.0, 500.0, n // 2)])
    x += np.cumsum(rng.normal(0, 0.5, n))
    ours = smooth(x, fs_hz=fs_hz, sigma_hz=sigma_hz)
    sigma_samples = fs_hz / (2 * np.pi * sigma_hz)
    theirs = scipy.ndimage.gaussian_filter1d(x, sigma_samples, mode="mirror", truncate=6.0)
    # 2e-4 of the signal: the kernel's weight past the 4 widths mirrored is 6e-5 of it
    assert np.max(np.abs(ours - theirs)) < 2e-4 * rms(x)


@pytest.mark.parametrize("sigma_hz", [0.5, 1.5, 4.0])
def test_smooth_is_scipys_gaussian_filter(sigma_hz: float) -> None:
    """A Gaussian gain of ``sigma_hz`` is a Gaussian kernel of 1 / (2 pi sigma_hz) seconds;
    both mirror the signal at its ends (scipy's ``mirror`` mode), so they agree to the ends."""
    fs_hz = 100.0
    rng = np.random.default_rng(4)
    x = np.cumsum(rng.normal(0, 0.1, 3000)) + tone(6.0, fs_hz=fs_hz, seconds=30)
    ours = smooth(x, fs_hz=fs_hz, sigma_hz=sigma_hz)
    sigma_samples = fs_hz / (2 * np.pi * sigma_hz)
    theirs = scipy.ndimage.gaussian_filter1d(x, sigma_samples, mode="mirror", truncate=6.0)
    # 1e-4 of the signal: scipy's kernel is cut at 6 sigma, and the 1 s mirrored pad
    # holds 6 kernel sigmas only for sigma_hz >= 0.95 (at 0.5 Hz the far tails see the pad's end)
    tolerance = 1e-4 if sigma_hz >= 1.0 else 2e-3
    assert np.max(np.abs(ours - theirs)) < tolerance * rms(x)
