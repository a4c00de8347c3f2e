"""``thrustlab demo``: a simulated set end to end, from the sensor to the plan and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thrustlab.errors import OptionError

SCENARIOS = ("calm", "fatigue", "warmup", "asymmetry", "arousal", "persistence", "neuromuscular")


def demo(
    scenario_name: Annotated[
        str, typer.Option("--scenario", help=f"The simulated pattern: {', '.join(SCENARIOS)}.")
    ] = "fatigue",
    seed: Annotated[int, typer.Option(help="Seed of the simulated set.")] = 7,
    report: Annotated[Path, typer.Option(help="Where to write the HTML report.")] = Path(
        "thrustlab-demo.html"
    ),
) -> None:
    """Simulate a hip-thrust set, save it beside the report, analyse and explain it, write the
    HTML report, and print the analyze command that does the same."""
    import shlex

    from rich.console import Console

    from thrustlab.explanation import Answers, answers_to_json
    from thrustlab.explanation.questions import question, shown
    from thrustlab.pipeline import process
    from thrustlab.report.html import render_report
    from thrustlab.report.terminal import analysis_view
    from thrustlab.simulate import scenario, simulate_recordings, to_csv_text

    if scenario_name not in SCENARIOS:
        raise OptionError(f"--scenario must be one of {', '.join(SCENARIOS)}")
    recordings, _ = simulate_recordings(scenario(scenario_name, seed=seed))
    paths = _recording_paths(report, len(recordings))
    try:
        report.parent.mkdir(parents=True, exist_ok=True)
        for path, recording in zip(paths, recordings, strict=True):
            path.write_text(to_csv_text(recording), encoding="utf-8")
    except OSError as error:
        raise OptionError(f"cannot write the recording beside {report}: {error.strerror}") from None
    answers = Answers(load_kg=100.0, rpe=9.0, warmup_minutes=5.0, sleep_h=6.0)
    analysis = process(paths, answers=answers)  # exactly what the printed command does
    reps = analysis.findings.set.rep_count if analysis.findings is not None else 0
    console = Console()
    console.print(f"Simulated set: {scenario_name} (seed {seed}), {reps} reps.")
    used = [shown(question(k), v) for k, v in answers_to_json(answers).items()]
    console.print(f"Answers used: {'; '.join(used)}.")
    console.print(analysis_view(analysis))
    html = render_report(analysis)
    try:
        report.write_text(html, encoding="utf-8")
    except OSError as error:
        raise OptionError(f"cannot write the report to {report}: {error.strerror}") from None
    console.print(f"Report written to {report} ({len(html.encode('utf-8')) / 1024:.0f} kB).")
    sources = (
        shlex.quote(str(paths[0]))
        if len(paths) == 1
        else f"--left {shlex.quote(str(paths[0]))} --right {shlex.quote(str(paths[1]))}"
    )
    console.print(
        f"The simulated recording is beside it; analyse it yourself with:\n  thrustlab analyze "
        f"{sources} --load '100 kg' --rpe 9 --warmup-minutes 5 --sleep-h 6",
        highlight=False,
        soft_wrap=True,
    )


def _recording_paths(report: Path, legs: int) -> list[Path]:
    """Where the simulated recording goes: beside the report, one CSV per thigh."""
    if legs == 1:
        return [report.with_suffix(".csv")]
    return [report.with_name(f"{report.stem}-{side}.csv") for side in ("left", "right")]
