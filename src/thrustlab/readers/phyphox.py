"""phyphox exports: a folder or zip of CSVs (or one of them), files known by header.

phyphox writes one sensor per CSV, every header field quoted, ``"Time (s)"`` first and the
unit in each name: an experiment's ``Raw Data.csv`` (``"Acceleration x (m/s^2)"``,
``"Linear Acceleration x (m/s^2)"``, ``"Gyroscope x (rad/s)"``) or a multi-sensor recording's
``Accelerometer.csv``, ``Linear Acceleration.csv``, ``Gyroscope.csv`` ... (``"X (m/s^2)"``,
``"X (rad/s)"``). Acceleration with gravity is preferred over acceleration without it (a
``Linear ...`` name); a gyroscope file joins when present and is put on the accelerometer's
timestamps. ``meta/time.csv`` gives the start time, ``meta/device.csv`` the phone.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np

from thrustlab.errors import FormatError, ReadError
from thrustlab.quality import QualityFlag
from thrustlab.readers._clean import (
    Stream,
    align,
    blank_beyond,
    build,
    clean_stream,
    gravity_in,
    time_origin,
)
from thrustlab.readers._columns import ACC, GYRO, ColumnMap, map_columns
from thrustlab.readers._csv import TextLayout, first_line, parse_csv, text_layout
from thrustlab.readers._headers import is_phyphox_header
from thrustlab.readers._options import ReadOptions, ignored_options
from thrustlab.readers._source import Source
from thrustlab.readers._units import (
    GYRO_UNIT_NAMES,
    acc_to_mps2,
    gyro_to_rads,
    ignored,
)
from thrustlab.recording import Recording
from thrustlab.records import record

MAX_META_ROWS = 64


@record
class Member:
    """A CSV of the export whose header says it is phyphox sensor data."""

    name: str
    layout: TextLayout
    columns: ColumnMap


def read_phyphox(src: Source, /, *, options: ReadOptions | None = None) -> Recording:
    path = src.path
    given = options or ReadOptions()
    members = _sensor_members(src)
    acc = next((m for m in members if m.columns.has(*ACC) and not _gravity_free(m)), None)
    acc = acc or next((m for m in members if m.columns.has(*ACC)), None)
    if acc is None:
        units = {GYRO_UNIT_NAMES.get(m.columns.gyro_unit or "rads", "") for m in members}
        raise FormatError(
            path,
            f"holds phyphox gyroscope data ({', '.join(sorted(units))}) but no acceleration; "
            "the shaking is measured from acceleration: export 'Acceleration with g' "
            "(or the accelerometer) as CSV",
        )
    gyro = next((m for m in members if m.columns.has(*GYRO)), None)
    used = [(acc, ACC), *([(gyro, GYRO)] if gyro else [])]
    raws = [_load(src, m, roles) for m, roles in used]
    start_s, meta = _meta(src)
    origin = time_origin([(t, ok) for t, ok, _, _ in raws])
    streams: list[Stream] = []
    flags: list[QualityFlag] = []
    flags.extend(ignored_options(given, "a phyphox export states its time and columns"))
    for (member, roles), (t, ok, values, unparsed) in zip(used, raws, strict=True):
        sensor = "gyroscope" if roles == GYRO else "acceleration"
        # a file alone: its path already leads every message about it
        label = sensor if src.kind == "file" else f"{member.name} ({sensor})"
        if roles == GYRO:  # converted in place
            _, unit_flags = gyro_to_rads(
                values, given=given.gyro_unit, stated=member.columns.gyro_unit, label=label
            )
        else:
            _, unit_flags = acc_to_mps2(
                values, given=given.acc_unit, stated=member.columns.acc_unit, label=label
            )
        flags.extend(unit_flags)
        stream = clean_stream(
            t,
            ok,
            values,
            origin=origin,
            seconds_per_unit=1.0,
            label=label,
            path=path,
            unparsed_rows=unparsed,
        )
        streams.append(stream)
        flags.extend(stream.flags)
    t_s, acc_values, others, align_flags = align(streams[0], streams[1:], path=path)
    start_ns = None
    if start_s is not None and t_s.size:
        start_ns = round((start_s + float(origin) + float(t_s[0])) * 1e9)
    if gyro is None and given.gyro_unit is not None:
        flags.append(ignored("gyroscope unit", "the export has no gyroscope file"))
    gravity = not _gravity_free(acc) and bool(acc_values.size) and gravity_in(acc_values)
    return build(
        path,
        t_s,
        acc_values,
        others[0] if others else None,
        fmt="phyphox",
        gravity_included=gravity,
        flags=[*flags, *align_flags],
        start_epoch_ns=start_ns,
        meta={**meta, "acceleration": acc.name, **({"gyroscope": gyro.name} if gyro else {})},
    )


def _sensor_members(src: Source) -> list[Member]:
    found: list[Member] = []
    for name in src.csv_names:
        if _is_meta(name):
            continue
        layout = text_layout(src.head(name), label=src.label(name))
        if is_phyphox_header(layout.fields):
            found.append(Member(name, layout, map_columns(layout.fields)))
    if not found:
        raise FormatError(
            src.path,
            "is not a phyphox export: no CSV starts with a phyphox header "
            '("Time (s)","Acceleration x (m/s^2)",...); export the experiment as CSV',
        )
    return found


def _gravity_free(member: Member) -> bool:
    """Acceleration without gravity: phyphox's "Linear Acceleration" names or file name."""
    base = member.name.rsplit("/", 1)[-1].lower()
    return member.columns.gravity_free or base.startswith("linear")


def _is_meta(name: str) -> bool:
    parts = name.lower().split("/")
    return len(parts) > 1 and parts[-2] == "meta"


def _load(
    src: Source, member: Member, roles: tuple[str, ...]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any], int]:
    index = member.columns.index
    keep = [index["time"], *(index[r] for r in roles)]
    parsed = parse_csv(
        src, member.name, member.layout, n_fields=len(member.layout.fields), keep=keep
    )
    t, ok, _ = parsed.times(index["time"])
    values = blank_beyond(parsed.stacked([index[r] for r in roles]))
    return t, ok, values, parsed.unparsed_rows


def _meta(src: Source) -> tuple[float | None, dict[str, str]]:
    """The START system time (s since the epoch) and the device's properties, if present."""
    start_s: float | None = None
    meta: dict[str, str] = {}
    for name in src.names:
        base = name.lower().rsplit("/", 1)[-1]
        if not _is_meta(name) or base not in ("time.csv", "device.csv"):
            continue
        rows = _small_csv(src.head(name))
        if base == "device.csv":
            meta.update({f"device.{r[0]}"[:80]: r[1][:200] for r in rows[1:] if len(r) >= 2})
            continue
        for row in rows[1:]:
            if len(row) >= 3 and row[0].strip().upper() == "START":
                try:
                    start_s = float(row[2].replace(",", "."))
                except ValueError:
                    start_s = None
    return start_s, meta


def _small_csv(data: bytes) -> list[list[str]]:
    """A meta CSV as rows of text; unreadable content gives no rows (meta is optional)."""
    try:
        text = data[: 64 * 1024].decode("utf-8-sig")
        line = first_line(data, label="meta")
    except (UnicodeDecodeError, ReadError):
        return []
    delimiter = max((",", ";", "\t"), key=line.count)
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))[:MAX_META_ROWS]
    except csv.Error:
        return []
