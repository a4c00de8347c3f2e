"""A progress bar for long work (video frames), with frames per second, on stderr."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as Bars
    from rich.progress import TaskID

    from thrustlab.pipeline import Progress

LABELS = {"video": "analysing video", "annotating": "drawing annotations"}


@contextmanager
def progress_bar(console: Console | None = None, /) -> Iterator[Progress]:
    """A ``Progress`` callback that draws one bar per stage on ``console`` (default: stderr)
    while the block runs. The bars (and rich) load on the first call: work that reports no
    progress, such as a sensor recording, never imports them."""
    with ExitStack() as stack:
        shown: list[Bars] = []
        tasks: dict[str, tuple[TaskID, float]] = {}

        def update(stage: str, done: int, total: int | None) -> None:
            if not shown:
                shown.append(stack.enter_context(_bars(console)))
            bars = shown[0]
            if stage not in tasks:
                task = bars.add_task(LABELS.get(stage, stage), total=total, fps=0.0)
                tasks[stage] = (task, time.perf_counter())
            task, start = tasks[stage]
            if done % 10 == 0 or done == total:
                elapsed = time.perf_counter() - start
                fps = done / elapsed if elapsed > 0 else 0.0
                bars.update(task, completed=done, fps=fps)

        yield update


def _bars(console: Console | None) -> Bars:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]:.0f} fps"),
        TimeElapsedColumn(),
    )
    return Bars(*columns, console=console or Console(stderr=True), transient=True)
