"""Column names to roles (time, ax..az, gx..gz) and units: the vocabulary is data."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import field

from thrustlab.records import record

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
        "clock",
        "datetime",
        "date_time",
    }
)
NAMED_CLOCKS: dict[str, tuple[str, int | None]] = {
    "sampletimefine": ("us", 2**32),
    "timestamp_unix": ("ms", None),
    "timestampsync_unix": ("ms", None),
}
"""Time columns known by their name alone, with their unit and the count they wrap at:
Xsens DOT's and MTi's ``SampleTimeFine`` counts microseconds in 32 bits, so it starts again
from 0 every 71.6 minutes, mid-set as likely as not; Shimmer's ``Timestamp_Unix`` counts
milliseconds since 1970."""
_DEVICE_SIGNAL = re.compile(
    r"^(?:[a-z0-9]+_)*?(?P<signal>accel_(?:ln|wr)_[xyz]|gyro_[xyz]|timestamp(?:sync)?_unix)"
    r"_cal(?P<unit>_[a-z0-9_]+)?$"
)
"""Shimmer's calibrated signals (Consensys exports) behind the device's or the trial's name:
``Shimmer_40AC_Accel_LN_X_CAL``, ``Number3_Gyro_X_CAL``; the low-noise (``LN``) and the
wide-range (``WR``) accelerometer. Its raw signals (``_RAW``, in counts) are not taken."""
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
G_FORCE_PREFIXES = frozenset({"gf", "g_force", "gforce"})
"""Accelerometer columns in g by their name: Physics Toolbox's ``gFx, gFy, gFz`` (g-force)."""
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
        "freeacc",
        "accel_ln",
        "accel_wr",
        *G_FORCE_PREFIXES,
    }
)
GRAVITY_FREE_PREFIXES = frozenset(
    {
        "linear_acceleration",
        "linearacceleration",
        "lin_acc",
        "user_acceleration",
        "useracceleration",
        "freeacc",
    }
)
"""Accelerations with gravity taken out (Xsens' ``FreeAcc_X``: free acceleration): used only
when the file holds no accelerometer with gravity in it, whose direction tells the angle."""
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
    "mg": "mg",
    "milli_g": "mg",
    "millig": "mg",
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
    "mdps": "mdps",
    "mdeg_s": "mdps",
    "rad_s": "rads",
    "rads": "rads",
    "rad_sec": "rads",
    "rps": "rads",
    "rad": "rads",
}
RATE_UNITS = frozenset(u for u in GYRO_UNITS if u not in ("deg", "rad"))
"""Units of a rotation rate: a bare angle (``deg``, ``rad``) tells no rate by itself."""
NOT_ACCELERATION = "grav"
"""A column named for gravity (gravity, gravité, gravedad...) is not the phone's acceleration,
whatever its unit."""
_WORD_BREAKS = re.compile(r"[^a-z0-9]+")
_AXIS = re.compile(r"^(?P<prefix>[a-z_]*?)_?(?P<axis>[xyz])(?:_(?P<unit>[a-z0-9_]+))?$")


def normalise(name: str, /) -> str:
    """``"Acceleration x (m/s^2)"`` -> ``"acceleration_x_m_s2"``; ``"accelX"`` -> ``"accelx"``;
    the word "axis" goes: ``"x-axis (deg/s)"`` -> ``"x_deg_s"``."""
    text = name.strip().lower().replace("µ", "u").replace("°", "deg").replace("²", "2")
    text = text.replace("^", "")
    words = [w for w in _WORD_BREAKS.split(text) if w and w != "axis"]
    return "_".join(words)


def is_unit(text: str, /) -> bool:
    """True for a unit of time, acceleration or rotation rate (``"s"``, ``"m/s^2"``, ``"g"``,
    ``"deg/s"``), as written under a header."""
    name = normalise(text)
    return name in TIME_UNITS or name in ACC_UNITS or name in GYRO_UNITS


@record
class ColumnMap:
    """Which column index plays which role, and the units the names state (None: silent)."""

    index: dict[str, int] = field(default_factory=dict)
    time_unit: str | None = None
    acc_unit: str | None = None
    gyro_unit: str | None = None
    gravity_free: bool = False
    by_unit: tuple[str, ...] = ()
    """The columns taken for their unit alone, their names being unknown (``map_columns``)."""
    time_wraps_at: int | None = None
    """The count a time column starts again from 0 after (``NAMED_CLOCKS``)."""

    def has(self, *roles: str) -> bool:
        return all(r in self.index for r in roles)


def map_columns(names: Sequence[str], /) -> ColumnMap:
    """Recognise time, accelerometer and gyroscope columns by name; the first match wins.
    Roles no name fills are then looked for by the units the names state (``_by_unit``):
    apps name their columns in the user's language (``"Zeit (s)"``, ``"Beschleunigung x
    (m/s^2)"``), and the units are written the same in every language."""
    found = _by_name(names)
    by_unit = _by_unit(names, found)
    if not by_unit:
        return found
    index = dict(found.index)
    units = {"time": found.time_unit, "a": found.acc_unit, "g": found.gyro_unit}
    for role, (i, unit) in by_unit.items():
        index[role] = i
        units[role if role == "time" else role[0]] = unit
    return ColumnMap(
        index,
        units["time"],
        units["a"],
        units["g"],
        found.gravity_free,
        tuple(names[i] for i, _ in sorted(by_unit.values())),
        found.time_wraps_at,
    )


def _by_unit(names: Sequence[str], found: ColumnMap) -> dict[str, tuple[int, str]]:
    """The roles ``found`` lacks, each its column and unit: the x, y and z columns of an
    acceleration unit (not named for gravity) or of a rotation rate's, all three or none, and
    a column whose name states a time unit after other words (``"zeit_s"``): of several (a
    log of many sensors, each with its own clock), the nearest before the accelerometer's."""
    roles: dict[str, tuple[int, str]] = {}
    clocks: list[tuple[int, str]] = []
    taken = set(found.index.values())
    for i, raw in enumerate(names):
        if i in taken:
            continue
        name = normalise(raw)
        head, _, tail = name.rpartition("_")
        match = _AXIS.match(name)
        if match is None:
            if head and tail in TIME_UNITS:
                clocks.append((i, TIME_UNITS[tail]))
            continue
        unit = match["unit"] or ""
        kind = "a" if unit in ACC_UNITS else "g" if unit in RATE_UNITS else None
        if kind is None or (kind == "a" and NOT_ACCELERATION in match["prefix"]):
            continue
        units = ACC_UNITS if kind == "a" else GYRO_UNITS
        roles.setdefault(f"{kind}{match['axis']}", (i, units[unit]))
    for axes in (ACC, GYRO):
        if found.has(*axes) or not all(a in roles for a in axes):
            for a in axes:
                roles.pop(a, None)
    acc_at = found.index["ax"] if found.has(*ACC) else roles["ax"][0] if "ax" in roles else None
    if acc_at is None:
        return {"gx": roles["gx"], "gy": roles["gy"], "gz": roles["gz"]} if "gx" in roles else {}
    if clocks and "time" not in found.index:
        roles["time"] = max((c for c in clocks if c[0] < acc_at), default=clocks[0])
    return roles


def _by_name(names: Sequence[str], /) -> ColumnMap:
    """``map_columns`` by the names alone."""
    index: dict[str, int] = {}
    units: dict[str, str] = {}
    wraps_at = None
    free: list[tuple[int, str, str]] = []  # gravity-free axes, used only if nothing else is
    for i, raw in enumerate(names):
        name = _without_device(normalise(raw))
        time_unit = _time_unit(name)
        if time_unit is not None:
            if "time" not in index:
                index["time"] = i
                if time_unit:
                    units["time"] = time_unit
                wraps_at = NAMED_CLOCKS.get(name, (None, None))[1]
            continue
        parts = _axis_parts(name)
        if parts is None:
            continue
        prefix, axis, unit = parts
        kind = _sensor_kind(prefix, unit)
        if kind == "a" and prefix in GRAVITY_FREE_PREFIXES:
            free.append((i, axis, unit))
            continue
        if kind is None or f"{kind}{axis}" in index:
            continue
        index[f"{kind}{axis}"] = i
        table = ACC_UNITS if kind == "a" else GYRO_UNITS
        if unit in table:
            units.setdefault(kind, table[unit])
        elif prefix in G_FORCE_PREFIXES:
            units.setdefault(kind, "g")
    gravity_free = not any(role in index for role in ACC) and bool(free)
    for i, axis, unit in free if gravity_free else ():
        index.setdefault(f"a{axis}", i)
        if unit in ACC_UNITS:
            units.setdefault("a", ACC_UNITS[unit])
    return ColumnMap(
        index, units.get("time"), units.get("a"), units.get("g"), gravity_free, (), wraps_at
    )


def _without_device(name: str, /) -> str:
    """``shimmer_40ac_accel_ln_x_cal_m_s2`` -> ``accel_ln_x_m_s2`` (``_DEVICE_SIGNAL``);
    other names as they are."""
    found = _DEVICE_SIGNAL.match(name)
    return name if found is None else found["signal"] + (found["unit"] or "")


_NAMED_SENSORS = sorted(ACC_PREFIXES | GYRO_PREFIXES, key=len, reverse=True)


def _axis_parts(name: str, /) -> tuple[str, str, str] | None:
    """(prefix, axis, unit) of an axis column's name: ``acc_x_g`` (the sensor first), or
    ``x_acceleration_m_s2``, ``xacc`` (the axis first, then a sensor's known name); None for
    other names."""
    match = _AXIS.match(name)
    parts = (
        None if match is None else (match["prefix"].rstrip("_"), match["axis"], match["unit"] or "")
    )
    if (parts is None or _sensor_kind(parts[0], parts[2]) is None) and name[:1] in ("x", "y", "z"):
        rest = name[1:].removeprefix("_")
        for sensor in _NAMED_SENSORS:  # the longest known name first: "linear_acceleration"
            if sensor and (rest == sensor or rest.startswith(sensor + "_")):
                return sensor, name[0], rest[len(sensor) + 1 :]
    return parts


def _time_unit(name: str) -> str | None:
    """ "" for a time column whose name states no unit, the unit if it does, None otherwise."""
    if name in TIME_NAMES:
        return "s" if name in ("sec", "seconds", "seconds_elapsed") else ""
    if name in NAMED_CLOCKS:
        return NAMED_CLOCKS[name][0]
    if len(name) > 1 and name in TIME_UNITS:  # "millis", "ms": a unit for a name ("s" is not)
        return TIME_UNITS[name]
    head, _, tail = name.rpartition("_")
    if head in TIME_NAMES and tail in TIME_UNITS:
        return TIME_UNITS[tail]
    words = name.split("_")
    if "time" in words or "timestamp" in words:  # "unix_time", "time_since_start_ms"
        return TIME_UNITS.get(words[-1], "")
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
