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
    """Simulate a hip-thrust set, analyse it, explain it, and write the HTML report."""
    from rich.console import Console

    from thrustlab.explanation import Answers, answers_to_json
    from thrustlab.explanation.questions import question, shown
    from thrustlab.pipeline import process
    from thrustlab.report.html import render_report
    from thrustlab.report.terminal import analysis_view
    from thrustlab.simulate import scenario, simulate_recordings

    if scenario_name not in SCENARIOS:
        raise OptionError(f"--scenario must be one of {', '.join(SCENARIOS)}")
    recordings, _ = simulate_recordings(scenario(scenario_name, seed=seed))
    answers = Answers(load_kg=100.0, rpe=9.0, warmup_minutes=5.0, sleep_h=6.0)
    analysis = process(recordings, answers=answers)
    reps = analysis.findings.set.rep_count if analysis.findings is not None else 0
    console = Console()
    console.print(f"Simulated set: {scenario_name} (seed {seed}), {reps} reps.")
    used = [shown(question(k), v) for k, v in answers_to_json(answers).items()]
    console.print(f"Answers used: {'; '.join(used)}.")
    console.print(analysis_view(analysis))
    html = render_report(analysis)
    try:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(html, encoding="utf-8")
    except OSError as error:
        raise OptionError(f"cannot write the report to {report}: {error.strerror}") from None
    console.print(f"Report written to {report} ({len(html.encode('utf-8')) / 1024:.0f} kB).")
