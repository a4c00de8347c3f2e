"""The orientation layer's faster forms give the same doubles as the numpy forms they stand
for (they must: ``analyze --json`` is compared byte for byte)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from thrustlab.signal import orientation
from thrustlab.signal.orientation import unwrapped

_ANGLES = arrays(
    np.float64,
    st.integers(0, 60),
    elements=st.floats(-20.0, 20.0, allow_nan=False) | st.sampled_from([np.pi, -np.pi, 0.0]),
)


@settings(max_examples=300, deadline=None)
@given(_ANGLES)
def test_unwrapped_is_np_unwrap_to_the_last_bit(rad: np.ndarray) -> None:
    assert unwrapped(rad).tobytes() == np.unwrap(rad).tobytes()


@pytest.mark.parametrize(
    "rad",
    [
        [0.0, np.pi, 0.0, -np.pi, 2 * np.pi, -0.0, -0.0, 3 * np.pi, -5 * np.pi],
        [-0.0, -0.0, -0.0],
        [np.nan, 1.0, np.inf, 2.0, -np.inf, 0.5],
        [1.0],
        [],
    ],
)
def test_unwrapped_keeps_np_unwrap_s_edges(rad: list[float]) -> None:
    x = np.array(rad, dtype=float)
    with np.errstate(invalid="ignore"):
        assert unwrapped(x).tobytes() == np.unwrap(x).tobytes()


def test_an_angle_along_a_circle_is_unwrapped_as_numpy_does() -> None:
    turns = np.cumsum(np.random.default_rng(3).normal(0.0, 0.3, 3000))
    rad = np.arctan2(np.sin(turns), np.cos(turns))
    assert unwrapped(rad).tobytes() == np.unwrap(rad).tobytes()


@pytest.mark.parametrize("n", [1, 2, 7, 3000, orientation.SUM_BLOCK, orientation.SUM_BLOCK + 5])
def test_running_sums_are_one_cumulative_sum_over_all_samples(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, 3))
    at = np.concatenate([[0, n], rng.integers(0, n + 1, 40)])
    rows, cols = orientation._UPPER
    running = np.cumsum(x[:, rows] * x[:, cols], axis=0)
    expected = np.where(at[None, :] > 0, running[np.maximum(at - 1, 0)].T, 0.0)
    assert orientation._running_sums(x, at).tobytes() == expected.tobytes()


@pytest.mark.parametrize(("n", "fs_hz"), [(3000, 50.0), (2968, 50.0), (7, 100.0), (1, 1.0)])
def test_per_sample_holds_each_window_s_value_as_np_repeat(n: int, fs_hz: float) -> None:
    step = max(1, round(orientation.WINDOW_STEP_S * fs_hz))
    per_window = np.random.default_rng(n).normal(size=-(-n // step))
    expected = np.repeat(per_window, step)[:n]
    held = orientation._per_sample(per_window, np.zeros((n, 3)), fs_hz)
    assert held.tobytes() == expected.tobytes()


@pytest.mark.parametrize("order", ["C", "F"])
def test_unit_rows_divides_as_the_broadcast_does(order: str) -> None:
    x = np.asarray(np.random.default_rng(5).normal(size=(500, 3)) * 3.0, order=order)
    x[7] = 0.0
    expected = x / np.maximum(orientation.row_lengths(x), 1e-9)[:, None]
    got = orientation.unit_rows(x)
    assert got.tobytes(order="A") == expected.tobytes(order="A")
    assert got.flags.c_contiguous == expected.flags.c_contiguous


def test_unit_rows_c_ordered_are_the_same_numbers() -> None:
    x = np.asfortranarray(np.random.default_rng(6).normal(size=(500, 3)) * 3.0)
    x[7] = 0.0
    got = orientation.unit_rows(x, order="C")
    assert got.flags.c_contiguous
    assert np.array_equal(got, orientation.unit_rows(x))
    assert np.array_equal(np.signbit(got), np.signbit(orientation.unit_rows(x)))


@pytest.mark.parametrize("n", [1, 2, 7, 2968, 3000, orientation.SUM_BLOCK + 5])
def test_running_sums_of_two_signals_at_once_are_each_ones(n: int) -> None:
    rng = np.random.default_rng(n + 1)
    x, y = rng.normal(size=(n, 3)), np.asfortranarray(rng.normal(size=(n, 3)) * 1e3)
    at = np.concatenate([[0, n], rng.integers(0, n + 1, 40)])
    if n <= orientation.SUM_BLOCK:
        both = orientation._paired_running_sums(x, y, at)
        assert both.real.tobytes() == orientation._running_sums(x, at).tobytes()
        assert both.imag.tobytes() == orientation._running_sums(y, at).tobytes()
    still = np.tile([0.0, 0.6, 0.8], (n, 1))  # a phone at rest: nearly equal eigenvalues
    turns = np.cumsum(rng.normal(0.0, 0.05, n))
    on_circle = np.column_stack([np.cos(turns), np.sin(turns), 1e-3 * rng.normal(size=n)])
    for unit in (orientation.unit_rows(on_circle), still):
        plane, axis = orientation.off_plane_and_axis(unit, y, fs_hz=50.0, window_s=2.5)
        alone = orientation.off_plane_deg(unit, fs_hz=50.0, window_s=2.5, unit=unit)
        assert plane.tobytes() == alone.tobytes()
        assert axis.tobytes() == orientation.off_axis_rads(y, fs_hz=50.0, window_s=2.5).tobytes()


def test_span_tilt_takes_each_spans_own_sum_of_directions() -> None:
    rng = np.random.default_rng(12)
    direction = orientation.unit_rows(rng.normal(size=(900, 3)) + np.array([0.0, 0.0, 3.0]))
    rate = np.asfortranarray(rng.normal(size=(900, 3)) * [1.0, 0.1, 0.1])
    spans = [(0, 150), (100, 400), (390, 900), (5, 7), (450, 452)]
    tilt = orientation.span_axes(direction, rate, None, spans=spans).axis_tilt_deg
    assert tilt is not None
    for k, (lo, hi) in enumerate(spans):
        if hi - lo < 3:
            assert tilt[k] == 0.0
            continue
        part = rate[lo:hi]
        axis = np.linalg.eigh((part.T @ part)[None] / (hi - lo))[1][0, :, 2]
        mean = np.add.reduce(direction[lo:hi], axis=0)
        along = np.einsum("ij,ij->i", axis[None], mean[None])  # as span_axes takes it
        cosine = np.abs(along[0]) / max(orientation.row_lengths(mean[None])[0], 1e-9)
        assert tilt[k] == np.rad2deg(np.arcsin(np.minimum(cosine, 1.0)))


def _symmetric(rng: np.random.Generator, m: int) -> np.ndarray:
    """``m`` symmetric 3 x 3 moment matrices: of random vectors, of vectors near a plane, a
    line or a point (a pair of nearly equal eigenvalues), and a few exact ones."""
    out = []
    for spread in (1.0, 1e-3, 1e-6, 1e-9):
        for _ in range(m):
            scales = [[1, 1, 1], [1, 1, spread], [1, spread, spread]][int(rng.integers(3))]
            x = rng.normal(size=(50, 3)) * scales
            x = x @ np.linalg.qr(rng.normal(size=(3, 3)))[0]
            out.append(x.T @ x / 50)
    out += [np.zeros((3, 3)), np.eye(3), np.diag([2.0, 1.0, 1.0]), np.diag([1.0, 1.0, 0.0])]
    return np.array(out)


def test_the_closed_form_eigenvalues_are_lapack_s_to_1e_13_of_the_largest() -> None:
    matrices = _symmetric(np.random.default_rng(11), 200)
    upper = matrices[:, orientation._UPPER[0], orientation._UPPER[1]].T
    assert orientation._matrices(upper).tobytes() == matrices.tobytes()
    values = np.linalg.eigvalsh(matrices)
    largest = np.maximum(np.abs(values).max(axis=1), 1e-300)
    smallest = orientation.smallest_eigenvalues(upper)
    two = orientation.two_smallest_eigenvalues(upper)
    assert np.all(np.abs(smallest - values[:, 0]) <= 1e-13 * largest)
    assert np.all(np.abs(two - (values[:, 0] + values[:, 1])) <= 1e-13 * largest)


@pytest.mark.parametrize("n", [2, 3, 10, 3000])
def test_gradient_is_np_gradient_to_the_last_bit(n: int) -> None:
    f = np.cumsum(np.random.default_rng(n).normal(size=n)) * 37.0
    assert orientation.gradient(f).tobytes() == np.gradient(f).tobytes()


@pytest.mark.parametrize("n", [0, 1, 2, 9, 400])
def test_stretches_are_the_runs_of_true(n: int) -> None:
    rng = np.random.default_rng(n)
    for mask in (rng.random(n) < 0.5, np.ones(n, dtype=bool), np.zeros(n, dtype=bool)):
        changes = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
        starts, ends = orientation.stretches(mask)
        assert starts.tolist() == changes[::2].tolist()
        assert ends.tolist() == changes[1::2].tolist()
