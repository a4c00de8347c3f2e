"""Findings: what the analysis measured, as JSON-able scalars and tuples.

Every field means what ``PRODUCT.md`` defines; a value that cannot be measured is ``None``
with a ``QualityFlag`` saying why.
"""

from __future__ import annotations

from typing import Literal

from thrustlab.quality import QualityFlag
from thrustlab.records import record

Mode = Literal["hip_thrust", "cyclic"]
MODES: tuple[Mode, ...] = ("hip_thrust", "cyclic")


@record
class LegTremor:
    """One leg's share of a rep or a set (two sensors, or video)."""

    tremor_rms_mps2: float | None
    tremor_peak_hz: float | None = None


@record
class Legs:
    """The shaking of each leg (two sensors, or video)."""

    left: LegTremor
    right: LegTremor


@record
class RepMetrics:
    """One repetition: from the hips leaving the bottom to their return there."""

    index: int
    start_s: float
    end_s: float
    lockout_start_s: float
    lockout_end_s: float
    concentric_s: float
    lockout_s: float
    eccentric_s: float
    rom_deg: float
    tremor_rms_mps2: float | None
    tremor_peak_hz: float | None
    fatigue_band_rms_mps2: float | None
    legs: Legs | None = None
    concentric_rise_s: float | None = None
    """Time from 10 % to 90 % of the rep's range on the way up: unlike the phase edges, it
    does not depend on how the movement starts and stops, so it tracks slowing reliably."""
    partial: bool = False
    """The rep fell well short of the set's range of motion (a failed last rep): counted,
    and flagged (quality code ``partial_rep``)."""

    @classmethod
    def from_phases(
        cls,
        index: int,
        start_s: float,
        lockout_start_s: float,
        lockout_end_s: float,
        end_s: float,
        *,
        rom_deg: float,
        tremor_rms_mps2: float | None,
        tremor_peak_hz: float | None,
        fatigue_band_rms_mps2: float | None,
        legs: Legs | None = None,
        concentric_rise_s: float | None = None,
        partial: bool = False,
    ) -> RepMetrics:
        """A rep from its four phase edges (s): the phase durations follow from them, times
        are given to the millisecond and the ROM to a tenth of a degree."""
        return cls(  # in the fields' order: positional arguments cost less than keywords
            index,
            round(start_s, 3),
            round(end_s, 3),
            round(lockout_start_s, 3),
            round(lockout_end_s, 3),
            round(lockout_start_s - start_s, 3),
            round(lockout_end_s - lockout_start_s, 3),
            round(end_s - lockout_end_s, 3),
            round(rom_deg, 1),
            tremor_rms_mps2,
            tremor_peak_hz,
            fatigue_band_rms_mps2,
            legs,
            None if concentric_rise_s is None else round(concentric_rise_s, 3),
            partial,
        )


@record
class SetMetrics:
    """The whole set. Added beside the contract's fields: the rest baseline before the set,
    the set's fatigue-band RMS and each leg's set values."""

    rep_count: int
    tremor_rms_mps2: float | None
    tremor_peak_hz: float | None
    tremor_trend_ratio: float | None
    tremor_onset_rep: int | None
    post_set_tremor_rms_mps2: float | None
    asymmetry_index_pct: float | None
    concentric_slowdown_pct: float | None
    velocity_loss_pct: float | None
    baseline_tremor_rms_mps2: float | None = None
    fatigue_band_rms_mps2: float | None = None
    legs: Legs | None = None
    post_set_rest_s: float | None = None
    """Seconds of still rest (thigh at rest; sitting up, standing and handling do not
    count) measured after the last rep; ``post_set_tremor_rms_mps2`` is its first 8 s."""
    post_set_end_tremor_rms_mps2: float | None = None
    """Shaking over the last 10 s of that rest; None when it lasted under 10 s."""


@record
class SourceSummary:
    """What was analysed: a sensor recording or a video, its format, length and rate."""

    kind: Literal["sensor", "video"]
    format: str
    duration_s: float
    sample_rate_hz: float
    paths: tuple[str, ...] = ()

    @property
    def format_in_words(self) -> str:
        """The format as a report names it: ``Sensor Logger SQLite export`` for
        ``sensorlogger-sqlite``, ``video (h264)`` for ``video/h264``."""
        if self.format.startswith("video/"):
            return f"video ({self.format.removeprefix('video/')})"
        return FORMAT_NAMES.get(self.format, self.format)


FORMAT_NAMES = {
    "sensorlogger": "Sensor Logger export",
    "sensorlogger-json": "Sensor Logger JSON export",
    "sensorlogger-sqlite": "Sensor Logger SQLite export",
    "phyphox": "phyphox export",
    "csv": "sensor CSV",
    "simulated": "simulated set",
}
"""Each format a recording can come in (the readers' ``FORMATS``, and the simulator's), in
the words a report uses."""


@record
class FormMetrics:
    """Form at lockout, measured on video (side or front view); None where not measured.

    Angles in degrees: ``shin_from_vertical_deg`` (0 = vertical shin), ``knee_angle_deg``
    (hip-knee-ankle), ``hip_extension_deg`` (shoulder-hip-knee, 180 = a straight line,
    above 180 = the hips pushed past it by arching), ``lumbar_extension_deg`` (how far past
    straight). ``rom_cv_pct``: the reps' range of motion, coefficient of variation.
    Front view: ``knee_valgus_*_pct`` is how far the knee sits inside the ankle, in % of hip
    width (positive = caving in); ``knee_wander_pct`` the knees' side-to-side spread.
    Per-rep tuples follow the reps' order."""

    view: Literal["side", "front"]
    shin_from_vertical_deg: float | None = None
    knee_angle_deg: float | None = None
    hip_extension_deg: float | None = None
    lumbar_extension_deg: float | None = None
    hip_from_bar: bool = False
    rom_cv_pct: float | None = None
    knee_valgus_left_pct: float | None = None
    knee_valgus_right_pct: float | None = None
    knee_wander_pct: float | None = None
    rep_shin_from_vertical_deg: tuple[float | None, ...] = ()
    rep_hip_extension_deg: tuple[float | None, ...] = ()
    rep_mean_concentric_velocity_mps: tuple[float | None, ...] = ()


@record
class Envelope:
    """A long signal thinned for plots: per time bin of ``bin_s`` seconds (from
    ``start_s``), the lowest and highest value, in ``unit``."""

    start_s: float
    bin_s: float
    low: tuple[float, ...]
    high: tuple[float, ...]
    unit: str


@record
class Spectrum:
    """Power spectral density of the acceleration during the reps, ``(unit)²/Hz``."""

    freq_hz: tuple[float, ...]
    psd: tuple[float, ...]


@record
class Traces:
    """What the report draws beside the figures, measured once with the figures' own
    settings: the thigh's movement (acceleration without gravity), the sustained shaking in
    the tremor band as measured, the spectrum during the reps, and the thigh's angle the
    reps were found on (degrees, the hips' rise up, 0° at the reps' bottom; None: not
    followed, or an analysis stored before it was kept)."""

    movement: Envelope
    shaking: Envelope
    spectrum: Spectrum | None
    angle: Envelope | None = None


@record
class Findings:
    """Everything measured on one set (one or two legs)."""

    source: SourceSummary
    reps: tuple[RepMetrics, ...]
    set: SetMetrics
    quality: tuple[QualityFlag, ...]
    mode: Mode = "hip_thrust"
    tremor_band_hz: tuple[float, float] = (6.0, 12.0)
    fatigue_band_hz: tuple[float, float] = (3.0, 6.0)
    form: FormMetrics | None = None
    traces: Traces | None = None
