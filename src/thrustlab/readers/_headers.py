"""What a file's header and name say about the app that wrote it: Sensor Logger's and
phyphox's CSV headers, and Sensor Logger's file names. Kept apart from their readers (and
numpy), so telling the formats apart loads only the reader of the format found."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from thrustlab.readers._columns import ACC, GYRO, map_columns

XYZ = ("x", "y", "z")
WRIST = (
    *(f"rotationRate{a}" for a in "XYZ"),
    *(f"gravity{a}" for a in "XYZ"),
    *(f"acceleration{a}" for a in "XYZ"),
)
SENSORS: Mapping[str, tuple[str, ...]] = {
    "Accelerometer": XYZ,
    "TotalAcceleration": XYZ,
    "AccelerometerUncalibrated": XYZ,
    "Gravity": XYZ,
    "Gyroscope": XYZ,
    "WristMotion": WRIST,
}
"""The sensors used, and the value columns each must have (by name)."""
SENSOR_BY_KEY = {name.lower(): name for name in SENSORS}
"""Each sensor by its name in lower case (file names and the JSON's ``sensor`` field vary)."""


def sensor_name(member: str, /) -> str | None:
    """``"export/TotalAcceleration.csv"`` -> ``"TotalAcceleration"``; None for other files."""
    base = member.rsplit("/", 1)[-1]
    stem = base[:-4] if base.lower().endswith(".csv") else None
    return SENSOR_BY_KEY.get(stem.lower()) if stem else None


def is_sensorlogger_header(fields: Sequence[str], /) -> bool:
    """Sensor Logger's CSV header: ``seconds_elapsed`` beside ``time`` or its values."""
    lowered = {f.strip().lower() for f in fields}
    return "seconds_elapsed" in lowered and ("time" in lowered or len(lowered) > 3)


SENSORLOGGER_METADATA = frozenset({"version", "device name", "recording time", "platform"})
"""The columns of Sensor Logger's ``Metadata.csv``."""


def is_sensorlogger_metadata(fields: Sequence[str], /) -> bool:
    """Sensor Logger's ``Metadata.csv``: the phone's details, no readings."""
    return {f.strip().lower() for f in fields} >= SENSORLOGGER_METADATA


def is_phyphox_header(fields: tuple[str, ...], /) -> bool:
    """phyphox's ``"Time (s)"`` first, then the three axes of one sensor: accelerometer or
    gyroscope."""
    if len(fields) < 4 or fields[0].strip() != "Time (s)":
        return False
    columns = map_columns(fields)
    return columns.has(*ACC) != columns.has(*GYRO)
