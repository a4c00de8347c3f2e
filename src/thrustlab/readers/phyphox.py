"""phyphox exports: a folder or zip of CSVs (or one ``Raw Data.csv``), files known by header.

"Acceleration with g" (gravity included) is preferred over "Acceleration without g"
(``Linear Acceleration ...``); a gyroscope file joins when present and is put on the
accelerometer's timestamps. ``meta/time.csv`` gives the start time, ``meta/device.csv`` the
phone.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

from thrustlab.errors import FormatError, ReadError
from thrustlab.quality import QualityFlag
from thrustlab.readers._clean import Stream, align, build, clean_stream, time_origin
from thrustlab.readers._columns import ColumnMap, map_columns, normalise
from thrustlab.readers._csv import TextLayout, first_line, parse_csv, text_layout
from thrustlab.readers._source import Source
from thrustlab.recording import Recording

ACC = ("ax", "ay", "az")
GYRO = ("gx", "gy", "gz")
PHYPHOX_PREFIXES = ("acceleration_", "linear_acceleration_", "gyroscope_")
MAX_META_ROWS = 64


@dataclass(frozen=True, slots=True)
class Member:
    """A CSV of the export whose header says it is phyphox sensor data."""

    name: str
    layout: TextLayout
    columns: ColumnMap


def is_phyphox_header(fields: tuple[str, ...], /) -> bool:
    """``"Time (s)"`` first, then phyphox's acceleration or gyroscope column names."""
    names = [normalise(f) for f in fields]
    return (
        len(names) >= 4
        and names[0] == "time_s"
        and any(n.startswith(PHYPHOX_PREFIXES) for n in names[1:])
    )


def read_phyphox(src: Source, /) -> Recording:
    path = src.path
    members = _sensor_members(src)
    acc = next((m for m in members if m.columns.has(*ACC) and not m.columns.gravity_free), None)
    acc = acc or next((m for m in members if m.columns.has(*ACC)), None)
    if acc is None:
        raise FormatError(
            path, "holds no phyphox acceleration data; export 'Acceleration with g' as CSV"
        )
    gyro = next((m for m in members if m.columns.has(*GYRO)), None)
    used = [(acc, ACC), *([(gyro, GYRO)] if gyro else [])]
    raws = [_load(src, m, roles) for m, roles in used]
    start_s, meta = _meta(src)
    origin = time_origin([(t, ok) for t, ok, _, _ in raws])
    streams: list[Stream] = []
    flags: list[QualityFlag] = []
    for (member, roles), (t, ok, values, unparsed) in zip(used, raws, strict=True):
        label = f"{member.name} ({'gyroscope' if roles == GYRO else 'acceleration'})"
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
    return build(
        path,
        t_s,
        acc_values,
        others[0] if others else None,
        fmt="phyphox",
        gravity_included=not acc.columns.gravity_free,
        flags=[*flags, *align_flags],
        start_epoch_ns=start_ns,
        meta={**meta, "acceleration": acc.name, **({"gyroscope": gyro.name} if gyro else {})},
    )


def _sensor_members(src: Source) -> list[Member]:
    found: list[Member] = []
    for name in src.names:
        if not name.lower().endswith(".csv") or _is_meta(name):
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


def _is_meta(name: str) -> bool:
    parts = name.lower().split("/")
    return len(parts) > 1 and parts[-2] == "meta"


def _load(
    src: Source, member: Member, roles: tuple[str, ...]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any], int]:
    data = src.read(member.name)
    index = member.columns.index
    keep = [index["time"], *(index[r] for r in roles)]
    parsed = parse_csv(
        data,
        member.layout,
        label=src.label(member.name),
        n_fields=len(member.layout.fields),
        keep=keep,
    )
    t, ok = parsed.times(index["time"])
    values = np.column_stack([parsed.floats(index[r]) for r in roles])
    return t, ok, values, parsed.unparsed_rows


def _meta(src: Source) -> tuple[float | None, dict[str, str]]:
    """The START system time (s since the epoch) and the device's properties, if present."""
    start_s: float | None = None
    meta: dict[str, str] = {}
    for name in src.names:
        base = name.lower().rsplit("/", 1)[-1]
        if not _is_meta(name) or base not in ("time.csv", "device.csv"):
            continue
        rows = _small_csv(src.read(name))
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
