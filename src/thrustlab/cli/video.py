"""Video helpers for ``thrustlab analyze video.mp4 [--view side|front] [--annotate out.mp4]``.

The analyze command calls ``is_video_file(path)`` to pick this path, then
``analyse_video_command(...)``, which shows a progress bar with frames per second, and
renders ``result.findings`` like a sensor recording's (``explain`` and the reports take it
unchanged). No numpy here: the work is in ``thrustlab.video``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from thrustlab.errors import InputError, OptionError

if TYPE_CHECKING:
    from rich.console import Console

    from thrustlab.video import PoseEstimator, VideoResult

VIEWS = ("side", "front")
T = TypeVar("T")


def is_video_file(path: str | Path, /) -> bool:
    """True for the suffixes the video path reads (.mp4, .mov, .m4v, .avi, .mkv)."""
    from thrustlab.video.decode import is_video

    return is_video(path)


def _need_video_extra() -> None:
    try:
        import av  # noqa: F401
        import cv2  # noqa: F401
    except ImportError as exc:
        raise InputError(
            "video analysis needs the video extra: pip install 'thrustlab[video]'"
        ) from exc


def _tracked(
    console: Console | None,
    total: int | None,
    label: str,
    work: Callable[[Callable[[int], None]], T],
) -> T:
    """Run ``work(tick)`` under a progress bar that shows frames per second."""
    import time

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[fps]:.0f} fps"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total, fps=0.0)
        start = time.perf_counter()

        def tick(done: int) -> None:
            if done % 10 == 0 or done == total:
                elapsed = time.perf_counter() - start
                bar.update(task, completed=done, fps=done / elapsed if elapsed > 0 else 0.0)

        return work(tick)


def analyse_video_command(
    path: str | Path,
    /,
    *,
    view: str = "side",
    annotate: str | Path | None = None,
    plate_diameter_mm: float | None = None,
    scale_m_per_px: float | None = None,
    console: Console | None = None,
    estimator: PoseEstimator | None = None,
) -> VideoResult:
    """Analyse one video of a set, with progress bars; write the annotated copy when asked.

    ``estimator`` defaults to MediaPipe Pose (tests pass a fake). Returns the
    ``VideoResult``: render ``result.findings`` as for a sensor file; ``result.findings.form``
    holds the form numbers, and ``thrustlab.video.draw.bar_path_svg(result)`` the bar path.
    Raises ``InputError`` (one line, exit code 2) for a bad file or option."""
    if view not in VIEWS:
        raise OptionError(f"--view must be 'side' or 'front', not {view!r}")
    _need_video_extra()
    from thrustlab.video import VideoConfig, analyse_video, probe
    from thrustlab.video.draw import annotate as write_annotated
    from thrustlab.video.pose import MediaPipePose

    config = VideoConfig(view=view)  # type: ignore[arg-type]  # checked above
    if plate_diameter_mm is not None:
        config = replace(config, plate_diameter_m=plate_diameter_mm / 1000.0)
    if scale_m_per_px is not None:
        config = replace(config, scale_m_per_px=scale_m_per_px)
    info = probe(path)
    total = info.frame_count
    owned = MediaPipePose() if estimator is None else None
    try:
        result = _tracked(
            console,
            total,
            "analysing video",
            lambda tick: analyse_video(
                path, estimator=owned or estimator, config=config, progress=tick
            ),
        )
    finally:
        if owned is not None:
            owned.close()
    if annotate is not None:
        _tracked(
            console,
            total,
            "drawing annotations",
            lambda tick: write_annotated(result, annotate, progress=tick),
        )
    return result
