"""``thrustlab log ...``: the training log from the command line.

Each command parses its options, calls ``thrustlab.log`` and prints. Everything heavy
(SQLAlchemy, the analysis) is imported inside the commands, so ``thrustlab --help`` stays fast.
The database is ``--db URL``, else ``$THRUSTLAB_DATABASE_URL``, else a SQLite file in the
user's data folder.
"""

from __future__ import annotations

import datetime as dt
import sys
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
from thrustlab.errors import OptionError

if TYPE_CHECKING:
    from thrustlab.explanation.history import HistoryChecks
    from thrustlab.explanation.questions import WeightUnit
    from thrustlab.log import AnalysisRecord, RecordingRef, SetRow
    from thrustlab.log.history import LiftTrend

log_app = typer.Typer(
    name="log",
    help="The training log: sets, sessions and their analyses, with history checks.",
    no_args_is_help=True,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (default: $THRUSTLAB_DATABASE_URL, else SQLite in your data folder).",
        show_default=False,
    ),
]
LifterOption = Annotated[str, typer.Option("--lifter", help="Whose log.")]
ExerciseFilter = Annotated[
    str | None, typer.Option("--exercise", "-e", help="Only this exercise.", show_default=False)
]


@log_app.command("add")
@with_answer_options
def add(
    *,
    exercise: Annotated[
        str,
        typer.Option(
            "--exercise",
            "-e",
            help="barbell hip thrust, single leg hip thrust, banded hip thrust, machine hip "
            "thrust or glute bridge (quoted, or with _ or - between the words).",
        ),
    ] = "barbell hip thrust",
    load_kg: Annotated[
        float | None,
        typer.Option("--load-kg", help="Load in kg (or --load '100 kg').", show_default=False),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Day of the set, YYYY-MM-DD (default: today).")
    ] = None,
    kind: Annotated[str, typer.Option("--kind", help="working, warmup, drop or failure.")] = (
        "working"
    ),
    hard: Annotated[
        bool,
        typer.Option("--hard/--easy", help="Whether the day counts as a hard lower-body day."),
    ] = True,
    notes: Annotated[str, typer.Option("--notes", help="Notes on the set.")] = "",
    session_notes: Annotated[str, typer.Option("--session-notes", help="Notes on the day.")] = "",
    answer: Annotated[
        list[str] | None,
        typer.Option("--answer", "-a", help="An answer as KEY=VALUE, e.g. sleep_h=6 (repeatable)."),
    ] = None,
    answers_file: Annotated[
        Path | None, typer.Option("--answers", help="A YAML file of answers.", show_default=False)
    ] = None,
    recording: Annotated[
        Path | None,
        typer.Option(
            "--recording", help="Analyse this recording (sensor export or video) and store it."
        ),
    ] = None,
    left: Left = None,
    right: Right = None,
    copy_recording: Annotated[
        bool, typer.Option("--copy-recording", help="Also keep the recording's bytes in the log.")
    ] = False,
    lifter: LifterOption = "me",
    db: DbOption = None,
    given: GivenAnswers,
) -> None:
    """Log a set: load, reps, RPE or RIR, answers; with --recording, its analysis too.

    Answers come from --answers FILE, then --answer KEY=VALUE, then the answer options."""
    from thrustlab.explanation.history import history_checks
    from thrustlab.explanation.questions import AnswersError
    from thrustlab.log import (
        NewSet,
        add_set,
        history_for,
        lifter_weight_unit,
        open_log,
        session_scope,
        write,
    )
    from thrustlab.log.recordings import log_answers, log_recording

    day = _parse_date(date)
    exercise = _exercise(exercise)
    paths = _recordings(recording, left, right)
    pairs: dict[str, str] = _answer_pairs(answer)
    if load_kg is not None:
        if "load" in given:
            raise OptionError("give the load once: --load or --load-kg, not both")
        pairs["load_kg"] = str(load_kg)
    engine = open_log(db)
    with session_scope(engine) as session:
        known_unit = lifter_weight_unit(session, lifter)
    try:  # a load without a unit is in the lifter's remembered unit
        answers = answers_from_cli(
            answers_file, {"weight_unit": known_unit, **given} if known_unit else given, pairs=pairs
        )
    except AnswersError as error:
        if error.key == "load" and load_kg is not None:
            raise OptionError(f"--load-kg {error.problem}") from None
        raise
    tell_assumed_unit(answers)
    new = NewSet(
        exercise=exercise,
        date=day,
        load_kg=answers.load_kg,
        reps=answers.reps,
        rpe=answers.rpe,
        rir=answers.rir,
        kind=kind,
        hard_lower_body=hard,
        notes=notes,
        answers=log_answers(answers),
        session_notes=session_notes,
    )
    with session_scope(engine) as session:
        history = history_for(session, lifter, before=day)
    # Analyse with no transaction open: SQLite's write lock is held only while the set is
    # written, so another writer never waits for an analysis.
    analysis: AnalysisRecord | None = None
    recordings: tuple[RecordingRef, ...] = ()
    if paths:
        analysis, recordings = log_recording(
            paths, new, answers=answers, history=history, copy=copy_recording
        )
    set_id = write(
        engine,
        lambda session: (
            add_set(session, new, lifter=lifter, analysis=analysis, recordings=recordings).id
        ),
    )
    typer.echo(
        f"Logged set {set_id}: {_describe(new, answers.weight_unit)} on {day.isoformat()} "
        f"({lifter})."
    )
    if analysis is not None:
        from thrustlab.document import from_document
        from thrustlab.explanation.assessment import shown_verdict
        from thrustlab.report import cells

        assessment = from_document(analysis.findings_json).assessment
        typer.echo(
            f"  analysis: {analysis.rep_count or 'no'} reps, "
            f"shaking {cells.shaking(analysis.tremor_rms_mps2, analysed=True)}, "
            f"slowdown {cells.slowdown(analysis.concentric_slowdown_pct, analysed=True)}"
        )
        typer.echo(f"  {shown_verdict(assessment).upper()}: {assessment.headline}")
        for flag in assessment.red_flags:  # the advice the headline points to
            typer.echo(f"  ! {flag.name}: {flag.advice}")
    checks = history_checks(
        history,
        today=day,
        load_kg=answers.load_kg,
        tremor_rms_mps2=None if analysis is None else analysis.tremor_rms_mps2,
        asymmetry_index_pct=None if analysis is None else analysis.asymmetry_index_pct,
        exercise=exercise,
    )
    for line in _check_lines(checks, answers.weight_unit or known_unit):
        typer.echo(f"  ! {line}")
    engine.dispose()


def _recordings(one: Path | None, left: Path | None, right: Path | None) -> tuple[Path, ...]:
    pair = leg_pair(left, right)
    if one is not None and pair is not None:
        raise OptionError("give --recording, or --left and --right, not both")
    return (one,) if one is not None else (pair or ())


@log_app.command("list")
def list_(
    lifter: Annotated[
        str | None, typer.Option("--lifter", help="Only this lifter.", show_default=False)
    ] = None,
    exercise: ExerciseFilter = None,
    limit: Annotated[int, typer.Option("--limit", help="How many sets, newest first.")] = 30,
    db: DbOption = None,
) -> None:
    """List logged sets, newest first."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from thrustlab.log import list_sets, open_log, session_scope
    from thrustlab.report import cells

    engine = open_log(db)
    with session_scope(engine) as session:
        rows = list_sets(session, lifter=lifter, exercise=_exercise(exercise), limit=limit)
    engine.dispose()
    if not rows:
        typer.echo("The log is empty. Add a set with `thrustlab log add`.")
        return
    # One table per lifter, titled with the name, when the list holds several: a lifter
    # column would squeeze every other column at 80 characters.
    by_lifter: dict[str, list[SetRow]] = {}
    for r in rows:  # newest first; the lifter with the newest set first
        by_lifter.setdefault(r.lifter, []).append(r)
    several = len(by_lifter) > 1
    names = ("id", "date", "lift", "load", "reps", "effort")
    console = Console()
    for number, (name, group) in enumerate(by_lifter.items(), start=1):
        if number > 1:
            console.print()
        table = Table(
            box=box.SIMPLE_HEAD,
            collapse_padding=True,
            pad_edge=False,
            show_edge=False,
            title=name if several else None,
            title_justify="left",
            title_style="bold",
            caption="shaking in m/s²" if number == len(by_lifter) else None,
        )
        for column in (*names, "shaking", "slowdown", "verdict"):
            # words may wrap ("single leg / (warmup)", "not / measured"), figures never
            wraps = column in ("lift", "shaking", "slowdown", "verdict")
            table.add_column(column, no_wrap=not wraps, min_width=10 if column == "lift" else None)
        for r in group:
            analysed = r.verdict is not None
            measured = bool(r.rep_count)  # else "not measured" said once, in the verdict
            table.add_row(
                str(r.id),
                r.date.isoformat(),
                _lift(r.exercise, r.kind, short=True),
                cells.load(r.load_kg, r.weight_unit),
                _whole(r.reps),
                _effort(r.rpe, r.rir),
                cells.shaking(r.tremor_rms_mps2, analysed=analysed, unit=False),
                cells.slowdown(r.concentric_slowdown_pct, analysed=analysed and measured),
                cells.verdict(r.verdict, measured=measured),
            )
        console.print(table)


@log_app.command("show")
def show(
    set_id: Annotated[int, typer.Argument(help="The set's id (see `thrustlab log list`).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the stored analysis JSON instead.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Show one set with its answers, analysis and recordings."""
    import json

    from thrustlab.explanation.assessment import NOT_MEASURED
    from thrustlab.log import get_set, lifter_weight_unit, open_log, session_scope
    from thrustlab.report import cells
    from thrustlab.report.rep_table import asymmetry_words

    engine = open_log(db)
    with session_scope(engine) as session:
        row = get_set(session, set_id)
        if as_json:
            document = None if row.analysis is None else row.analysis.findings_json
            typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
            return
        unit = lifter_weight_unit(session, row.session.lifter.name)
        effort = _effort(row.rpe, row.rir)
        lines = [
            f"set {row.id} ({row.uid})",
            f"  lifter:   {row.session.lifter.name}",
            f"  date:     {row.session.date.isoformat()}  (set {row.position} of the day)",
            f"  lift:     {_lift(row.exercise, row.kind)}",
            f"  load:     {cells.load(row.load_kg, unit) or 'not given'}, "
            f"{_whole(row.reps) or 'no'} reps{f', {effort}' if effort else ''}",
            f"  hard lower-body day: {'yes' if row.hard_lower_body else 'no'}",
        ]
        if row.session.notes:
            lines.append(f"  day notes: {row.session.notes}")
        if row.notes:
            lines.append(f"  notes:    {row.notes}")
        lines += [
            f"  answer:   {_answer(key, value)}" for key, value in sorted(row.answers.items())
        ]
        if row.analysis is not None:
            a = row.analysis
            trend = (
                NOT_MEASURED
                if a.tremor_trend_ratio is None
                else f"x{a.tremor_trend_ratio:.2f} (last third / first third)"
            )
            lines += [
                f"  measured: {_whole(a.rep_count) or 'no'} reps, shaking "
                f"{cells.shaking(a.tremor_rms_mps2, analysed=True)}, trend {trend}",
                f"            slowdown {cells.slowdown(a.concentric_slowdown_pct, analysed=True)}, "
                f"verdict {cells.verdict(a.verdict, measured=bool(a.rep_count))}",
            ]
            if a.asymmetry_index_pct is not None:  # two legs: the sign said as the leg
                lines.append(
                    f"            asymmetry index {asymmetry_words(a.asymmetry_index_pct)}"
                )
        lines += [
            f"  recording: {r.path} (sha256 {r.sha256[:12]}..., {r.size_bytes} bytes"
            f"{', stored in the log' if r.blob is not None else ''})"
            for r in row.recordings
        ]
    engine.dispose()
    typer.echo("\n".join(lines))


@log_app.command("history")
def history(
    *,
    lifter: LifterOption = "me",
    exercise: ExerciseFilter = None,
    last: Annotated[int, typer.Option("--last", help="Newest sessions per lift to show.")] = 12,
    as_json: Annotated[bool, typer.Option("--json", help="Print the trend as JSON.")] = False,
    svg: Annotated[
        Path | None,
        typer.Option(
            "--svg", help="Also write the plot of each lift to this SVG file.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """A trend table per lift: load, reps, tremor, slowdown and verdict per session."""
    from thrustlab.log import lift_trends, lifter_weight_unit, open_log, session_scope

    engine = open_log(db)
    with session_scope(engine) as session:
        trends = lift_trends(session, lifter, exercise=_exercise(exercise), last_sessions=last)
        unit = lifter_weight_unit(session, lifter)
    engine.dispose()
    if svg is not None:
        _write_svg(trends, svg, lifter, unit)
    if as_json:
        _print_trends_json(trends)
    elif not trends:
        typer.echo(f"No sets logged for {lifter} yet.")
    else:
        _print_trends(trends, unit)


@log_app.command("export")
def export(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="csv or json (default: from the file name, else csv).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write here (default: standard output).", show_default=False
        ),
    ] = None,
    lifter: Annotated[
        str | None, typer.Option("--lifter", help="Only this lifter.", show_default=False)
    ] = None,
    db: DbOption = None,
) -> None:
    """Export the log as CSV or JSON (everything; `log import` reads it back)."""
    from thrustlab.errors import OptionError
    from thrustlab.log import open_log, session_scope
    from thrustlab.log.export import export_records, write_csv, write_json

    chosen = fmt or (output.suffix.lstrip(".").lower() if output is not None else "csv") or "csv"
    if chosen not in ("csv", "json"):
        raise OptionError(f"--format must be csv or json, not {chosen!r}")
    engine = open_log(db)
    with session_scope(engine) as session:
        records = export_records(session, lifter=lifter)
    engine.dispose()
    write = write_csv if chosen == "csv" else write_json
    if output is None:
        write(records, sys.stdout)
        return
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as stream:
        write(records, stream)
    partial.replace(output)
    typer.echo(f"Exported {len(records)} records to {output}.", err=True)


@log_app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(help="A thrustlab export, or a Strong or Hevy CSV.")],
    source: Annotated[
        str, typer.Option("--source", help="auto, thrustlab, strong or hevy.")
    ] = "auto",
    lifter: Annotated[
        str | None,
        typer.Option(
            "--lifter",
            help="Whose sets these are (default: as in the file, or me).",
            show_default=False,
        ),
    ] = None,
    weight_unit: Annotated[
        str, typer.Option("--weight-unit", help="kg or lb, for Strong files that do not say.")
    ] = "kg",
    db: DbOption = None,
) -> None:
    """Import sets: all rows or none; a bad row is reported with its line number."""
    from thrustlab.errors import OptionError
    from thrustlab.log import open_log, write
    from thrustlab.log.imports import (
        ImportResult,
        Source,
        read_import,
        write_rows,
    )

    sources: dict[str, Source] = {
        "auto": "auto",
        "thrustlab": "thrustlab",
        "strong": "strong",
        "hevy": "hevy",
    }
    units: dict[str, WeightUnit] = {"kg": "kg", "lb": "lb", "lbs": "lb"}
    if source not in sources:
        raise OptionError(f"--source must be auto, thrustlab, strong or hevy, not {source!r}")
    if weight_unit not in units:
        raise OptionError(f"--weight-unit must be kg or lb, not {weight_unit!r}")
    found, rows, others = read_import(
        path, source=sources[source], lifter=lifter, weight_unit=units[weight_unit]
    )
    engine = open_log(db)  # read and checked first: the write transaction stays short
    imported, known = write(engine, lambda session: write_rows(session, path, rows))
    engine.dispose()
    result = ImportResult(found, imported, known, dict(others))
    typer.echo(f"Imported {result.imported} sets from {path} ({result.source}).")
    if result.already_in_log:
        typer.echo(f"  {result.already_in_log} were already in the log and were left as they are.")
    if result.other_exercises:
        skipped = ", ".join(f"{name} ({n})" for name, n in sorted(result.other_exercises.items()))
        typer.echo(f"  not hip-thrust exercises, not imported: {skipped}")


@log_app.command("delete")
def delete(
    set_id: Annotated[int, typer.Argument(help="The set's id (see `thrustlab log list`).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Delete a set with its analysis (asks first)."""
    from thrustlab.log import delete_set, get_set, open_log, session_scope, write

    engine = open_log(db)
    with session_scope(engine) as session:
        row = get_set(session, set_id)
        what = f"set {row.id}: {_lift(row.exercise, row.kind)} on {row.session.date.isoformat()}"
    # ask with no transaction open: SQLite's write lock is not held while the user thinks
    if not yes and not typer.confirm(f"Delete {what}?", default=False):
        engine.dispose()
        typer.echo("Nothing deleted.")
        raise typer.Exit(1)
    write(engine, lambda session: delete_set(session, set_id))
    engine.dispose()
    typer.echo(f"Deleted {what}.")


# --- rendering helpers ----------------------------------------------------------------------


def _parse_date(text: str | None) -> dt.date:
    from thrustlab.errors import OptionError

    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise OptionError(f"--date must look like 2024-05-31, not {text!r}") from None


def _exercise(text: str | None) -> Any:
    """The log's exercise for what a person types: "single leg hip thrust",
    "single-leg-hip-thrust" or single_leg_hip_thrust (``None`` stays ``None``)."""
    if text is None:
        return None
    from thrustlab.log import EXERCISES

    key = "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    if key not in EXERCISES:
        names = ", ".join(e.replace("_", " ") for e in EXERCISES)
        raise OptionError(f"unknown exercise {text!r}; use one of: {names}")
    return key


def _answer_pairs(pairs: list[str] | None) -> dict[str, str]:
    from thrustlab.errors import OptionError

    result = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise OptionError(f"--answer must be KEY=VALUE, like sleep_h=6, not {pair!r}")
        result[key.strip()] = value.strip()
    return result


def _answer(key: str, value: Any) -> str:
    """A stored answer with its question's label and unit."""
    from thrustlab.explanation.questions import question, shown

    try:
        return shown(question(key), value)
    except KeyError:  # not one of today's questions (an older or imported log)
        return f"{key.replace('_', ' ')}: {value}"


# Cells of `log list`, `log show` and `log history`: words for people, blank when not given.
def _lift(exercise: str, kind: str, *, short: bool = False) -> str:
    """``barbell hip thrust (warmup)``; short, in a table: ``barbell (warmup)``."""
    name = (exercise.removesuffix("_hip_thrust") if short else exercise).replace("_", " ")
    return name if kind == "working" else f"{name} ({kind.replace('_', ' ')})"


def _whole(value: int | None) -> str:
    return "" if value is None else str(value)


def _effort(rpe: float | None, rir: float | None) -> str:
    if rpe is not None:
        return f"RPE {rpe:g}"
    return "" if rir is None else f"RIR {rir:g}"


def _describe(new: Any, unit: WeightUnit | None) -> str:
    from thrustlab.explanation.questions import shown_weight

    parts = [new.exercise.replace("_", " ")]
    if new.load_kg is not None:
        parts.append(shown_weight(new.load_kg, unit))
    if new.reps is not None:
        parts.append(f"x {new.reps}")
    if new.rpe is not None:
        parts.append(f"@ RPE {new.rpe:g}")
    if new.rir is not None:
        parts.append(f"({new.rir:g} RIR)")
    return " ".join(parts)


def _check_lines(checks: HistoryChecks, unit: WeightUnit | None) -> list[str]:
    """What the log says about the set, with loads in the lifter's unit."""
    from thrustlab.explanation.questions import shown_weight

    lines = []
    if checks.load_jump is not None:
        j = checks.load_jump
        lines.append(
            f"load jump: {shown_weight(j.load_kg, unit)} is {j.jump_pct:.0f} % above the "
            f"heaviest of {j.compared_with} ({shown_weight(j.reference_kg, unit)}); "
            f"steps over {j.threshold_pct:g} % invite shaking and strain"
        )
    if checks.consecutive_days is not None:
        lines.append(
            f"{checks.consecutive_days.days_in_a_row} hard lower-body days in a row: "
            "plan a rest day"
        )
    if checks.shaking_increase is not None:
        s = checks.shaking_increase
        lines.append(
            f"more shaking than last time at {shown_weight(s.load_kg, unit)}: "
            f"{s.tremor_rms_mps2:.2f} vs "
            f"{s.previous_tremor_rms_mps2:.2f} m/s² on {s.previous_date.isoformat()}"
        )
    if checks.repeated_asymmetry is not None:
        a = checks.repeated_asymmetry
        lines.append(
            f"the {a.side} leg shook much more in {a.sets} sets lately "
            f"(over {a.threshold_pct:g} %): check for a strength imbalance"
        )
    return lines


def _print_trends(trends: tuple[LiftTrend, ...], unit: WeightUnit | None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from thrustlab.report import cells

    console = Console()
    for trend in trends:
        table = Table(
            "date",
            "sets",
            "top load",
            "reps",
            "shaking",
            "slowdown",
            "verdict",
            title=trend.exercise.replace("_", " "),
            box=box.SIMPLE_HEAD,
        )
        for r in trend.rows:
            table.add_row(
                r.date.isoformat(),
                str(r.sets),
                cells.load(r.load_kg, unit),
                _whole(r.reps),
                cells.shaking(r.tremor_rms_mps2, analysed=r.verdict is not None),
                cells.slowdown(r.concentric_slowdown_pct, analysed=r.measured),
                cells.verdict(r.verdict, measured=r.measured) or "no recording",
            )
        console.print(table)


def _print_trends_json(trends: tuple[LiftTrend, ...]) -> None:
    import dataclasses
    import json

    document = [
        {
            "exercise": t.exercise,
            "sessions": [dataclasses.asdict(r) | {"date": r.date.isoformat()} for r in t.rows],
        }
        for t in trends
    ]
    typer.echo(json.dumps(document, indent=2))


def _write_svg(
    trends: tuple[LiftTrend, ...], path: Path, lifter: str, unit: WeightUnit | None
) -> None:
    from thrustlab.report.history_plot import history_svg

    plots = [
        history_svg(t.rows, title=f"{lifter}: {t.exercise.replace('_', ' ')}", weight_unit=unit)
        for t in trends
    ]
    if len(plots) == 1:
        path.write_text(plots[0], encoding="utf-8")
    else:  # one SVG holding each lift's plot, stacked
        height = 320 * max(len(plots), 1)
        body = "".join(
            f'<g transform="translate(0,{320 * i})">{p}</g>' for i, p in enumerate(plots)
        )
        path.write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{height}">{body}</svg>',
            encoding="utf-8",
        )
    typer.echo(f"Wrote the history plot to {path}.", err=True)
