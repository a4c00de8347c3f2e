"""Helpers for the reader tests: where the data live, and builders of app exports."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
T0_NS = 1_698_501_144_401_773_000


def shared(relative: str) -> Path:
    """A file of the shared third-party data; skip when the shared folder is absent."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"shared test data not found at ../shared/data/{relative}")
    return path


def times_ns(n: int, rate_hz: float, *, start_ns: int = T0_NS) -> np.ndarray:
    return start_ns + np.round(np.arange(n) * 1e9 / rate_hz).astype(np.int64)


def sensorlogger_csv(t_ns: np.ndarray, xyz: np.ndarray, *, start_ns: int = T0_NS) -> bytes:
    """A Sensor Logger sensor CSV: ``time,seconds_elapsed,z,y,x`` (note the z,y,x order)."""
    lines = ["time,seconds_elapsed,z,y,x"]
    for t, (x, y, z) in zip(t_ns.tolist(), xyz.tolist(), strict=True):
        lines.append(f"{t},{(t - start_ns) / 1e9!r},{z!r},{y!r},{x!r}")
    return ("\n".join(lines) + "\n").encode()


def sensorlogger_json(sensors: Mapping[str, tuple[np.ndarray, np.ndarray]]) -> bytes:
    rows = []
    for name, (t_ns, xyz) in sensors.items():
        for t, (x, y, z) in zip(t_ns.tolist(), xyz.tolist(), strict=True):
            rows.append(
                {
                    "sensor": name,
                    "time": str(t),
                    "seconds_elapsed": str((t - T0_NS) / 1e9),
                    "z": repr(z),
                    "y": repr(y),
                    "x": repr(x),
                }
            )
    return json.dumps(rows).encode()


def phyphox_csv(t_s: np.ndarray, xyz: np.ndarray, *, kind: str) -> bytes:
    """A phyphox ``Raw Data.csv``; kind is "with_g", "without_g" or "gyro"."""
    names = {
        "with_g": ['"Acceleration {} (m/s^2)"', '"Absolute acceleration (m/s^2)"'],
        "without_g": ['"Linear Acceleration {} (m/s^2)"', '"Absolute acceleration (m/s^2)"'],
        "gyro": ['"Gyroscope {} (rad/s)"', '"Absolute (rad/s)"'],
    }[kind]
    header = ['"Time (s)"', *(names[0].format(a) for a in "xyz"), names[1]]
    lines = [",".join(header)]
    for t, row in zip(t_s, xyz, strict=True):
        with np.errstate(over="ignore"):
            cells = [t, *row, float(np.linalg.norm(row))]
        lines.append(",".join(f"{v:.9E}" for v in cells))
    return ("\n".join(lines) + "\n").encode()


def write_export(folder: Path, files: Mapping[str, bytes], *, as_zip: bool) -> Path:
    """Write ``files`` as a folder, or as a zip beside it; returns the path to read."""
    if as_zip:
        target = folder.with_suffix(".zip")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        target.write_bytes(buffer.getvalue())
        return target
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def still(n: int, rng: np.random.Generator, *, g: tuple[float, float, float]) -> np.ndarray:
    """A resting sensor: the given gravity vector plus 0.05 m/s^2 noise."""
    return np.asarray(g) + 0.05 * rng.standard_normal((n, 3))
