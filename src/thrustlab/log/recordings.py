"""From recordings to what the log stores: the set's analysis through the one pipeline (with
the lifter's history), and the recordings' references."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from thrustlab.explanation.answers import Answers, answers_to_json
from thrustlab.explanation.history import History
from thrustlab.explanation.questions import Value
from thrustlab.log.repo import AnalysisRecord, NewSet, RecordingRef, analysis_record, recording_ref
from thrustlab.pipeline import VideoOptions, process

SET_FIELDS = ("load_kg", "reps", "rpe", "rir")
"""Answers the log keeps as the set's own columns, not among its stored answers."""


def log_answers(answers: Answers, /) -> dict[str, Value]:
    """What the log stores as the set's answers: the answers given, as JSON (through
    ``answers_to_json``), without the set's own columns (``SET_FIELDS``)."""
    return {k: v for k, v in answers_to_json(answers).items() if k not in SET_FIELDS}


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
        rir=answers.rir if new.rir is None else new.rir,
    )
    analysis = process(
        paths, answers=filled, history=history, today=new.date, video=video or VideoOptions()
    )
    return analysis_record(analysis), refs
