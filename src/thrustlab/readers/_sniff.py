"""Which format a path holds, from its content: zip members, JSON start, CSV header."""

from __future__ import annotations

from thrustlab.errors import FormatError
from thrustlab.readers._csv import text_layout
from thrustlab.readers._source import HEAD_BYTES, Source
from thrustlab.readers.phyphox import is_phyphox_header
from thrustlab.readers.sensorlogger import sensor_name

MAX_SNIFFED_MEMBERS = 50


def sniff(src: Source, /) -> str:
    """The format of an opened source (one of ``FORMATS``)."""
    return _sniff_file(src) if src.kind == "file" else _sniff_export(src)


def _sniff_file(src: Source) -> str:
    head = src.head(src.names[0], HEAD_BYTES + 1)
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if start in (b"[", b"{"):
        if b'"sensor"' in head:
            return "sensorlogger-json"
        raise FormatError(src.path, 'is JSON but not a Sensor Logger export (no "sensor" key)')
    fields = text_layout(head, label=src.path).fields
    lowered = {f.lower() for f in fields}
    if "seconds_elapsed" in lowered and ("time" in lowered or len(lowered) > 3):
        return "sensorlogger"
    if is_phyphox_header(fields):
        return "phyphox"
    return "csv"


def _sniff_export(src: Source) -> str:
    if any(sensor_name(name) for name in src.names):
        return "sensorlogger"
    csvs = [n for n in src.names if n.lower().endswith(".csv")][:MAX_SNIFFED_MEMBERS]
    for name in csvs:
        try:
            fields = text_layout(src.head(name), label=src.label(name)).fields
        except FormatError:
            continue
        if is_phyphox_header(fields):
            return "phyphox"
    shown = ", ".join(src.names[:5]) or "nothing"
    raise FormatError(
        src.path,
        f"is a {src.kind} with no Sensor Logger or phyphox files (it holds {shown}); "
        "give a Sensor Logger or phyphox export, or one CSV file",
    )
