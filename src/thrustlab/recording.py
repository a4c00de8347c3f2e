"""Recording: the one type every reader returns and every analysis starts from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, InitVar, field, replace
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from thrustlab.quality import QualityFlag
from thrustlab.records import record

FloatArray = npt.NDArray[np.float64]

G_MPS2 = 9.80665
"""Standard gravity, to convert accelerations given in g."""
MAX_SENSOR_G = 400.0
"""The widest range of accelerometer made (impact sensors: 400 g; a phone's reads 8-32 g).
A reading beyond it is no movement but a glitch or a filler value (-9999 for "missing")."""
MIN_SENSOR_LIMIT_G = 1.9
"""The narrowest range of a phone's or a watch's accelerometer is +-2 g (less a calibration
offset): a value repeated below it is the sensor's resolution, not its limit (a still
phone read in steps of 0.038 m/s2 repeats its largest value hundreds of times)."""


@record
class Recording:
    """Motion samples from one sensor worn on one leg.

    ``t_s`` is seconds from the first sample (so ``t_s[0] == 0``), strictly increasing but
    not necessarily uniform; ``acc_mps2`` is (N, 3) in the sensor's own axes, with gravity
    in it or not as ``gravity_included`` says; ``gyro_rads`` is (N, 3) or None. Readers
    sort, de-duplicate and drop unusable rows before building one, and say so in
    ``quality``.
    """

    t_s: FloatArray
    acc_mps2: FloatArray
    gyro_rads: FloatArray | None
    gravity_included: bool
    format: str
    path: str = ""
    start_epoch_ns: int | None = None
    quality: tuple[QualityFlag, ...] = ()
    meta: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    _: KW_ONLY
    samples_finite: InitVar[bool] = False
    """True when the maker has made sure every sample is finite (a reader that dropped the
    rows that are not): they are then not checked again, two passes over each (N, 3) array
    (1.2% of reading a 100-minute CSV). Not a field: ``replace`` checks them."""

    def __post_init__(self, samples_finite: bool) -> None:
        t, acc, gyro = self.t_s, self.acc_mps2, self.gyro_rads
        if t.ndim != 1 or t.size < 2:
            raise ValueError("a recording needs at least two samples")
        if acc.shape != (t.size, 3):
            raise ValueError(f"acc_mps2 must have shape ({t.size}, 3), not {acc.shape}")
        if gyro is not None and gyro.shape != (t.size, 3):
            raise ValueError(f"gyro_rads must have shape ({t.size}, 3), not {gyro.shape}")
        if not increasing_and_finite(t):
            raise ValueError("t_s must be finite and strictly increasing")
        if not samples_finite and (
            not all_finite(acc) or (gyro is not None and not all_finite(gyro))
        ):
            raise ValueError("samples must be finite")
        for array in (t, acc, gyro):
            if array is not None:
                array.setflags(write=False)

    @property
    def duration_s(self) -> float:
        return float(self.t_s[-1] - self.t_s[0])

    @property
    def median_rate_hz(self) -> float:
        """The sampling rate the timestamps suggest (1 / median interval)."""
        return float(1.0 / np.median(np.diff(self.t_s)))


def all_finite(values: FloatArray, /) -> bool:
    """True when no value is NaN or infinite: NaN carries through the lowest and the highest
    value and an infinity is one of them (two passes with no mask, 3x faster than isfinite)."""
    return bool(np.isfinite(values.min()) and np.isfinite(values.max()))


def increasing_and_finite(t: FloatArray, /) -> bool:
    """True when ``t`` (1-D, at least 2 values) is strictly increasing and finite, in one
    pass: a NaN fails a comparison, and between finite ends every value is finite."""
    return bool(np.all(t[1:] > t[:-1]) and np.isfinite(t[0]) and np.isfinite(t[-1]))


GRID_PER_SAMPLE = 2.0
"""The analysis puts a recording on a uniform grid at its median sampling interval, so a
pause costs as much as the samples that could have filled it. A recording may span at most
twice as many median intervals as it has samples (plus ``GRID_SLACK``): time and memory then
follow the samples, never the clock. Longer pauses and clock jumps split it."""
GRID_SLACK = 10_000
"""Median intervals any recording may span beyond ``GRID_PER_SAMPLE``, so a short file with
one honest pause (a watch that stopped for 12 s) is kept whole."""


def affordable_span(t_s: FloatArray, /, *, steps: FloatArray | None = None) -> tuple[int, int]:
    """``(start, stop)``: the samples ``t_s[start:stop]`` (sorted, strictly increasing) to
    keep so that their span is at most ``GRID_PER_SAMPLE`` median intervals per sample (plus
    ``GRID_SLACK``). All of them when they fit; else the longest stretch left after
    splitting at the largest intervals, the limit falling eightfold each round (and never
    below ``GRID_PER_SAMPLE`` median intervals, where every stretch fits). Linear in the
    samples times the decades of interval sizes, which float64 bounds. ``steps``: ``t_s``'s
    intervals, when already known."""
    start, stop = 0, int(t_s.size)
    steps = np.diff(t_s) if steps is None else steps
    while stop - start > 2:
        piece = steps[start : stop - 1]
        span = float(t_s[stop - 1] - t_s[start])
        allowed = GRID_PER_SAMPLE * (stop - start) + GRID_SLACK
        # fits even at the shortest interval (so at the median): the median, a partial sort
        # and the costliest step on a long recording, is found only when it decides
        if span <= allowed * float(piece.min()):
            break
        median = float(np.median(piece))
        if span <= allowed * median:
            break
        limit = max(float(piece.max()) / 8.0, GRID_PER_SAMPLE * median)
        bounds = np.concatenate(([0], np.flatnonzero(piece > limit) + 1, [stop - start]))
        longest = int(np.argmax(np.diff(bounds)))  # the first of equals
        start, stop = start + int(bounds[longest]), start + int(bounds[longest + 1])
    return start, stop


def usable_stretch(recording: Recording, /, *, steps: FloatArray | None = None) -> Recording:
    """``recording``, or its stretch ``affordable_span`` keeps, from t = 0, with a quality
    entry saying what was dropped. ``steps``: the intervals of its ``t_s``, when known."""
    t_s = recording.t_s
    steps = np.diff(t_s) if steps is None else steps
    start, stop = affordable_span(t_s, steps=steps)
    if (start, stop) == (0, t_s.size):
        return recording
    longest_break = float(np.concatenate((steps[:start], steps[stop - 1 :])).max())
    kept = t_s[start:stop]
    flag = QualityFlag(
        "stretch_kept",
        "warning",
        f"the clock jumps or pauses too long to analyse as one recording (the longest break "
        f"{longest_break:.3g} s): kept the longest stretch, {kept[-1] - kept[0]:.2f} s "
        f"({kept.size} samples) from {kept[0]:.2f} s, and dropped {t_s.size - kept.size} "
        f"samples around it",
    )
    gyro, epoch_ns = recording.gyro_rads, recording.start_epoch_ns
    return replace(
        recording,
        start_epoch_ns=None if epoch_ns is None else epoch_ns + round(float(kept[0]) * 1e9),
        t_s=kept - kept[0],
        acc_mps2=recording.acc_mps2[start:stop].copy(),  # not a view holding all the rest
        gyro_rads=None if gyro is None else gyro[start:stop].copy(),
        quality=(*recording.quality, flag),
    )
