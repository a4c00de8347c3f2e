"""Which format a path holds, from its content: zip members, JSON start, CSV header."""

from __future__ import annotations

from thrustlab.errors import FormatError, ReadError
from thrustlab.readers._csv import text_layout
from thrustlab.readers._formats import SPREADSHEET, SQLITE_START
from thrustlab.readers._headers import (
    is_phyphox_header,
    is_sensorlogger_header,
    is_sensorlogger_metadata,
    sensor_name,
)
from thrustlab.readers._source import HEAD_BYTES, Source

MAX_SNIFFED_MEMBERS = 50
_OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
"""How an old Excel workbook (.xls) starts."""
_SPREADSHEET_MEMBERS = ("xl/workbook.xml", "content.xml")
"""A zip holding one of these is an Excel (.xlsx) or OpenDocument (.ods) workbook."""


def sniff(src: Source, /) -> str:
    """The format of an opened source (one of ``FORMATS``)."""
    return _sniff_file(src) if src.kind == "file" else _sniff_export(src)


def _sniff_file(src: Source) -> str:
    head = src.head(src.names[0], HEAD_BYTES + 1)
    if head.startswith(_OLE2):
        raise FormatError(src.path, SPREADSHEET)
    if head.startswith(SQLITE_START):
        return "sensorlogger-sqlite"
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start == b"<":
        raise FormatError(
            src.path,
            "is XML or HTML (a KML track, a .phyphox experiment?), not a sensor recording; "
            "give the recording as the app exports it for analysis (Sensor Logger: Zip; "
            "phyphox: Export Data, then CSV)",
        )
    if start in (b"[", b"{"):
        if b'"sensor"' in head:
            return "sensorlogger-json"
        raise FormatError(src.path, 'is JSON but not a Sensor Logger export (no "sensor" key)')
    fields = text_layout(head, label=src.path).fields
    if is_sensorlogger_metadata(fields):
        raise FormatError(
            src.path,
            "is Sensor Logger's Metadata.csv (the phone's details), not its readings; give "
            "the whole export (its zip) or its TotalAcceleration.csv or Accelerometer.csv",
        )
    if is_sensorlogger_header(fields):
        return "sensorlogger"
    if is_phyphox_header(fields):
        return "phyphox"
    return "csv"


def _sniff_export(src: Source) -> str:
    """Judged by the members' headers, not their names: phyphox names its files
    ``Accelerometer.csv`` or ``Gyroscope.csv`` too."""
    csvs = src.csv_names
    named = [n for n in csvs if sensor_name(n)]  # Sensor Logger's names first
    found = ""
    for name in [*named, *(n for n in csvs if not sensor_name(n))][:MAX_SNIFFED_MEMBERS]:
        try:
            fields = text_layout(src.head(name), label=src.label(name)).fields
        except ReadError:
            continue
        if sensor_name(name) and is_sensorlogger_header(fields):
            return "sensorlogger"
        if not found and is_phyphox_header(fields):
            found = "phyphox"
    if found:
        return found
    if any(n in src.names for n in _SPREADSHEET_MEMBERS):
        raise FormatError(src.path, SPREADSHEET)
    if len(csvs) == 1:  # one CSV zipped or in a folder: that CSV
        return "csv"
    shown = ", ".join(src.names[:5]) or "nothing"
    raise FormatError(
        src.path,
        f"is a {src.kind} with no Sensor Logger or phyphox files (it holds {shown}); "
        "give a Sensor Logger or phyphox export, or one CSV file",
    )
