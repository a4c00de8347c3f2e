"""``thrustlab batch``: many recordings analysed on Dask, results as Parquet or CSV tables."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from thrustlab.errors import OptionError

MODES = ("hip_thrust", "cyclic")


def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Recordings: files, folders (each entry one recording) or quoted glob "
            "patterns such as 'season/**/*.csv'.",
            metavar="INPUT_DIR_OR_GLOB",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="The sets table, ending in .parquet or .csv.", show_default=False
        ),
    ],
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a running Dask scheduler (tcp://host:port); its workers must see "
            "the files at the same paths. Default: a local cluster on this machine.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes of the local cluster (default: one per core).",
            min=1,
            show_default=False,
        ),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Forget saved results; analyse every file again.")
    ] = False,
    mode: Annotated[
        str, typer.Option(help="hip_thrust, or cyclic for any repeated movement.")
    ] = "hip_thrust",
) -> None:
    """Analyse many recordings on Dask; one bad file never stops the batch.

    \b
    Writes, for --out results.parquet (or results.csv alike):
      results.parquet          one row per set (file): path, content_hash, every
                               Findings field (legs as left_*/right_*, quality as JSON)
      results.reps.parquet     one row per rep: path, content_hash, every rep field
      results.summary.parquet  count, mean, std, min, median, max of each numeric column
      results.errors.parquet   one row per file that failed: path, error, message
      results.checkpoint/      results saved as they arrive (every few seconds, and
                               when stopped by Ctrl-C or SIGTERM): a re-run skips files
                               whose content (BLAKE3) was already analysed (see --fresh)
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from thrustlab.batch import BatchProgress, find_recordings, output_paths, run_batch
    from thrustlab.batch.engine import scheduler_address
    from thrustlab.batch.output import write_outputs
    from thrustlab.config import AnalysisConfig

    if mode not in MODES:
        raise OptionError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    if scheduler is not None:
        scheduler = scheduler_address(scheduler, name="--scheduler")
    targets = output_paths(out)
    paths = find_recordings(inputs, exclude=(*targets.tables(), targets.checkpoint))
    console = Console(stderr=True)
    with (
        _stopped_by_sigterm(targets.checkpoint),
        Progress(
            *Progress.get_default_columns()[:1],
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,  # gone once done (or failed): errors stay one line
            disable=not console.is_terminal,  # a log file gets no blank line from it
        ) as bar,
    ):
        task = bar.add_task("Analysing", total=len(paths))

        def show(progress: BatchProgress) -> None:
            bar.update(task, completed=progress.files_done)

        result = run_batch(
            paths,
            config=AnalysisConfig(mode="cyclic" if mode == "cyclic" else "hip_thrust"),
            scheduler=scheduler,
            workers=workers,
            checkpoint_dir=targets.checkpoint,
            fresh=fresh,
            on_progress=show,
        )
    write_outputs(result, out)
    failed = result.errors.num_rows
    typer.echo(
        f"{result.files_total} files: {result.sets.num_rows} sets with "
        f"{result.reps.num_rows} reps, {failed} failed, {result.files_reused} reused "
        f"from {targets.checkpoint}."
    )
    typer.echo(f"Written: {', '.join(str(p) for p in targets.tables())}.")
    if failed:
        typer.echo(f"See {targets.errors} for the files that failed and why.")


class _Terminated(Exception):
    """SIGTERM arrived; raised in the main thread, so the batch saves what it has done."""


@contextmanager
def _stopped_by_sigterm(checkpoint: Path) -> Iterator[None]:
    """On SIGTERM, stop the batch as an exception does (its results so far are saved to the
    checkpoint, its local cluster is closed), say so in one line, and exit with 143."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the save
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    except _Terminated:
        typer.echo(
            f"thrustlab: stopped (SIGTERM); the files analysed so far are saved in "
            f"{checkpoint}: run the same command again to go on",
            err=True,
        )
        raise typer.Exit(128 + signal.SIGTERM) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
