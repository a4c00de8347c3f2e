"""``thrustlab analyze``: files in, per-rep table, assessment, JSON or HTML report out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from thrustlab.cli.answer_options import (
    GivenAnswers,
    answers_from_cli,
    tell_assumed_unit,
    with_answer_options,
)
from thrustlab.cli.legs import Left, Right, leg_pair
from thrustlab.cli.log_context import LogDb, LogLifter, history_note, read_log
from thrustlab.errors import OptionError

if TYPE_CHECKING:
    from thrustlab.config import AnalysisConfig
    from thrustlab.explanation import Answers, History
    from thrustlab.pipeline import ReadOptions, VideoOptions

FORMAT_HELP = (
    "Force the format: sensorlogger, sensorlogger-json, sensorlogger-sqlite, phyphox, csv "
    "(default: detected)."
)

Files = Annotated[
    list[Path] | None,
    typer.Argument(help="Recordings, each one set (one leg).", show_default=False),
]
PathOpt = Annotated[Path | None, typer.Option(show_default=False)]


@with_answer_options
def analyze(
    files: Files = None,
    left: Left = None,
    right: Right = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON contract thrustlab.analysis/2.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option(help="Write the HTML report here.", show_default=False)
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help=FORMAT_HELP, show_default=False)
    ] = None,
    columns: Annotated[
        str | None,
        typer.Option(
            help="Names for a headerless CSV, e.g. 'time,ax,ay,az,_' (_ = skip).",
            show_default=False,
        ),
    ] = None,
    time_unit: Annotated[
        str | None, typer.Option(help="CSV time unit: s, ms, us or ns.", show_default=False)
    ] = None,
    rate_hz: Annotated[
        float | None, typer.Option(help="Sampling rate of a CSV without time.", show_default=False)
    ] = None,
    acc_unit: Annotated[
        str | None,
        typer.Option(
            help="Acceleration unit of any format: mps2, g or mg (milli-g; overrides the file).",
            show_default=False,
        ),
    ] = None,
    gyro_unit: Annotated[
        str | None,
        typer.Option(
            help="Gyroscope unit of any format: rads, degs or mdps (milli-degrees/s; overrides "
            "the file).",
            show_default=False,
        ),
    ] = None,
    mode: Annotated[
        str, typer.Option(help="hip_thrust, or cyclic for any repeated movement.")
    ] = "hip_thrust",
    view: Annotated[str, typer.Option(help="Video: filmed from the side or the front.")] = "side",
    annotate: Annotated[
        Path | None,
        typer.Option(help="Video: write the annotated video here (.mp4).", show_default=False),
    ] = None,
    plate_mm: Annotated[
        float | None,
        typer.Option(help="Video: plate diameter in mm (default 450).", show_default=False),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(
            help="Answers file (YAML); the answer options override it.", show_default=False
        ),
    ] = None,
    db: LogDb = None,
    lifter: LogLifter = "me",
    *,
    given: GivenAnswers,
) -> None:
    """Measure the shaking rep by rep, explain it, and print (or save) the result."""
    sets = _sets(files or [], left, right)
    if report is not None and len(sets) != 1:
        raise OptionError("--report writes one set's report: give one file, or --left and --right")
    from thrustlab.pipeline import VideoOptions

    log = read_log(db, lifter, today=dt.date.today())
    if log.weight_unit is not None:  # a load without a unit is in the lifter's own
        given = {"weight_unit": log.weight_unit, **given}
    answered = answers_from_cli(answers, given)
    tell_assumed_unit(answered)
    options = _options(columns, time_unit, rate_hz, acc_unit, gyro_unit)
    config = analysis_config(mode)
    video = VideoOptions(view=view, annotate_path=annotate, plate_mm=plate_mm)
    outputs = [
        _one(paths, fmt, options, config, answered, report, as_json, video, log.history)
        for paths in sets
    ]
    typer.echo(history_note(log), err=as_json)
    if as_json:
        typer.echo(json.dumps(outputs[0] if len(outputs) == 1 else outputs, indent=2))


def _sets(files: list[Path], left: Path | None, right: Path | None) -> list[tuple[Path, ...]]:
    pair = leg_pair(left, right)
    sets: list[tuple[Path, ...]] = [(path,) for path in files]
    if pair is not None:
        sets.append(pair)
    if not sets:
        raise OptionError("give a recording: thrustlab analyze FILE, or --left L --right R")
    return sets


def analysis_config(mode: str, /) -> AnalysisConfig:
    from thrustlab.config import AnalysisConfig
    from thrustlab.findings import MODES

    if mode not in MODES:
        raise OptionError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    return AnalysisConfig(mode=mode)


def _options(
    columns: str | None,
    time_unit: str | None,
    rate_hz: float | None,
    acc_unit: str | None,
    gyro_unit: str | None,
) -> ReadOptions:
    from thrustlab.pipeline import ReadOptions

    if rate_hz is not None and not 0 < rate_hz <= 100_000:
        raise OptionError("--rate-hz must be a positive sampling rate in Hz")
    names = tuple(c.strip() for c in columns.split(",")) if columns else None
    # a unit that is none of the choices: ReadOptions' own error, which names the flag
    units: dict[str, Any] = {"time_unit": time_unit, "acc_unit": acc_unit, "gyro_unit": gyro_unit}
    return ReadOptions(columns=names, rate_hz=rate_hz, **units)


def _one(
    paths: tuple[Path, ...],
    fmt: str | None,
    read_options: ReadOptions,
    config: AnalysisConfig,
    answers: Answers,
    report: Path | None,
    as_json: bool,
    video: VideoOptions,
    history: History | None,
) -> dict[str, Any]:
    from thrustlab.cli.progress import progress_bar
    from thrustlab.document import to_document
    from thrustlab.pipeline import is_video_file, process

    with progress_bar() as progress:
        analysis = process(
            paths,
            answers=answers,
            history=history,
            config=config,
            format=fmt,
            read_options=read_options,
            video=video,
            progress=progress,
        )
    if report is not None:
        from thrustlab.report.html import render_report

        _write(report, render_report(analysis, history=history, weight_unit=answers.weight_unit))
    if not as_json:
        from rich.console import Console

        from thrustlab.report.terminal import analysis_view

        console = Console()
        console.print(analysis_view(analysis))
        if video.annotate_path is not None and paths and is_video_file(paths[0]):
            console.print(f"Annotated video written to {video.annotate_path}")
        if report is not None:
            console.print(f"Report written to {report}")
    return to_document(analysis)


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise OptionError(f"cannot write {path}: {error.strerror}") from None
