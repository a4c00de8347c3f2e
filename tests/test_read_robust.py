"""Bad input: every failure is a one-line ReadError naming the file, never a traceback."""

from __future__ import annotations

import json
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from test_read_support import DATA, phyphox_csv, sensorlogger_csv, still, times_ns, write_export
from thrustlab.errors import FormatError, ReadError
from thrustlab.readers import FORMATS, _source, detect_format, read
from thrustlab.recording import Recording

FORMAT_CHOICES = [None, *FORMATS]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(path: Path, fmt: str | None = None) -> Recording | ReadError:
    """Read; a ReadError is fine when it names the file on one line."""
    try:
        return read(path, format=fmt)
    except ReadError as exc:
        message = str(exc)
        assert str(path) in message
        assert "\n" not in message
        assert exc.problem
        return exc


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# --- hand-picked bad inputs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x00\x01\x02binary\xff\xfe" * 50, "binary"),
        (b"\xff\xfe\xfa\xfb not utf8\n1,2,3\n", "is UTF-16 text"),
        ("t,x\n0,1\n".encode("utf-16"), "is UTF-16 text"),
        (b"\x81\x8d\x9d not text\n1,2,3\n", "not text"),  # no character in UTF-8 or cp1252
        (b"time,ax,ay,az\n", "usable sample rows"),
        (b"time,ax,ay,az\n0,1,2,3\n", "1 usable sample rows"),
        (b"0,1,2,3\n", "1 usable sample rows"),  # headerless: no steps to judge the time by
        (b"time,ax,ay,az\nnan,1,2,3\n1,inf,2,3\n", "0 usable"),
        (b"time ax ay az\n0 1 2 3\n1 1 2 3\n", "accelerometer"),
        (b"a" * (200 * 1024), "no header line in its first 64 KiB"),
        (b"[1, 2, 3]", "not a Sensor Logger"),
        (b'[{"sensor": "Accelerometer", "time": "1"', "not valid JSON"),
        (b"[" * 50_000 + b'"sensor"', "not valid JSON"),
        (b'{"sensor": "Accelerometer"}', "not a Sensor Logger JSON"),
        (b"time,ax,ay,az\n5,0,0,1\n5,0,0,1\n5,0,0,1\n", "never increases"),
        (b"\rime,ax,ay,az\n0,1,2,3\n1,1,2,3\n", "no time column"),  # a flipped byte
        (b"time,ax,ay,az\n0,1,2,3\n1,1," + b"2" * 2**21 + b",3\n", "a line over 256 KiB long"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, match: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=match) as info:
        read(path)
    assert str(path) in str(info.value)


def test_carriage_returns_alone_end_lines(tmp_path: Path) -> None:
    """Old Mac line endings: each carriage return ends a row."""
    path = tmp_path / "mac.csv"
    rows = "".join(f"{i / 100:.2f},0,0,9.8\r" for i in range(100))
    path.write_bytes(f"time,ax,ay,az\r{rows}".encode())
    assert read(path).t_s.size == 100


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="does not exist"):
        read(tmp_path / "nope.csv")


def test_unknown_and_forced_formats(tmp_path: Path) -> None:
    path = tmp_path / "rec.csv"
    path.write_text("time,ax,ay,az\n0,0,0,1\n0.01,0,0,1\n")
    with pytest.raises(FormatError, match="unknown format"):
        read(path, format="excel")
    for fmt in ("sensorlogger", "sensorlogger-json", "phyphox"):
        with pytest.raises(FormatError, match=f"forced format '{fmt}'"):
            read(path, format=fmt)
    assert read(path, format="csv").t_s.size == 2


def test_forced_csv_on_a_zip(tmp_path: Path) -> None:
    rows = b"time,ax,ay,az\n0,0,0,1\n1,0,0,1\n"
    one = write_zip(tmp_path / "one.zip", {"a.csv": rows})  # one CSV zipped: that CSV
    assert detect_format(one) == "csv"
    assert read(one, format="csv").t_s.size == 2
    two = write_zip(tmp_path / "two.zip", {"a.csv": rows, "b.csv": rows})
    with pytest.raises(FormatError, match=r"forced format 'csv'.*zip"):
        read(two, format="csv")
    with pytest.raises(FormatError, match="no Sensor Logger or phyphox"):
        detect_format(two)


@pytest.mark.parametrize(
    "name", ["../evil.csv", "/etc/Accelerometer.csv", "a/../../x.csv", "C:/x.csv"]
)
def test_zip_path_traversal_is_refused(tmp_path: Path, name: str) -> None:
    data = sensorlogger_csv(times_ns(10, 100), np.ones((10, 3)))
    path = write_zip(tmp_path / "evil.zip", {"Accelerometer.csv": data, name: data})
    with pytest.raises(ReadError, match="outside the archive"):
        read(path)
    assert list(tmp_path.iterdir()) == [path]  # nothing extracted


def test_zip_bomb_ratio_is_refused(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "bomb.zip", {"Accelerometer.csv": b"0" * (5 * 1024**2)})
    with pytest.raises(ReadError, match="zip bomb"):
        read(path)


def test_zip_declared_total_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = sensorlogger_csv(times_ns(100, 100), np.ones((100, 3)))
    path = write_zip(tmp_path / "big.zip", {"TotalAcceleration.csv": data})
    monkeypatch.setattr(_source, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(ReadError, match="uncompressed"):
        read(path)


def test_zip_member_lying_about_its_size(tmp_path: Path) -> None:
    data = sensorlogger_csv(times_ns(100, 100), still(100, np.random.default_rng(1), g=(0, 0, 9.8)))
    path = write_zip(tmp_path / "lie.zip", {"TotalAcceleration.csv": data})
    raw = bytearray(path.read_bytes())
    # shrink the declared uncompressed size in the central directory (offset 24 of its entry)
    central = raw.rfind(b"PK\x01\x02")
    raw[central + 24 : central + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(ReadError):
        read(path)


def test_truncated_zip(tmp_path: Path) -> None:
    files = {"TotalAcceleration.csv": sensorlogger_csv(times_ns(500, 100), np.ones((500, 3)))}
    whole = write_export(tmp_path / "t", files, as_zip=True)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ReadError, match="damaged zip"):
        read(cut)


def test_truncated_csv_keeps_what_is_valid(tmp_path: Path) -> None:
    text = "time,ax,ay,az\n" + "".join(f"{i / 100},0.1,0.2,9.8\n" for i in range(100))
    path = tmp_path / "cut.csv"
    path.write_text(text[: len(text) - 8])
    rec = read(path)
    assert 98 <= rec.t_s.size <= 100


def test_the_process_ends_only_once_pyarrow_has_let_go_of_what_a_parse_gave_it(
    tmp_path: Path,
) -> None:
    """pyarrow's threads drop the row handler (and a streamed file's reader) shortly after a
    parse returns, taking the GIL to do so; at the interpreter's shutdown that aborted the
    process after its output was written (3 of 180 quick runs under load). The readers keep
    what they give pyarrow in ``_csv._HANDED``, which the process waits on at exit."""
    import subprocess
    import sys

    from thrustlab.readers import _csv

    path = tmp_path / "set.csv"
    path.write_text("time,ax,ay,az\n" + "".join(f"{i / 100},0.1,0.2,9.8\n" for i in range(500)))
    for _ in range(200):
        read(path)
    _csv._wait_for_pyarrow()
    assert not _csv._HANDED
    code = f"from thrustlab.readers import read; read({str(path)!r})"  # read, then shut down
    codes = []
    for _ in range(4):  # 32 runs, 8 at a time: load widens the window
        runs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(8)]
        codes += [run.wait() for run in runs]
    assert codes == [0] * 32


def test_import_does_not_load_pyarrow() -> None:
    import subprocess
    import sys

    code = "import sys, thrustlab.readers; print('pyarrow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- property-based: whatever the bytes, a Recording or a ReadError ---------------------


@SETTINGS
@given(content=st.binary(max_size=2000), fmt=st.sampled_from(FORMAT_CHOICES))
def test_any_bytes(content: bytes, fmt: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.csv"
        path.write_bytes(content)
        check(path, fmt)


CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(
        ["", "nan", "NaN", "inf", "-inf", "abc", "1e400", "1,5", '"', " 3 ", "\t", "\u00e9"]
    ),
)
HEADERS = st.lists(
    st.sampled_from(
        [
            "time",
            "t",
            "timestamp_ns",
            "time_ms",
            "ax",
            "ay",
            "az",
            "gx",
            "gy",
            "gz",
            "x",
            "y",
            "z",
            "acc_x_g",
            "gyro_y_deg_s",
            "quality",
            "seconds_elapsed",
            "",
            "_",
        ]
    ),
    min_size=0,
    max_size=8,
)


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    delimiter = draw(st.sampled_from([",", ";", "\t", " "]))
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=25))
    lines = ([delimiter.join(header)] if header else []) + [delimiter.join(r) for r in rows]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


@SETTINGS
@given(text=csv_texts(), fmt=st.sampled_from(FORMAT_CHOICES))
def test_messy_csv(text: str, fmt: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "messy.csv"
        path.write_text(text, encoding="utf-8")
        result = check(path, fmt)
        if isinstance(result, Recording):
            assert result.t_s[0] == 0
            assert np.all(np.diff(result.t_s) > 0)


@st.composite
def timed_rows(draw: st.DrawFn) -> tuple[list[int], np.ndarray]:
    """Timestamps that may go backwards or repeat, with some non-finite samples."""
    steps = draw(
        st.lists(st.integers(-30, 30).map(lambda s: s * 1_000_000), min_size=0, max_size=40)
    )
    t = (1_700_000_000_000_000_000 + np.cumsum([0, *steps])).tolist()
    values = draw(
        st.lists(
            st.sampled_from([0.0, 1.5, -9.8, float("nan"), float("inf"), 1e300]),
            min_size=3 * len(t),
            max_size=3 * len(t),
        )
    )
    return t, np.array(values, dtype=float).reshape(len(t), 3)


@SETTINGS
@given(
    rows=timed_rows(),
    layout=st.sampled_from(["android", "ios", "watch", "json", "phyphox"]),
    as_zip=st.booleans(),
)
def test_app_exports_with_bad_rows(
    rows: tuple[list[int], np.ndarray], layout: str, as_zip: bool
) -> None:
    t, xyz = rows
    t_ns = np.array(t, dtype=np.int64)
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "export"
        if layout == "json":
            entries = [
                {
                    "sensor": "Accelerometer",
                    "time": str(a),
                    "seconds_elapsed": "0",
                    "x": repr(v[0]),
                    "y": repr(v[1]),
                    "z": repr(v[2]),
                }
                for a, v in zip(t, xyz.tolist(), strict=True)
            ]
            path = base.with_suffix(".json")
            path.write_text(json.dumps(entries))
        else:
            path = write_export(base, _layout_files(layout, t_ns, xyz), as_zip=as_zip)
        result = check(path)
        if isinstance(result, Recording):
            assert np.all(np.isfinite(result.acc_mps2))
            assert np.all(np.diff(result.t_s) > 0)
            kept_all = np.all(np.abs(xyz) <= 1e9) and not np.any(np.all(xyz == 0, axis=1))
            if kept_all and np.any(np.diff(t_ns) < 0) and layout != "phyphox":
                assert any(f.code == "timestamps_unsorted" for f in result.quality)


def _layout_files(layout: str, t_ns: np.ndarray, xyz: np.ndarray) -> dict[str, bytes]:
    regular = times_ns(50, 100)
    ones = np.ones((50, 3))
    if layout == "android":
        return {
            "TotalAcceleration.csv": sensorlogger_csv(t_ns, xyz),
            "Gyroscope.csv": sensorlogger_csv(regular, ones),
        }
    if layout == "ios":
        return {
            "Accelerometer.csv": sensorlogger_csv(t_ns, xyz),
            "Gravity.csv": sensorlogger_csv(t_ns, xyz),
        }
    if layout == "watch":
        header = "time,seconds_elapsed," + ",".join(
            f"{k}{a}" for k in ("rotationRate", "gravity", "acceleration") for a in "XYZ"
        )
        lines = [header] + [
            f"{t},0," + ",".join(repr(v) for v in [*row, *row, *row])
            for t, row in zip(t_ns.tolist(), xyz.tolist(), strict=True)
        ]
        return {"WristMotion.csv": ("\n".join(lines) + "\n").encode()}
    return {
        "Raw Data.csv": phyphox_csv(
            (t_ns - t_ns[0]) / 1e9 if t_ns.size else t_ns, xyz, kind="with_g"
        )
    }


def _valid_files() -> list[tuple[str, Callable[[Path], Path]]]:
    def csv_file(folder: Path) -> Path:
        path = folder / "rec.csv"
        path.write_bytes((DATA / "paradigma_imu_raw_head.csv").read_bytes())
        return path

    def sl_zip(folder: Path) -> Path:
        data = (DATA / "sensorlogger_WristMotion_head.csv").read_bytes()
        return write_export(folder / "sl", {"WristMotion.csv": data}, as_zip=True)

    return [("csv", csv_file), ("zip", sl_zip)]


@SETTINGS
@given(
    which=st.sampled_from([0, 1]),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6),
)
def test_truncated_or_corrupted_real_files(
    which: int, cut: float, flips: list[tuple[float, int]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = _valid_files()[which][1](Path(folder))
        data = bytearray(path.read_bytes())
        for where, value in flips:
            data[int(where * (len(data) - 1))] = value
        path.write_bytes(bytes(data[: max(1, int(cut * len(data)))]))
        check(path)
        check(path, "csv")


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("set.xlsx", ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]),
        ("set.ods", ["mimetype", "content.xml", "styles.xml"]),
        ("set.xls", None),  # the old binary workbook
    ],
)
def test_a_spreadsheet_is_refused_with_the_export_to_choose(
    tmp_path: Path, name: str, members: list[str] | None
) -> None:
    path = tmp_path / name
    if members is None:
        path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(600))
    else:
        with zipfile.ZipFile(path, "w") as archive:
            for member in members:
                archive.writestr(member, "<x/>")
    with pytest.raises(FormatError, match=r"is a spreadsheet .* export the recording as CSV"):
        read(path)


@pytest.mark.parametrize("cell", ["-1e308", "1e308", "-1e20", "1e20"])
def test_a_time_beyond_any_clock_drops_its_row(tmp_path: Path, cell: str) -> None:
    """No clock writes 1e19 or more (nanoseconds since 1970 reach 9.2e18 in 2262): -1e308
    overflowed the sums over the steps (numpy's warnings on stderr) and +1e308 was kept."""
    rows = [f"{i / 100},0.1,0.2,9.8" for i in range(300)]
    rows[150] = f"{cell},0.1,0.2,9.8"
    path = tmp_path / "set.csv"
    path.write_text("time,ax,ay,az\n" + "\n".join(rows) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any numpy warning fails the test
        rec = read(path)
    assert rec.t_s.size == 299 and rec.median_rate_hz == pytest.approx(100)
    assert "rows_dropped" in {q.code for q in rec.quality}
