"""A progress bar for long work (video frames), with frames per second, on stderr."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from thrustlab.pipeline import Progress

LABELS = {"video": "analysing video", "annotating": "drawing annotations"}


@contextmanager
def progress_bar(console: Console, /) -> Iterator[Progress]:
    """A ``Progress`` callback that draws one bar per stage while the block runs."""
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]:.0f} fps"),
        TimeElapsedColumn(),
    )
    # Drawn from the first update on: a run with nothing to show (a sensor file) leaves
    # stderr untouched, so an error there is its only line.
    bars = Bars(*columns, console=console, transient=True)
    tasks: dict[str, tuple[TaskID, float]] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        if not tasks:
            bars.start()
        if stage not in tasks:
            task = bars.add_task(LABELS.get(stage, stage), total=total, fps=0.0)
            tasks[stage] = (task, time.perf_counter())
        task, start = tasks[stage]
        if done % 10 == 0 or done == total:
            elapsed = time.perf_counter() - start
            fps = done / elapsed if elapsed > 0 else 0.0
            bars.update(task, completed=done, fps=fps)

    try:
        yield update
    finally:
        if tasks:
            bars.stop()
