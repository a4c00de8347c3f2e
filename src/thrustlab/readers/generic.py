"""Generic CSV: a time column (or a stated rate), three accelerometer columns, maybe a gyro."""

from __future__ import annotations

from typing import Any

import numpy as np

from thrustlab.errors import FormatError, ReadError
from thrustlab.quality import QualityFlag
from thrustlab.readers._clean import (
    FloatArray,
    IntArray,
    blank_absurd,
    build,
    clean_stream,
    gravity_in,
    magnitudes,
    time_origin,
)
from thrustlab.readers._columns import ColumnMap, map_columns, map_given
from thrustlab.readers._csv import TextLayout, parse_csv, text_layout
from thrustlab.readers._options import SECONDS_PER, ReadOptions
from thrustlab.readers._source import Source
from thrustlab.recording import G_MPS2, Recording

ACC = ("ax", "ay", "az")
GYRO = ("gx", "gy", "gz")
RATE_RANGE_HZ = (1.0, 2000.0)
"""Rates a time unit is detected for; the unit putting the rate nearest 100 Hz wins."""
TYPICAL_RATE_HZ = 100.0
GUESSED = {
    3: ("ax", "ay", "az"),
    4: ("time", "ax", "ay", "az"),
    5: ("time", "ax", "ay", "az", "_"),
    6: ("ax", "ay", "az", "gx", "gy", "gz"),
}
"""Headerless layouts assumed when no ReadOptions.columns are given (with a warning)."""


def read_csv(src: Source, /, *, options: ReadOptions) -> Recording:
    path = src.path
    if src.kind != "file":
        raise FormatError(path, f"is a {src.kind}, not a CSV file; give the CSV itself")
    data = src.read(src.names[0])
    layout = text_layout(data, label=path)
    columns, flags = _columns(layout, options, path=path)
    if not columns.has(*ACC):
        shown = ", ".join(layout.fields[:12])
        raise FormatError(
            path,
            f"has no recognisable accelerometer columns (header: {shown}); name them ax, ay, az "
            "or pass ReadOptions(columns=...)",
        )
    with_gyro = columns.has(*GYRO)
    roles = ["time", *ACC, *(GYRO if with_gyro else ())]
    keep = [columns.index[r] for r in roles if r in columns.index]
    parsed = parse_csv(data, layout, label=path, n_fields=len(layout.fields), keep=keep)
    values = np.column_stack([parsed.floats(columns.index[r]) for r in roles[1:]])
    values = _to_si(blank_absurd(values), columns, options, with_gyro=with_gyro, flags=flags)
    if "time" in columns.index:
        t_raw, t_ok = parsed.times(columns.index["time"])
        unit = options.time_unit or columns.time_unit or ""
        if not unit:
            unit = _detect_unit(t_raw, t_ok, path=path)
            flags.append(
                QualityFlag(
                    "time_unit_detected",
                    "info",
                    f"the time column was read in {unit} (from its median step; "
                    "pass ReadOptions(time_unit=...) to say otherwise)",
                )
            )
    elif options.rate_hz is not None:
        t_raw, t_ok = np.arange(parsed.n_rows, dtype=np.float64), np.ones(parsed.n_rows, bool)
        unit = "rate"
    else:
        raise ReadError(
            path,
            "has no time column; pass ReadOptions(rate_hz=...) with the rate it was recorded at",
        )
    per_unit = 1.0 / options.rate_hz if unit == "rate" and options.rate_hz else SECONDS_PER[unit]
    stream = clean_stream(
        t_raw,
        t_ok,
        values,
        origin=time_origin([(t_raw, t_ok & np.all(np.isfinite(values), axis=1))]),
        seconds_per_unit=per_unit,
        label="rows",
        path=path,
        unparsed_rows=parsed.unparsed_rows,
    )
    acc = stream.values[:, :3]
    gravity = gravity_in(acc) if acc.size and not columns.gravity_free else False
    return build(
        path,
        stream.t_s,
        acc,
        stream.values[:, 3:] if with_gyro else None,
        fmt="csv",
        gravity_included=gravity,
        flags=[*flags, *stream.flags],
        meta={"time_unit": unit, "columns": ",".join(roles)},
    )


def _columns(
    layout: TextLayout, options: ReadOptions, *, path: str
) -> tuple[ColumnMap, list[QualityFlag]]:
    n_fields = len(layout.fields)
    if options.columns is not None:
        if len(options.columns) > n_fields:
            raise ReadError(
                path,
                f"ReadOptions.columns names {len(options.columns)} columns but the file has "
                f"{n_fields} per row; fix the column list",
            )
        return map_given(options.columns), []
    if layout.has_header:
        return map_columns(layout.fields), []
    guess = GUESSED.get(n_fields)
    if guess is None or (guess[0] != "time" and options.rate_hz is None):
        raise ReadError(
            path,
            f"has no header row and {n_fields} columns; pass ReadOptions(columns=(...)) "
            "naming them (time, ax, ay, az, gx, gy, gz or _)",
        )
    flag = QualityFlag(
        "columns_guessed",
        "warning",
        f"no header row; assumed the columns are {', '.join(guess)} "
        "(pass ReadOptions(columns=...) to say otherwise)",
    )
    return map_given(guess), [flag]


def _to_si(
    values: FloatArray,
    columns: ColumnMap,
    options: ReadOptions,
    *,
    with_gyro: bool,
    flags: list[QualityFlag],
) -> FloatArray:
    acc_unit = options.acc_unit or columns.acc_unit or "mps2"
    if acc_unit == "g":
        values[:, :3] *= G_MPS2
    elif options.acc_unit is None and columns.acc_unit is None:
        norms = magnitudes(values[:, :3])
        norms = norms[np.isfinite(norms)]
        if norms.size and 0.7 < np.median(norms) < 1.3:
            flags.append(
                QualityFlag(
                    "acc_unit_maybe_g",
                    "warning",
                    "acceleration read as m/s^2 but its size is about 1: it may be in g; "
                    "pass ReadOptions(acc_unit='g') if so",
                )
            )
    if with_gyro and (options.gyro_unit or columns.gyro_unit) == "degs":
        values[:, 3:] *= np.pi / 180.0
    return values


def _detect_unit(t_raw: FloatArray | IntArray, t_ok: np.ndarray[Any, Any], *, path: str) -> str:
    """The time unit that puts the median interval's rate in 1-2000 Hz, nearest 100 Hz."""
    usable = t_raw[t_ok]
    if usable.size < 2:
        return "s"  # too few rows for any unit: building the recording says so
    steps = np.diff(usable.astype(np.float64))
    steps = steps[steps > 0]
    if steps.size == 0:
        raise ReadError(path, "has a time column that never increases; check the file")
    median = float(np.median(steps))
    fits = {
        unit: 1.0 / (median * scale)
        for unit, scale in SECONDS_PER.items()
        if RATE_RANGE_HZ[0] <= 1.0 / (median * scale) <= RATE_RANGE_HZ[1]
    }
    if not fits:
        raise ReadError(
            path,
            f"has a median time step of {median:g} that fits no unit at 1-2000 Hz; "
            "pass ReadOptions(time_unit=...)",
        )
    return min(fits, key=lambda u: abs(np.log(fits[u] / TYPICAL_RATE_HZ)))
