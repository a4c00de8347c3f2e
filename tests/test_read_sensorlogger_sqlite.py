"""Sensor Logger's SQLite export: a table per sensor, named and with columns as its CSVs.

Sensor Logger documents the export only as tables by sensor (``SELECT * FROM
Accelerometer``), so these files are written both ways a database may hold its numbers (as
numbers, and as text as its JSON export does) and must read exactly as the same samples do
from the zip of CSVs."""

from __future__ import annotations

import csv
import hashlib
import sqlite3
from collections.abc import Mapping, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from test_cli import run
from test_read_support import T0_NS, sensorlogger_csv, shared, still, times_ns, write_export
from thrustlab.errors import FormatError, ReadError
from thrustlab.readers import detect_format, read

Table = tuple[Sequence[str], Sequence[Sequence[object]]]
"""A table's column names and its rows."""
GRAVITY = (0.5, -9.5, 2.3)
rng = np.random.default_rng(11)


def write_sqlite(path: Path, tables: Mapping[str, Table], *, as_text: bool = False) -> Path:
    """An SQLite file with one table per entry; ``as_text``: every value stored as text."""
    with closing(sqlite3.connect(path)) as db:
        for name, (columns, rows) in tables.items():
            kind = "TEXT" if as_text else ""  # no type: each value keeps its own
            quoted = name.replace('"', '""')
            db.execute(f'CREATE TABLE "{quoted}" ({", ".join(f"{c} {kind}" for c in columns)})')
            cells = [[str(v) if as_text else v for v in row] for row in rows]
            marks = ", ".join("?" * len(columns))
            db.executemany(f'INSERT INTO "{quoted}" VALUES ({marks})', cells)
        db.commit()
    return path


def sensor_table(t_ns: np.ndarray, xyz: np.ndarray) -> Table:
    """A sensor's table as its CSV: ``time,seconds_elapsed,z,y,x``."""
    rows = [
        (t, (t - T0_NS) / 1e9, z, y, x)
        for t, (x, y, z) in zip(t_ns.tolist(), xyz.tolist(), strict=True)
    ]
    return ("time", "seconds_elapsed", "z", "y", "x"), rows


def ios_set() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """An iPhone's export: acceleration without gravity, gravity, and a slower gyroscope."""
    t_acc, t_gyro = times_ns(400, 100.0), times_ns(230, 59.0, start_ns=T0_NS + 150_000_000)
    total = still(400, rng, g=GRAVITY)
    gyro = rng.normal(0.0, 0.3, (230, 3))
    return {
        "Accelerometer": (t_acc, total - np.asarray(GRAVITY)),
        "Gravity": (t_acc, np.tile(GRAVITY, (400, 1))),
        "Gyroscope": (t_gyro, gyro),
    }


def assert_same(a: object, b: object) -> None:
    for field in ("t_s", "acc_mps2", "gyro_rads"):
        left, right = getattr(a, field), getattr(b, field)
        assert (left is None) == (right is None), field
        if left is not None:
            np.testing.assert_array_equal(left, right, err_msg=field)
    for field in ("gravity_included", "start_epoch_ns", "meta"):
        assert getattr(a, field) == getattr(b, field), field


@pytest.mark.parametrize("as_text", [False, True])
def test_an_sqlite_export_reads_as_its_zip(tmp_path: Path, as_text: bool) -> None:
    sensors = ios_set()
    tables = {name: sensor_table(*data) for name, data in sensors.items()}
    tables["Metadata"] = (("version", "platform"), [("3", "ios")])  # other tables: left alone
    tables["Location"] = (("time", "latitude"), [(T0_NS, 51.5)])
    path = write_sqlite(tmp_path / "set.sqlite", tables, as_text=as_text)
    zipped = write_export(
        tmp_path / "set",
        {f"{name}.csv": sensorlogger_csv(*data) for name, data in sensors.items()},
        as_zip=True,
    )
    assert detect_format(path) == "sensorlogger-sqlite"
    from_sqlite = read(path)
    assert from_sqlite.format == "sensorlogger-sqlite"
    assert from_sqlite.meta["layout"] == "ios"
    assert_same(from_sqlite, read(zipped))


def test_one_table_of_every_sensors_rows_reads_as_the_zip(tmp_path: Path) -> None:
    # the layout of Sensor Logger's JSON export (each row names its sensor) as one table,
    # should an export hold it so; the sensor named in any case, its name quoted oddly
    sensors = ios_set()
    rows = [
        (name.upper() if k % 2 else name.lower(), *row)
        for k, (name, data) in enumerate(sensors.items())
        for row in sensor_table(*data)[1]
    ]
    columns = ("sensor", "time", "seconds_elapsed", "z", "y", "x")
    path = write_sqlite(tmp_path / "rows.sqlite", {'all "rows"': (columns, rows)})
    zipped = write_export(
        tmp_path / "set",
        {f"{name}.csv": sensorlogger_csv(*data) for name, data in sensors.items()},
        as_zip=True,
    )
    assert_same(read(path), read(zipped))


def test_a_real_watch_recording_reads_as_its_csv(tmp_path: Path) -> None:
    # Sensor Logger's own WristMotion.csv (shared data), its columns in another order and
    # its table named in lower case, as a database may hold them
    source = shared("sensorlogger-watch-wristmotion/WristMotion.csv")
    with source.open(newline="") as file:
        header, *rows = list(csv.reader(file))
    order = list(reversed(range(len(header))))
    path = write_sqlite(
        tmp_path / "watch.sqlite",
        {"wristmotion": ([header[i] for i in order], [[row[i] for i in order] for row in rows])},
        as_text=True,
    )
    from_sqlite, from_csv = read(path), read(source)
    assert from_sqlite.meta["layout"] == "watch" and len(rows) == 1702
    assert_same(from_sqlite, from_csv)


def test_reading_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = write_sqlite(
        tmp_path / "set.sqlite",
        {"TotalAcceleration": sensor_table(times_ns(300, 100.0), still(300, rng, g=GRAVITY))},
    )
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    path.chmod(0o444)  # read-only, as a file copied off a phone may be
    read(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set.sqlite"]  # no journal beside it


@pytest.mark.parametrize(
    ("tables", "error", "words"),
    [
        ({"Location": (("time", "latitude"), [(T0_NS, 51.5)])}, FormatError, "no Sensor Logger"),
        ({"Accelerometer": (("time", "x", "y"), [(T0_NS, 0.0, 0.0)])}, FormatError, "lacks"),
        (
            {"Gyroscope": sensor_table(times_ns(50, 100.0), np.zeros((50, 3)))},
            FormatError,
            "no accelerometer",
        ),
    ],
)
def test_an_sqlite_file_that_is_no_sensor_export_says_why(
    tmp_path: Path, tables: Mapping[str, Table], error: type[Exception], words: str
) -> None:
    path = write_sqlite(tmp_path / "other.sqlite", tables)
    with pytest.raises(error, match=words) as caught:
        read(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_a_damaged_sqlite_file_is_one_line_on_the_command_line(tmp_path: Path) -> None:
    good = write_sqlite(
        tmp_path / "good.sqlite",
        {"TotalAcceleration": sensor_table(times_ns(300, 100.0), still(300, rng, g=GRAVITY))},
    )
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(good.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)  # the header survives, the pages do not
    damaged.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="cannot be read as SQLite"):
        read(damaged)
    result = run("analyze", str(damaged))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "damaged.sqlite" in lines[0] and "export it again" in lines[0]
