"""The contract's rounding: numpy's fast path for long runs gives the very doubles ``round``
gives, value by value (``document._rounded``)."""

from __future__ import annotations

import math

import numpy as np

from thrustlab.document import DECIMALS, NUMPY_FROM, _one, _rounded


def _python(values: list[float]) -> list[float]:
    return [round(v, DECIMALS) if abs(v) >= 0.01 else float(f"{v:.4g}") for v in values]


def _same(got: list[float], want: list[float]) -> None:
    assert [repr(v) for v in got] == [repr(v) for v in want]  # repr: -0.0, nan and the last bit


def test_long_runs_round_to_the_same_doubles_as_round() -> None:
    rng = np.random.default_rng(7)
    size = 10.0 ** rng.uniform(-8, 12, 200_000)  # every magnitude the figures can take
    random = (size * rng.choice([-1.0, 1.0], size.size)).tolist()
    ties = ((np.arange(-20_000, 20_000) + 0.5) / 10.0**DECIMALS).tolist()  # x.xxxx5: the ties
    beside = np.array(ties)
    near = np.concatenate([np.nextafter(beside, np.inf), np.nextafter(beside, -np.inf)]).tolist()
    edges = [0.01, -0.01, 0.009999, 1e5, -1e5, 99_999.99995, 0.0, -0.0, math.inf, -math.inf]
    edges += [math.nan, 5e-5, 1.00005, 2.675, 0.12345, 1e-320]
    for values in (random, ties, near, edges * 2):
        assert len(values) >= NUMPY_FROM
        _same(_rounded(values), _python(values))


def test_short_runs_and_single_values_use_round() -> None:
    values = [0.123456, -2.675, 0.000123456, 1e9 + 0.123456]
    _same(_rounded(values), _python(values))
    _same([_one(v) for v in values], _python(values))
