"""Survey: rep counts and post-set shaking on sets as they really happen (issue 12).

Every situation of ``thrustlab.simulate.situation`` (how a set starts and ends, what the
phone does around it, which sensors exist) over seeded sets, in the default hip-thrust
mode, plus the cyclic mode on recordings that hold no set or a set with a long still lead-in
and movement after it. Per situation: reps exact, mean |count error|, partial reps flagged,
post-set false alarms on calm sets (the post-set ratio the explain step reads, at or over
its 0.9 warning threshold, where the simulated shaking after the set is half the set's and
fading), and the largest post-set RMS over the set's on calm sets.

``tests/test_real_sets.py`` runs it at 24 seeds (384 sets, about 15 s) and checks its
targets; ``python benchmarks/survey_real_sets.py [--seeds 25]`` prints the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from thrustlab.config import AnalysisConfig
from thrustlab.explanation.answers import Answers
from thrustlab.explanation.features import extract_features
from thrustlab.findings import Findings
from thrustlab.measurement import analyse, analyse_legs
from thrustlab.simulate import (
    SITUATIONS,
    SetTruth,
    SimulationSpec,
    Situation,
    simulate_recordings,
    situation,
)

POST_SET_WARNING_RATIO = 0.9
"""The explain step's threshold for shaking that carries on after the set."""
CYCLIC_ROWS: tuple[Situation, ...] = ("still_phone", "handling", "lead_in")


@dataclass
class Row:
    name: str
    sets: int = 0
    exact: int = 0
    abs_errors: list[int] = field(default_factory=list)
    partial_true: int = 0
    partial_flagged: int = 0
    calm: int = 0
    false_alarms: int = 0
    post_over_set: list[float] = field(default_factory=list)

    @property
    def exact_pct(self) -> float:
        return 100 * self.exact / max(self.sets, 1)

    @property
    def mean_abs_error(self) -> float:
        return sum(self.abs_errors) / max(len(self.abs_errors), 1)


def _tally(row: Row, findings: Findings, truth: SetTruth, calm: bool) -> None:
    row.sets += 1
    row.exact += findings.set.rep_count == truth.n_reps
    row.abs_errors.append(abs(findings.set.rep_count - truth.n_reps))
    row.partial_true += sum(truth.partial)
    row.partial_flagged += sum(
        bool(getattr(rep, "partial", False)) and truth.partial[rep.index - 1]
        for rep in findings.reps
        if rep.index <= truth.n_reps
    )
    if calm and truth.n_reps:
        row.calm += 1
        ratio = extract_features(findings, Answers(), None).values.get("post_set_ratio")
        if isinstance(ratio, float) and ratio >= POST_SET_WARNING_RATIO:
            row.false_alarms += 1
        post, whole = findings.set.post_set_tremor_rms_mps2, findings.set.tremor_rms_mps2
        if post is not None and whole:
            row.post_over_set.append(post / whole)


def survey(seeds: int, *, first: int = 0) -> list[Row]:
    """The rows over seeds ``first`` to ``first + seeds - 1``."""
    rows = []
    modes = [(name, AnalysisConfig()) for name in SITUATIONS]
    modes += [(name, AnalysisConfig(mode="cyclic")) for name in CYCLIC_ROWS]
    for name, config in modes:
        row = Row(name if config.mode == "hip_thrust" else f"cyclic: {name}")
        for seed in range(first, first + seeds):
            spec, findings, truth = run_set(name, seed, config)
            calm = spec.fatigue_gain == 1.0 and not spec.post_set_persists
            _tally(row, findings, truth, calm)
        rows.append(row)
    return rows


def run_set(
    name: Situation, seed: int, config: AnalysisConfig
) -> tuple[SimulationSpec, Findings, SetTruth]:
    """One surveyed set: situation ``name`` at ``seed`` (every fifth seed's set on two
    legs), analysed with ``config``."""
    spec = situation(name, seed=seed)
    if config.mode == "cyclic" and name == "lead_in":  # a set with no set-up shuffles
        spec = replace(spec, setup_s=0.0, after_set="sit_up", dismount_s=0.5)
    if seed % 5 == 4 and spec.activity == "set":
        spec = replace(spec, two_legs=True, asymmetry_pct=20.0)
    recordings, truth = simulate_recordings(spec)
    if len(recordings) == 2:
        return spec, analyse_legs(*recordings, config=config), truth
    return spec, analyse(recordings[0], config=config), truth


def table(rows: list[Row]) -> str:
    lines = [
        "| situation | sets | reps exact | mean abs count error | partial flagged | "
        "post-set false alarms (calm) | max post/set RMS (calm) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        partial = f"{r.partial_flagged}/{r.partial_true}" if r.partial_true else "-"
        alarms = f"{r.false_alarms}/{r.calm}" if r.calm else "-"
        worst = f"{max(r.post_over_set):.2f}" if r.post_over_set else "-"
        lines.append(
            f"| {r.name} | {r.sets} | {r.exact_pct:.0f} % | {r.mean_abs_error:.2f} | "
            f"{partial} | {alarms} | {worst} |"
        )
    total = sum(r.sets for r in rows)
    exact = sum(r.exact for r in rows)
    lines.append(
        f"| all | {total} | {100 * exact / total:.1f} % | | | "
        f"{sum(r.false_alarms for r in rows)}/{sum(r.calm for r in rows)} | |"
    )
    return "\n".join(lines)
