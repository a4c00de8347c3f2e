"""From a recording to what the log stores: read, analyse, explain (with the history), and
the ``thrustlab.analysis/1`` document with its key metrics."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from thrustlab.explain.answers import Answers, answers_to_json
from thrustlab.explain.history import History
from thrustlab.explain.questions import Value
from thrustlab.log.repo import AnalysisRecord, NewSet, RecordingRef, analysis_record, recording_ref

SET_FIELDS = ("load_kg", "reps", "rpe", "rir")
"""Answers the log keeps as the set's own columns, not among its stored answers."""


def log_answers(answers: Answers, /) -> dict[str, Value]:
    """What the log stores as the set's answers: the answers given, as JSON (through
    ``answers_to_json``), without the set's own columns (``SET_FIELDS``)."""
    return {k: v for k, v in answers_to_json(answers).items() if k not in SET_FIELDS}


def log_recording(
    path: Path,
    new: NewSet,
    /,
    *,
    answers: Answers,
    history: History,
    copy: bool = False,
) -> tuple[AnalysisRecord, tuple[RecordingRef]]:
    """Analyse the recording of ``new`` and explain it with the lifter's ``history``."""
    from thrustlab.analyse import analyse
    from thrustlab.explain import explain
    from thrustlab.read import read
    from thrustlab.report.json_output import analysis_json

    ref = recording_ref(path, copy=copy)
    findings = analyse(read(path))
    filled = dataclasses.replace(
        answers,
        load_kg=answers.load_kg if new.load_kg is None else new.load_kg,
        reps=answers.reps if new.reps is None else new.reps,
        rpe=answers.rpe if new.rpe is None else new.rpe,
        rir=answers.rir if new.rir is None else new.rir,
    )
    assessment = explain(findings, filled, history, today=new.date)
    return analysis_record(analysis_json(findings, assessment)), (ref,)
