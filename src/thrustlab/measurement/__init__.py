"""From a Recording to Findings: ``analyse`` (one sensor) and ``analyse_legs`` (two)."""

from __future__ import annotations

from dataclasses import replace

from thrustlab.config import AnalysisConfig
from thrustlab.findings import Findings, RepMetrics, SourceSummary
from thrustlab.measurement import figures
from thrustlab.measurement.leg import LegResult, Sustained, analyse_leg, tremor_in
from thrustlab.measurement.plausible import Checker
from thrustlab.measurement.reps import RepTiming
from thrustlab.measurement.traces import traces_of
from thrustlab.measurement.tremor import NOTHING
from thrustlab.quality import QualityFlag
from thrustlab.recording import Recording

__all__ = ["Sustained", "analyse", "analyse_legs", "tremor_in"]

DEFAULT_CONFIG = AnalysisConfig()


def analyse(
    recording: Recording, /, *, config: AnalysisConfig = DEFAULT_CONFIG, plots: bool = False
) -> Findings:
    """Measure the reps and the shaking of one sensor's recording (``plots``: with the
    traces the report draws)."""
    leg = _plausible(analyse_leg(recording, config=config), config, "")
    reps = tuple(
        figures.rep_metrics(leg.reps[i], i, stats, legs=None)
        for i, stats in enumerate(leg.rep_tremor)
    )
    findings = _findings([leg], reps, quality=leg.quality, config=config)
    return _with_traces(findings, leg, config) if plots else findings


def _plausible(leg: LegResult, config: AnalysisConfig, who: str) -> LegResult:
    """``leg`` with every shaking figure outside its physical range left out, and a
    quality entry for each."""
    check = Checker(config, leg.tremor_band_hz)
    rep_tremor = tuple(
        check.tremor(stats, where=f"{who}in rep {i + 1}") for i, stats in enumerate(leg.rep_tremor)
    )
    set_tremor = check.tremor(leg.set_tremor, where=f"{who}over the set")
    baseline = check.tremor(leg.baseline, where=f"{who}before the set")
    post_set = check.tremor(leg.post_set, where=f"{who}after the set")
    post_set_end = check.tremor(leg.post_set_end, where=f"{who}at the end of the rest")
    reps = tuple(_plausible_rise(r, i, check, config) for i, r in enumerate(leg.reps))
    return replace(  # once, with the flags the checks raised (in the same order as before)
        leg,
        rep_tremor=rep_tremor,
        set_tremor=set_tremor,
        baseline=baseline,
        post_set=post_set,
        post_set_end=post_set_end,
        reps=reps,
        quality=(*leg.quality, *check.flags),
    )


def _plausible_rise(r: RepTiming, i: int, check: Checker, config: AnalysisConfig) -> RepTiming:
    rise = check.value(
        r.rise_s,
        name=f"The concentric of rep {i + 1}",
        unit="s",
        bounds=config.plausible_concentric_s,
    )
    return r if rise == r.rise_s else replace(r, rise_s=rise)


def analyse_legs(
    left: Recording,
    right: Recording,
    /,
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
    plots: bool = False,
) -> Findings:
    """Measure a set recorded on both thighs; reps and timing follow the left sensor, and
    reps are paired in order (``plots``: with the traces of the leg that shakes more, whose
    peak is the set's, for the report)."""
    a = _plausible(analyse_leg(left, config=config), config, "on the left leg ")
    b = _plausible(analyse_leg(right, config=config), config, "on the right leg ")
    flags = [*_tagged(a.quality, "left"), *_tagged(b.quality, "right")]
    if len(a.reps) != len(b.reps):
        flags.append(
            QualityFlag(
                "legs_disagree",
                "warning",
                f"The left sensor shows {len(a.reps)} reps and the right {len(b.reps)}; "
                f"the first {min(len(a.reps), len(b.reps))} are compared leg by leg.",
            )
        )
    reps = []
    for i, left_stats in enumerate(a.rep_tremor):
        right_stats = b.rep_tremor[i] if i < len(b.rep_tremor) else NOTHING
        reps.append(
            figures.rep_metrics(
                a.reps[i], i, _both(left_stats, right_stats), legs=_legs(left_stats, right_stats)
            )
        )
    findings = _findings([a, b], tuple(reps), quality=tuple(flags), config=config)
    if not plots:
        return findings
    return _with_traces(
        findings, a if figures.left_is_louder(a.set_tremor, b.set_tremor) else b, config
    )


def _with_traces(findings: Findings, leg: LegResult, config: AnalysisConfig) -> Findings:
    if leg.sustained is None:
        return findings
    return replace(findings, traces=traces_of(leg.sustained, findings, config=config))


def _tagged(flags: tuple[QualityFlag, ...], leg: str) -> list[QualityFlag]:
    return [QualityFlag(f.code, f.severity, f"{leg} leg: {f.message}") for f in flags]


_legs = figures.legs_of
_both = figures.both_legs  # the louder leg's peak: one rule for two sensors and video


def _findings(
    legs: list[LegResult],
    reps: tuple[RepMetrics, ...],
    /,
    *,
    quality: tuple[QualityFlag, ...],
    config: AnalysisConfig,
) -> Findings:
    """The set's findings from one or two legs (the first sets the timing)."""
    set_metrics, set_flags = figures.set_figures(reps, legs, config=config)
    leg = legs[0]
    source = SourceSummary(
        kind="sensor",
        format=leg.recording.format,
        duration_s=round(leg.recording.duration_s, 3),
        sample_rate_hz=round(leg.recorded_rate_hz, 1),
        paths=tuple(each.recording.path for each in legs),
    )
    return Findings(
        source=source,
        reps=reps,
        set=set_metrics,
        quality=quality + set_flags,
        mode=config.mode,
        tremor_band_hz=leg.tremor_band_hz,
        fatigue_band_hz=leg.fatigue_band_hz,
    )
