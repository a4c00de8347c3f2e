"""Progress of long work (video frames), with frames per second, on stderr: a bar on a
terminal, a plain line every tenth of the work when stderr is piped or logged."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from thrustlab.pipeline import STAGES

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress as Bars
    from rich.progress import TaskID

    from thrustlab.pipeline import Progress

LINE_STEP_PCT = 10
"""Without a terminal, one line per this much of a stage (and at its end): enough to see
the work move in a log, few enough to read."""


@contextmanager
def progress_bar(console: Console | None = None, /) -> Iterator[Progress]:
    """A ``Progress`` callback that shows each stage on ``console`` (default: stderr) while
    the block runs: one bar per stage on a terminal, else ``progress_lines``. The bars (and
    rich) load on the first call: work that reports no progress, such as a sensor
    recording, never imports them."""
    with ExitStack() as stack:
        shown: list[Progress] = []

        def update(stage: str, done: int, total: int | None) -> None:
            if not shown:
                shown.append(_bars_or_lines(stack, console))
            shown[0](stage, done, total)

        yield update


def progress_lines(write: Callable[[str], None], /) -> Progress:
    """A ``Progress`` callback writing "analysing the video: 30 % (270 of 900 frames, 24 fps)"
    at each ``LINE_STEP_PCT`` of a stage, from the first, to its end."""
    started: dict[str, tuple[float, int]] = {}  # stage -> (start time, last step written)

    def update(stage: str, done: int, total: int | None) -> None:
        start, last_step = started.setdefault(stage, (time.perf_counter(), 0))
        elapsed = time.perf_counter() - start
        fps = f", {done / elapsed:.0f} fps" if elapsed > 0 and done else ""
        label = STAGES.get(stage, stage)
        if not total:  # no known end: a line per 100 frames
            if done % 100 == 0 and done:
                write(f"{label}: {done} frames{fps}")
            return
        step = min(done, total) * 100 // total // LINE_STEP_PCT
        if step > last_step:
            started[stage] = (start, step)
            write(f"{label}: {step * LINE_STEP_PCT} % ({done} of {total} frames{fps})")

    return update


def _bars_or_lines(stack: ExitStack, console: Console | None) -> Progress:
    from rich.console import Console

    console = console or Console(stderr=True)
    if not console.is_terminal:  # a bar would show nothing: piped, logged, in a job
        return progress_lines(lambda line: console.print(line, highlight=False, soft_wrap=True))
    bars = stack.enter_context(_bars(console))
    tasks: dict[str, tuple[TaskID, float]] = {}

    def update(stage: str, done: int, total: int | None) -> None:
        if stage not in tasks:
            task = bars.add_task(STAGES.get(stage, stage), total=total, fps=0.0)
            tasks[stage] = (task, time.perf_counter())
        task, start = tasks[stage]
        if done % 10 == 0 or done == total:
            elapsed = time.perf_counter() - start
            fps = done / elapsed if elapsed > 0 else 0.0
            bars.update(task, completed=done, fps=fps)

    return update


def _bars(console: Console) -> Bars:
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bars

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]:.0f} fps"),
        TimeElapsedColumn(),
    )
    return Bars(*columns, console=console, transient=True)
