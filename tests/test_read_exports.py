"""Exports as the apps write them: units per file, headers with units, comments, semicolons.

Each file is generated small, in the shape the app (or logger) writes: Sensor Logger's
documented units per sensor and platform, phyphox's multi-sensor file names and quoted
headers, research loggers' unit-bearing headers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from test_read_support import T0_NS, sensorlogger_csv, shared, still, times_ns, write_export
from thrustlab.errors import FormatError, ReadError, ReadOptionError
from thrustlab.readers import ReadOptions, _csv, detect_format, read
from thrustlab.recording import G_MPS2

RNG_SEED = 15


def codes(recording: object) -> set[str]:
    return {flag.code for flag in recording.quality}  # type: ignore[attr-defined]


def magnitude(acc: np.ndarray) -> float:
    return float(np.median(np.linalg.norm(acc, axis=1)))


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- Sensor Logger: each file in its documented unit ------------------------------------


def test_ios_accelerometer_uncalibrated_in_g_is_read_as_g(tmp_path: Path) -> None:
    rng = np.random.default_rng(RNG_SEED)
    in_g = still(400, rng, g=(0.0, -0.6, -0.8))  # about 1 g, as iOS writes it
    files = {"AccelerometerUncalibrated.csv": sensorlogger_csv(times_ns(400, 100), in_g)}
    rec = read(write_export(tmp_path / "ios", files, as_zip=True))
    assert magnitude(rec.acc_mps2) == pytest.approx(G_MPS2, rel=0.02)  # was 0.98: 10x small
    assert rec.gravity_included
    assert "unit_assumed" in codes(rec)
    np.testing.assert_allclose(rec.acc_mps2, in_g[: rec.t_s.size] * G_MPS2, rtol=1e-9)


def test_android_accelerometer_uncalibrated_in_mps2_is_left_alone(tmp_path: Path) -> None:
    rng = np.random.default_rng(RNG_SEED)
    in_mps2 = still(400, rng, g=(0.0, 5.9, 7.8))
    files = {"AccelerometerUncalibrated.csv": sensorlogger_csv(times_ns(400, 100), in_mps2)}
    rec = read(write_export(tmp_path / "android", files, as_zip=False))
    assert magnitude(rec.acc_mps2) == pytest.approx(9.8, rel=0.02)
    assert "unit_assumed" not in codes(rec)


def test_ios_export_with_uncalibrated_uses_accelerometer_plus_gravity(tmp_path: Path) -> None:
    rng = np.random.default_rng(RNG_SEED)
    t = times_ns(300, 100)
    gravity = np.tile([0.0, 0.0, 9.81], (300, 1))
    files = {
        "Accelerometer.csv": sensorlogger_csv(t, rng.normal(0, 0.05, (300, 3))),
        "Gravity.csv": sensorlogger_csv(t, gravity),
        "AccelerometerUncalibrated.csv": sensorlogger_csv(t, gravity / G_MPS2),
        "Gyroscope.csv": sensorlogger_csv(t, rng.normal(0, 0.1, (300, 3))),
    }
    rec = read(write_export(tmp_path / "ios", files, as_zip=True))
    assert rec.meta["layout"] == "ios"
    assert magnitude(rec.acc_mps2) == pytest.approx(9.81, abs=0.1)
    assert rec.gyro_rads is not None and float(np.abs(rec.gyro_rads).max()) < 1.0


def wrist_csv(n: int, *, scale: float) -> bytes:
    """WristMotion: rotation rate (rad/s), gravity and user acceleration times ``scale``."""
    rng = np.random.default_rng(RNG_SEED)
    header = (
        "time,seconds_elapsed,rotationRateX,rotationRateY,rotationRateZ,gravityX,gravityY,"
        "gravityZ,accelerationX,accelerationY,accelerationZ,quaternionW,quaternionX,"
        "quaternionY,quaternionZ"
    )
    lines = [header]
    for k, t in enumerate(times_ns(n, 100).tolist()):
        rot = rng.normal(0, 0.2, 3)
        grav = np.array([0.0, -0.6, -0.8]) * scale
        user = rng.normal(0, 0.02, 3) * scale
        cells = [*rot, *grav, *user, 1.0, 0.0, 0.0, 0.0]
        lines.append(f"{t},{k / 100}," + ",".join(repr(float(c)) for c in cells))
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(("scale", "assumed"), [(1.0, False), (G_MPS2, True)])
def test_wristmotion_in_g_or_standardised_mps2(tmp_path: Path, scale: float, assumed: bool) -> None:
    path = tmp_path / "WristMotion.csv"
    path.write_bytes(wrist_csv(300, scale=scale))
    rec = read(path)
    assert magnitude(rec.acc_mps2) == pytest.approx(G_MPS2, rel=0.02)
    assert ("unit_assumed" in codes(rec)) == assumed


# --- phyphox multi-sensor exports: told from Sensor Logger by content ----------------------


def phyphox_multi(t_s: np.ndarray, xyz: np.ndarray, unit: str) -> bytes:
    header = ",".join(['"Time (s)"', *(f'"{a} ({unit})"' for a in "XYZ")])
    rows = (",".join(f"{v:.9E}" for v in (t, *row)) for t, row in zip(t_s, xyz, strict=True))
    return ("\n".join([header, *rows]) + "\n").encode()


def multi_sensor_files(n: int = 500) -> dict[str, bytes]:
    rng = np.random.default_rng(RNG_SEED)
    t_s = np.arange(n) / 100.0 + 0.0123
    with_g = still(n, rng, g=(0.1, 9.8, 0.3))
    return {
        "Accelerometer.csv": phyphox_multi(t_s, with_g, "m/s^2"),
        "Linear Acceleration.csv": phyphox_multi(t_s, with_g - [0.1, 9.8, 0.3], "m/s^2"),
        "Gyroscope.csv": phyphox_multi(t_s, rng.normal(0, 0.3, (n, 3)), "rad/s"),
        "Magnetometer.csv": phyphox_multi(t_s, rng.normal(30, 1, (n, 3)), "µT"),
        "meta/time.csv": b'"event","experiment time","system time","system time text"\n'
        b'"START",0.000000000E0,1.700000000E9,"2023-11-14 22:13:20.000 UTC+00:00"\n',
    }


@pytest.mark.parametrize("as_zip", [True, False])
def test_phyphox_multi_sensor_export_is_phyphox(tmp_path: Path, as_zip: bool) -> None:
    path = write_export(tmp_path / "multi", multi_sensor_files(), as_zip=as_zip)
    assert detect_format(path) == "phyphox"
    rec = read(path)
    assert rec.format == "phyphox"
    assert rec.meta["acceleration"].endswith("Accelerometer.csv")  # with gravity, preferred
    assert rec.gravity_included
    assert magnitude(rec.acc_mps2) == pytest.approx(9.8, rel=0.02)
    assert rec.gyro_rads is not None
    assert rec.start_epoch_ns is not None


def test_phyphox_accelerometer_csv_alone(tmp_path: Path) -> None:
    path = tmp_path / "Accelerometer.csv"
    path.write_bytes(multi_sensor_files()["Accelerometer.csv"])
    assert detect_format(path) == "phyphox"
    assert magnitude(read(path).acc_mps2) == pytest.approx(9.8, rel=0.02)


def test_phyphox_gyroscope_csv_alone_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "Gyroscope.csv"
    path.write_bytes(multi_sensor_files()["Gyroscope.csv"])
    with pytest.raises(FormatError, match=r"gyroscope data \(rad/s\) but no acceleration"):
        read(path)


def test_acc_unit_given_applies_to_phyphox_with_a_warning(tmp_path: Path) -> None:
    path = write_export(tmp_path / "multi", multi_sensor_files(), as_zip=True)
    rec = read(path, options=ReadOptions(acc_unit="g", time_unit="ms"))
    assert magnitude(rec.acc_mps2) == pytest.approx(9.8 * G_MPS2, rel=0.02)
    assert {"unit_overridden", "option_ignored"} <= codes(rec)


def test_sensorlogger_ignores_csv_options_with_a_warning(tmp_path: Path) -> None:
    rng = np.random.default_rng(RNG_SEED)
    files = {
        "TotalAcceleration.csv": sensorlogger_csv(
            times_ns(200, 100), still(200, rng, g=(0, 0, 9.8))
        )
    }
    options = ReadOptions(columns=("time", "ax", "ay", "az"), gyro_unit="degs")
    rec = read(write_export(tmp_path / "a", files, as_zip=True), options=options)
    messages = " ".join(f.message for f in rec.quality if f.code == "option_ignored")
    assert "column names" in messages and "gyroscope unit" in messages


# --- headers with units, comments, semicolons --------------------------------------------


def rows(n: int, acc: tuple[float, float, float], *, sep: str = ",", end: str = "") -> str:
    rng = np.random.default_rng(RNG_SEED)
    out = []
    for k in range(n):
        a = np.asarray(acc) + rng.normal(0, 0.01 * max(abs(v) for v in acc), 3)
        out.append(sep.join([f"{k / 100:.2f}", *(f"{v:.5f}" for v in a)]) + end)
    return "\n".join(out) + "\n"


def test_header_with_units_and_superscript(tmp_path: Path) -> None:
    header = "timestamp,ACCELEROMETER X (m/s²),ACCELEROMETER Y (m/s²),ACCELEROMETER Z (m/s²)\n"
    rec = read(write(tmp_path / "a.csv", header + rows(300, (0.0, 0.0, 9.8))))
    assert magnitude(rec.acc_mps2) == pytest.approx(9.8, rel=0.02)
    assert "unit_assumed" not in codes(rec)


def test_axis_headers_in_g(tmp_path: Path) -> None:
    header = "time (s),x-axis (g),y-axis (g),z-axis (g)\n"
    rec = read(write(tmp_path / "a.csv", header + rows(300, (0.0, 0.0, 1.0))))
    assert magnitude(rec.acc_mps2) == pytest.approx(G_MPS2, rel=0.02)


def test_axis_headers_in_g_and_deg_s_in_one_file(tmp_path: Path) -> None:
    header = (
        "time (s),x-axis (g),y-axis (g),z-axis (g),x-axis (deg/s),y-axis (deg/s),z-axis (deg/s)\n"
    )
    body = "".join(f"{k / 100:.2f},0,0,1,90,0,-45\n" for k in range(200))
    rec = read(write(tmp_path / "a.csv", header + body))
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads[0], [np.pi / 2, 0, -np.pi / 4])
    np.testing.assert_allclose(rec.acc_mps2[0], [0, 0, G_MPS2])


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("time,x-axis (deg/s),y-axis (deg/s),z-axis (deg/s)", "deg/s"),
        ("t,Gyroscope x (rad/s),Gyroscope y (rad/s),Gyroscope z (rad/s)", "rad/s"),
        ("time_s,gyro_x,gyro_y,gyro_z", "rad/s or deg/s"),
    ],
)
def test_gyroscope_file_alone_is_refused(tmp_path: Path, header: str, unit: str) -> None:
    body = "".join(f"{k / 100:.2f},0.1,-0.2,0.3\n" for k in range(100))
    with pytest.raises(FormatError, match="no accelerometer") as info:
        read(write(tmp_path / "gyro.csv", header + "\n" + body))
    assert f"({unit})" in str(info.value)


def test_comment_lines_before_the_header(tmp_path: Path) -> None:
    text = "# logger v2.1\n#rate: 100 Hz\n\n" + "time,ax,ay,az\n" + rows(200, (0.0, 9.8, 0.0))
    rec = read(write(tmp_path / "c.csv", text))
    assert rec.t_s.size == 200
    assert "rows_dropped" not in codes(rec)


def test_semicolons_with_a_trailing_separator(tmp_path: Path) -> None:
    body = "".join(f"{1700000000000 + 10 * k}; 0.1; 9.8; 0.2;\n" for k in range(200))
    rec = read(write(tmp_path / "s.csv", "timestamp; x; y; z;\n" + body))
    assert rec.t_s.size == 200
    assert rec.meta["time_unit"] == "ms"
    np.testing.assert_allclose(rec.acc_mps2[0], [0.1, 9.8, 0.2])


# --- research sensors: Xsens DOT --------------------------------------------------------

XSENS_PREAMBLE = (
    "sep=,\nDeviceTag:,thigh\nFirmwareVersion:,2.0.0\nAppVersion:,2021.0\n"
    "SyncStatus:,Synced\nOutputRate:,120Hz\nFilterProfile:,General\n"
    "StartTime: ,2021-08-30_17:05:05_000 GMT+8\n\u00a9 Xsens Technologies B. V. 2005-2021\n\n"
)
"""Above an Xsens DOT export's header: Excel's delimiter line and the device's settings."""


def xsens_dot_csv(
    start_us: int, *, rate_hz: float = 120.0, n: int = 1200, free: bool = False
) -> tuple[str, np.ndarray, np.ndarray]:
    """An Xsens DOT export in the shape its app writes it (the preamble, ``PacketCounter``,
    ``SampleTimeFine`` in microseconds counted in 32 bits): a thigh swinging 40 degrees at
    0.5 Hz, gravity in its ``Acc`` columns (m/s^2) and its turning in ``Gyr`` (deg/s); with
    ``free``, ``FreeAcc`` (gravity out) first, as the sensor fusion mode writes it. The text,
    and the acceleration and rotation rate (rad/s) it holds."""
    t = np.arange(n) / rate_hz
    pitch = np.radians(40) * np.sin(2 * np.pi * 0.5 * t)
    acc = G_MPS2 * np.column_stack([np.sin(pitch), np.zeros(n), np.cos(pitch)])
    gyro = np.column_stack([np.zeros(n), np.gradient(pitch, t), np.zeros(n)])
    ticks = (start_us + np.round(t * 1e6).astype(np.int64)) % 2**32
    free_cols = "FreeAcc_X,FreeAcc_Y,FreeAcc_Z," if free else ""
    lines = [
        f"PacketCounter,SampleTimeFine,Euler_X,Euler_Y,Euler_Z,{free_cols}Acc_X,Acc_Y,Acc_Z,Gyr_X,Gyr_Y,Gyr_Z"
    ]
    for k in range(n):
        free_vals = "0.01,-0.02,0.03," if free else ""
        a, w = acc[k], np.degrees(gyro[k])
        lines.append(
            f"{k},{ticks[k]},0.0,{np.degrees(pitch[k]):.3f},0.0,{free_vals}"
            f"{a[0]:.6f},{a[1]:.6f},{a[2]:.6f},{w[0]:.6f},{w[1]:.6f},{w[2]:.6f}"
        )
    return XSENS_PREAMBLE + "\n".join(lines) + "\n", acc, gyro


@pytest.mark.parametrize("free", [False, True])
def test_xsens_dot_export_is_read_past_its_preamble(tmp_path: Path, free: bool) -> None:
    text, acc, gyro = xsens_dot_csv(2_974_023_062, free=free)
    rec = read(write(tmp_path / "thigh_20210830_170505.csv", text))
    assert rec.t_s.size == 1200 and rec.median_rate_hz == pytest.approx(120.0, rel=1e-3)
    assert rec.meta["time_unit"] == "us"
    np.testing.assert_allclose(rec.acc_mps2, acc, atol=1e-5)  # Acc, never FreeAcc
    assert rec.gravity_included
    assert rec.gyro_rads is not None  # deg/s, judged by how gravity turns with it
    np.testing.assert_allclose(rec.gyro_rads, gyro, atol=1e-5)


def test_xsens_clock_that_starts_again_from_0_mid_set_is_counted_on(tmp_path: Path) -> None:
    # SampleTimeFine counts microseconds in 32 bits: 71.6 minutes, then 0 again
    before = read(write(tmp_path / "a.csv", xsens_dot_csv(1_000_000)[0]))
    across = read(write(tmp_path / "b.csv", xsens_dot_csv(2**32 - 4_000_000)[0]))
    np.testing.assert_allclose(across.t_s, before.t_s, atol=1e-6)
    np.testing.assert_array_equal(across.acc_mps2, before.acc_mps2)
    assert codes(across) == codes(before)  # no step back, no stretch cut off, no gap


def test_xsens_free_acceleration_alone_is_read_as_gravity_free(tmp_path: Path) -> None:
    rng = np.random.default_rng(RNG_SEED)
    free = rng.normal(0, 0.3, (600, 3))
    ticks = 3_343_444_552 + np.round(np.arange(600) * 1e6 / 60).astype(np.int64)
    lines = [
        "PacketCounter,SampleTimeFine,Quat_W,Quat_X,Quat_Y,Quat_Z,FreeAcc_X,FreeAcc_Y,FreeAcc_Z,Status"
    ]
    lines += [
        f"{k + 1},{ticks[k]},0.41,-0.43,-0.56,-0.57,{x:.6f},{y:.6f},{z:.6f},0"
        for k, (x, y, z) in enumerate(free)
    ]
    rec = read(write(tmp_path / "f.csv", XSENS_PREAMBLE + "\n".join(lines) + "\n"))
    assert not rec.gravity_included
    np.testing.assert_allclose(rec.acc_mps2, free, atol=1e-6)
    assert rec.median_rate_hz == pytest.approx(60.0, rel=1e-3)


def mt_manager_txt(*, rate_line: str) -> str:
    """An Xsens MT Manager export as its example files are: ``//`` lines, tabs, and a
    ``SampleTimeFine`` column left empty (it was not asked for)."""
    head = f"// Start Time: Unknown\n{rate_line}// Filter Profile: human (46.1)\n"
    names = "PacketCounter\tSampleTimeFine\tYear\tAcc_X\tAcc_Y\tAcc_Z\tMat[1][1]\n"
    body = "".join(f"{472 + k:05d}\t\t\t0.10\t4.89\t-8.50\t-0.94\n" for k in range(300))
    return head + names + body


def test_xsens_mt_manager_rows_are_timed_by_the_rate_it_states(tmp_path: Path) -> None:
    rec = read(
        write(
            tmp_path / "MT_012005D6_009-001.txt",
            mt_manager_txt(rate_line="// Update Rate: 100.0Hz\n"),
        )
    )
    assert rec.t_s.size == 300 and rec.median_rate_hz == pytest.approx(100.0)
    assert "rate_from_header" in codes(rec)
    np.testing.assert_allclose(rec.acc_mps2[0], [0.10, 4.89, -8.50])


def test_an_empty_time_column_without_a_stated_rate_asks_for_one(tmp_path: Path) -> None:
    path = write(tmp_path / "mt.txt", mt_manager_txt(rate_line=""))
    with pytest.raises(ReadError, match="time column with no number in it") as info:
        read(path)
    assert "--rate-hz" in str(info.value)
    rec = read(path, options=ReadOptions(rate_hz=60.0))
    assert rec.median_rate_hz == pytest.approx(60.0) and "rate_from_header" not in codes(rec)


def test_times_in_a_form_not_read_are_named_with_the_fix(tmp_path: Path) -> None:
    """Times written as text in no form known (as C's ``ctime`` writes them): before, the
    message said the time column had no number in it, which it plainly has. Now it shows the
    first cell and both ways out; the rate given, the rows are read. (12-hour clock times,
    this test's first such form, are read since session 26.)"""
    rows = "".join(
        f"Mon Nov 30 08:00:{k // 100:02d}.{k % 100:02d}0 2026,0.1,9.7,1.2\n" for k in range(300)
    )
    path = write(tmp_path / "ctime.csv", "time,ax,ay,az\n" + rows)
    with pytest.raises(ReadError, match="times in a form not read") as info:
        read(path)
    assert "'Mon Nov 30 08:00:00.000 2026'" in str(info.value)
    assert "2026-11-30T08:00:00.125" in str(info.value) and "--rate-hz" in str(info.value)
    assert read(path, options=ReadOptions(rate_hz=100.0)).t_s.size == 300


def shimmer_csv(signal: str = "CAL", *, n: int = 512) -> tuple[str, np.ndarray, np.ndarray]:
    """A Shimmer Consensys export in the shape its files have: Excel's ``"sep=;"``, names
    behind the device's (``Shimmer_40AC_``), a row of units, ``;`` after every field, both
    accelerometers (low-noise first) and more sensors beside them. The text, and the
    acceleration (m/s^2) and rotation rate (rad/s) it holds."""
    rng = np.random.default_rng(RNG_SEED)
    t_ms = 1_566_479_044_000.0 + np.arange(n) * 1000 / 102.4
    acc = np.asarray((0.3, 9.7, 0.5)) + rng.normal(0, 0.05, (n, 3))
    gyro = rng.normal(0, 0.2, (n, 3))
    axes = "XYZ"
    names = [
        "Timestamp_Unix",
        *(f"Accel_LN_{a}" for a in axes),
        *(f"Accel_WR_{a}" for a in axes),
        *(f"Gyro_{a}" for a in axes),
        *(f"Mag_{a}" for a in axes),
        "GSR_Skin_Resistance",
    ]
    units = ["ms", *["m/(s^2)"] * 6, *["deg/s"] * 3, *["local_flux*"] * 3, "kOhms"]
    lines = [
        '"sep=;"',
        "".join(f"Shimmer_40AC_{name}_{signal};" for name in names),
        "".join(f"{unit};" for unit in units),
    ]
    for k in range(n):
        values = [t_ms[k], *acc[k], *(acc[k] * 1.01), *np.degrees(gyro[k]), 0.1, 0.2, 0.3, 512]
        lines.append("".join(f"{v:.6f};" for v in values))
    return "\n".join(lines) + "\n", acc, gyro


def test_shimmer_consensys_export_reads_its_calibrated_signals(tmp_path: Path) -> None:
    text, acc, gyro = shimmer_csv()
    rec = read(write(tmp_path / "Shimmer_40AC.csv", text))
    assert rec.t_s.size == 512 and rec.median_rate_hz == pytest.approx(102.4, rel=1e-3)
    np.testing.assert_allclose(rec.acc_mps2, acc, atol=1e-5)  # the low-noise accelerometer
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads, gyro, atol=1e-5)  # stated in deg/s
    assert not codes(rec) & {"rows_dropped", "unit_assumed", "time_unit_detected"}


def test_shimmer_raw_signals_in_counts_are_not_taken_for_acceleration(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no recognisable accelerometer"):
        read(write(tmp_path / "raw.csv", shimmer_csv("RAW", n=64)[0]))


def test_a_title_above_the_header_is_skipped_and_a_short_file_still_says_why(
    tmp_path: Path,
) -> None:
    text = "Thigh recording, set 3\n\n" + "time,ax,ay,az\n" + rows(200, (0.0, 9.8, 0.0))
    assert read(write(tmp_path / "t.csv", text)).t_s.size == 200
    with pytest.raises(ReadError, match="no recognisable accelerometer"):
        read(write(tmp_path / "two.csv", "sep=,\nDevice:,x\nt,a\n0,1\n1,2\n"))


# --- units not stated ---------------------------------------------------------------------


def test_unstated_gyroscope_over_35_is_deg_s(tmp_path: Path) -> None:
    t = np.arange(300) / 100
    deg_s = 120 * np.sin(2 * np.pi * 0.5 * t)  # a hip thrust's thigh swing, in deg/s
    body = "".join(f"{a:.2f},0,0,9.8,{w:.3f},0,0\n" for a, w in zip(t, deg_s, strict=True))
    rec = read(write(tmp_path / "g.csv", "time,ax,ay,az,gx,gy,gz\n" + body))
    assert rec.gyro_rads is not None
    assert float(np.abs(rec.gyro_rads[:, 0]).max()) == pytest.approx(np.radians(120), rel=0.01)
    assert "unit_assumed" in codes(rec)


def test_unstated_gyroscope_under_35_stays_rad_s(tmp_path: Path) -> None:
    body = "".join(f"{k / 100:.2f},0,0,9.8,2.0,0,0\n" for k in range(300))
    rec = read(write(tmp_path / "g.csv", "time,ax,ay,az,gx,gy,gz\n" + body))
    assert rec.gyro_rads is not None and rec.gyro_rads[0, 0] == pytest.approx(2.0)
    assert "unit_assumed" not in codes(rec)


def test_gravity_free_acceleration_near_1_mps2_is_not_taken_for_g(tmp_path: Path) -> None:
    rng = np.random.default_rng(RNG_SEED)
    shake = rng.normal(0, 0.7, (600, 3))  # vigorous shaking, no gravity: |a| about 1 m/s^2
    body = "".join(f"{k / 100:.2f},{x:.4f},{y:.4f},{z:.4f}\n" for k, (x, y, z) in enumerate(shake))
    rec = read(write(tmp_path / "lin.csv", "time,lin_acc_x,lin_acc_y,lin_acc_z\n" + body))
    np.testing.assert_allclose(rec.acc_mps2[0], shake[0], atol=1e-4)
    assert "unit_assumed" not in codes(rec)


# --- messages and sizes ------------------------------------------------------------------


def test_messages_name_cli_flags_and_web_fixes(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "1,2,3,4,5,6,7,8\n2,2,3,4,5,6,7,8\n")
    with pytest.raises(ReadError) as info:
        read(path)
    assert "--columns" in str(info.value) and "ReadOptions" not in str(info.value)
    assert "--" not in info.value.worded("web") and "header row" in info.value.worded("web")


def test_bad_read_options_name_the_flag() -> None:
    with pytest.raises(ReadOptionError) as info:
        ReadOptions(columns=("time", "ax", "speed"))
    assert str(info.value).startswith("--columns has unknown names speed")
    assert info.value.worded("web").startswith("columns: has unknown names")
    with pytest.raises(ReadOptionError, match=r"^--rate-hz must be a positive number"):
        ReadOptions(rate_hz=-1.0)


@pytest.mark.parametrize("block_bytes", [1, 2, 3, 5, 1024])
def test_utf8_check_gives_the_same_answer_for_any_block_size(
    tmp_path: Path, block_bytes: int
) -> None:
    # Blocks split multi-byte characters at every place; an ASCII block after a cut
    # character must still be decoded, or a bad byte hides behind it.
    files = {
        "good.csv": "# Zeit (s), Beschleunigung (m/s²) é €\nt,x\n0,1\n".encode(),
        "latin1.csv": b"# caf\xe9\nt,x\n0,1\n",
        "cut_then_ascii.csv": b"t\xe2,x\n0,1\n",
        "cut_at_the_end.csv": b"t,x\n0,1\n\xe2\x82",
    }
    utf8 = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        with pa.OSFile(str(tmp_path / name)) as file:
            blocks = _csv._Utf8Blocks(file)  # as pyarrow reads a streamed file
            try:
                while blocks.read_buffer(block_bytes).size:
                    pass
                utf8[name] = True
            except _csv._NotUtf8:
                utf8[name] = False
                assert blocks.failed
    assert utf8 == {n: n == "good.csv" for n in files}


def test_a_streamed_file_with_bytes_that_are_not_utf8_is_parsed_repaired(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # The bad row is past the first blocks pyarrow reads: the parse stops there and runs
    # again on a repaired copy, with nothing printed (pyarrow never saw the bytes).
    monkeypatch.setattr(_csv, "START_BYTES", 1024)
    streamed = _csv._parse_file
    raised: list[type[BaseException]] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        try:
            return streamed(*args, **kwargs)
        except Exception as exc:
            raised.append(type(exc))
            raise

    monkeypatch.setattr(_csv, "_parse_file", spy)
    rows = "".join(f"{k / 100:.2f},0.1,0.2,9.8\n" for k in range(40_000))
    good = tmp_path / "good.csv"
    good.write_text("time_s,ax,ay,az\n" + rows)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"time_s,ax,ay,az\n" + rows.encode() + b"400.00,0.1,0.2,9.8,caf\xe9\n")
    expected = read(good)
    got = read(bad)
    assert np.array_equal(got.acc_mps2, expected.acc_mps2)
    assert [f.code for f in got.quality] == ["rows_dropped"]
    assert raised == [_csv._NotUtf8]  # the good file was parsed as it is; the bad one stopped
    assert capfd.readouterr().err == ""


def test_a_file_over_2_gib_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("w") as out:
        out.write("time,ax,ay,az\n" + "".join(f"{k / 100:.2f},0,0,9.8\n" for k in range(8000)))
        out.truncate(2 * 1024**3 + 1)  # sparse: the rest is a hole, nothing is written
    code = (
        "import sys\nfrom thrustlab.readers import read\nfrom thrustlab.errors import ReadError\n"
        "try:\n    read(sys.argv[1])\nexcept ReadError as e:\n    print(e)\n"
        "print(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    message, peak_kib = out.stdout.strip().splitlines()
    assert "GiB" in message and "split the recording" in message
    assert int(peak_kib) < 300 * 1024  # imports only: the 2 GiB were never read


def test_sensorlogger_times_still_line_up(tmp_path: Path) -> None:
    rng = np.random.default_rng(RNG_SEED)
    files = {
        "AccelerometerUncalibrated.csv": sensorlogger_csv(
            times_ns(100, 100), still(100, rng, g=(0, 0, 1))
        )
    }
    rec = read(write_export(tmp_path / "x", files, as_zip=True))
    assert rec.start_epoch_ns == T0_NS


# --- real files: units judged without being told ------------------------------------------


def test_real_watch_sets_in_g_are_judged_g_without_acc_unit() -> None:
    """All 140 SPAR series (wrist exercise sets in g, no time column): read without
    ``acc_unit``, each is taken for g, as ``acc_unit="g"`` reads it, and says so."""
    index = shared("spar-watch-reps/index.csv")
    names = [line.split(",")[0] for line in index.read_text().splitlines()[1:]]
    for name in names:
        judged = read(index.parent / name, options=ReadOptions(rate_hz=50))
        told = read(index.parent / name, options=ReadOptions(rate_hz=50, acc_unit="g"))
        np.testing.assert_allclose(judged.acc_mps2, told.acc_mps2, err_msg=name)
        assert "unit_assumed" in codes(judged), name


def test_real_phone_recordings_in_mps2_are_not_taken_for_g() -> None:
    folder = shared("pdkit-phone-tremor/2458")
    options = ReadOptions(columns=("time", "ax", "ay", "az", "_"))
    paths = [p for p in sorted(folder.parent.rglob("T_-_*.csv")) if "TREMOR" in p.name]
    assert paths
    for path in paths:
        rec = read(path, options=options)
        assert "unit_assumed" not in codes(rec), path.name
        assert 8 < magnitude(rec.acc_mps2) < 12, path.name


def test_rows_in_shuffled_order_keep_their_time_unit(tmp_path: Path) -> None:
    """The unit comes from the steps between sorted times: shuffled rows in seconds are not
    read as milliseconds (a 10 s file read as 0.01 s)."""
    t_s = np.arange(1000) / 100.0
    order = np.random.default_rng(0).permutation(t_s.size)
    rows = "".join(f"{t_s[i]:.2f},0.1,9.8,0.0\n" for i in order)
    recording = read(write(tmp_path / "shuffled.csv", "time,ax,ay,az\n" + rows))
    assert recording.t_s[-1] - recording.t_s[0] == pytest.approx(9.99)


def test_absurd_values_do_not_overflow_the_unit_check(tmp_path: Path) -> None:
    """Cells near the float limit are not gravity in g, and judging them warns of nothing
    (the tests turn warnings into errors)."""
    rows = "".join(f"{i / 100:.2f},1e308,1e308,1e308\n" for i in range(200))
    rows += "".join(f"{i / 100:.2f},0.1,9.8,0.0\n" for i in range(200, 1200))
    recording = read(write(tmp_path / "absurd.csv", "time,ax,ay,az\n" + rows))
    assert magnitude(recording.acc_mps2[-500:]) == pytest.approx(9.8, abs=0.1)


def _with_filler(xyz: np.ndarray, rows: np.ndarray, value: float) -> np.ndarray:
    filled = xyz.copy()
    filled[rows] = value
    return filled


@pytest.mark.parametrize("app", ["csv", "Sensor Logger", "phyphox"])
def test_filler_values_beyond_any_accelerometer_are_dropped_with_their_rows(
    tmp_path: Path, app: str
) -> None:
    """-9999 is how many loggers write "missing": 1,020 g, which no accelerometer reads (the
    widest, impact sensors, stop at 400 g; a phone's at 8-32 g). Such rows go as unreadable
    ones do, in every format, the units judged as before; 300 g stays (a real sensor's)."""
    rng = np.random.default_rng(RNG_SEED)
    n, filler = 600, np.array([100, 250, 251, 400])
    in_mps2 = still(n, rng, g=(0.3, 9.7, 1.2))
    acc = _with_filler(in_mps2, filler, -9999.0)
    acc[500] = 300 * G_MPS2
    if app == "csv":
        body = "".join(f"{k / 100:.2f},{x!r},{y!r},{z!r}\n" for k, (x, y, z) in enumerate(acc))
        path = write(tmp_path / "set.csv", "time,ax,ay,az\n" + body)
    elif app == "Sensor Logger":
        files = {"Accelerometer.csv": sensorlogger_csv(times_ns(n, 100), acc)}
        path = write_export(tmp_path / "sl", files, as_zip=True)
    else:
        files = {"Accelerometer.csv": phyphox_multi(np.arange(n) / 100.0, acc, "m/s^2")}
        path = write_export(tmp_path / "phyphox", files, as_zip=True)
    rec = read(path)
    assert rec.t_s.size == n - filler.size
    (flag,) = [f for f in rec.quality if f.code == "rows_dropped"]
    assert f"dropped {filler.size} of {n} rows" in flag.message
    kept = np.delete(acc, filler, axis=0)
    np.testing.assert_allclose(rec.acc_mps2, kept, rtol=1e-9, atol=1e-9)
    assert "acceleration_unit_unknown" not in codes(rec)
    # in g, the same filler is 9,999 g: left out after the unit is judged from the rest
    in_g = _with_filler(in_mps2 / G_MPS2, filler, -9999.0)
    body = "".join(f"{k / 100:.2f},{x!r},{y!r},{z!r}\n" for k, (x, y, z) in enumerate(in_g))
    rec = read(write(tmp_path / "g.csv", "time,ax,ay,az\n" + body))
    assert rec.t_s.size == n - filler.size and "unit_assumed" in codes(rec)
    assert magnitude(rec.acc_mps2) == pytest.approx(G_MPS2, rel=0.02)


@pytest.mark.parametrize(
    ("header", "per_rads"),
    [("gyro_x_rad_s,gyro_y_rad_s,gyro_z_rad_s", 1.0), ("gx,gy,gz", 1.0), ("gx,gy,gz", 180 / np.pi)],
    ids=["stated rad/s", "plain rad/s", "plain deg/s"],
)
def test_gyroscope_fillers_are_dropped_and_leave_its_unit_alone(
    tmp_path: Path, header: str, per_rads: float
) -> None:
    """A gyroscope written with -9999 and 32767 for "missing" on some rows (its acceleration
    kept): no gyroscope reads 100 rad/s, so those rows go as unreadable ones do. Before,
    -9999 rad/s stayed in a stated rad/s file, and a simulated set's 27 reps read as 12; in
    a plain rad/s file, three fillers made the whole gyroscope deg/s (57 times too slow).
    A turn's readings in deg/s still say deg/s: they rise and fall through the rows, where
    a filler stands alone or repeats itself."""
    from thrustlab.simulate import random_spec, simulate_set

    recording, _ = simulate_set(random_spec(1))  # 100 Hz with a gyroscope, 27 reps
    assert recording.gyro_rads is not None
    gyro = recording.gyro_rads * per_rads
    alone, run = np.array([900, 4000, 7100, 9000, 12000]), np.arange(6000, 6020)
    gyro[alone] = -9999.0
    gyro[run] = 32767.0
    rows = np.column_stack([recording.t_s, recording.acc_mps2, gyro])
    body = "\n".join(",".join(repr(float(v)) for v in row) for row in rows)
    rec = read(write(tmp_path / "set.csv", f"time,ax,ay,az,{header}\n{body}\n"))
    dropped = np.concatenate([alone, run])
    assert rec.t_s.size == recording.t_s.size - dropped.size
    assert rec.gyro_rads is not None
    kept = np.delete(recording.gyro_rads, dropped, axis=0)
    np.testing.assert_allclose(rec.gyro_rads, kept, rtol=1e-9, atol=1e-12)
    judged = [f.message for f in rec.quality if f.code == "unit_assumed"]
    assert ("deg/s" in " ".join(judged)) == (per_rads != 1.0), judged


def test_sensor_logger_gyroscope_fillers_leave_the_accelerometers_rows(tmp_path: Path) -> None:
    """In a Sensor Logger export the gyroscope is a file of its own: its filler rows go, and
    it is aligned onto the accelerometer's rows, which are all kept."""
    rng = np.random.default_rng(RNG_SEED)
    n = 600
    t_ns = times_ns(n, 100)
    turning = 0.5 * np.sin(np.arange(n)[:, None] / 50 + np.arange(3)) + 0.01 * rng.random((n, 3))
    gyro = _with_filler(turning, np.array([100, 101, 350]), -9999.0)
    files = {
        "TotalAcceleration.csv": sensorlogger_csv(t_ns, still(n, rng, g=(0.3, 9.7, 1.2))),
        "Gyroscope.csv": sensorlogger_csv(t_ns, gyro),
    }
    rec = read(write_export(tmp_path / "sl", files, as_zip=True))
    assert rec.t_s.size == n and rec.gyro_rads is not None
    assert np.abs(rec.gyro_rads).max() <= np.abs(turning).max()
    (flag,) = [f for f in rec.quality if f.code == "rows_dropped"]
    assert "Gyroscope" in flag.message and "dropped 3 of 600 rows" in flag.message
