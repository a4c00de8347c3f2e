"""The generic CSV reader: column names, units, time units, headerless files, repairs."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np
import pytest

from test_read_support import DATA, shared
from thrustlab.errors import FormatError, OptionError, ReadError
from thrustlab.measurement import analyse
from thrustlab.readers import ReadOptions, detect_format, read
from thrustlab.recording import G_MPS2, Recording
from thrustlab.simulate import SimulationSpec, simulate_set


def write(tmp_path: Path, text: str, name: str = "rec.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def codes(recording: object) -> set[str]:
    return {flag.code for flag in recording.quality}  # type: ignore[attr-defined]


def test_named_columns_in_seconds(tmp_path: Path) -> None:
    path = write(tmp_path, "time,ax,ay,az\n10.00,0,0,9.8\n10.01,0,1,9.8\n10.02,1,0,9.8\n")
    rec = read(path)
    assert detect_format(path) == "csv"
    assert rec.format == "csv"
    np.testing.assert_allclose(rec.t_s, [0, 0.01, 0.02], atol=1e-12)
    np.testing.assert_allclose(rec.acc_mps2[1], [0, 1, 9.8])
    assert rec.gyro_rads is None
    assert rec.gravity_included
    assert rec.path == str(path)


@pytest.mark.parametrize(
    ("header", "scale_acc", "scale_gyro"),
    [
        ("t,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z", 1.0, 1.0),
        ("timestamp_s,accel_x,accel_y,accel_z,wx,wy,wz", 1.0, 1.0),
        ("Time,accX,accY,accZ,gx,gy,gz", 1.0, 1.0),
        (
            "time_s,acc_x_g,acc_y_g,acc_z_g,gyro_x_deg_s,gyro_y_deg_s,gyro_z_deg_s",
            G_MPS2,
            math.pi / 180,
        ),
        (
            "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyro_x_rad_s,gyro_y_rad_s,gyro_z_rad_s",
            1.0,
            1.0,
        ),
        ("time (s),x,y,z,rotation_rate_x,rotation_rate_y,rotation_rate_z", 1.0, 1.0),
        # the axis before the sensor's name
        ("t,x_acc,y_acc,z_acc,x_gyro,y_gyro,z_gyro", 1.0, 1.0),
        ("time,xAcc,yAcc,zAcc,xGyro,yGyro,zGyro", 1.0, 1.0),
        (
            "time (s),X Acceleration (g),Y Acceleration (g),Z Acceleration (g),"
            "X Gyroscope (deg/s),Y Gyroscope (deg/s),Z Gyroscope (deg/s)",
            G_MPS2,
            math.pi / 180,
        ),
        # milli-g, as research loggers and microcontroller boards write it
        ("t,acc_x_mg,acc_y_mg,acc_z_mg,gyro_x,gyro_y,gyro_z", G_MPS2 / 1000, 1.0),
        ("time (s),x-axis (mg),y-axis (mg),z-axis (mg),wx,wy,wz", G_MPS2 / 1000, 1.0),
        ("t,ax,ay,az,gyro_x_mdps,gyro_y_mdps,gyro_z_mdps", 1.0, math.pi / 180_000),
    ],
)
def test_column_names_and_units(
    tmp_path: Path, header: str, scale_acc: float, scale_gyro: float
) -> None:
    rows = "\n".join(f"{i * 0.01:.2f},1,2,3,4,5,6" for i in range(5))
    rec = read(write(tmp_path, f"{header}\n{rows}\n"))
    np.testing.assert_allclose(rec.acc_mps2[0], np.array([1, 2, 3]) * scale_acc)
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads[0], np.array([4, 5, 6]) * scale_gyro)
    assert rec.median_rate_hz == pytest.approx(100)


def test_columns_found_by_name_not_position(tmp_path: Path) -> None:
    text = "az,quality,ay,time_ms,ax\n3,1,2,0,1\n3,1,2,20,1\n3,1,2,40,1\n"
    rec = read(write(tmp_path, text))
    np.testing.assert_allclose(rec.acc_mps2[0], [1, 2, 3])
    np.testing.assert_allclose(rec.t_s, [0, 0.02, 0.04])


def test_options_override_units(tmp_path: Path) -> None:
    text = "time,ax,ay,az,gx,gy,gz\n0,0,0,1,90,0,0\n1,0,0,1,90,0,0\n2,0,0,1,90,0,0\n"
    rec = read(
        write(tmp_path, text), options=ReadOptions(acc_unit="g", gyro_unit="degs", time_unit="ms")
    )
    np.testing.assert_allclose(rec.acc_mps2[0], [0, 0, G_MPS2])
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads[0], [math.pi / 2, 0, 0])
    np.testing.assert_allclose(rec.t_s, [0, 0.001, 0.002])
    assert rec.gravity_included


@pytest.mark.parametrize(
    ("step", "unit"),
    [
        (0.01, "s"),
        (0.0025, "s"),
        (10, "ms"),
        (2, "ms"),
        (10_000, "us"),
        (10_000_000, "ns"),
        (1_000_000, "ns"),
    ],
)
def test_time_unit_detected_from_median_step(tmp_path: Path, step: float, unit: str) -> None:
    rows = "\n".join(f"{1000 + i * step!r},0,0,1" for i in range(50))
    rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}\n"))
    assert rec.meta["time_unit"] == unit
    assert "time_unit_detected" in codes(rec)
    seconds = {"s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}[unit]
    assert rec.t_s[1] == pytest.approx(step * seconds)


def test_time_unit_that_fits_no_rate_is_an_error(tmp_path: Path) -> None:
    rows = "\n".join(f"{i * 1e12:.0f},0,0,1" for i in range(5))
    with pytest.raises(ReadError, match="time_unit"):
        read(write(tmp_path, f"time,ax,ay,az\n{rows}\n"))


def test_ns_epoch_keeps_its_precision(tmp_path: Path) -> None:
    base = 1_719_102_681_279_387_400
    rows = "\n".join(f"{base + i * 10_000_123},0,0,1" for i in range(4))
    rec = read(write(tmp_path, f"timestamp_ns,ax,ay,az\n{rows}\n"))
    np.testing.assert_allclose(np.diff(rec.t_s), 0.010000123, rtol=0, atol=1e-15)


def test_headerless_with_columns(tmp_path: Path) -> None:
    text = "5,1,2,3,9\n6,1,2,3,9\n7,1,2,3,9\n"
    rec = read(
        write(tmp_path, text),
        options=ReadOptions(columns=("time", "ax", "ay", "az", "_"), time_unit="s"),
    )
    np.testing.assert_allclose(rec.t_s, [0, 1, 2])
    np.testing.assert_allclose(rec.acc_mps2[2], [1, 2, 3])
    assert "columns_guessed" not in codes(rec)


def test_headerless_guess_says_so(tmp_path: Path) -> None:
    text = "".join(f"{i * 10},1,2,9.8\n" for i in range(10))
    rec = read(write(tmp_path, text))
    assert "columns_guessed" in codes(rec)
    assert rec.t_s[1] == pytest.approx(0.01)


def test_headerless_without_a_known_layout_asks_for_columns(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no header row and 8 columns") as info:
        read(write(tmp_path, "1,2,3,4,5,6,7,8\n2,2,3,4,5,6,7,8\n"))
    assert "ReadOptions" not in str(info.value)
    assert str(info.value).endswith("pass --columns time,ax,ay,az,gx,gy,gz,_")
    assert "header row naming its columns" in info.value.worded("web")
    assert "--columns" not in info.value.worded("web")


def test_columns_given_for_a_file_with_a_header_skip_it(tmp_path: Path) -> None:
    text = "a,b,c,d\n0,1,2,3\n0.01,1,2,3\n0.02,1,2,3\n"
    rec = read(write(tmp_path, text), options=ReadOptions(columns=("time", "ax", "ay", "az")))
    assert rec.t_s.size == 3


def test_rate_for_a_file_without_time(tmp_path: Path) -> None:
    text = "ax,ay,az\n" + "".join(f"{i},0,1\n" for i in range(10))
    rec = read(write(tmp_path, text), options=ReadOptions(rate_hz=50))
    np.testing.assert_allclose(rec.t_s, np.arange(10) / 50)
    with pytest.raises(ReadError, match=r"no time column.*pass --rate-hz"):
        read(write(tmp_path, text))


def test_rate_keeps_timing_when_rows_are_dropped(tmp_path: Path) -> None:
    text = "ax,ay,az\n0,0,1\n0,0,x\n0,0,1\n0,0,1\n"
    rec = read(write(tmp_path, text), options=ReadOptions(rate_hz=10))
    np.testing.assert_allclose(rec.t_s, [0, 0.2, 0.3])
    assert "rows_dropped" in codes(rec)


def test_semicolon_and_decimal_comma(tmp_path: Path) -> None:
    text = "time;ax;ay;az\n0,00;1,5;0;9,8\n0,01;1,5;0;9,8\n0,02;1,5;0;9,8\n"
    rec = read(write(tmp_path, text))
    np.testing.assert_allclose(rec.acc_mps2[0], [1.5, 0, 9.8])
    np.testing.assert_allclose(rec.t_s, [0, 0.01, 0.02])


def test_quoted_decimal_commas_in_a_comma_separated_file(tmp_path: Path) -> None:
    """A spreadsheet set to a decimal-comma language may write a comma-separated file with
    its numbers quoted: "0,01","1,5". Before, the time column was read
    as text and the file refused ("no number in it; pass --rate-hz"). Quoted text, unquoted
    numbers and whole numbers in quotes are read as they are."""
    rows = ['"0,00","1,5","0","9,8"', '"0,01","-1,25","0","9,75"', '"0,02","1,5E-3",0,"9,8"']
    rec = read(write(tmp_path, '"time","ax","ay","az"\n' + "\n".join(rows) + "\n"))
    np.testing.assert_allclose(rec.t_s, [0, 0.01, 0.02])
    np.testing.assert_allclose(rec.acc_mps2, [[1.5, 0, 9.8], [-1.25, 0, 9.75], [1.5e-3, 0, 9.8]])
    # a comma inside quotes beside points is not a decimal comma: such a file is read as before
    text = '"time","ax","ay","az","note"\n0.00,1.5,0,9.8,"a, b"\n0.01,1.5,0,9.8,"c"\n'
    np.testing.assert_allclose(read(write(tmp_path, text, "note.csv")).acc_mps2[0], [1.5, 0, 9.8])


def test_tab_delimited(tmp_path: Path) -> None:
    rec = read(write(tmp_path, "t\tax\tay\taz\n0\t1\t2\t3\n0.01\t1\t2\t3\n"))
    np.testing.assert_allclose(rec.acc_mps2[1], [1, 2, 3])


def test_repairs_are_quality_entries(tmp_path: Path) -> None:
    text = (
        "time,ax,ay,az\n"
        "0.00,0,0,1\n"
        "0.02,0,0,1\n"  # out of order
        "0.01,0,0,1\n"
        "0.01,5,5,5\n"  # repeats a timestamp
        "0.03,nan,0,1\n"  # NaN
        "0.04,inf,0,1\n"  # inf
        "0.05,abc,0,1\n"  # not a number
        "0.06,0,0\n"  # too few fields
        "0.07,0,0,1\n"
    )
    rec = read(write(tmp_path, text), options=ReadOptions(acc_unit="mps2"))  # 1 would be g
    np.testing.assert_allclose(rec.t_s, [0, 0.01, 0.02, 0.07])
    np.testing.assert_allclose(rec.acc_mps2[1], [0, 0, 1])  # the first of the repeats
    flags = {f.code: f.message for f in rec.quality}
    assert {"rows_dropped", "timestamps_unsorted", "duplicate_timestamps"} <= set(flags)
    assert "dropped 4 of 9 rows" in flags["rows_dropped"]
    assert "1 with the wrong number of fields" in flags["rows_dropped"]
    assert "1 times" in flags["timestamps_unsorted"]
    assert "dropped 1 rows" in flags["duplicate_timestamps"]


def test_bad_cell_far_down_a_large_file(tmp_path: Path) -> None:
    """pyarrow infers types from the first block; a bad cell past it must still be survived."""
    n = 60_000
    lines = [f"{i / 100:.2f},0.1,0.2,9.8" for i in range(n)]
    lines[n - 10] = f"{(n - 10) / 100:.2f},oops,0.2,9.8"
    rec = read(write(tmp_path, "time,ax,ay,az\n" + "\n".join(lines) + "\n"))
    assert rec.t_s.size == n - 1
    assert "rows_dropped" in codes(rec)


@pytest.mark.parametrize(
    ("first_row", "ay_signs"),
    [
        ("0.00,1,-0,9", [False, False, False]),  # integers: int64 in pyarrow, -0 is 0
        ("0.00,1.0,-0.0,9.0", [True, False, True]),  # decimals: float64, -0.0 stays -0.0
    ],
)
def test_negative_zero_reads_as_the_column_type_says(
    tmp_path: Path, first_row: str, ay_signs: list[bool]
) -> None:
    """Columns whose first row has decimal points are parsed as float64 without a guess;
    a column of integers must still read as pyarrow's guess (int64) gives it."""
    text = f"time,ax,ay,az\n{first_row}\n0.01,2,0,9\n0.02,3,-0,9\n"
    rec = read(write(tmp_path, text), options=ReadOptions(acc_unit="mps2"))
    assert np.signbit(rec.acc_mps2[:, 1]).tolist() == ay_signs


def test_gravity_free_columns(tmp_path: Path) -> None:
    rows = "".join(f"{i / 100},0.1,0.2,0.3\n" for i in range(5))
    assert not read(write(tmp_path, "time,ax,ay,az\n" + rows)).gravity_included
    rows = "".join(f"{i / 100},0.1,0.2,9.3\n" for i in range(5))
    text = "time,linear_acceleration_x,linear_acceleration_y,linear_acceleration_z\n" + rows
    assert not read(write(tmp_path, text)).gravity_included


def test_acc_at_rest_near_1_without_a_unit_is_read_in_g_and_says_so(tmp_path: Path) -> None:
    rows = "".join(f"{i / 100},0,0,1.0\n" for i in range(5))
    rec = read(write(tmp_path, "time,ax,ay,az\n" + rows))
    np.testing.assert_allclose(rec.acc_mps2[:, 2], G_MPS2)
    assert rec.gravity_included
    assert "unit_assumed" in codes(rec)


def test_acc_at_rest_near_1000_without_a_unit_is_read_in_milli_g(tmp_path: Path) -> None:
    """Read as m/s^2, a logger's milli-g made every rep's shaking 100 times too strong (left
    out as implausible); about 1,000 at rest is gravity in mg, said in a quality entry, and
    --acc-unit mg says it for any file."""
    rows = "".join(f"{i / 100},3,-2,{998 + i % 5}\n" for i in range(200))
    rec = read(write(tmp_path, "time,ax,ay,az\n" + rows))
    np.testing.assert_allclose(rec.acc_mps2[0], np.array([3, -2, 998]) * G_MPS2 / 1000)
    (flag,) = [f for f in rec.quality if f.code == "unit_assumed"]
    assert "read in mg because gravity reads about 1,000" in flag.message
    given = read(write(tmp_path, "time,ax,ay,az\n" + rows), options=ReadOptions(acc_unit="mg"))
    np.testing.assert_allclose(given.acc_mps2, rec.acc_mps2)
    assert "unit_assumed" not in codes(given)


def test_acc_in_a_unit_it_cannot_be_is_an_error_that_names_the_fix(tmp_path: Path) -> None:
    """Raw counts of a 16-bit sensor (16,384 to 1 g) average 16,000 or so: no phone on a
    thigh averages 3 g, so the entry says the unit is none of those thrustlab reads."""
    rows = "".join(f"{i / 100},{i % 7},-30,{16380 + i % 9}\n" for i in range(200))
    rec = read(write(tmp_path, "time,ax,ay,az\n" + rows))
    (flag,) = [f for f in rec.quality if f.code == "acceleration_unit_unknown"]
    assert flag.severity == "error"
    assert "read in m/s^2, the acceleration averages 16,384 m/s^2" in flag.message
    assert "convert the recording" in flag.message
    # given as mg, it averages 16 g: the unit given is as wrong, and the entry says so too
    in_mg = read(write(tmp_path, "time,ax,ay,az\n" + rows), options=ReadOptions(acc_unit="mg"))
    (flag,) = [f for f in in_mg.quality if f.code == "acceleration_unit_unknown"]
    assert "averages 161 m/s^2" in flag.message


def _rows(t: np.ndarray, x: np.ndarray) -> str:
    return "".join(f"{a:.2f},0.02,{b:.3f},-0.03\n" for a, b in zip(t, x, strict=True))


def test_acc_straying_further_than_a_thigh_moves_is_an_error_naming_both_misreadings(
    tmp_path: Path,
) -> None:
    """A gyroscope in deg/s under plain headers, read as m/s^2: ten hip thrusts (80 degrees
    up in 1 s, down in 2 s) turn it at up to 126 deg/s, 5 g and more from its mean on a
    third of its rows, which no phone on a thigh does (real wrists swung through shoulder
    exercises: 1.2 % at most, see the SPAR test). A thigh's pushes without gravity (1 m/s^2)
    in mg read the same way; given as mg, they are what they are."""
    rate = 100
    up = 40 * (1 - np.cos(np.pi * np.arange(rate) / rate))
    down = 40 * (1 + np.cos(np.pi * np.arange(2 * rate) / (2 * rate)))
    rep = np.concatenate([up, np.full(rate // 2, 80.0), down, np.zeros(rate // 2)])
    angle = np.concatenate([np.zeros(5 * rate), np.tile(rep, 10), np.zeros(5 * rate)])
    t = np.arange(angle.size) / rate
    gyro = read(write(tmp_path, "time,x,y,z\n" + _rows(t, np.gradient(angle, t)), "g.csv"))
    (flag,) = [f for f in gyro.quality if f.code == "acceleration_unit_unknown"]
    assert flag.severity == "error"
    # on 30-39 % of its rows: the reps' turning, between the rests
    assert "read in m/s^2, the acceleration strays over 5 g from its mean on 3" in flag.message
    assert "which no phone on a thigh does. These are likely a gyroscope's readings in deg/s" in (
        flag.message
    )
    assert "acceleration in another unit (mg, with no gravity in it)" in flag.message

    pushes_mg = 1000 / G_MPS2 * np.sin(2 * np.pi * 0.4 * t)
    in_mg = write(tmp_path, "time,x,y,z\n" + _rows(t, pushes_mg), "mg.csv")
    assert "acceleration_unit_unknown" in codes(read(in_mg))
    given = read(in_mg, options=ReadOptions(acc_unit="mg"))
    assert "acceleration_unit_unknown" not in codes(given)
    assert np.abs(given.acc_mps2[:, 1]).max() == pytest.approx(1.0, abs=0.01)


def test_missing_accelerometer_columns(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="accelerometer"):
        read(write(tmp_path, "time,temp,humidity\n0,1,2\n1,1,2\n"))


def test_bad_options_are_option_errors() -> None:
    with pytest.raises(OptionError):
        ReadOptions(columns=("time", "ax", "speed"))
    with pytest.raises(OptionError):
        ReadOptions(rate_hz=0)
    with pytest.raises(OptionError):
        ReadOptions(rate_hz=float("nan"))
    with pytest.raises(OptionError):
        ReadOptions(columns=("ax", "ax"))


# --- real third-party data -------------------------------------------------------------


def test_spar_cut_in_tests_data() -> None:
    rec = read(DATA / "spar_S9_E5_L_097_head.csv", options=ReadOptions(rate_hz=50, acc_unit="g"))
    assert rec.t_s.size == 250
    assert rec.median_rate_hz == pytest.approx(50)
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.acc_mps2[0], np.array([1.11157, -0.093791, 0.149732]) * G_MPS2)
    np.testing.assert_allclose(rec.gyro_rads[0], [0.015535, 1.11811, 1.38024])
    assert rec.gravity_included


def test_spar_shared_series_are_long_sets() -> None:
    index = shared("spar-watch-reps/index.csv")
    lines = index.read_text().splitlines()[1:4]
    for line in lines:
        name, *_, n_samples, duration_s = line.split(",")
        rec = read(index.parent / name, options=ReadOptions(rate_hz=50, acc_unit="g"))
        assert rec.t_s.size == int(n_samples)
        assert rec.duration_s == pytest.approx(float(duration_s) - 0.02)
        assert rec.median_rate_hz == pytest.approx(50)
        magnitude = np.linalg.norm(rec.acc_mps2, axis=1).mean()
        assert 7 < magnitude < 13  # gravity in m/s^2 once g was converted


def test_pdkit_cut_headerless_ns() -> None:
    options = ReadOptions(columns=("time", "ax", "ay", "az", "_"))
    rec = read(DATA / "pdkit_rest_tremor_right_leg_head.csv", options=options)
    assert rec.t_s.size == 300
    assert rec.meta["time_unit"] == "ns"
    assert rec.median_rate_hz == pytest.approx(100, rel=0.02)
    np.testing.assert_allclose(rec.acc_mps2[0], [2.6803088, 0.15801731, -9.734824])


def test_pdkit_shared_rate_about_100_hz() -> None:
    folder = shared("pdkit-phone-tremor/2458")
    options = ReadOptions(columns=("time", "ax", "ay", "az", "_"))
    for path in sorted(folder.glob("T_-_*LEG*.csv")):
        rec = read(path, options=options)
        assert rec.median_rate_hz == pytest.approx(100, rel=0.05)
        assert 25 < rec.duration_s < 40
        assert rec.gravity_included
        assert read(path).t_s.size == rec.t_s.size  # the guess gives the same answer


def test_a_guessed_time_column_that_goes_back_is_refused(tmp_path: Path) -> None:
    """The real pdkit file with its time column moved last: the guess took acceleration for
    time and read the file as 13,366 Hz and 1.15 s long, with three quality entries."""
    lines = (DATA / "pdkit_rest_tremor_right_leg_head.csv").read_text().splitlines()
    moved = tmp_path / "moved.csv"
    moved.write_text("\n".join(",".join([*r.split(",")[1:], r.split(",")[0]]) for r in lines))
    with pytest.raises(ReadError, match=r"turns back on 7% of its rows.*--columns time,ax"):
        read(moved)
    # a block of rows written backwards turns back once: the rows are put in order
    block = tmp_path / "block.csv"
    block.write_text("\n".join([*lines[:100], *lines[100:160][::-1], *lines[160:]]))
    assert read(block).t_s.size == len(lines)
    # a time of 0 in every tenth row turns back between two huge steps: corrupt cells,
    # not a column that is no time
    zeroed = tmp_path / "zeroed.csv"
    zeroed.write_text(
        "\n".join("0" + r[r.index(",") :] if i % 10 == 5 else r for i, r in enumerate(lines))
    )
    assert read(zeroed).median_rate_hz == pytest.approx(100, rel=0.02)
    options = ReadOptions(columns=("ax", "ay", "az", "_", "time"))
    assert read(moved, options=options).median_rate_hz == pytest.approx(100, rel=0.02)


def test_paradigma_deg_per_s_to_rad_per_s() -> None:
    rec = read(DATA / "paradigma_imu_raw_head.csv")
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(
        rec.gyro_rads[0], np.deg2rad([-115.67073, -32.01220, 26.09756]), rtol=1e-12
    )
    np.testing.assert_allclose(rec.acc_mps2[0], [-5.40254, 5.63254, -2.68484])
    assert rec.median_rate_hz == pytest.approx(100)


def test_paradigma_shared_whole_file() -> None:
    rec = read(shared("paradigma-watch-tremor/imu_raw.csv"))
    assert rec.duration_s == pytest.approx(731, abs=1)
    assert rec.median_rate_hz == pytest.approx(100)
    assert rec.gyro_rads is not None
    assert np.abs(rec.gyro_rads).max() < 40  # rad/s; deg/s would reach hundreds


def test_unknown_names_are_read_by_their_units_and_say_so(tmp_path: Path) -> None:
    # phyphox in German: the names are in the user's language, the units are not
    header = (
        '"Zeit (s)","Beschleunigung x (m/s^2)","Beschleunigung y (m/s^2)",'
        '"Beschleunigung z (m/s^2)","Absolute Beschleunigung (m/s^2)",'
        '"Gyroskop x (deg/s)","Gyroskop y (deg/s)","Gyroskop z (deg/s)"'
    )
    rows = "".join(f"{i / 100:.2f},1,2,9.5,9.8,90,0,-90\n" for i in range(5))
    rec = read(write(tmp_path, f"{header}\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(5) / 100, atol=1e-12)
    np.testing.assert_allclose(rec.acc_mps2[0], [1, 2, 9.5])
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads[0], [math.pi / 2, 0, -math.pi / 2])
    (flag,) = [f for f in rec.quality if f.code == "columns_by_unit"]
    assert "Zeit (s)" in flag.message and "Gyroskop z (deg/s)" in flag.message
    named = read(write(tmp_path, "time,ax,ay,az\n" + "".join(f"{i},1,2,9\n" for i in range(5))))
    assert "columns_by_unit" not in codes(named)


@pytest.mark.parametrize(
    ("header", "match"),
    [
        # gravity alone is not the phone's acceleration, whatever its unit
        ("Zeit (s),Gravitation x (m/s^2),Gravitation y (m/s^2),Gravitation z (m/s^2)", "no rec"),
        # two axes of three are not an accelerometer
        ("Zeit (s),Beschleunigung x (m/s^2),Beschleunigung y (m/s^2),Druck (hPa)", "no rec"),
        # a rotation rate alone is refused as such
        ("Zeit (s),Gyroskop x (rad/s),Gyroskop y (rad/s),Gyroskop z (rad/s)", "gyroscope"),
        # an angle is not a rate: "deg" alone makes no gyroscope
        ("Zeit (s),Neigung x (deg),Neigung y (deg),Neigung z (deg)", "no rec"),
    ],
)
def test_units_alone_take_only_whole_motion_sensors(
    tmp_path: Path, header: str, match: str
) -> None:
    rows = "".join(f"{i / 100},1,2,3\n" for i in range(5))
    with pytest.raises(FormatError, match=match):
        read(write(tmp_path, f"{header}\n{rows}"))


@pytest.mark.parametrize(
    ("name", "scale"),
    [
        ("millis", 1e-3),
        ("micros", 1e-6),
        ("ms", 1e-3),
        ("Time since start (ms)", 1e-3),  # a name holding the word time and a unit
        ("epoch_time_ms", 1e-3),
    ],
)
def test_a_time_unit_as_the_column_name(tmp_path: Path, name: str, scale: float) -> None:
    step = round(0.01 / scale)
    rows = "".join(f"{1000 + i * step},0,0,9.8\n" for i in range(5))
    rec = read(write(tmp_path, f"{name},ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(5) / 100, atol=1e-9)
    assert "time_unit_detected" not in codes(rec)


@pytest.mark.parametrize(
    "cells",
    [
        [f"2026-11-30T23:59:59.{k:02d}0" for k in range(0, 100, 2)],  # 50 Hz
        [f"2026-11-30 23:59:59.{k:02d}" for k in range(0, 100, 2)],
        [f"2026-11-30T22:59:59.{k:02d}+01:00" for k in range(0, 100, 2)],  # with a zone
        [f"2026-11-30T23:59:59.{k:02d}Z" for k in range(0, 100, 2)],
        [f"23:59:59.{k:02d}" for k in range(0, 100, 2)],  # clock times
        # a bad cell: pyarrow reads the column as text, the dates are still read
        ["garbled", *(f"2026-11-30T23:59:59.{k:02d}" for k in range(2, 100, 2))],
    ],
)
def test_dates_and_clock_times_in_the_time_column(tmp_path: Path, cells: list[str]) -> None:
    rows = "".join(f"{c},0,0,9.8\n" for c in cells)
    rec = read(write(tmp_path, f"timestamp,ax,ay,az\n{rows}"))
    assert rec.median_rate_hz == pytest.approx(50)
    assert rec.t_s[-1] == pytest.approx(0.98 - (0.02 if cells[0] == "garbled" else 0.0))
    assert rec.meta["time_unit"] == "ns"
    assert "time_unit_detected" not in codes(rec)
    text = f"timestamp,ax,ay,az\n{rows}"
    given = read(write(tmp_path, text), options=ReadOptions(time_unit="s"))
    np.testing.assert_array_equal(given.t_s, rec.t_s)
    assert "option_ignored" in codes(given)


def test_a_header_saved_as_windows_text(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    rows = "".join(f"{i / 100},0.1,0.2,1.0\n" for i in range(5))
    path.write_bytes(
        "Time (s),Accel X (m/s²),Accel Y (m/s²),Accel Z (m/s²)\n".encode("cp1252") + rows.encode()
    )
    rec = read(path)
    np.testing.assert_allclose(rec.acc_mps2[0], [0.1, 0.2, 1.0])  # m/s², as stated: not in g
    assert "unit_assumed" not in codes(rec)


def test_physics_toolbox_g_force_columns_are_in_g(tmp_path: Path) -> None:
    rows = "".join(f"{i / 100:.3f},0.1,-0.2,1.0,1.03\n" for i in range(5))
    rec = read(write(tmp_path, f"time,gFx,gFy,gFz,TgF\n{rows}"))
    np.testing.assert_allclose(rec.acc_mps2[0], np.array([0.1, -0.2, 1.0]) * G_MPS2)
    assert rec.gravity_included
    assert "unit_assumed" not in codes(rec)  # the name states the unit


SENSORLOG_COLUMNS = (
    "loggingTime(txt)", "locationTimestamp_since1970(s)", "locationLatitude(WGS84)",
    "locationLongitude(WGS84)", "locationSpeed(m/s)", "accelerometerTimestamp_sinceReboot(s)",
    "accelerometerAccelerationX(G)", "accelerometerAccelerationY(G)",
    "accelerometerAccelerationZ(G)", "motionTimestamp_sinceReboot(s)", "motionYaw(rad)",
    "motionRoll(rad)", "motionPitch(rad)", "motionRotationRateX(rad/s)",
    "motionRotationRateY(rad/s)", "motionRotationRateZ(rad/s)", "motionUserAccelerationX(G)",
    "motionUserAccelerationY(G)", "motionUserAccelerationZ(G)",
    "motionAttitudeReferenceFrame(txt)", "motionGravityX(G)", "motionGravityY(G)",
    "motionGravityZ(G)", "activity(txt)", "label(N)",
)  # fmt: skip
"""The iOS app SensorLog's columns, as it exports a recording with location, accelerometer
and device motion on: several time columns, and acceleration with gravity, without it, and
gravity alone, all in g."""


def test_a_sensorlog_export_takes_the_accelerometer_with_gravity_and_its_clock(
    tmp_path: Path,
) -> None:
    recording, truth = simulate_set(SimulationSpec(seed=4, n_reps=7))
    assert isinstance(recording, Recording) and recording.gyro_rads is not None
    acc_g = recording.acc_mps2 / G_MPS2
    lines = [",".join(SENSORLOG_COLUMNS)]
    for t, (ax, ay, az), (gx, gy, gz) in zip(
        recording.t_s.tolist(), acc_g.tolist(), recording.gyro_rads.tolist(), strict=True
    ):
        since_boot = f"{62608.0 + t:.6f}"
        lines.append(
            ",".join(
                [
                    f"2026-12-03 10:00:{t:09.6f} +0100", f"{1764752400 + math.floor(t)}.000",
                    "51.5", "-0.12", "-1", since_boot, f"{ax:.6f}", f"{ay:.6f}", f"{az:.6f}",
                    since_boot, "0.1", "0.2", "0.3", f"{gx:.6f}", f"{gy:.6f}", f"{gz:.6f}",
                    f"{ax:.6f}", f"{ay:.6f}", f"{az + 1:.6f}", "XArbitraryZVertical",
                    "0", "0", "-1", "stationary", "0",
                ]
            )
        )  # fmt: skip
    path = tmp_path / "2026-12-03_10-00-00.csv"
    path.write_text("\n".join(lines) + "\n")
    rec = read(path)
    # the clock that ticks with every sample (the GPS one steps once a second), the
    # accelerometer with gravity in g, the device's rotation rate
    np.testing.assert_allclose(rec.t_s, recording.t_s - recording.t_s[0], atol=2e-6)
    np.testing.assert_allclose(rec.acc_mps2, acc_g.round(6) * G_MPS2, rtol=1e-9, atol=1e-9)
    assert rec.gravity_included and rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads, recording.gyro_rads.round(6), atol=1e-9)
    assert analyse(rec).set.rep_count == truth.n_reps == 7


def test_comment_lines_of_either_kind_before_the_header(tmp_path: Path) -> None:
    preamble = "// General information:\n//  Sample rate: 100\n# exported\n\n"
    rows = "".join(f"{i / 100},0,0,9.8\n" for i in range(5))
    rec = read(write(tmp_path, f"{preamble}time\tax\tay\taz\n{rows.replace(',', chr(9))}"))
    assert rec.t_s.size == 5
    np.testing.assert_allclose(rec.acc_mps2[4], [0, 0, 9.8])


@pytest.mark.parametrize("name", ["clock", "DateTime", "date_time"])
def test_clock_times_go_on_past_midnight(tmp_path: Path, name: str) -> None:
    stamps = [(86_399.0 + 0.25 * i) % 86_400 for i in range(8)]  # 23:59:59 to 00:00:00.75
    cells = [f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{t % 60:05.2f}" for t in stamps]
    assert cells[3:5] == ["23:59:59.75", "00:00:00.00"]
    rows = "".join(f"{c},0,0,9.8\n" for c in cells)
    rec = read(write(tmp_path, f"{name},ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(8) * 0.25, atol=1e-9)


def test_clock_times_of_whole_seconds(tmp_path: Path) -> None:
    # pyarrow types these cells itself (time32), not as text
    cells = ["08:00:00", "08:00:01", "08:00:02", "08:00:03", "08:00:04"]
    rows = "".join(f"{c},0,0,9.8\n" for c in cells)
    rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(5), atol=1e-9)
    assert rec.meta["time_unit"] == "ns"


def test_headerless_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    # more decimal commas than semicolons on a line: the semicolons still part the fields
    rows = "".join(f"{i / 100:.3f};0.125;-1.5;9.75\n".replace(".", ",") for i in range(5))
    rec = read(write(tmp_path, rows))
    assert "columns_guessed" in codes(rec)
    np.testing.assert_allclose(rec.acc_mps2[1], [0.125, -1.5, 9.75])
    np.testing.assert_allclose(rec.t_s, np.arange(5) / 100, atol=1e-12)


def test_sensors_written_on_rows_of_their_own(tmp_path: Path) -> None:
    # Physics Toolbox's multi-sensor log: one sensor a row, the other's cells empty
    lines = ["time,gFx,gFy,gFz,TgF,wx,wy,wz"]
    for i in range(50):
        t = i / 50
        lines.append(f"{t:.4f},0.1,0.2,{1 + 0.01 * (i % 2)},1.0,,,")
        lines.append(f"{t + 0.004:.4f},,,,,{t:.4f},0.5,-0.5")
    rec = read(write(tmp_path, "\n".join(lines) + "\n"))
    assert rec.t_s.size == 49  # the first accelerometer row comes before any gyroscope row
    assert rec.median_rate_hz == pytest.approx(50)
    np.testing.assert_allclose(rec.acc_mps2[:, :2], np.tile([0.1, 0.2], (49, 1)) * G_MPS2)
    assert rec.gyro_rads is not None
    # on the accelerometer's times (from 0.02 s): wx, the time 4 ms before, interpolated
    np.testing.assert_allclose(rec.gyro_rads[:, 0], rec.t_s + 0.02 - 0.004, atol=1e-9)
    assert {"sensors_aligned", "trimmed_to_common_span"} <= codes(rec)
    assert "rows_dropped" not in codes(rec)


@pytest.mark.parametrize("gyro_rows", [0, 25])
def test_a_gyroscope_missing_on_many_rows_is_left_out(tmp_path: Path, gyro_rows: int) -> None:
    rows = [f"{i / 100},0,0,9.8," + ("1,2,3" if i < gyro_rows else ",,") for i in range(50)]
    rec = read(write(tmp_path, "time,ax,ay,az,gx,gy,gz\n" + "\n".join(rows) + "\n"))
    assert rec.t_s.size == 50  # every accelerometer row kept
    assert rec.gyro_rads is None
    (flag,) = [f for f in rec.quality if f.code == "gyroscope_left_out"]
    assert f"only {gyro_rows} of the accelerometer's 50 rows" in flag.message


def test_a_few_rows_missing_the_gyroscope_are_dropped(tmp_path: Path) -> None:
    rows = [f"{i / 100},0,0,9.8," + (",," if i in (7, 30) else "1,2,3") for i in range(50)]
    rec = read(write(tmp_path, "time,ax,ay,az,gx,gy,gz\n" + "\n".join(rows) + "\n"))
    assert rec.t_s.size == 48 and rec.gyro_rads is not None
    assert "rows_dropped" in codes(rec)


def test_clock_times_with_milliseconds_after_a_colon(tmp_path: Path) -> None:
    cells = [f"13:05:{10 + i // 50:02d}:{i % 50 * 20:03d}" for i in range(100)]  # 50 Hz
    rows = "".join(f"{c},0,0,9.8\n" for c in cells)
    rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(100) / 50, atol=1e-9)


def test_of_several_clocks_the_accelerometers_own_is_taken(tmp_path: Path) -> None:
    # a log of many sensors, each with its own clock column before its values
    header = (
        "loggingTime(txt),locationTimestamp_since1970(s),locationLatitude(WGS84),"
        "accelerometerTimestamp_sinceReboot(s),accelerometerAccelerationX(G),"
        "accelerometerAccelerationY(G),accelerometerAccelerationZ(G),"
        "gyroTimestamp_sinceReboot(s),gyroRotationX(rad/s),gyroRotationY(rad/s),"
        "gyroRotationZ(rad/s),motionGravityX(G),motionGravityY(G),motionGravityZ(G)"
    )
    rows = "".join(
        f"2026-11-30 08:00:00.000,1796025600.0,52.5,{1000 + i / 100:.2f},0.1,0.2,1.0,"
        f"{1000.004 + i / 100:.3f},0.5,0,0,0,0,1\n"
        for i in range(20)
    )
    rec = read(write(tmp_path, f"{header}\n{rows}"))
    assert rec.median_rate_hz == pytest.approx(100)  # not the location's clock, which stands
    np.testing.assert_allclose(rec.acc_mps2[0], np.array([0.1, 0.2, 1.0]) * G_MPS2)
    assert rec.gyro_rads is not None
    np.testing.assert_allclose(rec.gyro_rads[0], [0.5, 0, 0])
    assert "columns_by_unit" in codes(rec)


@pytest.mark.parametrize(
    ("units", "acc_scale", "gyro_scale"),
    [
        ("s,g,g,g,deg/s,deg/s,deg/s", G_MPS2, math.pi / 180),
        ("[s],[m/s^2],[m/s^2],[m/s^2],[rad/s],[rad/s],[rad/s]", 1.0, 1.0),
        ("(ms),-,-,-,,,", None, None),  # the time's unit alone
    ],
)
def test_a_units_row_under_the_header(
    tmp_path: Path, units: str, acc_scale: float | None, gyro_scale: float | None
) -> None:
    step = 10 if units.startswith("(ms)") else 0.01
    rows = "".join(f"{i * step:g},0.1,0.2,9.8,0.5,0,0\n" for i in range(10))
    rec = read(write(tmp_path, f"time,ax,ay,az,gx,gy,gz\n{units}\n{rows}"))
    assert rec.t_s.size == 10 and "rows_dropped" not in codes(rec)  # the units row is no row
    np.testing.assert_allclose(rec.t_s, np.arange(10) / 100, atol=1e-12)
    assert "time_unit_detected" not in codes(rec)
    if acc_scale is not None and gyro_scale is not None:
        np.testing.assert_allclose(rec.acc_mps2[0], np.array([0.1, 0.2, 9.8]) * acc_scale)
        assert rec.gyro_rads is not None
        np.testing.assert_allclose(rec.gyro_rads[0], np.array([0.5, 0, 0]) * gyro_scale)
        assert "unit_assumed" not in codes(rec)


def test_a_first_row_of_text_that_is_not_units_stays_a_bad_row(tmp_path: Path) -> None:
    rows = "".join(f"{i / 100},0,0,9.8\n" for i in range(10))
    rec = read(write(tmp_path, f"time,ax,ay,az\nstart,here,now,please\n{rows}"))
    assert rec.t_s.size == 10 and "rows_dropped" in codes(rec)


def _slow_set_rows(*, in_degrees: bool) -> str:
    """A slow set with gravity and a gyroscope whose readings stay under 35 even in deg/s
    (scaled to a 30 deg/s peak: the phone's range cannot tell the unit), as CSV rows."""
    spec = SimulationSpec(seed=2, n_reps=6, concentric_s=3.0, lockout_s=2.0, eccentric_s=4.0)
    recording, _ = simulate_set(spec)
    assert isinstance(recording, Recording) and recording.gyro_rads is not None
    gyro = recording.gyro_rads * (np.radians(30) / np.abs(recording.gyro_rads).max())
    gyro = np.degrees(gyro) if in_degrees else gyro
    rows = np.column_stack([recording.t_s, recording.acc_mps2, gyro])
    return "".join(",".join(f"{v:.6f}" for v in row) + "\n" for row in rows)


def test_a_gyroscope_in_milli_degrees_per_s_is_told_by_its_range(tmp_path: Path) -> None:
    """Read in deg/s, milli-degrees per second swung the thigh 26,539 degrees and found no
    rep; beyond 4,000 on 1 % of the rows is no phone's deg/s, and a few glitches that far
    in a deg/s file leave it deg/s."""
    header = "time,ax,ay,az,gx,gy,gz\n"
    rows = _slow_set_rows(in_degrees=True).splitlines()
    as_mdps = "".join(
        ",".join([*r.split(",")[:4], *(f"{1000 * float(v):.3f}" for v in r.split(",")[4:])]) + "\n"
        for r in rows
    )
    in_mdps = read(write(tmp_path, header + as_mdps, "mdps.csv"))
    in_deg = read(write(tmp_path, header + "\n".join(rows) + "\n", "deg.csv"))
    assert in_mdps.gyro_rads is not None and in_deg.gyro_rads is not None
    np.testing.assert_allclose(in_mdps.gyro_rads, in_deg.gyro_rads, atol=1e-6)
    (flag,) = [f for f in in_mdps.quality if f.code == "unit_assumed"]
    assert "mdeg/s because it exceeds 4000 deg/s" in flag.message
    glitches = [*rows[:3], *(f"{r.rsplit(',', 1)[0]},9999" for r in rows[3:6]), *rows[6:]]
    spiked = read(write(tmp_path, header + "\n".join(glitches) + "\n", "spikes.csv"))
    (flag,) = [f for f in spiked.quality if f.code == "unit_assumed"]
    assert "read in deg/s" in flag.message


def test_a_slow_gyroscope_in_deg_per_s_is_told_by_gravitys_turning(tmp_path: Path) -> None:
    header = "time,ax,ay,az,gx,gy,gz\n"
    in_deg = read(write(tmp_path, header + _slow_set_rows(in_degrees=True), "deg.csv"))
    in_rad = read(write(tmp_path, header + _slow_set_rows(in_degrees=False), "rad.csv"))
    assert in_deg.gyro_rads is not None and in_rad.gyro_rads is not None
    np.testing.assert_allclose(in_deg.gyro_rads, in_rad.gyro_rads, atol=1e-6)
    assert np.abs(in_rad.gyro_rads).max() == pytest.approx(np.radians(30), rel=1e-3)
    (flag,) = [f for f in in_deg.quality if f.code == "unit_assumed"]
    assert "deg/s because gravity turned" in flag.message
    assert "unit_assumed" not in codes(in_rad)


def test_gravitys_turning_tells_the_units_of_real_recordings() -> None:
    # the ratio's margins, on recordings nobody here made: 0.022 (deg/s) and 0.45 or more
    # (rad/s) around the 0.13 at which deg/s is judged
    from thrustlab.readers._units import _turns_like_degs

    imu = np.loadtxt(shared("paradigma-watch-tremor/imu_raw.csv"), delimiter=",", skiprows=1)
    t_s, acc, gyro_degs = imu[:, 0], imu[:, 1:4], imu[:, 4:7]
    assert _turns_like_degs(gyro_degs, acc, t_s)
    assert not _turns_like_degs(np.radians(gyro_degs), acc, t_s)
    for series in sorted(shared("spar-watch-reps").glob("S*.csv"))[::7]:
        rows = np.loadtxt(series, delimiter=",", skiprows=1)  # ax..az in g, wx..wz in rad/s
        times = np.arange(rows.shape[0]) / 50.0
        assert not _turns_like_degs(rows[:, 3:6], rows[:, 0:3] * G_MPS2, times), series.name


def test_a_time_that_cannot_be_is_a_dropped_row_not_a_lost_column(tmp_path: Path) -> None:
    cells = [f"08:00:{i // 50:02d}.{i % 50 * 2:02d}" for i in range(100)]
    cells[40] = "25:61:61.00"  # no such time
    rows = "".join(f"{c},0,0,9.8\n" for c in cells)
    rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}"))
    assert rec.t_s.size == 99 and "rows_dropped" in codes(rec)
    assert rec.median_rate_hz == pytest.approx(50)


@pytest.mark.parametrize("shape", ["zip", "folder"])
def test_one_csv_zipped_or_in_a_folder_is_that_csv(tmp_path: Path, shape: str) -> None:
    text = "time,ax,ay,az\n" + "".join(f"{i / 100},0,0,9.8\n" for i in range(5))
    if shape == "zip":
        path = tmp_path / "set.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("my set/rec.csv", text)
            archive.writestr("__MACOSX/my set/._rec.csv", "resource fork")  # a Mac's zip
    else:
        path = tmp_path / "set"
        path.mkdir()
        (path / "rec.csv").write_text(text)
    assert detect_format(path) == "csv"
    rec = read(path)
    assert rec.t_s.size == 5 and rec.format == "csv"


def test_a_zip_of_several_unknown_csvs_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sets.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", "time,ax,ay,az\n0,0,0,9.8\n")
        archive.writestr("b.csv", "time,ax,ay,az\n0,0,0,9.8\n")
    with pytest.raises(FormatError, match=r"holds a.csv, b.csv\); give .* or one CSV file"):
        read(path)


def test_a_semicolon_in_a_comma_files_header_does_not_part_it(tmp_path: Path) -> None:
    rows = "".join(f"{i / 100},0.5,0,9.8\n" for i in range(5))
    rec = read(write(tmp_path, f'time,"ax (m/s^2; raw)",ay,az\n{rows}'))
    np.testing.assert_allclose(rec.acc_mps2[0], [0.5, 0, 9.8])


@pytest.mark.parametrize(
    "stamp",
    [
        "30/11/2026 23:59:{s:05.2f}",  # day first (the 30th: no month 30)
        "11/30/2026 23:59:{s:05.2f}",  # month first
        "30.11.2026 23:59:{s:05.2f}",  # with dots, as German spreadsheets write it
    ],
)
def test_dates_written_day_first_or_month_first(tmp_path: Path, stamp: str) -> None:
    rows = "".join(f"{stamp.format(s=i * 0.02)},0,0,9.8\n" for i in range(50))
    rec = read(write(tmp_path, f"datetime,ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(50) * 0.02, atol=1e-9)
    assert rec.meta["time_unit"] == "ns"


def _twelve_hour(seconds: float, /, *, day: str = "", mark: str = " PM") -> str:
    """A time of day (s since midnight) as a 12-hour clock writes it: 12 for noon and
    midnight, one digit before 10, ``mark`` standing for its own half ("AM" before noon)."""
    hour, rest = divmod(seconds, 3600)
    half = mark.replace("P", "A").replace("p", "a") if hour < 12 else mark
    return f"{day}{int(hour % 12) or 12}:{int(rest // 60):02d}:{rest % 60:06.3f}{half}"


@pytest.mark.parametrize(
    ("start_s", "day", "mark"),
    [
        (43_199.5, "", " PM"),  # 11:59:59.500 AM to 12:00:00.500 PM: noon
        (86_399.5, "", " PM"),  # 11:59:59.500 PM to 12:00:00.500 AM: midnight
        (86_399.5, "", "pm"),  # no space, small letters
        (46_799.5, "", " p.m."),  # 12:59:59.500 PM to 1:00:00.500 PM: the hour's one digit
        (86_399.5, "11/30/2026 ", " PM"),  # a US spreadsheet's date and time
    ],
)
def test_times_of_a_12_hour_clock(tmp_path: Path, start_s: float, day: str, mark: str) -> None:
    cells = [_twelve_hour((start_s + i * 0.02) % 86_400, day=day, mark=mark) for i in range(50)]
    if day and start_s + 49 * 0.02 >= 86_400:  # past midnight: the next day, as written
        cells = [
            c if start_s + i * 0.02 < 86_400 else c.replace("11/30/2026", "12/1/2026")
            for i, c in enumerate(cells)
        ]
    rows = "".join(f"{c},0,0,9.8\n" for c in cells)
    rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(50) * 0.02, atol=1e-6)
    assert rec.meta["time_unit"] == "ns"


def test_clock_times_with_hours_of_one_digit(tmp_path: Path) -> None:
    # a spreadsheet's h:mm:ss: 9:59:59.50 to 10:00:00.48, and 23:59 to 0:00 past midnight
    for start_s in (35_999.5, 86_399.5):
        stamps = [(start_s + i * 0.02) % 86_400 for i in range(50)]
        cells = [f"{int(t // 3600)}:{int(t % 3600 // 60):02d}:{t % 60:05.2f}" for t in stamps]
        rows = "".join(f"{c},0,0,9.8\n" for c in cells)
        rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}"))
        np.testing.assert_allclose(rec.t_s, np.arange(50) * 0.02, atol=1e-6)


def test_dates_with_the_months_name(tmp_path: Path) -> None:
    rows = "".join(f"30-Nov-2026 23:59:{i * 0.02:05.2f},0,0,9.8\n" for i in range(50))
    rows += "01-Dec-2026 00:00:00.00,0,0,9.8\n"  # past midnight into the next month
    rec = read(write(tmp_path, f"Timestamp,ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s[:50], np.arange(50) * 0.02, atol=1e-9)
    assert rec.t_s[50] == pytest.approx(60.0)


def test_times_a_spreadsheet_rounded_are_refused_with_the_fix(tmp_path: Path) -> None:
    t0_ns = 1_764_489_600_000_000_000
    rows = "".join(f"{t0_ns + i * 10_000_000:.5E},0,0,9.8\n" for i in range(100))
    with pytest.raises(ReadError, match=r"barely change .* export the recording again"):
        read(write(tmp_path, f"timestamp,ax,ay,az\n{rows}"))


def test_a_clock_coarser_than_the_rate_is_not_taken_for_rounding(tmp_path: Path) -> None:
    # 400 Hz stamped to 10 ms: each time four times, each row a reading of its own; every
    # row is kept, 2.5 ms apart
    rows = "".join(f"{(i // 4) / 100:.2f},0,{i % 7 / 100},9.8\n" for i in range(400))
    rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}"))
    np.testing.assert_allclose(rec.t_s, np.arange(400) * 0.0025, atol=1e-12)
    assert "coarse_clock" in codes(rec) and "duplicate_timestamps" not in codes(rec)


def test_rows_batched_to_one_stamp_are_spread_over_their_tick(tmp_path: Path) -> None:
    """A logger that stamps 100 Hz samples 5 to a 50 ms tick, with a 1 s pause: each tick's
    rows are spread 10 ms apart from it, and the pause stays a pause (no row stretched
    across it); every row and its values are kept."""
    times = [(i // 5) * 0.05 + (1.0 if i >= 500 else 0.0) for i in range(1000)]
    rows = "".join(f"{t:.2f},{i},0,9.8\n" for i, t in enumerate(times))
    rec = read(write(tmp_path, f"time,ax,ay,az\n{rows}"), options=ReadOptions(acc_unit="mps2"))
    expected = np.arange(1000) * 0.01 + np.where(np.arange(1000) >= 500, 1.0, 0.0)
    np.testing.assert_allclose(rec.t_s, expected, atol=1e-9)
    np.testing.assert_array_equal(rec.acc_mps2[:, 0], np.arange(1000))
    (note,) = [q for q in rec.quality if q.code == "coarse_clock"]
    assert "ticks every 50 ms" in note.message and "5.0 rows a tick" in note.message


def test_rows_written_twice_are_dropped_however_many(tmp_path: Path) -> None:
    """Every tenth row written twice, time and readings alike (1 row in 11 repeats its
    time, as often as a coarse clock's): copies, dropped, not a clock to spread."""
    lines = []
    for i in range(400):
        line = f"{i / 100:.2f},{i},0,9.8\n"
        lines += [line, line] if i % 10 == 0 else [line]
    rec = read(write(tmp_path, "time,ax,ay,az\n" + "".join(lines)))
    np.testing.assert_allclose(rec.t_s, np.arange(400) / 100, atol=1e-9)
    assert "duplicate_timestamps" in codes(rec) and "coarse_clock" not in codes(rec)


@pytest.mark.parametrize("name", ["unix_time", "Unix Timestamp", "time of day"])
def test_a_name_holding_the_word_time_names_the_time_column(tmp_path: Path, name: str) -> None:
    rows = "".join(f"{1_764_489_600 + i / 100:.2f},0,0,9.8\n" for i in range(20))
    rec = read(write(tmp_path, f"{name},ax,ay,az\n{rows}"))
    assert rec.median_rate_hz == pytest.approx(100)


def test_a_magnetometers_axes_are_no_accelerometer(tmp_path: Path) -> None:
    rows = "".join(f"{i / 100},30,-12,40\n" for i in range(5))
    with pytest.raises(FormatError, match="no recognisable accelerometer"):
        read(write(tmp_path, f"time,X (uT),Y (uT),Z (uT)\n{rows}"))


def test_the_units_quick_quartile_and_median_are_numpys() -> None:
    """The at-rest check's order statistics, taken without numpy's generic machinery, are the
    very numbers np.quantile and np.median give (a different rounding could tip a file
    sitting on the edge of "at rest" into another unit)."""
    from thrustlab.readers._units import _quantile
    from thrustlab.signal.resample import median_of

    rng = np.random.default_rng(7)
    for size in [1, 2, 3, 4, 5, 16, 63, 64]:
        for _ in range(50):
            x = rng.normal(size=size) * 10.0 ** rng.uniform(-3, 3)
            for q in (0.0, 0.1, 0.25, 0.5, 0.9, 1.0):
                assert _quantile(x, q) == float(np.quantile(x, q))
            assert median_of(x) == float(np.median(x))


def _csv_rows(t_s: np.ndarray, acc: np.ndarray) -> str:
    return "".join(f"{t!r},{x!r},{y!r},{z!r}\n" for t, (x, y, z) in zip(t_s, acc, strict=True))


def test_files_joined_end_to_end_keep_the_longest_run(tmp_path: Path) -> None:
    """Two recordings in one file, the second's clock from 0 again (exports pasted one
    after the other, or a logger that started again). Sorted by time, as before, their
    samples interleaved: simulated sets of 27 and 9 reps read as one of 14 reps shaking
    0.31 m/s2. Now the longest run is read as if alone, and a warning says what was left."""
    from thrustlab.pipeline import process
    from thrustlab.simulate import random_spec

    short, _ = simulate_set(random_spec(4))  # 9 reps, 73 s
    long, _ = simulate_set(random_spec(1))  # 27 reps, 154 s
    header = "time,ax,ay,az\n"
    alone = write(tmp_path, header + _csv_rows(long.t_s, long.acc_mps2), "alone.csv")
    for first, second in ((short, long), (long, short)):
        rows = _csv_rows(first.t_s, first.acc_mps2) + _csv_rows(second.t_s, second.acc_mps2)
        joined = write(tmp_path, header + rows, "joined.csv")
        rec, kept = read(joined), read(alone)
        np.testing.assert_array_equal(rec.t_s, kept.t_s)
        np.testing.assert_array_equal(rec.acc_mps2, kept.acc_mps2)
        (flag,) = [f for f in rec.quality if f.code == "clock_restarted"]
        run = "2 of 2" if first is short else "1 of 2"
        assert f"went back {first.t_s[-1] - first.t_s[0]:.3g} s once" in flag.message
        assert f"run {run}, the longest ({long.t_s.size} rows" in flag.message
        assert f"the other {short.t_s.size} rows dropped" in flag.message
        assert "timestamps_unsorted" not in codes(rec)
    analysis = process([joined])
    assert analysis.findings is not None and len(analysis.findings.reps) == 27


@pytest.mark.parametrize(
    "times",
    [
        [0.00, 0.01, 0.02, 0.04, 0.03, 0.05, 0.06, 0.07],  # rows out of order, ms apart
        [0.00, 0.01, 0.02, 900.03, 0.04, 0.05, 0.06, 0.07],  # one stamp off (a flipped digit)
        [0.00, 0.01, 0.02, -900.0, 0.04, 0.05, 0.06, 0.07],  # ... the other way
        [5.0, 3.0, 1.0, 4.0, 0.0, 2.0, 6.0, 7.0],  # shuffled rows, seconds apart
    ],
    ids=["out of order", "one late", "one early", "shuffled"],
)
def test_rows_out_of_order_are_sorted_not_split(tmp_path: Path, times: list[float]) -> None:
    """Only a clock that starts again splits a file: disorder is sorted, as before."""
    n = 2000  # a run of ordinary rows either side, so that the sample rate is known
    t_s = np.concatenate([np.arange(n) * 0.01 - 20.0, times, 10.0 + np.arange(n) * 0.01])
    acc = np.tile([0.3, 9.7, 1.2], (t_s.size, 1))
    rec = read(write(tmp_path, "time,ax,ay,az\n" + _csv_rows(t_s, acc)))
    assert "clock_restarted" not in codes(rec)
    assert "timestamps_unsorted" in codes(rec)
