"""From a Recording to Findings: ``analyse`` (one sensor) and ``analyse_legs`` (two)."""

from __future__ import annotations

from thrustlab.analyse import figures
from thrustlab.analyse.leg import LegResult, analyse_leg
from thrustlab.analyse.tremor import TremorStats
from thrustlab.config import AnalysisConfig
from thrustlab.findings import Findings, LegTremor, Legs, RepMetrics, SetMetrics, SourceSummary
from thrustlab.quality import QualityFlag
from thrustlab.recording import Recording

__all__ = ["analyse", "analyse_legs"]

DEFAULT_CONFIG = AnalysisConfig()


def analyse(recording: Recording, /, *, config: AnalysisConfig = DEFAULT_CONFIG) -> Findings:
    """Measure the reps and the shaking of one sensor's recording."""
    leg = analyse_leg(recording, config=config)
    reps = tuple(
        _rep_metrics(i, leg, tremor, fatigue, legs=None)
        for i, (tremor, fatigue) in enumerate(zip(leg.rep_tremor, leg.rep_fatigue, strict=True))
    )
    return _findings(leg, reps, leg.set_tremor, leg.set_fatigue.rms_mps2, None, leg.quality, config)


def analyse_legs(
    left: Recording, right: Recording, /, *, config: AnalysisConfig = DEFAULT_CONFIG
) -> Findings:
    """Measure a set recorded on both thighs; reps and timing follow the left sensor."""
    a, b = analyse_leg(left, config=config), analyse_leg(right, config=config)
    flags = [*_tagged(a.quality, "left"), *_tagged(b.quality, "right")]
    n = min(len(a.reps), len(b.reps))
    if len(a.reps) != len(b.reps):
        flags.append(
            QualityFlag(
                "legs_disagree",
                "warning",
                f"The left sensor shows {len(a.reps)} reps and the right {len(b.reps)}; "
                f"the first {n} are compared leg by leg.",
            )
        )
    reps = []
    for i in range(len(a.reps)):
        pair = (
            (a.rep_tremor[i], b.rep_tremor[i])
            if i < n
            else (a.rep_tremor[i], TremorStats(None, None))
        )
        legs = Legs(
            LegTremor(pair[0].rms_mps2, pair[0].peak_hz),
            LegTremor(pair[1].rms_mps2, pair[1].peak_hz),
        )
        reps.append(
            _rep_metrics(
                i,
                a,
                _mean_stats(*pair),
                _mean_stats(a.rep_fatigue[i], b.rep_fatigue[i] if i < n else None),
                legs,
            )
        )
    set_legs = Legs(
        LegTremor(a.set_tremor.rms_mps2, a.set_tremor.peak_hz),
        LegTremor(b.set_tremor.rms_mps2, b.set_tremor.peak_hz),
    )
    fatigue = _mean_stats(a.set_fatigue, b.set_fatigue).rms_mps2
    return _findings(
        a,
        tuple(reps),
        _mean_stats(a.set_tremor, b.set_tremor),
        fatigue,
        set_legs,
        tuple(flags),
        config,
        b,
    )


def _tagged(flags: tuple[QualityFlag, ...], leg: str) -> list[QualityFlag]:
    return [QualityFlag(f.code, f.severity, f"{leg} leg: {f.message}") for f in flags]


def _mean_stats(a: TremorStats, b: TremorStats | None) -> TremorStats:
    """Both legs' mean RMS, and the peak of the leg that shakes more."""
    if b is None or b.rms_mps2 is None:
        return a
    if a.rms_mps2 is None:
        return b
    peak = a.peak_hz if a.rms_mps2 >= b.rms_mps2 else b.peak_hz
    return TremorStats((a.rms_mps2 + b.rms_mps2) / 2, peak)


def _rep_metrics(
    i: int, leg: LegResult, tremor: TremorStats, fatigue: TremorStats, legs: Legs | None
) -> RepMetrics:
    r = leg.reps[i]
    return RepMetrics(
        index=i + 1,
        start_s=round(r.start_s, 3),
        end_s=round(r.end_s, 3),
        lockout_start_s=round(r.lockout_start_s, 3),
        lockout_end_s=round(r.lockout_end_s, 3),
        concentric_s=round(r.lockout_start_s - r.start_s, 3),
        lockout_s=round(r.lockout_end_s - r.lockout_start_s, 3),
        eccentric_s=round(r.end_s - r.lockout_end_s, 3),
        rom_deg=round(r.rom_deg, 1),
        tremor_rms_mps2=tremor.rms_mps2,
        tremor_peak_hz=tremor.peak_hz,
        fatigue_band_rms_mps2=fatigue.rms_mps2,
        legs=legs,
    )


def _findings(
    leg: LegResult,
    reps: tuple[RepMetrics, ...],
    set_tremor: TremorStats,
    set_fatigue_mps2: float | None,
    legs: Legs | None,
    quality: tuple[QualityFlag, ...],
    config: AnalysisConfig,
    right: LegResult | None = None,
) -> Findings:
    rms = [r.tremor_rms_mps2 for r in reps]
    concentric = [r.concentric_s for r in reps]
    baseline = (
        leg.baseline.rms_mps2
        if right is None
        else _mean_stats(leg.baseline, right.baseline).rms_mps2
    )
    post = (
        leg.post_set.rms_mps2
        if right is None
        else _mean_stats(leg.post_set, right.post_set).rms_mps2
    )
    set_metrics = SetMetrics(
        rep_count=len(reps),
        tremor_rms_mps2=set_tremor.rms_mps2,
        tremor_peak_hz=set_tremor.peak_hz,
        tremor_trend_ratio=figures.trend_ratio(rms),
        tremor_onset_rep=figures.onset_rep(rms, reference_mps2=baseline, config=config),
        post_set_tremor_rms_mps2=post,
        asymmetry_index_pct=figures.asymmetry_pct(
            legs.left.tremor_rms_mps2, legs.right.tremor_rms_mps2
        )
        if legs
        else None,
        concentric_slowdown_pct=figures.slowdown_pct(concentric),
        velocity_loss_pct=figures.velocity_loss_pct([r.rom_deg for r in reps], concentric),
        baseline_tremor_rms_mps2=baseline,
        fatigue_band_rms_mps2=set_fatigue_mps2,
        legs=legs,
    )
    recordings = [leg.recording] + ([right.recording] if right else [])
    source = SourceSummary(
        kind="sensor",
        format=leg.recording.format,
        duration_s=round(leg.recording.duration_s, 3),
        sample_rate_hz=leg.rate_hz,
        paths=tuple(r.path for r in recordings),
    )
    return Findings(
        source=source,
        reps=reps,
        set=set_metrics,
        quality=quality + _missing(set_metrics, reps),
        mode=config.mode,
        tremor_band_hz=leg.tremor_band_hz,
        fatigue_band_hz=leg.fatigue_band_hz,
    )


def _missing(s: SetMetrics, reps: tuple[RepMetrics, ...]) -> tuple[QualityFlag, ...]:
    """Say why set figures are null."""
    flags = []
    if reps and s.baseline_tremor_rms_mps2 is None:
        flags.append(
            QualityFlag(
                "no_rest_before",
                "info",
                "No still second before the first rep: the resting baseline was not measured.",
            )
        )
    if reps and s.post_set_tremor_rms_mps2 is None:
        flags.append(
            QualityFlag(
                "no_rest_after",
                "info",
                "No still second after the last rep: shaking after the set was not measured.",
            )
        )
    if len(reps) == 1:
        flags.append(
            QualityFlag(
                "single_rep", "info", "One rep: trend, slowdown and velocity loss need two or more."
            )
        )
    return tuple(flags)
