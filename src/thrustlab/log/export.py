"""Export the log as CSV or JSON: one record per set, every stored field, nothing lost.

Both formats carry the same records (``FIELDS``). In CSV the nested fields (``answers``,
``analysis``, ``recordings``) are JSON text in their cell; a session with no sets is a record
whose set fields are empty. A recording's bytes, when the log holds them, travel as base64.
``thrustlab log import`` reads both back.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import json
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from thrustlab.log.models import Analysis, Lifter, LiftSet, RecordingFile, TrainingSession

EXPORT_SCHEMA = "thrustlab.log/1"
FIELDS: tuple[str, ...] = (
    "lifter",
    "lifter_created_at",
    "date",
    "session_notes",
    "session_created_at",
    "set_uid",
    "position",
    "exercise",
    "kind",
    "load_kg",
    "reps",
    "rpe",
    "rir",
    "hard_lower_body",
    "notes",
    "answers",
    "created_at",
    "analysis",
    "recordings",
    "lifter_weight_unit",  # last: the columns before it keep their places from earlier exports
)
NESTED_FIELDS = ("answers", "analysis", "recordings")


def export_records(session: Session, /, *, lifter: str | None = None) -> list[dict[str, Any]]:
    """Every set (and every set-less session) as JSON-able records, by lifter, date, order."""
    statement = (
        select(TrainingSession)
        .join(Lifter)
        .options(
            selectinload(TrainingSession.lifter),
            selectinload(TrainingSession.sets).selectinload(LiftSet.analysis),
            selectinload(TrainingSession.sets).selectinload(LiftSet.recordings),
        )
        .order_by(Lifter.name, TrainingSession.date)
    )
    if lifter is not None:
        statement = statement.where(Lifter.name == lifter)
    records: list[dict[str, Any]] = []
    for training in session.scalars(statement):
        head = {
            "lifter": training.lifter.name,
            "lifter_created_at": _iso(training.lifter.created_at),
            "date": training.date.isoformat(),
            "session_notes": training.notes,
            "session_created_at": _iso(training.created_at),
            "lifter_weight_unit": training.lifter.weight_unit,
        }
        if not training.sets:
            records.append(head | {name: None for name in FIELDS if name not in head})
        records.extend(head | _set_record(row) for row in training.sets)
    return records


def _set_record(row: LiftSet) -> dict[str, Any]:
    return {
        "set_uid": row.uid,
        "position": row.position,
        "exercise": row.exercise,
        "kind": row.kind,
        "load_kg": row.load_kg,
        "reps": row.reps,
        "rpe": row.rpe,
        "rir": row.rir,
        "hard_lower_body": row.hard_lower_body,
        "notes": row.notes,
        "answers": row.answers,
        "created_at": _iso(row.created_at),
        "analysis": None if row.analysis is None else _analysis_record(row.analysis),
        "recordings": [_recording_record(r) for r in row.recordings],
    }


def _analysis_record(analysis: Analysis) -> dict[str, Any]:
    return {
        "schema_id": analysis.schema_id,
        "rep_count": analysis.rep_count,
        "tremor_rms_mps2": analysis.tremor_rms_mps2,
        "tremor_trend_ratio": analysis.tremor_trend_ratio,
        "asymmetry_index_pct": analysis.asymmetry_index_pct,
        "concentric_slowdown_pct": analysis.concentric_slowdown_pct,
        "verdict": analysis.verdict,
        "created_at": _iso(analysis.created_at),
        "findings_json": analysis.findings_json,
    }


def _recording_record(recording: RecordingFile) -> dict[str, Any]:
    blob = recording.blob
    return {
        "path": recording.path,
        "sha256": recording.sha256,
        "size_bytes": recording.size_bytes,
        "blob_base64": None if blob is None else base64.b64encode(blob).decode("ascii"),
        "created_at": _iso(recording.created_at),
    }


def _iso(value: dt.datetime) -> str:
    return value.isoformat()


def write_json(records: list[dict[str, Any]], stream: TextIO, /) -> None:
    """The records as one JSON document, one set per line (so errors can name a line)."""
    stream.write(f'{{"schema": "{EXPORT_SCHEMA}", "sets": [')
    for index, record in enumerate(records):
        stream.write(",\n" if index else "\n")
        stream.write(json.dumps(record, ensure_ascii=False, separators=(", ", ": ")))
    stream.write("\n]}\n")


def write_csv(records: list[dict[str, Any]], stream: TextIO, /) -> None:
    """The records as CSV with a header; nested fields as JSON text, nulls as empty cells."""
    writer = csv.DictWriter(stream, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({name: _cell(name, record[name]) for name in FIELDS})


def _cell(name: str, value: Any) -> str:
    if name in NESTED_FIELDS:
        return "" if value is None else json.dumps(value, ensure_ascii=False)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)
