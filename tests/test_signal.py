"""The numpy signal layer: filters, spectra, resampling and the thigh angle."""

from __future__ import annotations

import resource

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thrustlab.signal import resample
from thrustlab.signal.filters import (
    BLOCKWISE_FROM,
    band_gain,
    bandpass,
    gaussian_gain,
    inverse,
    irfft0,
    lowpass,
    mirrored,
    next_fast_len,
    smooth,
    smooth_pad_s,
    spectrum_of,
)
from thrustlab.signal.heap import keep_freed_memory
from thrustlab.signal.orientation import (
    along_axis_fraction,
    angle_from_acceleration,
    angle_from_gravity,
    angle_from_gyro,
    axis_tilt_deg,
    blend,
    held_by_gyro,
    jolt_starts,
    span_off_axis_fraction,
    span_off_plane_deg,
)
from thrustlab.signal.resample import to_uniform
from thrustlab.signal.spectra import peak_frequency, power_spectrum
from thrustlab.signal.windows import window_sums


def tone(freq_hz: float, *, fs_hz: float, seconds: float, amplitude: float = 1.0) -> np.ndarray:
    t = np.arange(round(seconds * fs_hz)) / fs_hz
    return amplitude * np.sin(2 * np.pi * freq_hz * t)


@given(st.integers(min_value=1, max_value=100_000))
def test_next_fast_len_is_smallest_smooth_number_at_least_n(n: int) -> None:
    m = next_fast_len(n)
    assert m >= n
    rest = m
    for p in (2, 3, 5):
        while rest % p == 0:
            rest //= p
    assert rest == 1
    assert m < 2 * n or n == 1


def test_band_gain_is_one_inside_and_zero_well_outside() -> None:
    f = np.linspace(0, 50, 5001)
    g = band_gain(f, band_hz=(6.0, 12.0))
    assert np.all(g[(f >= 6) & (f <= 12)] == 1.0)
    assert np.all(g[(f <= 5.69) | (f >= 12.31)] == 0.0)


@pytest.mark.parametrize("freq_hz", [6.2, 8.0, 11.8])
def test_bandpass_keeps_tones_in_band_at_full_amplitude(freq_hz: float) -> None:
    x = tone(freq_hz, fs_hz=100, seconds=20)
    y = bandpass(x[:, None], fs_hz=100, band_hz=(6.0, 12.0))[:, 0]
    middle = slice(200, -200)  # mirrored edges: judge away from them
    # 1 %: the taper only touches frequencies outside the band
    assert np.sqrt(np.mean(y[middle] ** 2)) == pytest.approx(np.sqrt(0.5), rel=0.01)


@pytest.mark.parametrize("freq_hz", [2.0, 5.0, 13.0, 20.0])
def test_bandpass_rejects_tones_outside_band(freq_hz: float) -> None:
    x = tone(freq_hz, fs_hz=100, seconds=20)
    y = bandpass(x[:, None], fs_hz=100, band_hz=(6.0, 12.0))[:, 0]
    assert np.sqrt(np.mean(y[200:-200] ** 2)) < 0.01


def test_lowpass_keeps_slow_movement_and_drops_tremor() -> None:
    slow, fast = tone(0.5, fs_hz=100, seconds=20), tone(8.0, fs_hz=100, seconds=20, amplitude=0.5)
    y = lowpass((slow + fast)[:, None], fs_hz=100, cutoff_hz=3.0)[:, 0]
    assert np.max(np.abs(y - slow)[200:-200]) < 0.01


@pytest.mark.parametrize("n", [1000, 1001, 243_000])
def test_transforms_by_rows_are_numpys_whole_transforms_exactly(n: int) -> None:
    """spectrum_of and irfft0 transform one column at a time (numpy's (3, n) outputs cost a
    page fault per 4 kB): the same transform of each column, so the same numbers."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(n, 3))
    spectrum = spectrum_of(x, fs_hz=50.0)
    padded = mirrored(x, pad=spectrum.pad)
    assert np.array_equal(spectrum.coeffs, np.fft.rfft(padded, n=spectrum.n_fft, axis=0))
    gain = rng.random(spectrum.coeffs.shape[0])
    whole = np.fft.irfft(spectrum.coeffs * gain[:, None], n=spectrum.n_fft, axis=0)
    assert np.array_equal(irfft0(spectrum.coeffs, gain, n=spectrum.n_fft), whole)
    one = np.fft.irfft(spectrum.coeffs[:, 0] * gain, n=spectrum.n_fft)
    assert np.array_equal(irfft0(spectrum.coeffs[:, 0], gain, n=spectrum.n_fft), one)


def test_long_transforms_reuse_freed_memory_without_page_faults() -> None:
    """glibc is told to keep freed memory (thrustlab.signal.heap): the 29 MB (7,000 pages)
    that transforming three columns of 243,000 samples takes and drops again come back
    from the heap, not from the system a page fault per 4 kB (4,000 faults a time before)."""
    if not keep_freed_memory():
        pytest.skip("not glibc's allocator")

    def transforms() -> None:
        x = np.ones((3, 243_000))
        np.fft.irfft(np.fft.rfft(x, axis=1), axis=1)

    transforms()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(5):
        transforms()
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 5 < 1000


def smoothed_whole(x: np.ndarray, *, fs_hz: float, sigma_hz: float) -> np.ndarray:
    """``smooth`` as one transform of the whole signal, however long."""
    spectrum = spectrum_of(x, fs_hz=fs_hz, pad_s=smooth_pad_s(sigma_hz))
    return inverse(spectrum, gain=gaussian_gain(spectrum.freqs_hz, sigma_hz=sigma_hz))


@pytest.mark.parametrize(
    ("fs_hz", "seconds", "sigma_hz"),
    [(400 / 7, 4200.0, 1.5), (50.0, 3600.0, 0.03), (100.0, 900.0, 0.2), (50.0, 700.0, 1.5)],
)
def test_smooth_by_blocks_is_the_whole_signal_filter(
    fs_hz: float, seconds: float, sigma_hz: float
) -> None:
    """A long signal is smoothed a block at a time; the whole-signal transform gives the same
    numbers to within 1e-13 of the signal's size. Both are the circular convolution of the
    mirrored, zero-padded signal with the same sampled Gaussian: its weight past 12 sigmas
    (where blocks cut it off) is under 5e-32, and so is the gain at the Nyquist frequency.
    What is left is rounding: the same products summed in another order, through transforms
    of 4,096 and of 200,000 samples whose error grows with log n (about 1e-15 of the signal
    measured; 1e-13 leaves room for other machines' FFT kernels)."""
    n = round(seconds * fs_hz)
    assert next_fast_len(n) >= BLOCKWISE_FROM  # long enough to go by blocks
    rng = np.random.default_rng(5)
    t = np.arange(n) / fs_hz
    x = np.column_stack(
        [
            9.8 + np.cumsum(rng.normal(0, 0.05, n)),
            5 * np.sin(2 * np.pi * 0.3 * t) + rng.normal(0, 1, n),
            np.where(rng.random(n) < 0.001, 30.0, 0.0) + rng.normal(0, 3, n),  # jolts
        ]
    )
    size = np.max(np.abs(x))
    for signal in (x, x[:, 1], np.asfortranarray(x)):
        blocks = smooth(signal, fs_hz=fs_hz, sigma_hz=sigma_hz)
        whole = smoothed_whole(signal, fs_hz=fs_hz, sigma_hz=sigma_hz)
        assert blocks.shape == whole.shape
        assert np.max(np.abs(blocks - whole)) < 1e-13 * size


def test_smooth_of_shorter_signals_is_the_whole_signal_filter_exactly() -> None:
    rng = np.random.default_rng(6)
    for n, sigma_hz in ((3000, 1.5), (20_000, 1.5), (200_000, 4.0)):  # 4 Hz: gain at 25 Hz
        x = rng.normal(size=(n, 3))
        whole = smoothed_whole(x, fs_hz=50.0, sigma_hz=sigma_hz)
        assert np.array_equal(smooth(x, fs_hz=50.0, sigma_hz=sigma_hz), whole)


@pytest.mark.parametrize("freq_hz", [5.5, 7.3, 9.9])
def test_peak_frequency_of_a_tone(freq_hz: float) -> None:
    x = tone(freq_hz, fs_hz=100, seconds=10) + np.random.default_rng(1).normal(0, 0.1, 1000)
    freqs, psd = power_spectrum(x, fs_hz=100, window_s=2.5)
    assert peak_frequency(freqs, psd, band_hz=(3.0, 12.0)) == pytest.approx(freq_hz, abs=0.1)


def test_power_spectrum_integrates_to_the_variance() -> None:
    x = np.random.default_rng(2).normal(0, 0.5, 20_000)
    freqs, psd = power_spectrum(x, fs_hz=100, window_s=2.5)
    # 5 %: a Welch estimate over 160 segments
    total = float(np.sum(psd) * (freqs[1] - freqs[0]))
    assert total == pytest.approx(0.25, rel=0.05)


@pytest.mark.parametrize(
    ("median_hz", "grid_hz"),
    [(99.94, 100.0), (100.04, 100.0), (49.95, 50.0), (416.7, 417.0), (9.87, 9.9), (0.04, 0.04)],
)
def test_the_grid_rate_is_the_median_rate_to_1_hz_or_below_20_hz_to_0_1(
    median_hz: float, grid_hz: float
) -> None:
    assert resample._grid_rate(median_hz) == pytest.approx(grid_hz)


def test_resampling_flags_gaps_and_marks_them_invalid() -> None:
    t = np.arange(0, 10, 0.01)
    t = t[(t < 4.0) | (t > 4.5)]
    uniform, gaps = to_uniform(
        t, np.ones((t.size, 3)), None, gravity_included=True, gap_threshold_s=0.1
    )
    assert uniform.rate_hz == 100.0
    assert gaps is not None and gaps.count == 1
    assert gaps.first_s == pytest.approx(3.99) and gaps.total_s == pytest.approx(0.51, abs=0.01)
    invalid = uniform.t_s[~uniform.valid]
    assert invalid.min() > 3.99 and invalid.max() < 4.51


def _resampled(
    times: np.ndarray, /, *, slow_step_s: float | None = 1 / 30
) -> tuple[resample.Uniform, resample.Gaps | None]:
    """``to_uniform`` of flat samples at ``times``, looking for slow stretches."""
    return to_uniform(
        times,
        np.ones((times.size, 3)),
        None,
        gravity_included=True,
        gap_threshold_s=0.1,
        slow_step_s=slow_step_s,
    )


def test_a_stretch_where_the_rate_fell_is_not_dense_but_stays_valid() -> None:
    """100 Hz, then 12.5 Hz for 5 s (a phone whose screen turned off), then 100 Hz: the
    slow stretch is marked not dense (no shaking measured there) and said; its samples stay
    valid for the movement. Slow steps for under a second, or no ``slow_step_s``, change
    nothing."""
    t = np.concatenate([np.arange(0, 10, 0.01), np.arange(10, 15, 0.08), np.arange(15, 20, 0.01)])
    uniform, gaps = _resampled(t)
    assert uniform.valid.all() and uniform.dense is not None
    assert gaps is not None and gaps.count == 0 and gaps.slow is not None
    assert gaps.slow.count == 1 and gaps.slow.rate_hz == pytest.approx(12.5)
    assert gaps.slow.first_s == pytest.approx(10.0) and gaps.slow.total_s == pytest.approx(5.0)
    sparse = uniform.t_s[~uniform.dense]
    assert sparse.min() > 10.0 and sparse.max() < 15.0 and sparse.size > 0.95 * 5 * 100
    blips = np.concatenate(
        [np.arange(0, 10, 0.01), np.arange(10, 10.8, 0.08), np.arange(10.8, 20, 0.01)]
    )
    for times, step_s in ((blips, 1 / 30), (t, None)):
        uniform, gaps = _resampled(times, slow_step_s=step_s)
        assert uniform.dense is None and gaps is None


def test_a_rate_that_fell_is_found_through_its_timestamps_jitter() -> None:
    """50 Hz, then every second sample from 20 s to 50 s, each timestamp jittered by up to
    28 % of a step: a quarter of the slow steps come under the line (1 / 30 s here), which
    broke the stretch into pieces under a second, and it went untold. Now it is one
    stretch; at 10 Hz, half its steps over the gap threshold, one stretch of its whole
    length (it was 59 of half of it); and the same jitter with no fall, or a late sample
    either side of a 3 s pause, makes none (the pause's 3 s counted towards the second)."""
    rng = np.random.default_rng(4)
    grid = np.arange(0, 60, 0.02)
    t = np.sort(grid + rng.uniform(-0.28, 0.28, grid.size) * 0.02)
    t -= t[0]
    fell = t[(t < 20) | (t >= 50) | (np.arange(t.size) % 2 == 0)]
    uniform, gaps = _resampled(fell)
    assert gaps is not None and gaps.slow is not None and gaps.slow.count == 1
    assert gaps.slow.first_s == pytest.approx(20.0, abs=0.2)
    assert gaps.slow.total_s == pytest.approx(30.0, abs=0.5)
    assert (
        uniform.dense is not None
        and not uniform.dense[(uniform.t_s > 21) & (uniform.t_s < 49)].any()
    )
    ten_hz = t[(t < 20) | (np.arange(t.size) % 5 == 0)]  # 10 Hz: half its steps over 0.1 s
    _, gaps = _resampled(ten_hz)
    assert gaps is not None and gaps.slow is not None and gaps.slow.count == 1
    assert gaps.slow.total_s == pytest.approx(40.0, abs=0.5)  # its gaps counted in
    assert gaps.slow.rate_hz == pytest.approx(10.0, rel=0.05)
    paused = t.copy()
    paused[1500:] += 3.0  # a 3 s pause at 30 s
    paused[1499] += 0.018  # a late sample before it
    paused[1501:] += 0.018  # and after it
    for times in (t, paused):
        uniform, gaps = _resampled(times)
        assert uniform.dense is None and (gaps is None or gaps.slow is None)


def test_cubic_resampling_keeps_a_10_hz_tremor_sampled_at_50_hz() -> None:
    rng = np.random.default_rng(3)
    t = np.cumsum(np.full(3000, 0.02) * (1 + rng.uniform(-0.3, 0.3, 3000)))
    t -= t[0]
    acc = np.column_stack([np.sin(2 * np.pi * 10 * t), np.zeros_like(t), np.zeros_like(t)])
    uniform, _ = to_uniform(t, acc, None, gravity_included=True, gap_threshold_s=0.1)
    # 5 %: Catmull-Rom at a fifth of the rate loses about 4 % (straight lines lose 12 %)
    assert np.sqrt(np.mean(uniform.acc_mps2[100:-100, 0] ** 2)) == pytest.approx(
        np.sqrt(0.5), rel=0.05
    )


@pytest.mark.parametrize(
    ("rate_hz", "n", "factor"), [(100.0, 17_001, 2), (400.0, 70_001, 8), (1e3, 170_001, 20)]
)
def test_thinning_by_blocks_matches_one_long_transform(
    monkeypatch: pytest.MonkeyPatch, rate_hz: float, n: int, factor: int
) -> None:
    """Long recordings are thinned a block at a time: the samples of one transform of the
    whole signal, to within the anti-alias kernel's weight beyond the blocks' reach (1e-5
    of the largest value: ``THIN_REACH``). White noise, the worst case: as much of it
    lies where the kernel's tail rings as anywhere."""
    rng = np.random.default_rng(7)
    t = np.arange(n) / rate_hz + rng.uniform(0, 0.1 / rate_hz, n)
    t[n // 2 :] += 0.3  # a gap: straight lines there
    acc = rng.normal(size=(n, 3)) + np.array([0.0, 0.0, 9.81])
    thinned = {}
    for name, first in (("one", 2**62), ("blocks", 0)):
        monkeypatch.setattr(resample, "BY_BLOCKS_FROM", first)
        uniform, _ = to_uniform(
            t, acc, None, gravity_included=True, gap_threshold_s=0.1, max_rate_hz=rate_hz / factor
        )
        thinned[name] = uniform.acc_mps2
    assert thinned["one"].shape == thinned["blocks"].shape
    assert thinned["one"].shape[0] >= 2 * resample.THIN_BLOCK  # thinned by blocks
    scale = float(np.abs(thinned["one"]).max())
    np.testing.assert_allclose(thinned["blocks"], thinned["one"], rtol=0, atol=1e-5 * scale)


@pytest.mark.parametrize(("rate_hz", "factor"), [(100.0, 2), (400.0, 8), (1e3, 20)])
def test_the_anti_alias_kernel_beyond_the_blocks_reach_weighs_under_1e_5(
    rate_hz: float, factor: int
) -> None:
    """What ``THIN_REACH`` says of the kernel: its weight beyond the reach, on both sides,
    against its whole weight (the kernel on a grid of 2^18 thinned samples)."""
    n_fft = factor * 2**18
    freqs = np.fft.rfftfreq(n_fft, 1 / rate_hz)
    new_rate = rate_hz / factor
    kernel = np.abs(
        np.fft.irfft(band_gain(freqs, band_hz=(0, 0.4 * new_rate), taper_hz=0.1 * new_rate))
    )
    beyond = 2 * kernel[factor * resample.THIN_REACH + 1 : n_fft // 2].sum()
    assert beyond / kernel.sum() < 1e-5


def test_phases_hold_what_was_put_where_a_plain_signal_would() -> None:
    """The thinning's phase rows (``rows[column][r, j]``) against a plain (samples, C) array:
    puts of any length at any offset, ends included, reads back and zero padding."""
    rng = np.random.default_rng(0)
    for _ in range(500):
        factor, n, columns = (int(v) for v in rng.integers(1, (10, 40, 4)))
        phases = resample._Phases(columns, factor, n)
        plain = np.full((factor * n, columns), np.nan)
        for _ in range(5):
            start = int(rng.integers(0, factor * n))
            k = int(rng.integers(0, factor * n - start + 1))
            x = rng.normal(size=(columns, k)).T  # as the interpolation hands its blocks
            phases.put(start, x)
            plain[start : start + k] = x
        signal = np.column_stack([rows.T.reshape(-1) for rows in phases.rows])
        written = ~np.isnan(plain)
        assert np.array_equal(signal[written], plain[written])
        at = rng.integers(0, factor * n, size=7)
        assert np.array_equal(phases.get(at), signal[at], equal_nan=True)  # unwritten: any
        cut = int(rng.integers(0, factor * n + 1))
        phases.clear_from(cut)
        assert not np.column_stack([rows.T.reshape(-1) for rows in phases.rows])[cut:].any()


def _random_rotation(seed: int) -> np.ndarray:
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    return q


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_gravity_angle_range_does_not_depend_on_phone_orientation(seed: int) -> None:
    pitch = np.deg2rad(np.concatenate([np.linspace(45, 5, 50), np.linspace(5, 45, 50)]))
    thigh = np.column_stack([-9.81 * np.sin(pitch), np.zeros_like(pitch), 9.81 * np.cos(pitch)])
    angle = angle_from_gravity(thigh @ _random_rotation(seed))
    # 0.01 degree: exact geometry, only rounding
    assert np.ptp(angle) == pytest.approx(40.0, abs=0.01)


@pytest.mark.parametrize("bias_deg_s", [0.0, 6.0, -40.0])
def test_blend_does_not_carry_the_gyroscope_drift_into_the_ends(bias_deg_s: float) -> None:
    """Reps from the first sample to the last (as SPAR's series run), the gyroscope's
    integrated angle drifting by ``bias_deg_s``: the blend is the same to rounding whatever
    the drift, and follows the thigh at the ends within 7 degrees (a mirrored end turns
    mid-movement: about 4-6 degrees of that; 1.3 in the middle, from the smoothing)."""
    fs = 50.0
    t = np.arange(int(28 * fs)) / fs
    truth = 40 + 25 * np.sin(2 * np.pi * 0.5 * t + 0.7)
    settings = {"fs_hz": fs, "crossover_hz": 0.2, "sigma_hz": 1.5}
    steady = blend(truth + 17.0, truth, **settings)
    drifting = blend(truth + 17.0 + bias_deg_s * t, truth, **settings)
    np.testing.assert_allclose(drifting, steady, rtol=0, atol=1e-9)
    error = np.abs(drifting - truth)
    assert error[200:-200].max() <= 1.5
    assert max(error[:100].max(), error[-100:].max()) <= 7.0


def test_gravity_too_weak_to_point_down_is_carried_by_the_gyroscope() -> None:
    """Where gravity's estimate nearly vanishes (a wrist swung down at 1 g) its angle spins
    and unwraps a turn away; over such runs (here at the start, in the middle and at the
    end) the angle follows the gyroscope (opposite in sign, drifting 3 deg/s), and after
    them gravity's angle comes back on the turn the gyroscope points to."""
    fs = 50.0
    t = np.arange(int(20 * fs)) / fs
    truth = 80 * np.sin(2 * np.pi * 0.5 * t)
    gyro = -(truth + 3.0 * t)
    weak = (t < 0.2) | ((t > 6) & (t < 6.3)) | (t > 19.7)
    gravity = truth.copy()
    gravity[weak] = 500 * np.sin(7 * t[weak])  # no way down to read
    gravity[t >= 6.3] -= 360.0  # and unwrapped a turn away after it
    held = held_by_gyro(gravity, gyro, weak)
    # inside a run the gyroscope's drift adds up: 3 deg/s over 0.3 s is 0.9 deg
    np.testing.assert_allclose(held, truth, rtol=0, atol=1.0)
    steady = np.zeros(t.size, dtype=bool)
    assert held_by_gyro(gravity, gyro, steady) is gravity  # nothing weak: left as it is
    assert held_by_gyro(gravity, gyro, ~steady) is gravity  # nothing to hold to


def test_gyro_angle_integrates_the_dominant_axis_without_bias() -> None:
    fs = 50.0
    rate = np.concatenate(
        [np.zeros(100), np.full(50, np.deg2rad(40)), np.zeros(100)]
    )  # 40 deg/s for 1 s
    gyro = np.outer(rate, [0.0, 0.6, 0.8]) + 0.002  # constant bias on every axis
    angle = angle_from_gyro(gyro, fs_hz=fs)
    # 0.5 degree: the bias estimate comes from the still samples
    assert abs(angle[-1] - angle[0]) == pytest.approx(40.0, abs=0.5)


def _turned_about(axis: np.ndarray, angles_rad: np.ndarray, start: np.ndarray) -> np.ndarray:
    """``start`` turned about the unit ``axis`` by each of ``angles_rad`` (Rodrigues)."""
    c, s = np.cos(angles_rad)[:, None], np.sin(angles_rad)[:, None]
    return start * c + np.cross(axis, start) * s + axis[None, :] * (axis @ start) * (1 - c)


def test_a_turn_about_one_level_axis_reads_as_one_axis_and_two_turns_do_not() -> None:
    up = np.array([0.0, 0.0, 1.0])
    level = np.array([0.0, 1.0, 0.0])
    there = np.deg2rad(np.linspace(0.0, 40.0, 100))
    rep = _turned_about(level, np.concatenate([there, there[::-1]]), up)  # out and back
    rate = np.outer(np.gradient(np.concatenate([there, there[::-1]])), level)
    # exact geometry: only rounding
    assert span_off_plane_deg(rep) == pytest.approx(0.0, abs=1e-3)
    assert span_off_axis_fraction(rate) == pytest.approx(0.0, abs=1e-6)
    assert axis_tilt_deg(rate, rep) == pytest.approx(0.0, abs=1e-3)
    # the thigh's own acceleration (tangential, centripetal) lies in the plane it turns in
    own = np.cross(level, rep)
    assert along_axis_fraction(rate, own) == pytest.approx(0.0, abs=1e-6)

    # a hand: 40 degrees about one axis, back about another 60 degrees away
    other = np.array([0.0, np.cos(np.deg2rad(60)), np.sin(np.deg2rad(60))])
    out = _turned_about(level, there, up)
    back = _turned_about(other, -there, out[-1])
    hand = np.vstack([out, back])
    hand_rate = np.vstack(
        [np.outer(np.gradient(there), level), np.outer(-np.gradient(there), other)]
    )
    assert span_off_plane_deg(hand) > 1.0
    assert span_off_axis_fraction(hand_rate) > 0.3
    # and a phone spun flat on a table turns about gravity itself
    spun = np.outer(np.gradient(there), up)
    assert axis_tilt_deg(spun, np.tile(up, (there.size, 1))) == pytest.approx(90.0, abs=1e-6)


def test_a_jolt_at_each_stop_leaves_the_acceleration_angle_level() -> None:
    """Two 40° reps from acceleration alone at 50 Hz, each stop (0.3 s hold) with a jolt:
    ringing that also leaves net speed (as a jolt sampled at 50-60 Hz does), its burst's
    mark starting 0.15 s early. With each jolt's start a stop the thigh comes back to its
    level within a fifth of the range; without, the speed left adds up."""
    fs_hz, radius_m, range_deg = 50.0, 0.22, 40.0
    t = np.arange(0, 14, 1 / fs_hz)
    theta = np.zeros_like(t)
    stop_s, level = [], 0.0
    for k, target in enumerate((range_deg, 0.0, range_deg, 0.0)):  # minimum-jerk, 1 s each
        s = np.clip(t - 2.0 - 1.3 * k, 0, 1)
        theta += (target - level) * (10 * s**3 - 15 * s**4 + 6 * s**5)
        stop_s.append(3.0 + 1.3 * k)
        level = target
    rate = np.gradient(np.deg2rad(theta), t)
    acc = np.zeros((t.size, 3))
    acc[:, 0], acc[:, 1] = radius_m * np.gradient(rate, t), -radius_m * rate**2
    jolts = np.zeros(t.size, dtype=bool)
    for k, stop in enumerate(stop_s):
        dt = t - (stop - 0.03)
        ringing = (dt >= 0) & (dt < 0.4)
        x = dt[ringing] / 0.03
        wave = 10 * x**2 * np.exp(2 - x) / 4 * np.sin(2 * np.pi * 15 * dt[ringing])
        acc[ringing, 0] += 0.3 * wave
        acc[ringing, 2] += wave
        acc[(dt >= 0) & (dt < 0.06), 0] += (0.1 if k % 2 == 0 else -0.05) / 0.06
        jolts |= (dt > -0.15) & (dt < 0.35)
    starts = jolt_starts(acc, jolts, fs_hz=fs_hz, sigma_hz=1.5)
    onset_s = np.array(stop_s) - 0.03
    assert np.abs(t[starts] - onset_s).max() <= 0.05  # within the 0.03 s to the stop and a sample
    kw = {"fs_hz": fs_hz, "radius_m": radius_m, "sigma_hz": 1.5, "still_mps2": 0.03}
    held = [np.argmin(np.abs(t - (s + 0.15))) for s in stop_s]  # mid-hold
    with_stops = angle_from_acceleration(acc, stops=starts, **kw)[held]
    without = angle_from_acceleration(acc, **kw)[held]
    assert np.abs(with_stops[[1, 3]]).max() < range_deg / 5  # back at the bottom
    assert abs(abs(with_stops[0]) - abs(with_stops[2])) < range_deg / 5  # the tops alike
    assert np.abs(without[[1, 3]]).max() > range_deg / 5  # the test can tell


def test_a_steady_slow_eccentric_is_not_taken_for_a_stop() -> None:
    """A 30° rep from acceleration alone: a 1 s concentric, a 1 s hold, then a slow
    eccentric that turns at a steady speed for 1.5 s in its middle (no acceleration there,
    as no stop has). Before, that quiet stretch reset the speed, so the eccentric's angle was
    lost and the thigh "stayed" near the top; now the thigh comes back to the bottom."""
    fs_hz, radius_m, range_deg = 100.0, 0.22, 30.0
    t = np.arange(0, 12, 1 / fs_hz)
    concentric = np.where((t >= 2) & (t < 3), 1 - np.cos(2 * np.pi * (t - 2)), 0.0)
    steady_dps = range_deg / 2.0  # 1.5 s steady and two 0.5 s ramps turn 30°
    eccentric = np.interp(t, [4.0, 4.5, 6.0, 6.5], [0.0, steady_dps, steady_dps, 0.0])
    rate_dps = range_deg * concentric - eccentric
    rate = np.deg2rad(rate_dps)
    theta_deg = np.cumsum(rate_dps) / fs_hz
    assert abs(theta_deg.max() - range_deg) < 1 and abs(theta_deg[-1]) < 1  # as drawn
    acc = np.zeros((t.size, 3))
    acc[:, 0], acc[:, 1] = radius_m * np.gradient(rate, t), -radius_m * rate**2
    angle = angle_from_acceleration(
        acc, fs_hz=fs_hz, radius_m=radius_m, sigma_hz=1.5, still_mps2=0.03
    )
    top = angle[int(3.5 * fs_hz)]
    assert abs(abs(top) - range_deg) < range_deg / 5
    assert abs(angle[-1]) < range_deg / 5  # back at the bottom (it stayed 29.7° up before)


@given(st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=80))
def test_window_sums_are_the_box_convolution(n: int, extra: int) -> None:
    x = np.random.default_rng(n * 100 + extra).normal(size=n + extra) ** 2
    # equal to rounding: a running sum of up to 140 squares, each below about 30
    np.testing.assert_allclose(
        window_sums(x, n), np.convolve(x, np.ones(n), mode="same"), rtol=1e-12, atol=1e-12
    )
