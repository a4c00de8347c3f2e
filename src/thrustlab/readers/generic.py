"""Generic CSV: a time column (or a stated rate), three accelerometer columns, maybe a gyro."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from thrustlab.errors import FormatError, ReadError
from thrustlab.quality import QualityFlag
from thrustlab.readers._clean import (
    BoolArray,
    FloatArray,
    IntArray,
    align,
    build,
    clean_rows,
    clean_stream,
    gravity_in,
    time_origin,
    times_resolve,
    usable_rows,
    within_limits,
)
from thrustlab.readers._columns import ACC, GYRO, ColumnMap, is_unit, map_columns, map_given
from thrustlab.readers._csv import (
    Parsed,
    TextLayout,
    parse_csv,
    point_decimal_fields,
    text_layout,
    unwrapped,
    with_units_row,
)
from thrustlab.readers._options import SECONDS_PER, ReadOptions
from thrustlab.readers._source import Source
from thrustlab.readers._units import GYRO_UNIT_NAMES, acc_to_mps2, gyro_to_rads, ignored
from thrustlab.recording import Recording

RATE_RANGE_HZ = (1.0, 2000.0)
"""Rates a time unit is detected for; the unit putting the rate nearest 100 Hz wins."""
TYPICAL_RATE_HZ = 100.0
GUESSED = {
    3: ("ax", "ay", "az"),
    4: ("time", "ax", "ay", "az"),
    5: ("time", "ax", "ay", "az", "_"),
    6: ("ax", "ay", "az", "gx", "gy", "gz"),
}
"""Headerless layouts assumed when no column names are given (with a warning)."""


MAX_NAMED_FIELDS = 32
"""A headerless file with more columns than this is no sensor's (phyphox writes up to about
ten): it gets no ``--columns`` to fill in (one of 2,041 underscores was 4 KB long)."""


def read_csv(src: Source, /, *, options: ReadOptions) -> Recording:
    path = src.path
    if len(src.csv_names) != 1:  # a zip or folder is read when it holds one CSV (``sniff``)
        raise FormatError(path, f"is a {src.kind}, not a CSV file; give the CSV itself")
    name = src.csv_names[0]
    head = src.head(name)
    layout = with_units_row(head, text_layout(head, label=path), is_unit=is_unit)
    columns, flags = _columns(layout, options, path=path)
    if not columns.has(*ACC):
        if columns.has(*GYRO):
            unit = GYRO_UNIT_NAMES.get(columns.gyro_unit or "", "rad/s or deg/s")
            raise FormatError(
                path,
                f"holds gyroscope columns ({unit}) but no accelerometer; the shaking is "
                "measured from acceleration: give the accelerometer's file",
            )
        shown = ", ".join(layout.fields[:12])
        raise FormatError(
            path,
            f"has no recognisable accelerometer columns (header: {shown}); name them ax, ay, az",
            option="columns",
            value="time,ax,ay,az",
        )
    with_gyro = columns.has(*GYRO)
    roles = ["time", *ACC, *(GYRO if with_gyro else ())]
    keep = [columns.index[r] for r in roles if r in columns.index]
    decimals = point_decimal_fields(head, layout)
    parsed = parse_csv(
        src,
        name,
        layout,
        n_fields=len(layout.fields),
        keep=keep,
        floats=[i for i in keep if i in decimals],
    )
    acc = parsed.stacked([columns.index[r] for r in ACC])  # each (N, 3), as the recording
    gyro = parsed.stacked([columns.index[r] for r in GYRO]) if with_gyro else None
    t_raw, t_ok, unit, per_unit = _times(
        parsed,
        columns,
        options,
        above_header=head[: layout.data_offset],
        n_fields=len(layout.fields),
        path=path,
        flags=flags,
    )
    unparsed = parsed.unparsed_rows
    parsed.release()  # before the cleaning copies
    flags.extend(
        acc_to_mps2(acc, given=options.acc_unit, stated=columns.acc_unit, label="accelerometer")[1]
    )
    if gyro is not None:
        _, gyro_flags = gyro_to_rads(
            gyro,
            given=options.gyro_unit,
            stated=columns.gyro_unit,
            label="gyroscope",
            turning=(acc, t_raw, per_unit),  # to judge an unstated unit by
        )
        flags.extend(gyro_flags)
    elif options.gyro_unit is not None:
        flags.append(ignored("gyroscope unit", "the file has no gyroscope columns"))
    acc_ok = None if within_limits(acc) else usable_rows(acc)
    gyro_ok = None if gyro is None or within_limits(gyro) else usable_rows(gyro)
    rows_of_gyro, left_out = ("same", None) if gyro_ok is None else _gyro_rows(acc_ok, gyro_ok)
    if left_out is not None:
        flags.append(left_out)
        gyro = gyro_ok = None
    if gyro is not None and rows_of_gyro == "own":
        assert acc_ok is not None and gyro_ok is not None  # "own": each misses rows
        t_s, acc, gyro, clean_flags = _each_on_its_rows(
            t_raw,
            t_ok,
            (acc, acc_ok),
            (gyro, gyro_ok),
            per_unit=per_unit,
            path=path,
            unparsed_rows=unparsed,
        )
    else:
        usable = t_ok
        for ok in (acc_ok, gyro_ok):
            usable = usable if ok is None else usable & ok
        t_s, rows, dropped = clean_rows(  # on the times: acc and gyro are then taken once
            t_raw,
            usable,
            origin=time_origin([(t_raw, usable)]),
            seconds_per_unit=per_unit,
            label="rows",
            path=path,
            unparsed_rows=unparsed,
            reuse_times=True,  # the seconds may be written over the raw times
            values=(acc, gyro),
        )
        clean_flags = list(dropped)
        if rows is not None:
            acc = acc[rows]
            gyro = gyro[rows] if gyro is not None else None
    gravity = gravity_in(acc) if acc.size and not columns.gravity_free else False
    return build(
        path,
        t_s,
        acc,
        gyro,
        fmt="csv",
        gravity_included=gravity,
        flags=[*flags, *clean_flags],
        meta={"time_unit": unit, "columns": ",".join(roles)},
        samples_finite=True,  # the rows kept are usable: finite, within limits
    )


GYRO_ROWS_NEEDED = 0.9
"""A gyroscope with numbers on fewer of the accelerometer's rows than this is left out:
the shaking is measured from the accelerometer, whose rows are not dropped for it."""


def _gyro_rows(acc_ok: BoolArray | None, gyro_ok: BoolArray) -> tuple[str, QualityFlag | None]:
    """Where the gyroscope has numbers beside the accelerometer (``acc_ok`` None: on every
    row): "own", rows of their own (apps that log several sensors to one file write one
    sensor a row, the other's cells empty); "short", on too few of the accelerometer's rows
    (``GYRO_ROWS_NEEDED``: columns left empty, a sensor that stopped), with the flag saying
    it is left out; else "same", the rows missing either are dropped."""
    acc_rows = gyro_ok.size if acc_ok is None else int(np.count_nonzero(acc_ok))
    gyro_rows = int(np.count_nonzero(gyro_ok))
    both = gyro_rows if acc_ok is None else int(np.count_nonzero(acc_ok & gyro_ok))
    if gyro_rows >= 2 and 2 * both < min(acc_rows, gyro_rows):
        return "own", None
    if both >= GYRO_ROWS_NEEDED * acc_rows:
        return "same", None
    left_out = QualityFlag(
        "gyroscope_left_out",
        "info",
        f"the gyroscope has numbers on only {both} of the accelerometer's {acc_rows} rows; "
        "it was left out, so that no accelerometer row is dropped",
    )
    return "short", left_out


def _each_on_its_rows(
    t_raw: FloatArray | IntArray,
    t_ok: BoolArray,
    acc: tuple[FloatArray, BoolArray],
    gyro: tuple[FloatArray, BoolArray],
    *,
    per_unit: float,
    path: str,
    unparsed_rows: int,
) -> tuple[FloatArray, FloatArray, FloatArray, list[QualityFlag]]:
    """The accelerometer's rows and the gyroscope's (each its values and usable rows), each
    cleaned on its own (``clean_stream``), the gyroscope then put on the accelerometer's
    times (``align``), as in an export of one file per sensor."""
    origin = time_origin([(t_raw, t_ok)])
    streams = []
    for label, (values, usable), unparsed in (
        ("accelerometer", acc, unparsed_rows),
        ("gyroscope", gyro, 0),
    ):
        rows = np.flatnonzero(usable)
        streams.append(
            clean_stream(
                t_raw[rows],
                t_ok[rows],
                values[rows],
                origin=origin,
                seconds_per_unit=per_unit,
                label=label,
                path=path,
                unparsed_rows=unparsed,  # the rows of neither: said once
            )
        )
    t_s, acc_values, (gyro_values,), flags = align(streams[0], streams[1:], path=path)
    return t_s, acc_values, gyro_values, [*streams[0].flags, *streams[1].flags, *flags]


def _times(
    parsed: Parsed,
    columns: ColumnMap,
    options: ReadOptions,
    *,
    above_header: bytes,
    n_fields: int,
    path: str,
    flags: list[QualityFlag],
) -> tuple[FloatArray | IntArray, BoolArray, str, float]:
    """The raw time column, its usable cells, its unit ("rate": row numbers) and the seconds
    in one of that unit. A time column with no number in it (Xsens MT Manager leaves
    ``SampleTimeFine`` empty when it was not asked for) counts as none; without one, the
    rows are timed by ``--rate-hz``, or by the rate the lines above the header state
    (``// Update Rate: 100.0Hz``)."""
    named = "time" in columns.index
    if named:
        t_raw, t_ok, dated = parsed.times(columns.index["time"])
    if named and (t_ok.any() or not t_ok.size):  # no rows at all: said when building
        if any(f.code == "columns_guessed" for f in flags):
            _check_guessed_time(t_raw, t_ok, n_fields, path=path)
        if columns.time_wraps_at and not dated:
            t_raw = unwrapped(t_raw, t_ok, wraps_at=columns.time_wraps_at)
        if not times_resolve(t_raw, t_ok):
            raise ReadError(
                path,
                "has times that barely change from row to row (written with too few digits, "
                "as a spreadsheet saves long numbers: 1.76449E+18); export the recording "
                "again from the app",
            )
        if dated and options.time_unit:
            flags.append(ignored("time unit", "the time column holds dates and times"))
        unit = dated or options.time_unit or columns.time_unit or ""
        if not unit:
            unit = _detect_unit(t_raw, t_ok, path=path)
            flags.append(
                QualityFlag(
                    "time_unit_detected",
                    "info",
                    f"the time column was read in {unit}, judged from its median step "
                    "(the file does not state its unit; state it if this is wrong)",
                )
            )
        return t_raw, t_ok, unit, SECONDS_PER[unit]
    missing = "a time column with no number in it" if named else "no time column"
    rate_hz = options.rate_hz
    if rate_hz is None:
        rate_hz = _stated_rate_hz(above_header)
        if rate_hz is not None:
            flags.append(
                QualityFlag(
                    "rate_from_header",
                    "info",
                    f"the rows were timed by the rate stated above the header ({rate_hz:g} "
                    f"Hz): the file has {missing}",
                )
            )
    if rate_hz is not None:
        n_rows = parsed.n_rows
        return np.arange(n_rows, dtype=np.float64), np.ones(n_rows, dtype=bool), "rate", 1 / rate_hz
    cell = parsed.first_text(columns.index["time"]) if named else None
    if cell is not None:  # text, but no dates in a form known
        missing = f"times in a form not read (the first: {cell[:40]!r})"
        fix = "write them as seconds or as dates such as 2026-11-30T08:00:00.125, or give the rate"
    else:
        fix = "give the rate"
    raise ReadError(
        path,
        f"has {missing}; {fix} it was recorded at",
        option="rate_hz",
        value="RATE",
    )


_STATED_RATE = re.compile(rb"rate[\s:=,]*(\d+(?:\.\d+)?)\s*hz\b", re.IGNORECASE)
"""A rate written above a header: ``// Update Rate: 100.0Hz``, ``OutputRate:,60Hz``,
``# sample rate = 50 Hz``."""


def _stated_rate_hz(above_header: bytes, /) -> float | None:
    """The sampling rate the lines above a header state (the first, if in 1-2000 Hz)."""
    found = _STATED_RATE.search(above_header)
    rate_hz = float(found[1]) if found else None
    return rate_hz if rate_hz is not None and 1.0 <= rate_hz <= 2000.0 else None


def _columns(
    layout: TextLayout, options: ReadOptions, *, path: str
) -> tuple[ColumnMap, list[QualityFlag]]:
    n_fields = len(layout.fields)
    if options.columns is not None:
        if len(options.columns) > n_fields:
            raise ReadError(
                path,
                f"{len(options.columns)} column names were given but the file has "
                f"{n_fields} per row; fix the column list",
                option="columns",
                value=",".join(GUESSED.get(n_fields, ("time", "ax", "ay", "az"))),
            )
        return map_given(options.columns), []
    if layout.has_header:
        columns = map_columns(layout.fields)
        if not columns.by_unit:
            return columns, []
        flag = QualityFlag(
            "columns_by_unit",
            "info",
            f"the columns {', '.join(columns.by_unit)} were read by the units in their names "
            "(the names themselves are not ones thrustlab knows); name the columns if this "
            "is wrong",
        )
        return columns, [flag]
    guess = GUESSED.get(n_fields)
    if n_fields > MAX_NAMED_FIELDS:
        raise ReadError(
            path,
            f"has no header row and {n_fields:,} columns, more than any sensor export writes: "
            "check that it is the recording's CSV, with a line break after each row",
        )
    if guess is None or (guess[0] != "time" and options.rate_hz is None):
        raise ReadError(
            path,
            f"has no header row and {n_fields} columns; name them "
            "(time, ax, ay, az, gx, gy, gz or _ to skip one)",
            option="columns",
            value=_columns_example(n_fields),
        )
    flag = QualityFlag(
        "columns_guessed",
        "warning",
        f"no header row; assumed the columns are {', '.join(guess)} "
        "(name the columns if this is wrong)",
    )
    return map_given(guess), [flag]


def _columns_example(n_fields: int, /) -> str:
    """``--columns`` for ``n_fields`` columns, as a headerless sensor file has them."""
    named = GUESSED.get(n_fields, ("time", "ax", "ay", "az", "gx", "gy", "gz"))
    return ",".join([*named, *["_"] * n_fields][:n_fields])


MAX_TURN_SHARE = 0.01
"""A guessed time column that turns back (a step back after a step on) on more than 1 % of
its rows is no time. A clock that restarts, or a block of rows written backwards, turns back
once or twice; the pdkit phone file with its time column moved last turned back on 7 %
of its rows (at each swing of its "time", which was acceleration, read as 13,366 Hz)."""


ORDINARY_STEPS = 10.0
"""A step up to 10 times the median step's size is an ordinary one."""


def _check_guessed_time(
    t_raw: FloatArray | IntArray, t_ok: BoolArray, n_fields: int, *, path: str
) -> None:
    steps = np.diff(t_raw[t_ok].astype(np.float64))
    if steps.size < 2:  # no turn to see: building the recording says what is missing
        return
    # turns between ordinary steps only: a corrupt cell (a time of 0 or 4.9e-324 among
    # nanosecond epochs) makes two huge steps, not a clock that is no clock
    ordinary = np.abs(steps) <= ORDINARY_STEPS * float(np.median(np.abs(steps)))
    turns = int(np.count_nonzero((steps[1:] < 0) & (steps[:-1] > 0) & ordinary[1:] & ordinary[:-1]))
    if turns > MAX_TURN_SHARE * steps.size:
        raise ReadError(
            path,
            f"has no header row, and its first column, taken for the time, turns back on "
            f"{turns / steps.size:.0%} of its rows, as no clock does: name the columns",
            option="columns",
            value=_columns_example(n_fields),
        )


def _detect_unit(t_raw: FloatArray | IntArray, t_ok: np.ndarray[Any, Any], *, path: str) -> str:
    """The time unit that puts the median interval's rate in 1-2000 Hz, nearest 100 Hz."""
    usable = t_raw[t_ok]
    if usable.size < 2:
        return "s"  # too few rows for any unit: building the recording says so
    steps = np.diff(np.sort(usable.astype(np.float64)))  # rows may come shuffled
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
            "give the time column's unit",
            option="time_unit",
            value="s|ms|us|ns",
        )
    return min(fits, key=lambda u: abs(np.log(fits[u] / TYPICAL_RATE_HZ)))
