"""The readers' rewrites that must give the same bits as the plain forms they replaced:
each old form is written here and compared with the new one on edge cases and random data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from thrustlab.readers._clean import times_resolve
from thrustlab.readers._units import FILLER_TIMES, PLAIN_MAX, _mean_vector, _sampled


def _old_mean_vector(xyz: np.ndarray) -> float:
    """The plain form: the mean of the finite rows, and where a reading is beyond
    ``PLAIN_MAX``, of those within ``FILLER_TIMES`` of the median row's length."""
    axes = np.ascontiguousarray(_sampled(xyz).T)
    with np.errstate(all="ignore"):
        squares = np.square(axes).sum(axis=0)
        usable = np.isfinite(squares)
        if np.isfinite(axes).all() and np.abs(axes).max(initial=0.0) <= PLAIN_MAX:
            usable[:] = True
        elif np.count_nonzero(usable) >= 2 and np.median(squares[usable]) > 0:
            usable &= squares <= FILLER_TIMES**2 * np.median(squares[usable])
        if np.count_nonzero(usable) < 2:
            return float("nan")
        mean = (axes if usable.all() else axes[:, usable]).mean(axis=1)
        return float(np.sqrt(np.square(mean).sum()))


def _old_times_resolve(times: np.ndarray, ok: np.ndarray) -> bool:
    head = times[ok][:1024]
    return head.size < 16 or np.unique(head).size >= 0.05 * head.size


def _same_float(a: float, b: float) -> bool:
    return bool(np.float64(a).view(np.int64) == np.float64(b).view(np.int64)) or (
        np.isnan(a) and np.isnan(b)
    )


ROWS = (0, 1, 2, 3, 7, 8, 9, 16, 17, 128, 129, 4095, 4096, 6000, 8191, 8192, 12287, 30000)


@pytest.mark.parametrize("n_rows", ROWS)
def test_mean_vector_is_the_plain_mean_of_the_typical_rows(n_rows: int) -> None:
    rng = np.random.default_rng(n_rows)
    for case in range(40):
        xyz = rng.normal(rng.normal(0.0, 5.0), 1.0, (n_rows, 3))
        if case % 4 == 1:
            with np.errstate(over="ignore"):
                xyz *= 10.0 ** rng.integers(100, 309)  # sums that overflow
        if case % 4 == 2 and n_rows:
            cells = rng.integers(0, n_rows, 3), rng.integers(0, 3, 3)
            xyz[cells] = rng.choice([np.nan, np.inf, -np.inf, 1e308])
        if case % 4 == 3 and n_rows:  # fillers such as -9999 in a few rows
            xyz[rng.integers(0, n_rows, 1 + n_rows // 50)] = rng.choice([-9999.0, 32767.0])
        if case % 5 == 3:
            xyz = np.asfortranarray(xyz)
        if case % 7 == 4:
            xyz = xyz[::3]
        if case % 9 == 5:
            xyz[:] = -0.0
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # no new warning either
            new = _mean_vector(xyz)
            old = _old_mean_vector(xyz)
        assert _same_float(new, old), (n_rows, case, new, old)


@pytest.mark.parametrize("n_rows", (0, 1, 15, 16, 17, 100, 1023, 1024, 1025, 6000))
def test_times_resolve_counts_distinct_times_as_np_unique(n_rows: int) -> None:
    rng = np.random.default_rng(n_rows)
    for case in range(30):
        kind = case % 5
        if kind == 0:
            times = np.arange(n_rows, dtype=np.float64) * 0.01
        elif kind == 1:  # rounded: few distinct values
            times = np.round(rng.uniform(0, 1, n_rows), int(rng.integers(0, 3)))
        elif kind == 2:
            times = rng.integers(0, int(rng.integers(1, 200)), n_rows).astype(np.int64)
        elif kind == 3:  # zeros of both signs, NaN and infinities
            times = rng.choice([0.0, -0.0, np.nan, np.inf, -np.inf, 1.0], n_rows)
        else:
            times = rng.permutation(n_rows).astype(np.float64)
        ok = np.isfinite(times) if times.dtype.kind == "f" else np.ones(n_rows, dtype=bool)
        if case % 3 == 1:
            ok &= rng.uniform(size=n_rows) < 0.9
        if case % 3 == 2:
            ok = np.ones(n_rows, dtype=bool)  # NaN among the usable times
        assert times_resolve(times, ok) == _old_times_resolve(times, ok), (n_rows, case)
