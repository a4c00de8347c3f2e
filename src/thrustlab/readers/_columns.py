"""Column names to roles (time, ax..az, gx..gz) and units: the vocabulary is data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

ACC = ("ax", "ay", "az")
GYRO = ("gx", "gy", "gz")
"""The accelerometer's and the gyroscope's column roles, in x, y, z order."""
TIME_NAMES = frozenset(
    {
        "time",
        "t",
        "timestamp",
        "time_stamp",
        "ts",
        "seconds_elapsed",
        "elapsed",
        "elapsed_time",
        "time_elapsed",
        "epoch",
        "sec",
        "seconds",
    }
)
TIME_UNITS = {
    "s": "s",
    "sec": "s",
    "secs": "s",
    "seconds": "s",
    "ms": "ms",
    "msec": "ms",
    "millis": "ms",
    "milliseconds": "ms",
    "us": "us",
    "usec": "us",
    "micros": "us",
    "microseconds": "us",
    "ns": "ns",
    "nsec": "ns",
    "nanos": "ns",
    "nanoseconds": "ns",
}
ACC_PREFIXES = frozenset(
    {
        "",
        "a",
        "acc",
        "accel",
        "accl",
        "acceleration",
        "accelerometer",
        "total_acceleration",
        "totalacceleration",
        "linear_acceleration",
        "linearacceleration",
        "lin_acc",
        "user_acceleration",
        "useracceleration",
    }
)
GRAVITY_FREE_PREFIXES = frozenset(
    {
        "linear_acceleration",
        "linearacceleration",
        "lin_acc",
        "user_acceleration",
        "useracceleration",
    }
)
GYRO_PREFIXES = frozenset(
    {
        "g",
        "w",
        "gyr",
        "gyro",
        "gyroscope",
        "omega",
        "rot",
        "rotation_rate",
        "rotationrate",
        "angular_velocity",
        "ang_vel",
    }
)
ACC_UNITS = {
    "g": "g",
    "gs": "g",
    "m_s2": "mps2",
    "m_s_2": "mps2",
    "mps2": "mps2",
    "ms2": "mps2",
    "m_s_s": "mps2",
}
GYRO_UNITS = {
    "deg_s": "degs",
    "degs": "degs",
    "deg_sec": "degs",
    "dps": "degs",
    "deg": "degs",
    "rad_s": "rads",
    "rads": "rads",
    "rad_sec": "rads",
    "rps": "rads",
    "rad": "rads",
}
_WORD_BREAKS = re.compile(r"[^a-z0-9]+")
_AXIS = re.compile(r"^(?P<prefix>[a-z_]*?)_?(?P<axis>[xyz])(?:_(?P<unit>[a-z0-9_]+))?$")


def normalise(name: str, /) -> str:
    """``"Acceleration x (m/s^2)"`` -> ``"acceleration_x_m_s2"``; ``"accelX"`` -> ``"accelx"``;
    the word "axis" goes: ``"x-axis (deg/s)"`` -> ``"x_deg_s"``."""
    text = name.strip().lower().replace("µ", "u").replace("°", "deg").replace("²", "2")
    text = text.replace("^", "")
    words = [w for w in _WORD_BREAKS.split(text) if w and w != "axis"]
    return "_".join(words)


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column index plays which role, and the units the names state (None: silent)."""

    index: dict[str, int] = field(default_factory=dict)
    time_unit: str | None = None
    acc_unit: str | None = None
    gyro_unit: str | None = None
    gravity_free: bool = False

    def has(self, *roles: str) -> bool:
        return all(r in self.index for r in roles)


def map_columns(names: Sequence[str], /) -> ColumnMap:
    """Recognise time, accelerometer and gyroscope columns by name; the first match wins."""
    index: dict[str, int] = {}
    units: dict[str, str] = {}
    gravity_free = False
    for i, raw in enumerate(names):
        name = normalise(raw)
        time_unit = _time_unit(name)
        if time_unit is not None:
            if "time" not in index:
                index["time"] = i
                if time_unit:
                    units["time"] = time_unit
            continue
        match = _AXIS.match(name)
        if match is None:
            continue
        prefix, axis, unit = match["prefix"].rstrip("_"), match["axis"], match["unit"] or ""
        kind = _sensor_kind(prefix, unit)
        if kind is None or f"{kind}{axis}" in index:
            continue
        index[f"{kind}{axis}"] = i
        table = ACC_UNITS if kind == "a" else GYRO_UNITS
        if unit in table:
            units.setdefault(kind, table[unit])
        gravity_free = gravity_free or (kind == "a" and prefix in GRAVITY_FREE_PREFIXES)
    return ColumnMap(index, units.get("time"), units.get("a"), units.get("g"), gravity_free)


def _time_unit(name: str) -> str | None:
    """ "" for a time column whose name states no unit, the unit if it does, None otherwise."""
    if name in TIME_NAMES:
        return "s" if name in ("sec", "seconds", "seconds_elapsed") else ""
    head, _, tail = name.rpartition("_")
    if head in TIME_NAMES and tail in TIME_UNITS:
        return TIME_UNITS[tail]
    return None


def _sensor_kind(prefix: str, unit: str) -> str | None:
    """ "a" (acceleration), "g" (rotation rate) or None; a bare axis goes by its unit, and a
    bare axis in a unit of neither (``"X (µT)"``, a magnetometer) is not a motion column."""
    if prefix in GYRO_PREFIXES:
        return "g"
    if prefix == "" and unit:
        return "g" if unit in GYRO_UNITS else "a" if unit in ACC_UNITS else None
    return "a" if prefix in ACC_PREFIXES else None


def map_given(columns: Sequence[str], /) -> ColumnMap:
    """Roles from ``ReadOptions.columns`` (``"_"`` ignores a column)."""
    return ColumnMap({name: i for i, name in enumerate(columns) if name != "_"})
