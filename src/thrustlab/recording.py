"""Recording: the one type every reader returns and every analysis starts from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from thrustlab.quality import QualityFlag

FloatArray = npt.NDArray[np.float64]

G_MPS2 = 9.80665
"""Standard gravity, to convert accelerations given in g."""


@dataclass(frozen=True, slots=True)
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

    def __post_init__(self) -> None:
        t, acc, gyro = self.t_s, self.acc_mps2, self.gyro_rads
        if t.ndim != 1 or t.size < 2:
            raise ValueError("a recording needs at least two samples")
        if acc.shape != (t.size, 3):
            raise ValueError(f"acc_mps2 must have shape ({t.size}, 3), not {acc.shape}")
        if gyro is not None and gyro.shape != (t.size, 3):
            raise ValueError(f"gyro_rads must have shape ({t.size}, 3), not {gyro.shape}")
        if not (np.all(np.isfinite(t)) and np.all(np.diff(t) > 0)):
            raise ValueError("t_s must be finite and strictly increasing")
        if not np.all(np.isfinite(acc)) or (gyro is not None and not np.all(np.isfinite(gyro))):
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
