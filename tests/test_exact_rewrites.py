"""Forms chosen for speed give the very doubles of the plain forms they replace."""

from __future__ import annotations

import numpy as np
import pytest

from thrustlab.measurement.leg import PINNED_BLOCK, _bridged, _near_counts, _pinned, _row_counts
from thrustlab.measurement.tremor import _bounds, _none_within, _running_count, widened
from thrustlab.signal import filters
from thrustlab.signal.filters import gain_on, smooth, smoothed_together
from thrustlab.signal.resample import _decimated_mask, _interp_block, _outside, _thinned_outside


def _catmull_rom_point_by_point(
    position: np.ndarray, values: np.ndarray, near_gap: np.ndarray | None
) -> np.ndarray:
    """The cubic as first written: one point at a time, each weight spelled out."""
    n = values.shape[0]
    i = np.minimum(position.astype(int), n - 2)
    u = position - i
    u2, u3 = u * u, u * u * u
    w0 = 0.5 * (2 * u2 - u3 - u)
    w1 = 0.5 * (3 * u3 - 5 * u2 + 2)
    w2 = 0.5 * (4 * u2 - 3 * u3 + u)
    w3 = 0.5 * (u3 - u2)
    if near_gap is not None:
        line = near_gap[i]
        w0, w1, w2, w3 = (
            np.where(line, 0.0, w0),
            np.where(line, 1 - u, w1),
            np.where(line, u, w2),
            np.where(line, 0.0, w3),
        )
    out = np.zeros((values.shape[1], position.size))
    for offset, w in zip((-1, 0, 1, 2), (w0, w1, w2, w3), strict=True):
        out += values[np.clip(i + offset, 0, n - 1)].T * w
    return out


@pytest.mark.parametrize("seed", range(6))
def test_the_cubic_adds_the_same_products_in_the_same_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(8, 400))
    t = np.cumsum(rng.uniform(0.5, 1.5, n))
    t -= t[0]
    values = np.round(rng.normal(size=(n, 3)), 2 if seed % 2 else 12)
    values[rng.random((n, 3)) < 0.05] = -0.0
    t_out = np.linspace(0.0, t[-1], int(rng.integers(4, 2 * n)))
    position = np.interp(t_out, t, np.arange(n, dtype=float))
    near_gap = rng.random(n - 1) < 0.1 if seed % 3 else None
    out = np.empty((3, t_out.size))
    _interp_block(position.copy(), t, values, near_gap=near_gap, out=out)
    expected = _catmull_rom_point_by_point(position, values, near_gap)
    assert out.tobytes() == expected.tobytes()


@pytest.mark.parametrize("seed", range(4))
def test_a_thinned_mask_cleared_gap_by_gap_is_the_thinned_running_count(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for _ in range(500):
        n, factor = int(rng.integers(1, 80)), int(rng.integers(2, 6))
        t_out = np.arange(n) / 10.0
        edges = np.unique(rng.uniform(-0.5, n / 10 + 0.5, 2 * int(rng.integers(0, 6))))
        edges = edges[: edges.size // 2 * 2]
        starts, ends = edges[0::2], edges[1::2]
        expected = _decimated_mask(_outside(t_out, starts, ends), factor)
        assert np.array_equal(_thinned_outside(t_out, starts, ends, factor), expected)


def test_bridging_through_the_neighbours_of_a_gap_draws_the_same_lines() -> None:
    rng = np.random.default_rng(7)
    for trial in range(300):
        n = int(rng.integers(2, 200))
        x = np.asfortranarray(rng.normal(size=(n, 3))) if trial % 2 else rng.normal(size=(n, 3))
        skip = rng.random(n) < (0.05, 0.5, 0.95)[trial % 3]
        out = _bridged(x, skip)
        kept, gone = np.flatnonzero(~skip), np.flatnonzero(skip)
        expected = x.copy()
        if kept.size and gone.size:
            for k in range(3):
                expected[gone, k] = np.interp(gone.astype(float), kept.astype(float), x[kept, k])
        assert np.array_equal(out, expected)
        assert np.array_equal(np.signbit(out), np.signbit(expected))


def test_signals_smoothed_together_are_each_smoothed_alone() -> None:
    rng = np.random.default_rng(8)
    xs = [rng.normal(size=(3000, 3)), np.asfortranarray(rng.normal(size=(3000, 3)))]
    for together, alone in zip(
        smoothed_together(xs, fs_hz=50.0, sigma_hz=1.5),
        [smooth(x, fs_hz=50.0, sigma_hz=1.5) for x in xs],
        strict=True,
    ):
        assert together.shape == alone.shape and together.strides == alone.strides
        assert together.tobytes() == alone.tobytes()


def test_rows_are_counted_as_count_nonzero_counts_them() -> None:
    mask = np.random.default_rng(9).random((3, 1000)) < 0.01
    counts = _row_counts(mask)
    assert counts.dtype == np.intp
    assert np.array_equal(counts, np.count_nonzero(mask, axis=1))


def test_values_near_each_rows_floor_are_counted_as_the_broadcast_counts_them() -> None:
    rng = np.random.default_rng(10)
    block = np.abs(rng.normal(size=(3, 1000)))
    block[1, :5] = block[1].max()
    block[2, 3] = np.nan
    floor = block.max(axis=1) - 1e-6
    counts = _near_counts(block, floor)
    assert counts.dtype == np.intp
    assert np.array_equal(counts, _row_counts(block >= floor[:, None]))


@pytest.mark.parametrize("n", [40, 6000, PINNED_BLOCK + 7])
def test_pinned_samples_are_those_within_a_millionth_of_each_columns_peak(n: int) -> None:
    acc = np.random.default_rng(n).normal(size=(n, 3)) * 9.0
    acc[::7, 1] = -np.abs(acc[:, 1]).max()  # a clipped column, at its negative limit
    peak, pinned = _pinned(acc)
    magnitudes = np.abs(acc)
    assert peak.tobytes() == magnitudes.max(axis=0).tobytes()
    assert np.array_equal(pinned, np.count_nonzero(magnitudes >= peak - 1e-6, axis=0))


def test_gains_are_kept_until_the_least_recently_used_must_make_room(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(filters, "_gains", {})
    monkeypatch.setattr(filters, "GAIN_BYTES_KEPT", 3 * 101 * 8)
    made: list[float] = []

    def gain_for(rate: float) -> np.ndarray:
        def make(f: np.ndarray) -> np.ndarray:
            made.append(rate)
            return f / rate

        return gain_on(np.fft.rfftfreq(200, 1.0 / rate), ("test",), make)

    for rate in (50.0, 60.0, 70.0, 50.0, 80.0, 60.0, 50.0):
        gain = gain_for(rate)
        assert not gain.flags.writeable
    # 50, 60, 70 made; 50 kept; 80 drops 60 (least recently used); 60 drops 70; 50 kept
    assert made == [50.0, 60.0, 70.0, 80.0, 60.0]


def _widened_by_convolution(mask: np.ndarray, by: int) -> np.ndarray:
    """``widened`` as first written: a convolution with ``2 * by + 1`` ones (which gave
    ``2 * by + 1`` samples for a shorter mask: the tests take masks at least that long)."""
    if by < 1 or not mask.any():
        return mask
    return np.convolve(mask.astype(float), np.ones(2 * by + 1), mode="same") > 0


def test_a_mask_widened_by_running_counts_is_the_mask_widened_by_convolution() -> None:
    rng = np.random.default_rng(10)
    for _ in range(500):
        by = int(rng.integers(0, 12))
        n = int(rng.integers(2 * by + 1, 120))
        mask = rng.random(n) < rng.choice([0.0, 0.02, 0.2, 0.9])
        assert np.array_equal(widened(mask, by=by), _widened_by_convolution(mask, by))


def test_one_running_count_widens_by_a_margin_and_then_by_a_fade() -> None:
    rng = np.random.default_rng(11)
    for _ in range(500):
        margin, fade = int(rng.integers(0, 10)), int(rng.integers(1, 10))
        n = int(rng.integers(2 * (margin + fade) + 1, 120))
        keep = rng.random(n) > rng.choice([0.0, 0.02, 0.2, 0.9])
        kept = ~_widened_by_convolution(~keep, margin)
        clear = ~_widened_by_convolution(~kept, fade)
        running = _running_count(~keep, margin + fade)
        assert np.array_equal(_none_within(running, margin + fade, margin), kept)
        assert np.array_equal(_none_within(running, margin + fade, margin + fade), clear)


def test_spans_are_rounded_and_clipped_to_samples_as_python_did() -> None:
    rng = np.random.default_rng(13)
    for _ in range(300):
        rate, n = float(rng.choice([25.0, 50.0, 100.0, 99.5])), int(rng.integers(0, 400))
        spans: list[tuple[float, float] | None] = []
        for _ in range(int(rng.integers(0, 16))):
            lo = float(rng.uniform(-2.0, 6.0))
            if rng.random() < 0.3:  # halves: round half to even
                lo = (int(rng.integers(-10, 800)) + 0.5) / rate
            spans.append(None if rng.random() < 0.1 else (lo, lo + float(rng.uniform(0.0, 3.0))))
        expected = np.array(
            [
                (max(0, round(s[0] * rate)), min(n, round(s[1] * rate))) if s else (0, 0)
                for s in spans
            ],
            dtype=int,
        ).reshape(-1, 2)
        bounds = _bounds(spans, rate, n)
        assert bounds.dtype == expected.dtype and np.array_equal(bounds, expected)
