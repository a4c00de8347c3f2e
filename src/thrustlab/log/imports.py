"""Import sets into the log: thrustlab's own export (CSV or JSON), and Strong or Hevy CSV.

All or nothing: every row is read and checked first, then written in the caller's one
transaction; a bad row raises ``LogImportError`` naming its line, and nothing from the file
is kept. Importing the same file twice adds nothing the second time (own exports carry each
set's id; Strong and Hevy rows get an id made from their content). From Strong and Hevy only
the hip-thrust family is taken (see ``map_exercise``); other exercises are counted, not kept.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import math
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import field, replace
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from thrustlab.errors import OptionError, ReadError
from thrustlab.explanation.questions import WeightUnit, kg_from_lb
from thrustlab.log.errors import LogImportError
from thrustlab.log.export import EXPORT_SCHEMA, FIELDS
from thrustlab.log.models import Lifter, LiftSet, TrainingSession
from thrustlab.log.repo import (
    DEFAULT_LIFTER,
    AnalysisRecord,
    NewSet,
    RecordingRef,
    ensure_lifter,
    ensure_session,
    set_row,
    taken_positions,
)
from thrustlab.records import record

Source = Literal["auto", "thrustlab", "strong", "hevy"]
_UID_NAMESPACE = uuid.UUID("5b0f4d52-8a61-4b0e-9a59-3f0c1d2e7a41")
_UID_CHUNK = 500
_WRITE_BATCH = 500


class _RowProblem(ValueError):
    """A problem with one row; the caller adds the file and the line."""


@record
class ImportRow:
    """One checked row, ready to write."""

    line: int
    lifter: str
    new_set: NewSet | None  # None: a session with no sets
    date: dt.date
    session_notes: str = ""
    position: int | None = None
    created_at: dt.datetime | None = None
    session_created_at: dt.datetime | None = None
    lifter_created_at: dt.datetime | None = None
    lifter_weight_unit: WeightUnit | None = None
    """The unit the lifter counts in, kept for a lifter whose log does not say one yet."""
    analysis: AnalysisRecord | None = None
    recordings: tuple[RecordingRef, ...] = ()


@record
class ImportResult:
    source: str
    imported: int
    already_in_log: int
    other_exercises: Mapping[str, int] = field(default_factory=dict)
    """Rows of exercises outside the hip-thrust family, by their name in the file."""


def map_exercise(name: str, /) -> str | None:
    """The log's exercise for a Strong or Hevy exercise name, or ``None`` when it is not one
    of the hip-thrust family ("Hip Thrust (Barbell)" -> ``barbell_hip_thrust``)."""
    text = name.lower().replace("-", " ").replace("_", " ")
    if "glute bridge" in text or "hip bridge" in text:
        return "glute_bridge"
    if "hip thrust" not in text:
        return None
    if "single leg" in text or "one leg" in text or "unilateral" in text:
        return "single_leg_hip_thrust"
    if "band" in text:
        return "banded_hip_thrust"
    if "machine" in text or "smith" in text:
        return "machine_hip_thrust"
    return "barbell_hip_thrust"


def import_file(
    session: Session,
    path: Path,
    /,
    *,
    source: Source = "auto",
    lifter: str | None = None,
    weight_unit: WeightUnit = "kg",
) -> ImportResult:
    """Read ``path`` and add its sets in ``session`` (one transaction, committed by the caller).

    ``lifter`` names whose sets Strong and Hevy rows are (default ``me``), and overrides the
    lifter of an own export. ``weight_unit`` is for Strong exports that do not say it.
    """
    source_found, rows, others = read_import(
        path, source=source, lifter=lifter, weight_unit=weight_unit
    )
    imported, known = write_rows(session, path, rows)
    return ImportResult(source_found, imported, known, dict(others))


def read_import(
    path: Path,
    /,
    *,
    source: Source = "auto",
    lifter: str | None = None,
    weight_unit: WeightUnit = "kg",
) -> tuple[str, list[ImportRow], Counter[str]]:
    """Parse and check every row of ``path``; raise ``LogImportError`` at the first bad one."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ReadError(path, f"cannot read the file ({error})") from None
    others: Counter[str] = Counter()
    if source == "auto":
        source = _sniff(path, text)
    if source == "thrustlab":
        if text.lstrip().startswith("{"):
            return "thrustlab-json", _own_json(path, text, lifter), others
        return "thrustlab-csv", _own_csv(path, text, lifter), others
    parse = _strong_row if source == "strong" else _hevy_row
    rows = _foreign_csv(
        path,
        text,
        source=source,
        parse=parse,
        lifter=lifter or DEFAULT_LIFTER,
        weight_unit=weight_unit,
        others=others,
    )
    return source, rows, others


def _sniff(path: Path, text: str) -> Source:
    if text.lstrip().startswith("{"):
        return "thrustlab"
    header = text.split("\n", 1)[0]
    if "set_uid" in header and "exercise" in header:
        return "thrustlab"
    if "Exercise Name" in header and "Set Order" in header:
        return "strong"
    if "exercise_title" in header and "set_index" in header:
        return "hevy"
    raise LogImportError(
        path, 1, "not a thrustlab, Strong or Hevy export (the header has none of their columns)"
    )


# --- writing ------------------------------------------------------------------------------


def write_rows(session: Session, path: Path, rows: Sequence[ImportRow], /) -> tuple[int, int]:
    """Add the rows' sets (skipping those already in the log); (added, already there).

    Rows go in batches, each under a savepoint; when the database refuses a batch, it is
    replayed row by row to name the line it refuses.
    """
    _check_unique_uids(path, rows)
    known = _known_uids(session, [r.new_set.uid for r in rows if r.new_set and r.new_set.uid])
    todo = [r for r in rows if r.new_set is None or r.new_set.uid not in known]
    targets = _Targets(session)
    for start in range(0, len(todo), _WRITE_BATCH):
        batch = todo[start : start + _WRITE_BATCH]
        try:
            with session.begin_nested(), session.no_autoflush:
                for row in batch:
                    targets.write(row)
                session.flush()
        except DBAPIError:
            targets = _Targets(session)  # what the savepoint rolled back is gone
            for row in batch:
                try:
                    with session.begin_nested():
                        targets.write(row)
                        session.flush()
                except DBAPIError as error:
                    problem = str(error.orig).splitlines()[0] if error.orig else str(error)
                    raise LogImportError(
                        path, row.line, f"the database refused it: {problem}"
                    ) from None
            raise  # pragma: no cover - the batch failed but no single row did
    return sum(r.new_set is not None for r in todo), len(known)


def _check_unique_uids(path: Path, rows: Sequence[ImportRow]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if row.new_set is None or row.new_set.uid is None:
            continue
        if row.new_set.uid in first_line:
            raise LogImportError(
                path,
                row.line,
                f"set_uid {row.new_set.uid} is already on line {first_line[row.new_set.uid]}",
            )
        first_line[row.new_set.uid] = row.line


class _Targets:
    """The lifters and training sessions an import writes into, looked up once each."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.lifters: dict[str, int] = {}
        self.lifter_since: dict[str, dt.datetime] = {}
        self.units_checked: set[str] = set()
        self.trainings: dict[tuple[int, dt.date], tuple[TrainingSession, set[int]]] = {}

    def write(self, row: ImportRow) -> None:
        lifter_id = self._lifter(row)
        key = (lifter_id, row.date)
        if key not in self.trainings:
            training = ensure_session(self.session, lifter_id, row.date)
            self.trainings[key] = (training, taken_positions(self.session, training.id))
        training, taken = self.trainings[key]
        if row.session_notes and row.session_notes not in training.notes:
            training.notes = (
                f"{training.notes}\n{row.session_notes}" if training.notes else row.session_notes
            )
        if row.session_created_at is not None:
            training.created_at = min(training.created_at, row.session_created_at)
        if row.new_set is None:
            return
        # the exported position, unless a set of the day already holds it: then after the last
        position = row.position
        if position is None or position in taken:
            position = max(taken, default=0) + 1
        taken.add(position)
        self.session.add(
            set_row(
                training,
                row.new_set,
                position=position,
                analysis=row.analysis,
                recordings=row.recordings,
                created_at=row.created_at,
            )
        )

    def _lifter(self, row: ImportRow) -> int:
        if row.lifter not in self.lifters:
            self.lifters[row.lifter] = ensure_lifter(self.session, row.lifter)
        if row.lifter_created_at is not None and row.lifter_created_at < self.lifter_since.get(
            row.lifter, dt.datetime.max
        ):
            self.lifter_since[row.lifter] = row.lifter_created_at
            lifter = self.session.get_one(Lifter, self.lifters[row.lifter])
            lifter.created_at = min(lifter.created_at, row.lifter_created_at)
        if row.lifter_weight_unit is not None and row.lifter not in self.units_checked:
            self.units_checked.add(row.lifter)  # the log's own choice, when it has one, stays
            lifter = self.session.get_one(Lifter, self.lifters[row.lifter])
            lifter.weight_unit = lifter.weight_unit or row.lifter_weight_unit
        return self.lifters[row.lifter]


def _known_uids(session: Session, uids: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(uids), _UID_CHUNK):
        chunk = uids[start : start + _UID_CHUNK]
        known.update(session.scalars(select(LiftSet.uid).where(LiftSet.uid.in_(chunk))))
    return known


# --- thrustlab's own export ---------------------------------------------------------------


def _own_csv(path: Path, text: str, lifter: str | None) -> list[ImportRow]:
    rows = []
    for line, cells in _csv_rows(path, text, delimiter=","):
        missing = [name for name in FIELDS if name not in cells]
        if missing:
            raise LogImportError(path, 1, f"missing columns: {', '.join(missing)}")
        row: dict[str, Any] = dict(cells)
        for name in ("answers", "analysis", "recordings"):
            row[name] = _json_cell(path, line, name, cells[name])
        with _at_line(path, line):
            rows.append(_own_row(line, row, lifter, csv=True))
    return rows


def _own_json(path: Path, text: str, lifter: str | None) -> list[ImportRow]:
    rows = []
    for line, row in _json_records(path, text):
        with _at_line(path, line):
            rows.append(_own_row(line, row, lifter, csv=False))
    return rows


def _json_records(path: Path, text: str) -> Iterator[tuple[int, Any]]:
    """The records of an own JSON export, each with the line it starts on."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise LogImportError(path, error.lineno, f"not valid JSON: {error.msg}") from None
    if not isinstance(document, dict) or document.get("schema") != EXPORT_SCHEMA:
        raise LogImportError(path, 1, f"not a {EXPORT_SCHEMA} document")
    records = document.get("sets")
    if not isinstance(records, list):
        raise LogImportError(path, 1, 'the document has no "sets" list')
    yield from zip(_element_lines(text, len(records)), records, strict=True)


def _element_lines(text: str, count: int) -> list[int]:
    """The line each element of the top-level "sets" array starts on (1 when unknown)."""
    decoder = json.JSONDecoder()
    lines = []
    try:
        index = text.index("[", text.index('"sets"')) + 1
        for _ in range(count):
            while text[index] in " \t\r\n,":
                index += 1
            lines.append(text.count("\n", 0, index) + 1)
            _, index = decoder.raw_decode(text, index)
    except (ValueError, IndexError):
        return [1] * count
    return lines


def _own_row(line: int, row: Mapping[str, Any], lifter: str | None, *, csv: bool) -> ImportRow:
    if not isinstance(row, Mapping):
        raise _RowProblem("each set must be a JSON object")
    get = _Cells(row, csv=csv)
    name = lifter or get.text("lifter")
    if not name.strip():
        raise _RowProblem("the lifter is empty")
    date = get.date("date")
    head = ImportRow(
        line=line,
        lifter=name,
        new_set=None,
        date=date,
        session_notes=get.text("session_notes"),
        session_created_at=get.datetime("session_created_at"),
        lifter_created_at=get.datetime("lifter_created_at"),
        lifter_weight_unit=_weight_unit(get.optional_text("lifter_weight_unit")),
    )
    if get.is_empty("set_uid"):
        return head
    uid = get.text("set_uid")
    try:
        uuid.UUID(uid)
    except ValueError:
        raise _RowProblem(f"set_uid {uid!r} is not a UUID") from None
    new_set = NewSet(
        exercise=get.text("exercise"),
        date=date,
        load_kg=get.number("load_kg"),
        reps=get.integer("reps"),
        rpe=get.number("rpe"),
        rir=get.number("rir"),
        kind=get.text("kind") or "working",
        hard_lower_body=get.boolean("hard_lower_body"),
        notes=get.text("notes"),
        answers=_mapping(row.get("answers"), "answers"),
        uid=uid,
    )
    return replace(
        head,
        new_set=new_set,
        position=get.integer("position"),
        created_at=get.datetime("created_at"),
        analysis=_own_analysis(row.get("analysis")),
        recordings=tuple(_own_recording(r) for r in _sequence(row.get("recordings"))),
    )


def _weight_unit(text: str | None) -> WeightUnit | None:
    if text is None:
        return None
    unit = text.strip().lower()
    if unit in ("kg", "kgs"):
        return "kg"
    if unit in ("lb", "lbs"):
        return "lb"
    raise _RowProblem(f"the weight unit must be kg or lb, not {text!r}")


def _own_analysis(value: Any) -> AnalysisRecord | None:
    if value is None:
        return None
    get = _Cells(_mapping(value, "analysis"), csv=False)
    return AnalysisRecord(
        findings_json=_mapping(value.get("findings_json"), "analysis.findings_json"),
        schema_id=get.text("schema_id"),
        rep_count=get.integer("rep_count"),
        tremor_rms_mps2=get.number("tremor_rms_mps2"),
        tremor_trend_ratio=get.number("tremor_trend_ratio"),
        asymmetry_index_pct=get.number("asymmetry_index_pct"),
        concentric_slowdown_pct=get.number("concentric_slowdown_pct"),
        verdict=get.optional_text("verdict"),
        created_at=get.datetime("created_at"),
    )


def _own_recording(value: Any) -> RecordingRef:
    get = _Cells(_mapping(value, "recording"), csv=False)
    blob_text = get.optional_text("blob_base64")
    try:
        blob = None if blob_text is None else base64.b64decode(blob_text, validate=True)
    except ValueError:
        raise _RowProblem("a recording's blob_base64 is not base64") from None
    size = get.integer("size_bytes")
    return RecordingRef(
        path=get.text("path"),
        sha256=get.text("sha256"),
        size_bytes=0 if size is None else size,
        blob=blob,
        created_at=get.datetime("created_at"),
    )


# --- Strong and Hevy ----------------------------------------------------------------------

_RowParser = Callable[["_Cells", str, WeightUnit], "tuple[str, dict[str, Any]] | None"]


def _foreign_csv(
    path: Path,
    text: str,
    /,
    *,
    source: str,
    parse: _RowParser,
    lifter: str,
    weight_unit: WeightUnit,
    others: Counter[str],
) -> list[ImportRow]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    rows: list[ImportRow] = []
    seen: Counter[str] = Counter()
    for line, cells in _csv_rows(path, text, delimiter=delimiter):
        with _at_line(path, line):
            parsed = parse(_Cells(cells, csv=True), source, weight_unit)
        if parsed is None:
            continue
        key, values = parsed
        if values.get("exercise") is None:
            others[values["name"]] += 1
            continue
        seen[key] += 1
        uid = str(uuid.uuid5(_UID_NAMESPACE, f"{source}|{lifter}|{key}|{seen[key]}"))
        with _at_line(path, line):
            new_set = _foreign_set(values, uid)
        rows.append(
            ImportRow(
                line=line,
                lifter=lifter,
                new_set=new_set,
                date=new_set.date,
                session_notes=values["session_notes"],
                lifter_weight_unit=values["weight_unit"],
            )
        )
    return rows


def _foreign_set(values: dict[str, Any], uid: str) -> NewSet:
    notes = f"{values['source']}: {values['name']}"
    if values["notes"]:
        notes += f"; {values['notes']}"
    return NewSet(
        exercise=values["exercise"],
        date=values["date"],
        load_kg=values["load_kg"],
        reps=values["reps"],
        rpe=values["rpe"],
        kind=values["kind"],
        notes=notes,
        uid=uid,
    )


_STRONG_KINDS = {"w": "warmup", "d": "drop", "f": "failure"}
_HEVY_KINDS = {"normal": "working", "warmup": "warmup", "dropset": "drop", "failure": "failure"}


def _strong_row(
    get: _Cells, source: str, weight_unit: WeightUnit
) -> tuple[str, dict[str, Any]] | None:
    order = get.text("Set Order").strip()
    if "rest" in order.lower():
        return None  # a rest-timer row, not a set
    kind = "working" if order.isdigit() else _STRONG_KINDS.get(order.lower())
    if kind is None:
        raise _RowProblem(f"Set Order {order!r} is neither a number nor W, D or F")
    stamp = get.text("Date").strip()
    date = _parse_date(stamp, ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %I:%M:%S %p", "%Y-%m-%d"))
    stated = get.optional_text("Weight Unit")  # the lifter's unit when the file says it
    unit = (stated or weight_unit).strip().lower()
    name = get.text("Exercise Name")
    values = {
        "source": "Strong",
        "name": name,
        "exercise": map_exercise(name),
        "date": date,
        "load_kg": _to_kg(get.number("Weight"), unit),
        "reps": get.integer("Reps"),
        "rpe": get.number("RPE") if "RPE" in get.cells else None,
        "kind": kind,
        "notes": get.optional_text("Notes") or "",
        "session_notes": get.optional_text("Workout Notes") or "",
        "weight_unit": None if stated is None else _weight_unit(stated),
    }
    key = f"{stamp}|{get.optional_text('Workout Name')}|{name}|{order}"
    return key, values


def _hevy_row(
    get: _Cells, source: str, weight_unit: WeightUnit
) -> tuple[str, dict[str, Any]] | None:
    stamp = get.text("start_time").strip()
    date = _parse_date(
        stamp, ("%d %b %Y, %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M")
    )
    set_type = (get.optional_text("set_type") or "normal").strip().lower()
    kind = _HEVY_KINDS.get(set_type)
    if kind is None:
        raise _RowProblem(f"set_type {set_type!r} is not one of {', '.join(_HEVY_KINDS)}")
    unit: WeightUnit
    if "weight_kg" in get.cells:
        load_kg, unit = get.number("weight_kg"), "kg"
    elif "weight_lbs" in get.cells:
        load_kg, unit = _to_kg(get.number("weight_lbs"), "lb"), "lb"
    else:
        raise _RowProblem("the file has neither a weight_kg nor a weight_lbs column")
    name = get.text("exercise_title")
    values = {
        "source": "Hevy",
        "name": name,
        "exercise": map_exercise(name),
        "date": date,
        "load_kg": load_kg,
        "reps": get.integer("reps"),
        "rpe": get.number("rpe") if "rpe" in get.cells else None,
        "kind": kind,
        "notes": get.optional_text("exercise_notes") or "",
        "session_notes": get.optional_text("description") or "",
        "weight_unit": unit,
    }
    key = f"{stamp}|{get.optional_text('title')}|{name}|{get.optional_text('set_index')}"
    return key, values


def _to_kg(weight: float | None, unit: str) -> float | None:
    if weight is None:
        return None
    if unit in ("kg", "kgs"):
        return weight
    if unit in ("lb", "lbs"):
        return round(kg_from_lb(weight), 3)
    raise _RowProblem(f"unknown weight unit {unit!r} (kg or lbs)")


def _parse_date(text: str, formats: Sequence[str]) -> dt.date:
    cleaned = " ".join(text.replace("\u202f", " ").split())
    for fmt in formats:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise _RowProblem(f"date {text!r} is in no format known here")


# --- reading cells ------------------------------------------------------------------------


def _csv_rows(path: Path, text: str, *, delimiter: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row as {column: cell}, with the line it starts on. A cell may be as long as
    the file (a recording kept in the log is one cell), so the csv module's 128 kB default
    cap on a field is lifted to the file's length; it only ever grows."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise LogImportError(path, 1, "the file is empty") from None
    previous_end = reader.line_num
    try:
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise LogImportError(
                    path, line, f"{len(cells)} cells where the header has {len(header)}"
                )
            yield line, dict(zip(header, cells, strict=True))
    except csv.Error as error:
        raise LogImportError(path, reader.line_num, f"broken CSV: {error}") from None


@contextmanager
def _at_line(path: Path, line: int) -> Iterator[None]:
    """Turn a row's problem into a ``LogImportError`` naming the file and the line."""
    try:
        yield
    except (_RowProblem, OptionError) as problem:
        raise LogImportError(path, line, str(problem)) from None


def _json_cell(path: Path, line: int, name: str, cell: str) -> Any:
    if not cell.strip():
        return None
    try:
        return json.loads(cell)
    except json.JSONDecodeError as error:
        raise LogImportError(
            path, line, f"column {name!r} is not valid JSON: {error.msg}"
        ) from None


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _RowProblem(f"{what} must be a JSON object")
    return dict(value)


def _sequence(value: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _RowProblem("recordings must be a JSON list")
    return value


@record
class _Cells:
    """Typed access to one row's cells; CSV cells are text, JSON values are typed already."""

    cells: Mapping[str, Any]
    csv: bool

    def is_empty(self, name: str) -> bool:
        value = self.cells.get(name)
        return value is None or (isinstance(value, str) and not value.strip())

    def optional_text(self, name: str) -> str | None:
        if self.is_empty(name):
            return None
        value = self.cells[name]
        if not isinstance(value, str):
            raise _RowProblem(f"{name!r} must be text, not {value!r}")
        return value

    def text(self, name: str) -> str:
        return self.optional_text(name) or ""

    def number(self, name: str) -> float | None:
        if self.is_empty(name):
            return None
        value = self.cells[name]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise _RowProblem(f"{name!r} must be a number, not {value!r}")
        try:
            number = float(value)
        except ValueError:
            raise _RowProblem(f"{name!r} must be a number, not {value!r}") from None
        if not math.isfinite(number):
            raise _RowProblem(f"{name!r} must be a finite number, not {value!r}")
        return number

    def integer(self, name: str) -> int | None:
        number = self.number(name)
        if number is None:
            return None
        if not number.is_integer():
            raise _RowProblem(f"{name!r} must be a whole number, not {self.cells[name]!r}")
        return int(number)

    def boolean(self, name: str) -> bool:
        value = self.cells.get(name)
        if isinstance(value, bool):
            return value
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "true")):
            return True
        if isinstance(value, str) and value.strip().lower() == "false":
            return False
        raise _RowProblem(f"{name!r} must be true or false, not {value!r}")

    def date(self, name: str) -> dt.date:
        text = self.text(name).strip()
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise _RowProblem(f"{name!r} must be a date like 2024-05-31, not {text!r}") from None

    def datetime(self, name: str) -> dt.datetime | None:
        text = self.optional_text(name)
        if text is None:
            return None
        try:
            return dt.datetime.fromisoformat(text.strip())
        except ValueError:
            raise _RowProblem(f"{name!r} must be an ISO date and time, not {text!r}") from None
