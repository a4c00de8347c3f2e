"""Physical ranges for the sensor figures: a value outside its range is left out (None)
with a quality entry saying which figure, what it read and why it cannot be right."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from thrustlab.config import AnalysisConfig
from thrustlab.measurement.tremor import TremorStats
from thrustlab.quality import QualityFlag


@dataclass
class Checker:
    """Checks figures against ``config``'s plausible ranges and keeps a flag for each one
    left out."""

    config: AnalysisConfig
    tremor_band_hz: tuple[float, float]
    flags: list[QualityFlag] = field(default_factory=list)

    def value(
        self, value: float | None, /, *, name: str, unit: str, bounds: tuple[float, float]
    ) -> float | None:
        """``value`` when within ``bounds``, else None and a flag."""
        if value is None or bounds[0] <= value <= bounds[1]:
            return value
        self.flags.append(
            QualityFlag(
                "implausible_value",
                "warning",
                f"{name} read {value:.3g} {unit}, outside the physical range "
                f"{bounds[0]:g}-{bounds[1]:g} {unit}: left out (a movement or impact, or the "
                "sensor, not the leg).",
            )
        )
        return None

    def tremor(self, stats: TremorStats, /, *, where: str) -> TremorStats:
        """``stats`` with each RMS within the plausible range and the peak strictly inside
        the tremor band (a peak on its edge is the slope of a spectrum with no peak)."""
        bounds = self.config.plausible_tremor_rms_mps2
        rms = self.value(stats.rms_mps2, name=f"Shaking {where}", unit="m/s2", bounds=bounds)
        fatigue = self.value(
            stats.fatigue_rms_mps2, name=f"Slow shaking {where}", unit="m/s2", bounds=bounds
        )
        peak = stats.peak_hz if rms is not None else None
        low, high = self.tremor_band_hz
        if peak is not None and not low < peak < high:
            self.flags.append(
                QualityFlag(
                    "implausible_value",
                    "info",
                    f"The shaking {where} has no peak inside {low:g}-{high:g} Hz (its spectrum "
                    f"is highest at the band's edge, {peak:.1f} Hz): peak frequency left out.",
                )
            )
            peak = None
        if rms is stats.rms_mps2 and peak is stats.peak_hz and fatigue is stats.fatigue_rms_mps2:
            return stats
        return replace(stats, rms_mps2=rms, peak_hz=peak, fatigue_rms_mps2=fatigue)
