"""From recordings to what the log stores: the set's analysis through the one pipeline (with
the lifter's history), and the recordings' references."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from thrustlab.explain.answers import Answers, answered, answers_from_mapping, load_answers
from thrustlab.explain.history import History
from thrustlab.log.repo import AnalysisRecord, NewSet, RecordingRef, analysis_record, recording_ref
from thrustlab.pipeline import VideoOptions, process

_SET_FIELDS = ("load_kg", "reps", "rpe")  # kept as the set's own columns, not as answers


def answers_for_log(
    pairs: Mapping[str, Any], answers_file: Path | None = None, /
) -> tuple[dict[str, Any], Answers]:
    """Checked answers (file first, then ``KEY=VALUE`` pairs over it): the JSON-able dict the
    log stores, and the ``Answers`` that ``explain`` reads."""
    base = answered(load_answers(answers_file)) if answers_file is not None else {}
    merged = answers_from_mapping({**base, **pairs}) if pairs else answers_from_mapping(base)
    stored = {k: v for k, v in answered(merged).items() if k not in _SET_FIELDS}
    return stored, merged


def log_recording(
    paths: Sequence[Path],
    new: NewSet,
    /,
    *,
    answers: Answers,
    history: History,
    copy: bool = False,
    video: VideoOptions | None = None,
) -> tuple[AnalysisRecord, tuple[RecordingRef, ...]]:
    """Analyse the set's recordings (one file, a video, or the left and right thigh's) and
    explain them with the lifter's ``history``."""
    refs = tuple(recording_ref(path, copy=copy) for path in paths)
    filled = dataclasses.replace(
        answers,
        load_kg=answers.load_kg if new.load_kg is None else new.load_kg,
        reps=answers.reps if new.reps is None else new.reps,
        rpe=answers.rpe if new.rpe is None else new.rpe,
    )
    if filled.rpe is None and new.rir is not None:
        filled = dataclasses.replace(filled, rpe=max(1.0, 10.0 - new.rir))
    analysis = process(
        paths, answers=filled, history=history, today=new.date, video=video or VideoOptions()
    )
    return analysis_record(analysis), refs
