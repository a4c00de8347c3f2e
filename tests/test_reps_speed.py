"""The rep finder's batched steps give, to the bit, what their one-at-a-time forms gave:
phase edges of all stretches at once, rise times of all reps at once, the movement tests of
all candidates at once, and the gradient without ``np.gradient``'s argument handling."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from thrustlab.config import AnalysisConfig
from thrustlab.measurement.reps import (
    DIP_FRACTION,
    HANDLED_SHARE,
    RepTiming,
    _moving_reps,
    _phase_edges,
    _rise_time,
    _rise_times,
    _stretch_edges,
    _zigzag,
    handled_share,
    zigzag,
)
from thrustlab.signal.orientation import gradient


def _signals(count: int) -> list[np.ndarray]:
    """Random walks, some rounded (flat stretches and ties), some with a swing on top."""
    rng = np.random.default_rng(7)
    out = []
    for k in range(count):
        n = int(rng.integers(3, 600))
        x = np.cumsum(rng.normal(size=n)) * rng.uniform(0.5, 20.0)
        if k % 3 == 0:
            x = np.round(x)
        if k % 4 == 0:
            x += 30.0 * np.sin(np.arange(n) / rng.uniform(5.0, 50.0))
        if k % 5 == 0:  # reps read through shaking: many local minima of the speed
            x = 40.0 * np.sin(np.arange(n) / 15.0) + rng.normal(scale=1.5, size=n)
        out.append(x)
    return out


@pytest.mark.parametrize("fraction", [0.1, 0.0, 0.3, 0.6])
def test_phase_edges_match_one_stretch_at_a_time(fraction: float) -> None:
    dips = 0
    for x in _signals(400):
        pivots = zigzag(x, min_swing=float(np.ptp(x)) / 6 + 0.5)
        speed = np.gradient(x) * 100.0
        assert _phase_edges(speed, pivots, fraction) == _stretch_edges(speed, pivots, fraction)
        dips += _stretch_edges(speed, pivots, fraction) != _slow_only(speed, pivots, fraction)
    # the dips are exercised, not only the slow samples (a dip is slower than half the peak)
    assert dips > 10 or fraction >= DIP_FRACTION


def _slow_only(speed: np.ndarray, pivots: list[tuple[int, int]], fraction: float) -> list:
    """The edges where only slow samples end a movement (no dips)."""
    edges = []
    for (lo, kind), (hi, _) in pairwise(pivots):
        w = speed[lo : hi + 1] * -kind
        k = int(w.argmax())
        slow = w <= fraction * w[k]
        before, after = slow[: k + 1].nonzero()[0], slow[k:].nonzero()[0]
        edges.append(
            (
                lo + int(before[-1]) if before.size else lo,
                lo + k + int(after[0]) if after.size else hi,
            )
        )
    return edges


def test_phase_edges_with_nans_fall_back() -> None:
    x = np.sin(np.arange(400) / 20.0) * 40.0
    speed = np.gradient(x) * 100.0
    speed[50] = np.nan
    pivots = zigzag(x, min_swing=10.0)
    assert _phase_edges(speed, pivots, 0.1) == _stretch_edges(speed, pivots, 0.1)
    assert _phase_edges(speed, pivots[:1], 0.1) == []


def test_rise_times_match_one_rep_at_a_time() -> None:
    rng = np.random.default_rng(3)
    for x in _signals(200):
        spans = []
        for _ in range(int(rng.integers(1, 12))):
            lo = int(rng.integers(0, x.size - 1))
            spans.append((lo, int(rng.integers(lo + 1, x.size + 3))))  # may run past the end
        expected = [_rise_time(x[lo : hi + 1], 50.0) for lo, hi in spans]
        assert _rise_times(x, spans, 50.0) == expected


def test_rise_times_with_nans_match_one_rep_at_a_time() -> None:
    x = np.sin(np.arange(200) / 10.0) * 40.0
    x[[3, 40, 41, 120]] = np.nan  # at a rise's start, inside one, before its level
    x[150] = np.inf
    spans = [(0, 15), (30, 50), (100, 125), (140, 160), (38, 45), (119, 130)]
    expected = [_rise_time(x[lo : hi + 1], 50.0) for lo, hi in spans]
    assert repr(_rise_times(x, spans, 50.0)) == repr(expected)  # NaN where it gives NaN


def test_gradient_is_numpys_to_the_bit() -> None:
    for x in [*_signals(50), np.array([1.0, 4.0]), np.array([2.0, -1.0, 7.5])]:
        assert np.array_equal(gradient(x), np.gradient(x))
    assert np.array_equal(gradient(np.arange(5)), np.gradient(np.arange(5)))  # not floats


def test_moving_matches_one_rep_at_a_time() -> None:
    config = AnalysisConfig()
    rng = np.random.default_rng(5)
    rate = 50.0
    for x in _signals(150):
        speed = np.abs(np.gradient(x) * rate)
        handled = rng.random(max(x.size + int(rng.integers(-5, 5)), 1)) < rng.uniform(0.0, 1.0)
        reps = []
        for _ in range(int(rng.integers(1, 10))):
            lo = int(rng.integers(0, x.size))
            hi = int(rng.integers(max(lo - 2, 0), x.size))
            reps.append(RepTiming(lo / rate, lo / rate, hi / rate, hi / rate, 40.0, None))
        for mask in (handled, None):
            held = None if mask is None else np.append(mask, False)
            found = [
                (round(r.start_s * rate), 0, 0, round(r.end_s * rate), r.rom_deg) for r in reps
            ]
            got = _moving_reps(np.append(speed, 0.0), found, rate, held, config)
            assert got == [_moves(speed, r, rate, mask, config) for r in reps]


def _moves(
    abs_speed: np.ndarray,
    r: RepTiming,
    rate_hz: float,
    handled: np.ndarray | None,
    config: AnalysisConfig,
) -> bool:
    """One candidate's movement test, as it was made candidate by candidate (long enough for
    a quick rep: the runs cut the rest, ``_quick_ones_kept``)."""
    if r.end_s - r.start_s < config.quick_rep_fraction * config.min_rep_s:
        return False
    lo, hi = round(r.start_s * rate_hz), round(r.end_s * rate_hz)
    fast = float(abs_speed[lo : hi + 1].max()) if hi > lo else 0.0
    in_hand = handled is not None and hi > lo and handled_share(handled, lo, hi) > HANDLED_SHARE
    return fast >= config.min_rep_speed_dps and not in_hand


def _turns(x: np.ndarray) -> list[int]:
    """The samples where the slope of ``x`` changes sign, as ``np.sign`` tells it."""
    slope = np.sign(np.diff(x))
    return (np.flatnonzero(slope[1:] != slope[:-1]) + 1).tolist()


def test_zigzag_turns_where_np_sign_does() -> None:
    flat = np.array([0.0, 1.0, 1.0, 1.0, 0.0, -0.0, 0.0, 5.0, 2.0])
    holes = np.array([0.0, 3.0, np.nan, 1.0, 4.0, np.inf, 2.0, -np.inf, 9.0, 0.0])
    for x in [*_signals(100), flat, holes, np.array([1.0, 3.0]), np.array([2.0])]:
        pivots = zigzag(x, min_swing=1.0)
        where = [0, *_turns(x), x.size - 1]
        assert {i for i, _ in pivots} <= set(where)
        values = x[where].tolist()
        assert [(where[k], kind) for k, kind in _zigzag(values, 1.0)] == pivots
