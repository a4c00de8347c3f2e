"""phyphox exports: files known by their header, with or without g, gyroscope, meta."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from test_read_support import phyphox_csv, still, write_export
from thrustlab.errors import FormatError
from thrustlab.readers import detect_format, read

rng = np.random.default_rng(11)
META_TIME = (
    b'"event","experiment time","system time","system time text"\n'
    b'"START",0.000000000E0,1.698501144401E9,"2023-10-28 15:52:24.401 UTC+02:00"\n'
    b'"PAUSE",3.000000000E0,1.698501147401E9,"2023-10-28 15:52:27.401 UTC+02:00"\n'
)
META_DEVICE = b'"property","value"\n"deviceModel","Pixel 7"\n"deviceBrand","google"\n'


def export_files(*, with_g: bool = True, gyro: bool = True) -> dict[str, bytes]:
    t_acc = np.arange(300) / 400.0 + 0.0123
    acc = still(300, rng, g=(0.1, 9.7, 1.0)) if with_g else 0.2 * rng.standard_normal((300, 3))
    files = {
        "Raw Data.csv" if not gyro else "Accelerometer/Raw Data.csv": phyphox_csv(
            t_acc, acc, kind="with_g" if with_g else "without_g"
        ),
        "meta/time.csv": META_TIME,
        "meta/device.csv": META_DEVICE,
    }
    if gyro:
        t_gyro = np.arange(200) / 200.0 + 0.02
        files["Gyroscope/Raw Data.csv"] = phyphox_csv(
            t_gyro, np.outer(t_gyro, [1.0, -2.0, 0.5]), kind="gyro"
        )
    return files


@pytest.mark.parametrize("as_zip", [True, False])
def test_phyphox_with_g_and_gyroscope(tmp_path: Path, as_zip: bool) -> None:
    path = write_export(tmp_path / "phyphox", export_files(), as_zip=as_zip)
    assert detect_format(path) == "phyphox"
    rec = read(path)
    assert rec.format == "phyphox"
    assert rec.gravity_included
    assert rec.median_rate_hz == pytest.approx(400, rel=1e-6)
    assert rec.gyro_rads is not None
    t_abs = rec.t_s + (0.0123 + 0.0025 * 4)  # trimmed to the gyroscope start at 0.02 s
    np.testing.assert_allclose(rec.gyro_rads, np.outer(t_abs, [1.0, -2.0, 0.5]), atol=1e-6)
    assert rec.meta["device.deviceModel"] == "Pixel 7"
    assert rec.start_epoch_ns == pytest.approx(1.698501144401e18 + 0.0223e9, abs=2000)


def test_phyphox_without_g(tmp_path: Path) -> None:
    rec = read(write_export(tmp_path / "lin", export_files(with_g=False, gyro=False), as_zip=True))
    assert not rec.gravity_included
    assert rec.gyro_rads is None


def test_phyphox_prefers_with_g(tmp_path: Path) -> None:
    files = export_files(gyro=False)
    t = np.arange(50) / 100.0
    files["Linear/Raw Data.csv"] = phyphox_csv(t, np.zeros((50, 3)), kind="without_g")
    rec = read(write_export(tmp_path / "both", files, as_zip=True))
    assert rec.gravity_included
    assert rec.meta["acceleration"] == "Raw Data.csv"


def test_files_known_by_header_not_name(tmp_path: Path) -> None:
    files = {
        "a.csv": phyphox_csv(np.arange(20) / 100, still(20, rng, g=(0, 0, 9.8)), kind="with_g"),
        "b.csv": b"hello,world\n1,2\n",
    }
    assert read(write_export(tmp_path / "renamed", files, as_zip=False)).t_s.size == 20


def test_single_raw_data_file(tmp_path: Path) -> None:
    path = tmp_path / "Raw Data.csv"
    path.write_bytes(phyphox_csv(np.arange(20) / 100, still(20, rng, g=(0, 0, 9.8)), kind="with_g"))
    assert detect_format(path) == "phyphox"
    rec = read(path)
    np.testing.assert_allclose(rec.t_s[1], 0.01)


@pytest.mark.parametrize("separator", [";", "\t"])  # phyphox's two "decimal comma" exports
def test_decimal_comma_exports(tmp_path: Path, separator: str) -> None:
    header = ["Time (s)", *(f"Acceleration {a} (m/s^2)" for a in "xyz")]
    text = separator.join(f'"{h}"' for h in header) + "\n"
    row = separator.join(["{t}", "1,5E-1", "0", "9,8E0"]) + "\n"
    text += "".join(row.format(t=f"{i / 100:.9E}".replace(".", ",")) for i in range(10))
    path = tmp_path / "Raw Data.csv"
    path.write_text(text)
    rec = read(path)
    assert rec.format == "phyphox"
    np.testing.assert_allclose(rec.acc_mps2[0], [0.15, 0, 9.8])
    np.testing.assert_allclose(rec.t_s, np.arange(10) / 100, atol=1e-12)


def test_forced_phyphox_on_a_plain_csv(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("time,ax,ay,az\n0,0,0,1\n0.01,0,0,1\n")
    with pytest.raises(FormatError, match="forced format 'phyphox'"):
        read(path, format="phyphox")


def test_gyroscope_only_export(tmp_path: Path) -> None:
    files = {"Raw Data.csv": phyphox_csv(np.arange(10) / 100, np.ones((10, 3)), kind="gyro")}
    with pytest.raises(FormatError, match=r"gyroscope data \(rad/s\) but no acceleration"):
        read(write_export(tmp_path / "g", files, as_zip=True))


@pytest.mark.parametrize("name", ["Raw Data.tsv", "raw data.txt", "Raw Data"])
def test_a_phyphox_file_given_alone_is_read_whatever_its_name(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(phyphox_csv(np.arange(20) / 100, still(20, rng, g=(0, 0, 9.8)), kind="with_g"))
    rec = read(path)
    assert rec.format == "phyphox" and rec.t_s.size == 20
