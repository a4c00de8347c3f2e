"""The orientation layer's faster forms give the same doubles as the numpy forms they stand
for (they must: ``analyze --json`` is compared byte for byte)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

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
