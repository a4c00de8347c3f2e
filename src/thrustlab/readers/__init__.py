"""Read sensor recordings into a :class:`~thrustlab.recording.Recording`.

Formats (``FORMATS``), told apart by content, not by file name:

- ``"sensorlogger"``: a Sensor Logger zip export, its folder, or one of its CSVs;
- ``"sensorlogger-json"``: Sensor Logger's JSON export;
- ``"sensorlogger-sqlite"``: Sensor Logger's SQLite export;
- ``"phyphox"``: a phyphox export (folder or zip of CSVs) or its ``Raw Data.csv``;
- ``"csv"``: any CSV with a time column (or a stated rate) and accelerometer columns.

Every failure is a :class:`~thrustlab.errors.ReadError` (or its ``FormatError``) naming the
file; repairs that still let the data be used (dropped rows, sorting, de-duplication,
alignment of sensors) become ``Recording.quality`` entries. pyarrow loads on first read.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from thrustlab.errors import FormatError
from thrustlab.readers._formats import (
    RECORDING_SUFFIXES,
    SPREADSHEET,
    SPREADSHEET_SUFFIXES,
    SQLITE_START,
    VIDEO_SUFFIXES,
)
from thrustlab.readers._options import COLUMN_ROLES, ReadOptions

if TYPE_CHECKING:
    from thrustlab.readers._source import Source
    from thrustlab.recording import Recording

__all__ = [
    "COLUMN_ROLES",
    "FORMATS",
    "RECORDING_SUFFIXES",
    "SPREADSHEET",
    "SPREADSHEET_SUFFIXES",
    "SQLITE_START",
    "VIDEO_SUFFIXES",
    "ReadOptions",
    "detect_format",
    "read",
]

FORMATS = ("sensorlogger", "sensorlogger-json", "sensorlogger-sqlite", "phyphox", "csv")


def detect_format(path: str | os.PathLike[str], /) -> str:
    """The format ``path`` holds (one of ``FORMATS``), judged from its content."""
    from thrustlab.readers._sniff import sniff
    from thrustlab.readers._source import open_source

    with open_source(os.fspath(path)) as src:
        return sniff(src)


def read(
    path: str | os.PathLike[str],
    /,
    *,
    format: str | None = None,
    options: ReadOptions | None = None,
) -> Recording:
    """Read a recording; ``format`` forces a format, ``options`` states what files cannot.

    ``options``: the units apply to every format; columns, time unit and rate to generic
    CSVs only (a quality entry says when they were ignored).
    """
    from thrustlab.readers._sniff import sniff
    from thrustlab.readers._source import open_source

    where = os.fspath(path)
    opts = options if options is not None else ReadOptions()
    if format is not None and format not in FORMATS:
        raise FormatError(where, f"unknown format {format!r}; use one of {', '.join(FORMATS)}")
    with open_source(where) as src:
        if format is None:
            return _read_as(src, sniff(src), opts)
        try:
            return _read_as(src, format, opts)
        except FormatError as exc:
            raise FormatError(
                exc.path,
                f"does not fit the forced format {format!r}: {exc.problem}",
                option=exc.option,
                value=exc.value,
            ) from exc


def _read_as(src: Source, fmt: str, options: ReadOptions) -> Recording:
    if fmt == "sensorlogger":
        from thrustlab.readers.sensorlogger import read_sensorlogger

        return read_sensorlogger(src, options=options)
    if fmt == "sensorlogger-json":
        from thrustlab.readers.sensorlogger import read_sensorlogger_json

        return read_sensorlogger_json(src, options=options)
    if fmt == "sensorlogger-sqlite":
        from thrustlab.readers.sensorlogger import read_sensorlogger_sqlite

        return read_sensorlogger_sqlite(src, options=options)
    if fmt == "phyphox":
        from thrustlab.readers.phyphox import read_phyphox

        return read_phyphox(src, options=options)
    from thrustlab.readers.generic import read_csv

    return read_csv(src, options=options)
