"""Sensor Logger exports: a zip, its unzipped folder, one of its CSVs, the JSON export or the
SQLite export (a table per sensor, named and with columns as its CSVs).

Layouts, by the files present (columns always by name; ``z,y,x`` order in the files):

- Android: ``TotalAcceleration`` (gravity included) is the accelerometer.
- iOS: ``Accelerometer`` + ``Gravity`` added together (gravity included).
- ``AccelerometerUncalibrated`` (raw, gravity included) when neither is there.
- Apple Watch: ``WristMotion``: ``acceleration + gravity``, ``rotationRate``.
- a lone ``Accelerometer``: gravity included or not is decided from the content.

``Gyroscope`` joins when present. Every sensor is put on the accelerometer's timestamps,
inside the time span all of them cover.

Units, as Sensor Logger documents them (its "One-Page Unit Reference"): ``Accelerometer``,
``TotalAcceleration`` and ``Gravity`` in m/s^2, ``Gyroscope`` and ``rotationRate`` in rad/s.
``AccelerometerUncalibrated`` is in g on iOS and in m/s^2 on Android, and ``WristMotion``'s
gravity and acceleration are in g, unless "Standardise Units & Frames" is on (then m/s^2):
these two are judged from the data (gravity is about 1 in g, 9.8 in m/s^2). A unit given in
``ReadOptions`` overrides them all, with a warning where it differs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Container, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from thrustlab.errors import FormatError, ReadError
from thrustlab.quality import QualityFlag
from thrustlab.readers._clean import (
    BoolArray,
    FloatArray,
    IntArray,
    Stream,
    align,
    blank_beyond,
    build,
    clean_stream,
    drop_leading_zeros,
    gravity_in,
    time_origin,
    times_resolve,
)
from thrustlab.readers._csv import TextLayout, parse_csv, text_layout
from thrustlab.readers._headers import SENSOR_BY_KEY, SENSORS, is_sensorlogger_header, sensor_name
from thrustlab.readers._options import ReadOptions, ignored_options
from thrustlab.readers._source import Source, one_line
from thrustlab.readers._units import acc_to_mps2, gyro_to_rads, ignored, looks_like_g
from thrustlab.recording import Recording
from thrustlab.records import record

if TYPE_CHECKING:
    import sqlite3

DOCUMENTED_UNITS: Mapping[str, str] = {
    "Accelerometer": "mps2",
    "TotalAcceleration": "mps2",
    "Gravity": "mps2",
    "Gyroscope": "rads",
}
"""Units Sensor Logger writes on every platform; the other sensors' depend on it."""
MAX_JSON_BYTES = 512 * 1024**2
MAX_SQLITE_BYTES = MAX_JSON_BYTES
"""An SQLite export's values are read into Python numbers a column at a time before they
become arrays (about 40 bytes each, 4-8 on disk): an hour of four sensors at 100 Hz is about
65 MB."""


@record
class RawSensor:
    """One sensor's columns as read: ``time`` (ns epoch) and/or ``seconds_elapsed``."""

    name: str
    label: str
    time_ns: tuple[IntArray | FloatArray, BoolArray] | None
    elapsed_s: tuple[IntArray | FloatArray, BoolArray] | None
    values: FloatArray
    unparsed_rows: int = 0


def read_sensorlogger(src: Source, /, *, options: ReadOptions | None = None) -> Recording:
    given = options or ReadOptions()
    sensors, skipped = _load_csvs(src)
    return _assemble(sensors, path=src.path, fmt="sensorlogger", options=given, flags=skipped)


def read_sensorlogger_json(src: Source, /, *, options: ReadOptions | None = None) -> Recording:
    path = src.path
    if src.kind != "file":
        raise FormatError(path, f"is a {src.kind}, not a Sensor Logger JSON file")
    src.check_size(src.names[0], MAX_JSON_BYTES)
    data = src.read(src.names[0], limit=MAX_JSON_BYTES)
    given = options or ReadOptions()
    sensors = _load_json(data, path=path)
    del data
    return _assemble(sensors, path=path, fmt="sensorlogger-json", options=given)


def read_sensorlogger_sqlite(src: Source, /, *, options: ReadOptions | None = None) -> Recording:
    path = src.path
    on_disk = src.file_path(src.names[0]) if src.kind == "file" else None
    if on_disk is None:
        raise FormatError(path, f"is a {src.kind}, not a Sensor Logger SQLite file")
    src.check_size(src.names[0], MAX_SQLITE_BYTES)
    sensors = _load_sqlite(on_disk, label=path)
    return _assemble(
        sensors, path=path, fmt="sensorlogger-sqlite", options=options or ReadOptions()
    )


def recording_from_samples(
    samples: Mapping[str, tuple[IntArray, FloatArray]], /, *, path: str
) -> Recording:
    """A recording from Sensor Logger samples already in memory (pushed over HTTP while it
    records): per sensor (``"Accelerometer"``, ``"TotalAcceleration"``, ``"Gravity"``,
    ``"Gyroscope"``) the ns epoch times and the (N, 3) x, y, z values. Built exactly as the
    JSON export of the same samples is read, so a live set and its stored file agree.
    The values are copied (the readers convert units in place)."""
    sensors = {
        name: RawSensor(
            name, f"{path} [{name}]", (times, np.ones(times.size, dtype=bool)), None, values.copy()
        )
        for name, (times, values) in samples.items()
        if name in SENSORS and name != "WristMotion"
    }
    if not sensors:
        raise FormatError(path, "holds no accelerometer samples yet")
    return _assemble(sensors, path=path, fmt="sensorlogger-json", options=ReadOptions())


def _load_csvs(src: Source) -> tuple[dict[str, RawSensor], list[QualityFlag]]:
    """The sensor files of an export, and a warning for each file named as one of them that
    holds another app's columns (left out: said, not silently)."""
    if src.kind == "file":
        name = src.names[0]
        layout = text_layout(src.head(name), label=src.path)
        fields = {f.strip().lower() for f in layout.fields}
        sensor = sensor_name(name) or ("WristMotion" if "rotationratex" in fields else None)
        if sensor is None and not {"x", "y", "z"} <= fields:
            raise FormatError(
                src.path,
                f"holds Sensor Logger readings with no x, y, z axes ({_shown(layout.fields)}): "
                "another sensor's (location, orientation ...), not the accelerometer's; give "
                "the whole export (its zip) or its TotalAcceleration.csv or Accelerometer.csv",
            )
        sensor = sensor or _guess_from_name(name)
        return {sensor: _csv_sensor(sensor, src, name, layout)}, []
    sensors: dict[str, RawSensor] = {}
    skipped = []
    for member in src.names:
        sensor = sensor_name(member)
        if sensor is None or sensor in sensors:
            continue
        layout = text_layout(src.head(member), label=src.label(member))
        if is_sensorlogger_header(layout.fields):  # not another app's file of the same name
            sensors[sensor] = _csv_sensor(sensor, src, member, layout)
        else:
            skipped.append((sensor, _not_sensorlogger(src.label(member), sensor, layout.fields)))
    if not sensors:
        raise FormatError(
            src.path,
            "holds no Sensor Logger sensor files (Accelerometer.csv, TotalAcceleration.csv, "
            "WristMotion.csv ...); give the Sensor Logger export",
        )
    return sensors, [flag for sensor, flag in skipped if sensor not in sensors]


def _shown(fields: Sequence[str], /) -> str:
    """A file's first columns on one short line."""
    shown = ", ".join(" ".join(f.split())[:40] for f in fields[:6])
    return (shown + (", ..." if len(fields) > 6 else "")) or "none"


def _not_sensorlogger(label: str, sensor: str, fields: Sequence[str]) -> QualityFlag:
    return QualityFlag(
        "file_skipped",
        "warning",
        f"{label} was not read: its columns ({_shown(fields)}) are not Sensor Logger's "
        "(time, seconds_elapsed, then the axes), so the set was analysed without it. To "
        f"use the {sensor} readings, put Sensor Logger's own {sensor}.csv back in the export.",
    )


_NAME_HINTS = (
    ("uncalibrated", "AccelerometerUncalibrated"),
    ("total", "TotalAcceleration"),
    ("gravity", "Gravity"),
    ("gyro", "Gyroscope"),
)


def _guess_from_name(member: str) -> str:
    lowered = member.lower()
    return next((sensor for key, sensor in _NAME_HINTS if key in lowered), "Accelerometer")


def _lacking(sensor: str, columns: Container[str], /) -> str:
    """The columns of Sensor Logger's ``sensor`` that ``columns`` (in lower case) lacks, or
    its time ('': none lacking)."""
    missing = [c for c in SENSORS[sensor] if c.lower() not in columns]
    if missing:
        return ", ".join(missing)
    return "" if "time" in columns or "seconds_elapsed" in columns else "time/seconds_elapsed"


def _csv_sensor(sensor: str, src: Source, member: str, layout: TextLayout) -> RawSensor:
    label = src.label(member)
    where = {f.strip().lower(): i for i, f in reversed(list(enumerate(layout.fields)))}
    lacking = _lacking(sensor, where) or ("" if layout.has_header else "time/seconds_elapsed")
    if lacking:
        raise FormatError(
            label, f"is not a Sensor Logger {sensor} file: it lacks the columns {lacking}"
        )
    cols = [where[c.lower()] for c in SENSORS[sensor]]
    times = [where[c] for c in ("time", "seconds_elapsed") if c in where]
    parsed = parse_csv(
        src, member, layout, n_fields=len(layout.fields), keep=sorted({*cols, *times})
    )
    values = blank_beyond(parsed.stacked(cols))
    return RawSensor(
        sensor,
        label,
        parsed.times(where["time"])[:2] if "time" in where else None,
        parsed.times(where["seconds_elapsed"])[:2] if "seconds_elapsed" in where else None,
        values,
        parsed.unparsed_rows,
    )


def _load_json(data: bytes, *, path: str) -> dict[str, RawSensor]:
    try:
        rows = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        raise FormatError(path, f"is not valid JSON ({_json_fault(exc)}); export it again") from exc
    if not isinstance(rows, list) or not all(isinstance(r, dict) and "sensor" in r for r in rows):
        raise FormatError(
            path, 'is not a Sensor Logger JSON export (an array of objects with a "sensor" key)'
        )
    groups: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        sensor = SENSOR_BY_KEY.get(str(row["sensor"]).lower())
        if sensor is not None:
            groups.setdefault(sensor, []).append(row)
    if not groups:
        raise FormatError(path, "holds no accelerometer, gyroscope or wrist-motion rows")
    return {name: _json_sensor(name, group, label=path) for name, group in groups.items()}


def _load_sqlite(on_disk: str, *, label: str) -> dict[str, RawSensor]:
    """The sensors of an SQLite export, opened read-only (the file is never changed, and no
    journal is written beside it): a table per sensor, named as its CSV, as Sensor Logger
    documents it (``SELECT * FROM Accelerometer``); else one table of rows with a ``sensor``
    column, as its JSON export holds them."""
    import sqlite3  # 9 ms: only for this format

    uri = f"{Path(on_disk).resolve().as_uri()}?mode=ro&immutable=1"
    sensors: dict[str, RawSensor] = {}
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            tables = [
                str(t) for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            ]
            for table in tables:
                sensor = SENSOR_BY_KEY.get(table.lower())
                if sensor is not None and sensor not in sensors:
                    sensors[sensor] = _sqlite_sensor(db, table, sensor, label=label)
            for table in tables if not sensors else ():
                sensors.update(_sqlite_rows_by_sensor(db, table, label=label))
    except sqlite3.Error as exc:
        raise ReadError(
            label, f"cannot be read as SQLite ({one_line(exc)}); export it again"
        ) from exc
    if not sensors:
        raise FormatError(
            label,
            "is an SQLite file with no Sensor Logger sensor tables (Accelerometer, "
            "TotalAcceleration, Gyroscope ...); give the Sensor Logger export",
        )
    return sensors


def _quoted(name: str, /) -> str:
    """A table's or column's name as the file gives it, quoted for SQL (its quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def _columns_of(db: sqlite3.Connection, table: str) -> dict[str, str]:
    """A table's column names by their lower case."""
    return {
        str(row[1]).lower(): str(row[1])
        for row in db.execute(f"PRAGMA table_info({_quoted(table)})")
    }


def _sqlite_sensor(
    db: sqlite3.Connection, table: str, sensor: str, *, label: str, rows_of: str | None = None
) -> RawSensor:
    """One sensor's table, its columns found by name as in the CSVs; ``rows_of``: only the
    rows whose ``sensor`` column names it (in any case)."""
    where = f"{label} [{table}]" if rows_of is None else f"{label} [{table}: {sensor}]"
    columns = _columns_of(db, table)
    lacking = _lacking(sensor, columns)
    if lacking:
        raise FormatError(
            where, f"is not a Sensor Logger {sensor} table: it lacks the columns {lacking}"
        )
    only = "" if rows_of is None else f" WHERE lower({_quoted(columns['sensor'])}) = ?"

    def column(name: str) -> list[object]:  # a column at a time: one list of numbers in memory
        query = f"SELECT {_quoted(columns[name.lower()])} FROM {_quoted(table)}{only}"
        return [value for (value,) in db.execute(query, () if rows_of is None else (rows_of,))]

    return _from_cells(
        sensor, where, column, timed="time" in columns, elapsed="seconds_elapsed" in columns
    )


def _sqlite_rows_by_sensor(
    db: sqlite3.Connection, table: str, *, label: str
) -> dict[str, RawSensor]:
    """The sensors in a table of rows with a ``sensor`` column (none without one)."""
    columns = _columns_of(db, table)
    if "sensor" not in columns:
        return {}
    names = db.execute(f"SELECT DISTINCT lower({_quoted(columns['sensor'])}) FROM {_quoted(table)}")
    found = [(str(key), SENSOR_BY_KEY[str(key)]) for (key,) in names if str(key) in SENSOR_BY_KEY]
    return {
        sensor: _sqlite_sensor(db, table, sensor, label=label, rows_of=key) for key, sensor in found
    }


def _json_fault(exc: ValueError | RecursionError, /) -> str:
    """What is wrong with a JSON text, in words that name no Python function."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deep"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if "digits" in str(exc):  # Python's limit on the digits of an integer
        return "a number with thousands of digits"
    return one_line(exc)


def _json_sensor(sensor: str, rows: Sequence[dict[str, object]], *, label: str) -> RawSensor:
    return _from_cells(
        sensor,
        f"{label} [{sensor}]",
        lambda name: [r.get(name) for r in rows],
        timed=any("time" in r for r in rows),
        elapsed=True,
    )


def _from_cells(
    sensor: str,
    label: str,
    cells: Callable[[str], Sequence[object]],
    /,
    *,
    timed: bool,
    elapsed: bool,
) -> RawSensor:
    """A sensor from its cells, a column at a time (``cells(name)``: numbers, text or None),
    as the JSON and SQLite exports hold them; ``timed`` and ``elapsed``: whether it has the
    ``time`` and ``seconds_elapsed`` columns."""
    values = blank_beyond(np.column_stack([_floats(cells(c)) for c in SENSORS[sensor]]))
    seconds = _floats(cells("seconds_elapsed")) if elapsed else None
    return RawSensor(
        sensor,
        label,
        _ints(cells("time")) if timed else None,
        None if seconds is None else (seconds, np.isfinite(seconds)),
        values,
    )


def _floats(items: Sequence[object]) -> FloatArray:
    try:
        return np.array(items, dtype=np.float64)
    except (ValueError, TypeError, OverflowError):
        return np.array([_one_float(v) for v in items], dtype=np.float64)


def _one_float(value: object) -> float:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except (ValueError, OverflowError):
            return float("nan")
    return float("nan")


_INT = re.compile(r"^\s*[+-]?\d{1,19}\s*$")


def _ints(items: Sequence[object]) -> tuple[IntArray | FloatArray, BoolArray]:
    """ns epoch times as int64 (floats would lose the last digits); floats if none are ints."""
    parsed = [_one_int(v) for v in items]
    ok = np.array([v is not None for v in parsed], dtype=bool)
    if not ok.any():
        floats = _floats(items)
        return floats, np.isfinite(floats)
    return np.array([v or 0 for v in parsed], dtype=np.int64), ok


def _one_int(value: object) -> int | None:
    if type(value) is int and abs(value) < 2**63:
        return value
    if isinstance(value, str) and _INT.match(value) and abs(int(value)) < 2**63:
        return int(value)
    return None


@record
class _Plan:
    layout: str
    acc: str
    extra: tuple[str, ...]
    gravity_included: bool | None  # None: decide from content


def _plan(sensors: Mapping[str, RawSensor], *, path: str) -> _Plan:
    if "TotalAcceleration" in sensors:
        return _Plan("android", "TotalAcceleration", (), True)
    if "Accelerometer" in sensors and "Gravity" in sensors:
        return _Plan("ios", "Accelerometer", ("Gravity",), True)
    if "AccelerometerUncalibrated" in sensors:
        return _Plan("uncalibrated", "AccelerometerUncalibrated", (), True)
    if "Accelerometer" in sensors:
        return _Plan("accelerometer", "Accelerometer", (), None)
    if "WristMotion" in sensors:
        return _Plan("watch", "WristMotion", (), True)
    raise FormatError(
        path,
        f"has {', '.join(sensors)} but no accelerometer (Accelerometer, TotalAcceleration "
        "or WristMotion); the shaking is measured from acceleration: record with the "
        "accelerometer on",
    )


def _assemble(
    sensors: Mapping[str, RawSensor],
    *,
    path: str,
    fmt: str,
    options: ReadOptions,
    flags: Sequence[QualityFlag] = (),
) -> Recording:
    plan = _plan(sensors, path=path)
    gyro_name = "Gyroscope" if "Gyroscope" in sensors and plan.layout != "watch" else None
    used = [sensors[n] for n in (plan.acc, *plan.extra, *([gyro_name] if gyro_name else []))]
    use_ns = all(s.time_ns is not None for s in used)
    flags = [*flags, *ignored_options(options, "a Sensor Logger export states them")]
    not_ns = [s for s in used if s.time_ns is not None and not _in_ns(*s.time_ns)]
    if use_ns and not_ns and any(s.elapsed_s is None for s in used):
        raise FormatError(
            not_ns[0].label,
            "has a time column that is not nanoseconds since 1970, as Sensor Logger writes "
            "it, and no seconds_elapsed column: export the recording again",
        )
    if use_ns and all(s.elapsed_s is not None for s in used):
        rounded = [s.name for s in used if s.time_ns is not None and not times_resolve(*s.time_ns)]
        if not_ns:
            use_ns = False
            flags.append(_elapsed_used("time_not_ns", [s.name for s in not_ns], _NOT_NS))
        elif rounded:
            use_ns = False
            flags.append(_elapsed_used("time_rounded", rounded, _ROUNDED))
    for sensor in used:
        flags.extend(_to_si(sensor, options))
    if gyro_name is None and plan.layout != "watch" and options.gyro_unit is not None:
        flags.append(ignored("gyroscope unit", "the export has no Gyroscope file"))
    streams = [_stream(s, used, use_ns=use_ns, path=path, flags=flags) for s in used]
    t_s, acc_values, others, align_flags = align(streams[0], streams[1:], path=path)
    flags.extend(align_flags)
    acc, gyro = _compose(plan, acc_values, others, has_gyro=gyro_name is not None)
    gravity = plan.gravity_included if plan.gravity_included is not None else gravity_in(acc)
    origin = time_origin([_time_of(s, use_ns) for s in used])
    start_ns = int(origin) + round(float(t_s[0]) * 1e9) if use_ns and t_s.size else None
    meta = {"layout": plan.layout, "sensors": ",".join(s.name for s in used)}
    return build(
        path,
        t_s,
        acc,
        gyro,
        fmt=fmt,
        gravity_included=gravity,
        flags=flags,
        start_epoch_ns=start_ns,
        meta=meta,
    )


NS_FROM = 1e17
"""Sensor Logger's ``time`` counts nanoseconds since 1970, so it lies past 1e17 (early
1973); seconds, milliseconds or microseconds since 1970 (a file saved again by another
tool) lie at 1e15 or below."""


def _in_ns(times: IntArray | FloatArray, ok: BoolArray, /) -> bool:
    """True when the first usable ``times`` read as nanoseconds since 1970 (or none is)."""
    head = times[:1024][ok[:1024]]
    return head.size == 0 or float(np.median(np.abs(head))) >= NS_FROM


_NOT_NS = "is not nanoseconds since 1970, as Sensor Logger writes it (saved again by another tool?)"
_ROUNDED = (
    "has lost its precision (saved from a spreadsheet, nanosecond times keep only a few digits)"
)


def _elapsed_used(code: str, names: Sequence[str], why: str, /) -> QualityFlag:
    """The quality entry for sensors timed by seconds_elapsed, their time column ``why``."""
    return QualityFlag(
        code,
        "warning",
        f"{', '.join(names)}: the time column {why}; seconds_elapsed was used instead, so the "
        "recording has no clock time",
    )


def _time_of(sensor: RawSensor, use_ns: bool) -> tuple[IntArray | FloatArray, BoolArray]:
    pair = sensor.time_ns if use_ns else sensor.elapsed_s
    if pair is None:
        raise ReadError(sensor.label, "has neither a time nor a seconds_elapsed column")
    return pair


def _stream(
    sensor: RawSensor,
    used: Sequence[RawSensor],
    *,
    use_ns: bool,
    path: str,
    flags: list[QualityFlag],
) -> Stream:
    t_raw, t_ok = _time_of(sensor, use_ns)
    values = sensor.values
    zeros = drop_leading_zeros(values) if sensor.name != "WristMotion" else 0
    if zeros:
        t_raw, t_ok, values = t_raw[zeros:], t_ok[zeros:], values[zeros:]
        flags.append(
            QualityFlag(
                "leading_zero_rows",
                "info",
                f"{sensor.name}: dropped {zeros} all-zero rows at the start",
            )
        )
    stream = clean_stream(
        t_raw,
        t_ok,
        values,
        origin=time_origin([_time_of(s, use_ns) for s in used]),
        seconds_per_unit=1e-9 if use_ns else 1.0,
        label=sensor.name,
        path=path,
        unparsed_rows=sensor.unparsed_rows,
    )
    flags.extend(stream.flags)
    return stream


def _to_si(sensor: RawSensor, options: ReadOptions) -> list[QualityFlag]:
    """Convert a sensor's values to m/s^2 and rad/s in place; the flags say what was assumed."""
    values, name = sensor.values, sensor.name
    if name == "Gyroscope":
        return gyro_to_rads(values, given=options.gyro_unit, stated="rads", label=name)[1]
    if name != "WristMotion":
        stated = DOCUMENTED_UNITS.get(name)  # None (Uncalibrated): judged from the data
        return acc_to_mps2(values, given=options.acc_unit, stated=stated, label=name)[1]
    flags = gyro_to_rads(values[:, 0:3], given=options.gyro_unit, stated="rads", label=name)[1]
    in_g = looks_like_g(values[:, 3:6])  # gravity alone: about 1 in g, 9.8 in m/s^2
    stated = "g" if in_g else "mps2"
    flags += acc_to_mps2(values[:, 3:9], given=options.acc_unit, stated=stated, label=name)[1]
    if not in_g and options.acc_unit is None:
        flags.append(
            QualityFlag(
                "unit_assumed",
                "info",
                f"{name}: gravity and acceleration read in m/s^2, not Sensor Logger's usual g: "
                "their gravity is about 9.8 (its units were standardised)",
            )
        )
    return flags


def _compose(
    plan: _Plan, acc_values: FloatArray, others: Sequence[FloatArray], *, has_gyro: bool
) -> tuple[FloatArray, FloatArray | None]:
    if plan.layout == "watch":
        rotation, gravity, user = acc_values[:, 0:3], acc_values[:, 3:6], acc_values[:, 6:9]
        return user + gravity, np.ascontiguousarray(rotation)
    acc = acc_values + others[0] if plan.layout == "ios" else acc_values
    return acc, (others[-1] if has_gyro else None)
