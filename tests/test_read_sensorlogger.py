"""Sensor Logger: zip, folder, one CSV and JSON; Android, iOS and Apple Watch layouts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from test_read_support import (
    DATA,
    T0_NS,
    sensorlogger_csv,
    sensorlogger_json,
    shared,
    still,
    times_ns,
    write_export,
)
from thrustlab.errors import FormatError, ReadError
from thrustlab.readers import detect_format, read
from thrustlab.recording import G_MPS2

GRAVITY = (0.5, -9.5, 2.3)
rng = np.random.default_rng(7)


def ramp(t_ns: np.ndarray, slope: tuple[float, float, float]) -> np.ndarray:
    """A signal linear in time, so interpolation onto other timestamps is exact."""
    t_s = (t_ns - T0_NS) / 1e9
    return np.outer(t_s, slope) + np.array([0.1, 0.2, 0.3])


def android_files() -> tuple[dict[str, bytes], dict[str, np.ndarray]]:
    t_acc = times_ns(400, 100.0)
    t_gyro = times_ns(230, 59.0, start_ns=T0_NS + 150_000_000)
    total = still(400, rng, g=GRAVITY)
    linear = total - np.asarray(GRAVITY)
    gyro = ramp(t_gyro, (0.5, -1.0, 2.0))
    files = {
        "TotalAcceleration.csv": sensorlogger_csv(t_acc, total),
        "Accelerometer.csv": sensorlogger_csv(t_acc, linear),
        "Gyroscope.csv": sensorlogger_csv(t_gyro, gyro),
        "Metadata.csv": b"version,device name,recording time,platform\n1.2,Pixel,x,android\n",
        "Orientation.csv": b"time,seconds_elapsed,qz,qy,qx,qw,roll,pitch,yaw\n",
    }
    return files, {"t_acc": t_acc, "total": total, "t_gyro": t_gyro}


@pytest.mark.parametrize("as_zip", [True, False])
def test_android_export(tmp_path: Path, as_zip: bool) -> None:
    files, truth = android_files()
    path = write_export(tmp_path / "android", files, as_zip=as_zip)
    assert detect_format(path) == "sensorlogger"
    rec = read(path)
    assert rec.format == "sensorlogger"
    assert rec.meta["layout"] == "android"
    assert rec.gravity_included
    # on the accelerometer's own timestamps, trimmed to the gyroscope's span
    t_acc, t_gyro = truth["t_acc"], truth["t_gyro"]
    inside = (t_acc >= t_gyro[0]) & (t_acc <= t_gyro[-1])
    assert rec.t_s.size == inside.sum()
    assert rec.start_epoch_ns == t_acc[inside][0]
    np.testing.assert_allclose(rec.t_s, (t_acc[inside] - t_acc[inside][0]) / 1e9, atol=1e-12)
    np.testing.assert_allclose(rec.acc_mps2, truth["total"][inside], rtol=1e-12)
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads, ramp(t_acc[inside], (0.5, -1.0, 2.0)), atol=1e-9)
    codes = {f.code for f in rec.quality}
    assert {"trimmed_to_common_span", "sensors_aligned"} <= codes


def test_ios_export_adds_gravity(tmp_path: Path) -> None:
    t_acc = times_ns(300, 100.0)
    t_grav = times_ns(200, 60.0, start_ns=T0_NS - 20_000_000)
    linear = 0.3 * rng.standard_normal((300, 3))
    gravity = ramp(t_grav, (0.01, -0.02, 0.03)) + np.asarray(GRAVITY)
    files = {
        "Accelerometer.csv": sensorlogger_csv(t_acc, linear),
        "Gravity.csv": sensorlogger_csv(t_grav, gravity),
        "Gyroscope.csv": sensorlogger_csv(t_acc, linear * 0.1),
    }
    rec = read(write_export(tmp_path / "ios", files, as_zip=False))
    assert rec.meta["layout"] == "ios"
    assert rec.gravity_included
    inside = t_acc <= t_grav[-1]
    expected = linear[inside] + ramp(t_acc[inside], (0.01, -0.02, 0.03)) + np.asarray(GRAVITY)
    np.testing.assert_allclose(rec.acc_mps2, expected, atol=1e-9)
    assert rec.start_epoch_ns == T0_NS


def test_columns_by_name_z_y_x(tmp_path: Path) -> None:
    t = times_ns(5, 100.0)
    xyz = np.tile([1.0, 2.0, 3.0], (5, 1))
    path = tmp_path / "Accelerometer.csv"
    path.write_bytes(sensorlogger_csv(t, xyz))
    rec = read(path)
    np.testing.assert_allclose(rec.acc_mps2[0], [1, 2, 3])
    assert not rec.gravity_included  # a lone accelerometer near 0 m/s^2
    assert rec.start_epoch_ns == T0_NS


def test_lone_accelerometer_with_gravity_in_it(tmp_path: Path) -> None:
    path = tmp_path / "Accelerometer.csv"
    path.write_bytes(sensorlogger_csv(times_ns(50, 100.0), still(50, rng, g=GRAVITY)))
    assert read(path).gravity_included


def test_leading_zero_rows_are_dropped(tmp_path: Path) -> None:
    t = times_ns(20, 100.0)
    xyz = still(20, rng, g=GRAVITY)
    xyz[:2] = 0.0
    files = {"TotalAcceleration.csv": sensorlogger_csv(t, xyz)}
    rec = read(write_export(tmp_path / "zeros", files, as_zip=True))
    assert rec.t_s.size == 18
    assert rec.start_epoch_ns == t[2]
    assert "leading_zero_rows" in {f.code for f in rec.quality}


def test_members_inside_a_folder_of_the_zip(tmp_path: Path) -> None:
    files, _ = android_files()
    nested = {f"2023-10-28_15-52-24/{name}": data for name, data in files.items()}
    rec = read(write_export(tmp_path / "nested", nested, as_zip=True))
    assert rec.meta["layout"] == "android"


def test_json_export_matches_the_zip(tmp_path: Path) -> None:
    t_acc, t_gyro = times_ns(300, 100.0), times_ns(170, 59.0)
    total = still(300, rng, g=GRAVITY)
    gyro = ramp(t_gyro, (1.0, 0.0, -1.0))
    json_path = tmp_path / "export.json"
    json_path.write_bytes(
        sensorlogger_json({"TotalAcceleration": (t_acc, total), "Gyroscope": (t_gyro, gyro)})
    )
    zip_path = write_export(
        tmp_path / "export",
        {
            "TotalAcceleration.csv": sensorlogger_csv(t_acc, total),
            "Gyroscope.csv": sensorlogger_csv(t_gyro, gyro),
        },
        as_zip=True,
    )
    assert detect_format(json_path) == "sensorlogger-json"
    from_json, from_zip = read(json_path), read(zip_path)
    assert from_json.format == "sensorlogger-json"
    assert from_json.start_epoch_ns == from_zip.start_epoch_ns
    np.testing.assert_allclose(from_json.t_s, from_zip.t_s)
    np.testing.assert_allclose(from_json.acc_mps2, from_zip.acc_mps2)
    assert from_json.gyro_rads is not None and from_zip.gyro_rads is not None
    np.testing.assert_allclose(from_json.gyro_rads, from_zip.gyro_rads)


def test_json_with_bad_values_keeps_the_rest(tmp_path: Path) -> None:
    rows = [
        {
            "sensor": "Accelerometer",
            "time": str(T0_NS + i * 10_000_000),
            "seconds_elapsed": "0",
            "z": "9.8",
            "y": "0",
            "x": "0.1",
        }
        for i in range(10)
    ]
    rows[3]["x"] = "not a number"
    rows[5]["time"] = "soon"
    rows.append({"sensor": "Microphone", "dBFS": "-30"})
    import json

    path = tmp_path / "export.json"
    path.write_text(json.dumps(rows))
    rec = read(path)
    assert rec.t_s.size == 8
    assert "rows_dropped" in {f.code for f in rec.quality}


def test_watch_wristmotion_cut() -> None:
    path = DATA / "sensorlogger_WristMotion_head.csv"
    assert detect_format(path) == "sensorlogger"
    rec = read(path)
    assert rec.meta["layout"] == "watch"
    assert rec.start_epoch_ns == 1719102681279387400
    assert rec.t_s.size == 250
    first = np.array([-0.18771232664585114, -0.49000799655914307, -0.851267397403717]) + np.array(
        [-0.04818853735923767, 0.05490368604660034, -0.007420897483825684]
    )
    np.testing.assert_allclose(rec.acc_mps2[0], first * G_MPS2)
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(
        rec.gyro_rads[0], [0.262128084897995, 0.5849967002868652, 1.0596885681152344]
    )
    assert rec.gravity_included
    assert 9 < np.linalg.norm(rec.acc_mps2[:50], axis=1).mean() < 10.6  # still at first
    assert "time_gaps" in {f.code for f in rec.quality}


@pytest.mark.parametrize(
    ("name", "gap_s"), [("WristMotion.csv", 12.37), ("NewWristMotion.csv", 5.40)]
)
def test_watch_shared_gap_is_kept(name: str, gap_s: float) -> None:
    rec = read(shared(f"sensorlogger-watch-wristmotion/{name}"))
    steps = np.diff(rec.t_s)
    assert steps.max() == pytest.approx(gap_s, abs=0.01)  # the gap is kept, not filled
    assert np.median(steps) == pytest.approx(0.01005, abs=1e-4)
    assert rec.median_rate_hz == pytest.approx(99.5, abs=1)


def test_watch_in_a_zip(tmp_path: Path) -> None:
    data = (DATA / "sensorlogger_WristMotion_head.csv").read_bytes()
    path = write_export(tmp_path / "watch", {"WristMotion.csv": data}, as_zip=True)
    assert read(path).t_s.size == 250


def test_a_file_of_another_app_in_the_export_is_named_not_dropped(tmp_path: Path) -> None:
    """A Gyroscope.csv with another app's columns is left out with a warning that names it:
    before, the set was analysed without the gyroscope and nothing said so."""
    files, truth = android_files()
    files["Gyroscope.csv"] = b"Time (s),Gyroscope x (rad/s),Gyroscope y (rad/s)\n0,1,2\n"
    rec = read(write_export(tmp_path / "mixed", files, as_zip=True))
    assert rec.gyro_rads is None  # not read as Sensor Logger's
    np.testing.assert_allclose(rec.acc_mps2, truth["total"], rtol=1e-12)
    (flag,) = [f for f in rec.quality if f.code == "file_skipped"]
    assert flag.severity == "warning"
    assert "Gyroscope.csv" in flag.message and "Gyroscope x (rad/s)" in flag.message
    assert "\n" not in flag.message
    files["Gyroscope.csv"] = b't,"' + b"w" * 5000 + b'\tx",y\n0,1,2\n'  # a long odd field
    rec = read(write_export(tmp_path / "odd", files, as_zip=True))
    (flag,) = [f for f in rec.quality if f.code == "file_skipped"]
    assert len(flag.message) < 400 and "\t" not in flag.message
    files["export/Gyroscope.csv"] = android_files()[0]["Gyroscope.csv"]  # Sensor Logger's, too
    rec = read(write_export(tmp_path / "both", files, as_zip=True))
    assert rec.gyro_rads is not None and "file_skipped" not in {f.code for f in rec.quality}


def test_gyroscope_alone_is_not_enough(tmp_path: Path) -> None:
    files = {"Gyroscope.csv": sensorlogger_csv(times_ns(10, 100.0), np.ones((10, 3)))}
    with pytest.raises(FormatError, match="no accelerometer"):
        read(write_export(tmp_path / "gyro", files, as_zip=True))


def test_sensors_that_never_overlap(tmp_path: Path) -> None:
    files = {
        "TotalAcceleration.csv": sensorlogger_csv(times_ns(10, 100.0), still(10, rng, g=GRAVITY)),
        "Gyroscope.csv": sensorlogger_csv(
            times_ns(10, 100.0, start_ns=T0_NS + 10**10), np.ones((10, 3))
        ),
    }
    with pytest.raises(ReadError, match="do not overlap"):
        read(write_export(tmp_path / "apart", files, as_zip=True))


def test_missing_columns_is_a_format_error(tmp_path: Path) -> None:
    path = write_export(
        tmp_path / "bad", {"Accelerometer.csv": b"time,seconds_elapsed,a,b\n1,2,3,4\n"}, as_zip=True
    )
    with pytest.raises(FormatError, match="lacks the columns x, y, z"):
        read(path)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        (  # Sensor Logger's GPS file given alone: taken for an accelerometer with no axes
            "Location.csv",
            b"time,seconds_elapsed,bearingAccuracy,speedAccuracy,altitude,longitude,latitude\n"
            b"1698501145514000000,1.3,0,0,214.2,0.0,0.0\n",
            "no x, y, z axes",
        ),
        (  # its phone details: read as a CSV with no accelerometer, told to name its columns
            "Metadata.csv",
            b"version,device name,recording time,platform\n3,iPhone,2026-12-03,ios\n",
            "Metadata.csv (the phone's details)",
        ),
        (  # its GPS track: the same, its XML shown as the header
            "track.kml",
            b'<?xml version="1.0"?>\n<kml><Document></Document></kml>\n',
            "is XML or HTML",
        ),
    ],
)
def test_an_export_file_with_no_readings_says_which_file_to_give(
    tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FormatError, match=r"(?i)zip") as caught:
        read(path)
    assert words in str(caught.value) and "--columns" not in str(caught.value)


def _rewrite_times(files: dict[str, bytes], cell: Callable[[str], str]) -> None:
    """The time cells of the accelerometer and gyroscope files, each rewritten by ``cell``."""
    for name in ("TotalAcceleration.csv", "Gyroscope.csv"):
        lines = files[name].decode().splitlines()
        rows = [line.split(",", 1) for line in lines[1:]]
        files[name] = (
            "\n".join([lines[0], *(f"{cell(t)},{rest}" for t, rest in rows)]) + "\n"
        ).encode()


def test_times_a_spreadsheet_rounded_give_way_to_seconds_elapsed(tmp_path: Path) -> None:
    # opened and saved in a spreadsheet: 1764489600012345678 becomes 1.76449E+18
    files, truth = android_files()
    _rewrite_times(files, lambda t: f"{float(t):.5E}")
    rec = read(write_export(tmp_path / "resaved", files, as_zip=True))
    (flag,) = [f for f in rec.quality if f.code == "time_rounded"]
    assert "TotalAcceleration, Gyroscope" in flag.message
    assert rec.median_rate_hz == pytest.approx(100, rel=1e-3)
    assert rec.start_epoch_ns is None  # no clock time is left to tell
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.acc_mps2, truth["total"][-rec.t_s.size :])


def test_times_that_only_repeat_a_few_stay_the_clock(tmp_path: Path) -> None:
    files, _ = android_files()
    lines = files["TotalAcceleration.csv"].decode().splitlines()
    lines[5] = lines[4].split(",", 1)[0] + "," + lines[5].split(",", 1)[1]  # one repeat
    files["TotalAcceleration.csv"] = ("\n".join(lines) + "\n").encode()
    rec = read(write_export(tmp_path / "export", files, as_zip=True))
    assert "time_rounded" not in {f.code for f in rec.quality}
    assert rec.start_epoch_ns is not None


@pytest.mark.parametrize(("unit", "per_s"), [("s", 1.0), ("ms", 1e3), ("us", 1e6)])
def test_times_saved_in_another_unit_give_way_to_seconds_elapsed(
    tmp_path: Path, unit: str, per_s: float
) -> None:
    """A file saved again by another tool with ``time`` in seconds (or ms, us) since 1970:
    read as nanoseconds it made a 100 Hz set 1e11 Hz and 0.0 s long."""
    files, truth = android_files()
    _rewrite_times(files, lambda t: repr(int(t) / 1e9 * per_s))
    rec = read(write_export(tmp_path / unit, files, as_zip=True))
    (flag,) = [f for f in rec.quality if f.code == "time_not_ns"]
    assert flag.message.startswith("TotalAcceleration, Gyroscope: the time column is not")
    assert rec.median_rate_hz == pytest.approx(100, rel=1e-3)
    assert rec.start_epoch_ns is None
    np.testing.assert_allclose(rec.acc_mps2, truth["total"][-rec.t_s.size :])


def test_times_in_another_unit_with_no_seconds_elapsed(tmp_path: Path) -> None:
    """Without seconds_elapsed the file is no Sensor Logger one, and is read as a plain CSV
    whose time unit is found; forced to be Sensor Logger's, it is refused in one line."""
    t_ns = times_ns(400, 100.0)
    text = "time,z,y,x\n" + "".join(f"{t / 1e9!r},9.8,0.1,0.2\n" for t in t_ns.tolist())
    path = tmp_path / "TotalAcceleration.csv"
    path.write_text(text)
    rec = read(path)
    assert rec.format == "csv" and rec.median_rate_hz == pytest.approx(100, rel=1e-3)
    with pytest.raises(FormatError, match="time column that is not nanoseconds since 1970"):
        read(path, format="sensorlogger")
