"""``process``: the one forward pipeline every shell calls.

read -> Recording -> analyse -> Findings (with the plot traces) -> explain -> Assessment,
returned together as an ``Analysis``. The CLI, the web jobs, the training log and the batch
call this and nothing else of the core, so each fix lands once.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from thrustlab.analysis import Analysis
from thrustlab.config import AnalysisConfig
from thrustlab.document import at_contract_precision
from thrustlab.errors import AnalysisError, InputError, OptionError
from thrustlab.explanation import Answers, explain
from thrustlab.findings import Findings
from thrustlab.measurement import analyse, analyse_legs
from thrustlab.readers import (
    RECORDING_SUFFIXES,
    SPREADSHEET,
    SPREADSHEET_SUFFIXES,
    SQLITE_START,
    VIDEO_SUFFIXES,
    ReadOptions,
    read,
)
from thrustlab.recording import Recording, usable_stretch
from thrustlab.records import record

if TYPE_CHECKING:
    from thrustlab.explanation import History
    from thrustlab.video import PoseEstimator

__all__ = [
    "RECORDING_SUFFIXES",
    "SPREADSHEET",
    "SPREADSHEET_SUFFIXES",
    "SQLITE_START",
    "STAGES",
    "VIDEO_SUFFIXES",
    "VIEWS",
    "Analysis",
    "Progress",
    "ReadOptions",
    "Source",
    "VideoOptions",
    "check_source",
    "is_video_file",
    "process",
    "reexplain",
]

Source = str | os.PathLike[str] | Recording
"""A recording file (sensor export or video), or a ``Recording`` already in memory."""
Progress = Callable[[str, int, int | None], None]
"""Called as ``progress(stage, done, total)`` during long work (video frames)."""
STAGES = {"video": "analysing the video", "annotating": "drawing the annotated video"}
"""Each ``Progress`` stage as people read it (the terminal and the web's job page)."""
VIEWS = ("side", "front")
DEFAULT_CONFIG = AnalysisConfig()


@record
class VideoOptions:
    """How a video of the set was filmed, and what to make of it. ``estimator`` is the pose
    seam (default MediaPipe Pose; tests pass a fake); ``annotate_path`` asks for a copy of
    the video with the skeleton and bar path drawn on it."""

    view: str = "side"
    plate_mm: float | None = None
    annotate_path: Path | None = None
    estimator: PoseEstimator | None = None
    pose: bool = True
    """False: follow only the plate and the thighs' motion (no pose model)."""


DEFAULT_VIDEO = VideoOptions()


def is_video_file(path: str | os.PathLike[str], /) -> bool:
    """True for the suffixes the video path reads."""
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def check_source(path: str | os.PathLike[str], /) -> None:
    """Raise the reader's one-line error when ``path`` is not a recording this pipeline can
    read (a video is only probed: decoding it is the analysis itself)."""
    if is_video_file(path):
        try:
            from thrustlab.video import probe
        except ImportError:
            raise InputError(
                f"{Path(path).name}: video needs the video extra; upload the sensor export instead"
            ) from None
        probe(Path(path))
    else:
        read(path)


def process(
    sources: Sequence[Source],
    /,
    *,
    answers: Answers | None = None,
    history: History | None = None,
    config: AnalysisConfig = DEFAULT_CONFIG,
    format: str | None = None,
    read_options: ReadOptions | None = None,
    video: VideoOptions = DEFAULT_VIDEO,
    today: datetime.date | None = None,
    plots: bool = True,
    progress: Progress | None = None,
) -> Analysis:
    """One set end to end. ``sources``: nothing (answers only), one recording (a sensor file
    or a video), or the left and the right thigh's recordings of the same set. ``plots``
    False leaves out the plot traces (the batch needs only the figures).

    The result holds what the JSON contract holds, numbers at its precision, so a stored
    analysis shows exactly what the lifter saw when it was made."""
    findings = _measured(
        sources,
        config=config,
        format=format,
        read_options=read_options,
        video=video,
        plots=plots,
        progress=progress,
    )
    if findings is not None:
        findings = at_contract_precision(findings)
    assessment = explain(findings, answers, history, today=today)
    return Analysis(findings=findings, assessment=assessment)


def reexplain(
    analysis: Analysis,
    /,
    *,
    answers: Answers | None = None,
    history: History | None = None,
    today: datetime.date | None = None,
) -> Analysis:
    """A stored analysis explained again with new answers (a lifter edited them): the
    findings stay as they were measured, the assessment is ``explain``'s, as in ``process``."""
    assessment = explain(analysis.findings, answers, history, today=today)
    return Analysis(findings=analysis.findings, assessment=assessment)


def _measured(
    sources: Sequence[Source],
    /,
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
    format: str | None = None,
    read_options: ReadOptions | None = None,
    video: VideoOptions = DEFAULT_VIDEO,
    plots: bool = True,
    progress: Progress | None = None,
) -> Findings | None:
    """The findings of one set's recordings (``None`` when there are none)."""
    if len(sources) > 2:
        raise OptionError("one set is one recording, or the left and the right thigh's")
    if not sources:
        return None
    first = sources[0]
    if len(sources) == 1 and not isinstance(first, Recording) and is_video_file(first):
        if format is not None:
            raise OptionError("--format is for sensor recordings, not videos")
        return _video_findings(Path(first), config=config, video=video, progress=progress)
    recordings = tuple(_recording(s, format=format, options=read_options) for s in sources)
    for recording in recordings:
        _check_rate(recording, config)
    if len(recordings) == 2:
        return analyse_legs(recordings[0], recordings[1], config=config, plots=plots)
    return analyse(recordings[0], config=config, plots=plots)


def _recording(source: Source, /, *, format: str | None, options: ReadOptions | None) -> Recording:
    if isinstance(source, Recording):
        return usable_stretch(source)  # a reader's are already; one made in code may not be
    if is_video_file(source):
        raise OptionError(f"{Path(source).name}: a video is analysed on its own, not as one leg")
    return read(source, format=format, options=options)


def _check_rate(recording: Recording, config: AnalysisConfig) -> None:
    rate_hz = recording.median_rate_hz
    name = recording.path or "the recording"
    if rate_hz < config.min_rate_hz:
        raise AnalysisError(
            f"{name}: its samples come {1 / rate_hz:.3g} s apart ({rate_hz:.3g} Hz); reps need "
            f"{config.min_rate_hz:g} Hz or more: check the time column's unit or the rate given"
        )
    if rate_hz > config.max_rate_hz:
        raise AnalysisError(
            f"{name}: its samples come {1 / rate_hz:.3g} s apart ({rate_hz:.3g} Hz), faster "
            f"than any phone or watch records (at most {config.max_rate_hz:g} Hz here): check "
            "the time column's unit or the rate given"
        )


def _video_findings(
    path: Path, /, *, config: AnalysisConfig, video: VideoOptions, progress: Progress | None
) -> Findings:
    """Track the video (pose, plate, thighs), measure it, and draw the annotated copy."""
    if video.view not in VIEWS:
        raise OptionError(f"--view must be one of {', '.join(VIEWS)}, not {video.view!r}")
    try:
        from thrustlab.video import FakePoseEstimator, MediaPipePose, VideoConfig, analyse_video
        from thrustlab.video import probe as probe_video
        from thrustlab.video.draw import annotate
    except ImportError:
        raise InputError(
            "video analysis needs the video extra: pip install 'thrustlab[video]'"
        ) from None
    vconfig = VideoConfig(view=video.view)  # type: ignore[arg-type]  # checked above
    if video.plate_mm is not None:
        vconfig = replace(vconfig, plate_diameter_m=video.plate_mm / 1000.0)
    total = probe_video(path).frame_count

    def tick(stage: str) -> Callable[[int], None]:
        return lambda done: progress(stage, done, total) if progress is not None else None

    estimator = video.estimator
    owned = None
    if estimator is None:
        estimator = owned = MediaPipePose() if video.pose else None
        if not video.pose:
            estimator = FakePoseEstimator(lambda _t: None)
    try:
        result = analyse_video(
            path, estimator=estimator, config=vconfig, analysis=config, progress=tick("video")
        )
    finally:
        if owned is not None:
            owned.close()
    if video.annotate_path is not None:
        annotate(result, video.annotate_path, progress=tick("annotating"))
    return result.findings
