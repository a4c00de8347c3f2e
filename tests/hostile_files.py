"""Hostile recordings for the fuzz test: one file (or folder) per ``(seed, index)``, made the
same way every time, and a worker that runs each through the ``thrustlab`` command in-process.

What is varied: the format (generic CSV with its time in s, ms or ns, as dates or clock
times; Sensor Logger CSVs, folders, zips and JSON; phyphox), the clock (jumps forward and
back of 1 s to 1e15 s, duplicates, reversed and shuffled rows, NaN and inf, negative times,
int64-range and beyond, 1e-12 s steps, flipped digits in nanosecond stamps, one sample in
hours), the values (NaN, 1e308, text, empty cells) and the bytes (truncated rows, wrong
column counts, BOMs, binary junk, empty and truncated zips, zips holding folders or junk).

Run as a script, the worker reads ``SEED INDICES FOLDER`` (indices comma-separated) and prints
one JSON line per file: ``{"start": i}`` before it, then what the command did (exit code,
stderr, seconds, the process's peak memory so far).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Rng = np.random.Generator
T0_NS = 1_698_501_144_401_773_000
INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class Hostile:
    """A file to write: its name, its bytes (or a folder's files), the CLI options to add, and
    what was done to it (said in failures)."""

    name: str
    content: bytes | dict[str, bytes]
    options: tuple[str, ...]
    about: str


# --- the clock ---------------------------------------------------------------------------


def _base_times_s(rng: Rng, n: int) -> tuple[np.ndarray, float]:
    rate_hz = float(rng.choice([1.0, 25.0, 50.0, 100.0, 100.0, 400.0, 1000.0]))
    jitter = rng.normal(0, 0.02 / rate_hz, n) if rng.random() < 0.5 else 0.0
    return np.arange(n) / rate_hz + jitter, rate_hz


def _jumps(t: np.ndarray, rng: Rng) -> np.ndarray:
    for j in rng.integers(0, t.size, int(rng.integers(2, 200))):
        t[j:] += 10 ** rng.uniform(-1, 6)
    return t


def _duplicates(t: np.ndarray, rng: Rng) -> np.ndarray:
    idx = rng.integers(0, t.size, max(1, t.size // 3))
    t[idx] = t[np.maximum(idx - 1, 0)]
    return t


def _nonfinite(t: np.ndarray, rng: Rng) -> np.ndarray:
    idx = rng.integers(0, t.size, max(1, t.size // 10))
    t[idx] = rng.choice([np.nan, np.inf, -np.inf], idx.size)
    return t


def _huge(t: np.ndarray, rng: Rng) -> np.ndarray:
    t[rng.integers(0, t.size, max(1, t.size // 50))] = rng.choice([1e300, -1e300, 1e18, 9.3e18])
    return t


def _shuffled(t: np.ndarray, rng: Rng) -> np.ndarray:
    rng.shuffle(t)
    return t


def _after(t: np.ndarray, rng: Rng, shift: float) -> np.ndarray:
    t[int(rng.integers(0, t.size)) :] += shift
    return t


CLOCKS: dict[str, Callable[[np.ndarray, Rng], np.ndarray]] = {
    "none": lambda t, rng: t,
    "jump": lambda t, rng: _after(t, rng, 10 ** rng.uniform(0, 15)),
    "jumps": _jumps,
    "back": lambda t, rng: _after(t, rng, -(10 ** rng.uniform(-2, 9))),
    "duplicates": _duplicates,
    "reversed": lambda t, rng: t[::-1].copy(),
    "shuffled": _shuffled,
    "nonfinite": _nonfinite,
    "negative": lambda t, rng: t - 10 ** rng.uniform(0, 12),
    "huge": _huge,
    "tiny": lambda t, rng: np.arange(t.size) * 1e-12 + (t[0] if rng.random() < 0.5 else 0.0),
    "mixed_tiny": lambda t, rng: np.cumsum(np.where(rng.random(t.size) < 0.5, 1e-12, 0.01)),
    "sparse": lambda t, rng: np.arange(t.size) * 10 ** rng.uniform(1, 5),
    "heavy_tail": lambda t, rng: np.cumsum(rng.pareto(0.5, t.size) * 0.01),
}
"""Hostile changes to a clock (seconds, may become NaN/inf); "jump" and "none" weigh double."""
CLOCK_CHOICES = [*CLOCKS, "jump", "none"]


def _clock(rng: Rng, t_s: np.ndarray) -> tuple[np.ndarray, str]:
    """Seconds as floats after one or two hostile changes, and their names."""
    t = t_s.astype(float).copy()
    names = [str(rng.choice(CLOCK_CHOICES)) for _ in range(int(rng.integers(1, 3)))]
    for name in names:
        if t.size:
            t = CLOCKS[name](t, rng)
    return t, "+".join(names)


def _ns_cells(rng: Rng, t_s: np.ndarray) -> list[str]:
    """Nanosecond stamps as Sensor Logger writes them, some flipped, some beyond int64."""
    finite = np.isfinite(t_s) & (np.abs(t_s) < 9e9)
    seconds = np.where(finite, t_s, 0.0)
    stamps = np.round(seconds * 1e9).astype(np.int64) + T0_NS
    cells = [
        str(int(v)) if ok else repr(float(s)) for v, ok, s in zip(stamps, finite, t_s, strict=True)
    ]
    if cells and rng.random() < 0.4:  # flipped digits
        for j in rng.integers(0, len(cells), int(rng.integers(1, 5))):
            digits = list(cells[j])
            p = int(rng.integers(0, len(digits)))
            digits[p] = str(rng.integers(0, 10))
            cells[j] = "".join(digits)
    if cells and rng.random() < 0.2:
        edge = [str(INT64_MAX), str(-INT64_MAX - 1), "9" * 25, "-1", "0", "1e400"]
        for j in rng.integers(0, len(cells), int(rng.integers(1, 4))):
            cells[j] = str(rng.choice(edge))
    return cells


def _date_cells(rng: Rng, t_s: np.ndarray, *, clock_only: bool) -> list[str]:
    """ISO 8601 dates (some with a zone, some day first) or clock times of the day, from
    2026-11-30 on; the seconds that are not finite or beyond 1e9 become impossible dates
    (month 13, hour 25) or numbers."""
    cells = []
    zone = str(rng.choice(["", "", "Z", "+05:30", "-08:00"]))
    day_first = rng.random() < 0.3  # 30/11/2026 23:59:59.5, as spreadsheets write dates
    for s in t_s.tolist():
        if not (np.isfinite(s) and abs(s) < 1e9):
            cells.append(str(rng.choice(["2026-13-01T00:00:00", "25:61:61.5", repr(s)])))
            continue
        day, rest = divmod(86_400 * 20_787 + s, 86_400)  # 2026-11-30 is day 20,787
        stamp = f"{int(rest // 3600):02d}:{int(rest % 3600 // 60):02d}:{rest % 60:09.6f}"
        date = np.datetime64(int(day), "D")
        if clock_only:
            cells.append(stamp)
        elif day_first:
            year, month, day_of_month = str(date).split("-")
            cells.append(f"{day_of_month}/{month}/{year} {stamp}")
        else:
            cells.append(f"{date}T{stamp}{zone}")
    return cells


# --- the values and the bytes ------------------------------------------------------------


def _values(rng: Rng, n: int, k: int) -> list[list[str]]:
    base = rng.normal(0, 1, (n, k))
    if k >= 3:
        base[:, 2] += 9.81
    cells = [[repr(float(v)) for v in row] for row in base]
    if n and rng.random() < 0.4:
        bad = ["nan", "NaN", "inf", "-inf", "1e308", "-1e308", "abc", "", "1,5", "0x1p3", "\u00e9"]
        for _ in range(int(rng.integers(1, max(2, n // 4)))):
            cells[int(rng.integers(0, n))][int(rng.integers(0, k))] = str(rng.choice(bad))
    return cells


def _text(header: list[str], rows: list[list[str]], rng: Rng, *, sep: str = ",") -> bytes:
    lines = [sep.join(header), *(sep.join(r) for r in rows)]
    if rows and rng.random() < 0.25:  # wrong column counts
        for _ in range(int(rng.integers(1, 6))):
            j = int(rng.integers(1, len(lines)))
            cut = int(rng.integers(0, len(rows[0]) + 3))
            lines[j] = sep.join((lines[j].split(sep) + ["7"] * 3)[:cut])
    newline = str(rng.choice(["\n", "\r\n", "\r"]))
    data = (newline.join(lines) + newline).encode("utf-8")
    return _bytes(rng, data)


def _bytes(rng: Rng, data: bytes) -> bytes:
    roll = rng.random()
    if roll < 0.1:  # a BOM, UTF-8 or UTF-16's
        data = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + data
    elif roll < 0.2 and data:  # truncated mid-row
        data = data[: int(rng.integers(0, len(data)))]
    elif roll < 0.25 and data:  # binary junk inside or after
        junk = rng.integers(0, 256, int(rng.integers(1, 200)), dtype=np.uint8).tobytes()
        at = int(rng.integers(0, len(data)))
        data = data[:at] + junk + data[at:]
    elif roll < 0.28 and data:  # a flipped byte
        at = int(rng.integers(0, len(data)))
        data = data[:at] + bytes([int(rng.integers(0, 256))]) + data[at + 1 :]
    return data


def _rows(rng: Rng) -> int:
    if rng.random() < 0.1:
        return int(rng.integers(0, 4))
    return int(rng.integers(4, 60)) if rng.random() < 0.2 else int(rng.integers(60, 1001))


# --- the formats -------------------------------------------------------------------------


def _generic(rng: Rng) -> Hostile:
    n = _rows(rng)
    t, rate = _base_times_s(rng, n)
    t, clock = _clock(rng, t)
    unit = str(rng.choice(["s", "ms", "ns", "none", "date", "clock"]))
    if unit == "ns":
        times = _ns_cells(rng, t)
    elif unit in ("date", "clock"):
        times = _date_cells(rng, t, clock_only=unit == "clock")
    else:
        scale = {"s": 1.0, "ms": 1e3, "none": 1.0}[unit]
        times = [repr(float(v * scale)) if rng.random() > 0.02 else f"{v:.17g}" for v in t]
    gyro = rng.random() < 0.4
    header = {
        "s": "time",
        "ms": "time_ms",
        "ns": "timestamp_ns",
        "date": "timestamp",
        "clock": "clock",
        "none": str(rng.choice(["t", "seconds", "Time (s)", "stamp"])),
    }[unit]
    names = [header, "ax", "ay", "az", *(["gx", "gy", "gz"] if gyro else [])]
    values = _values(rng, n, len(names) - 1)
    rows = [[tc, *v] for tc, v in zip(times, values, strict=True)]
    sep = str(rng.choice([",", ",", ";", "\t"]))
    options: tuple[str, ...] = ()
    roll = rng.random()
    if roll < 0.08:
        options = ("--time-unit", str(rng.choice(["s", "ms", "us", "ns"])))
    elif roll < 0.12:
        names, rows = names[1:], [r[1:] for r in rows]
        options = ("--rate-hz", str(rng.choice(["0.001", "0.5", "100", "100000"])))
    elif roll < 0.15:
        options = ("--columns", str(rng.choice(["time,ax,ay,az", "ax,ay,az", "t,_,_"])))
    about = f"generic csv, {n} rows at {rate:g} Hz, time in {unit}, clock {clock}"
    return Hostile("rec.csv", _text(names, rows, rng, sep=sep), options, about)


def _sensorlogger_files(rng: Rng) -> tuple[dict[str, bytes], str]:
    n = _rows(rng)
    t, rate = _base_times_s(rng, n)
    t, clock = _clock(rng, t)
    files = {}
    for name in rng.choice(
        ["Accelerometer.csv", "TotalAcceleration.csv", "Gyroscope.csv", "Gravity.csv"],
        int(rng.integers(1, 4)),
        replace=False,
    ):
        stamps = _ns_cells(rng, t)
        values = _values(rng, n, 3)
        elapsed = [repr(float(v)) for v in t]
        rows = [[s, e, *v] for s, e, v in zip(stamps, elapsed, values, strict=True)]
        files[str(name)] = _text(["time", "seconds_elapsed", "z", "y", "x"], rows, rng)
    return files, f"sensor logger {sorted(files)}, {n} rows at {rate:g} Hz, clock {clock}"


def _sensorlogger(rng: Rng) -> Hostile:
    files, about = _sensorlogger_files(rng)
    shape = str(rng.choice(["zip", "folder", "one"]))
    if shape == "one":
        name = next(iter(files))
        return Hostile(name, files[name], (), f"{about}, one csv")
    if shape == "folder":
        return Hostile("export", files, (), f"{about}, folder")
    return Hostile("export.zip", _zip(rng, files), (), f"{about}, zip")


def _sensorlogger_json(rng: Rng) -> Hostile:
    n = _rows(rng)
    t, rate = _base_times_s(rng, n)
    t, clock = _clock(rng, t)
    stamps = _ns_cells(rng, t)
    rows = [
        {"sensor": "Accelerometer", "time": s, "seconds_elapsed": "0", "z": v[0], "y": v[1]}
        | ({"x": v[2]} if rng.random() > 0.01 else {})
        for s, v in zip(stamps, _values(rng, n, 3), strict=True)
    ]
    data = _bytes(rng, json.dumps(rows).encode())
    return Hostile("rec.json", data, (), f"sensor logger json, {n} rows at {rate:g} Hz, {clock}")


def _phyphox(rng: Rng) -> Hostile:
    n = _rows(rng)
    t, rate = _base_times_s(rng, n)
    t, clock = _clock(rng, t)
    header = ['"Time (s)"', *(f'"Acceleration {a} (m/s^2)"' for a in "xyz")]
    header.append('"Absolute acceleration (m/s^2)"')
    rows = [[repr(float(s)), *v] for s, v in zip(t, _values(rng, n, 4), strict=True)]
    data = _text(header, rows, rng)
    about = f"phyphox, {n} rows at {rate:g} Hz, clock {clock}"
    if rng.random() < 0.5:
        return Hostile("Raw Data.csv", data, (), about)
    return Hostile("phyphox.zip", _zip(rng, {"Raw Data.csv": data}), (), f"{about}, zip")


def _zip(rng: Rng, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    quirk = str(rng.choice(["none", "none", "folder", "junk", "duplicate", "stored", "empty"]))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if quirk == "empty":
            pass
        else:
            prefix = "export/inner/" if quirk == "folder" else ""
            for name, data in files.items():
                method = zipfile.ZIP_STORED if quirk == "stored" else zipfile.ZIP_DEFLATED
                archive.writestr(prefix + name, data, compress_type=method)
            if quirk == "junk":
                archive.writestr("notes.bin", rng.integers(0, 256, 500, dtype=np.uint8).tobytes())
            if quirk == "duplicate":
                with contextlib.suppress(Exception), _quiet_warnings():
                    name = next(iter(files))
                    archive.writestr(name, files[name][: len(files[name]) // 2])
    data = buffer.getvalue()
    if rng.random() < 0.15 and data:  # truncated or corrupted archive
        data = data[: int(rng.integers(0, len(data)))]
    return data


@contextlib.contextmanager
def _quiet_warnings():  # type: ignore[no-untyped-def]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _junk(rng: Rng) -> Hostile:
    kind = str(
        rng.choice(
            ["empty", "bom", "binary", "header_only", "spaces", "one_col", "nul", "constant"]
        )
    )
    data = {
        "empty": b"",
        "bom": b"\xef\xbb\xbf",
        "binary": rng.integers(0, 256, int(rng.integers(1, 3000)), dtype=np.uint8).tobytes(),
        "header_only": b"time,ax,ay,az\n",
        "spaces": b"   \n \n\t\n",
        "one_col": b"time\n" + b"".join(b"%d\n" % i for i in range(50)),
        "nul": b"time,ax,ay,az\n" + b"\x00" * 500,
        "constant": b"time,ax,ay,az\n" + b"5,0,0,9.8\n" * 100,
    }[kind]
    name = str(rng.choice(["rec.csv", "rec.json", "rec.zip", "Raw Data.csv", "Accelerometer.csv"]))
    return Hostile(name, data, (), f"junk: {kind} named {name}")


MAKERS: tuple[tuple[Callable[[Rng], Hostile], float], ...] = (
    (_generic, 0.45),
    (_sensorlogger, 0.25),
    (_sensorlogger_json, 0.08),
    (_phyphox, 0.14),
    (_junk, 0.08),
)


def hostile(seed: int, index: int) -> Hostile:
    """The ``index``-th hostile file of run ``seed`` (the same bytes every time)."""
    rng = np.random.default_rng([seed, index])
    weights = np.array([w for _, w in MAKERS])
    maker = MAKERS[int(rng.choice(len(MAKERS), p=weights / weights.sum()))][0]
    return maker(rng)


def write(item: Hostile, folder: Path) -> Path:
    path = folder / item.name
    if isinstance(item.content, dict):
        for name, data in item.content.items():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            (path / name).write_bytes(data)
    else:
        path.write_bytes(item.content)
    return path


# --- the worker --------------------------------------------------------------------------


def run_cli(args: list[str]) -> tuple[int, str, str]:
    """``thrustlab ARGS`` through its entry point, in this process: exit code, stdout,
    stderr. An exception that escapes the entry point comes back as exit code -1 with its
    traceback as stderr."""
    from thrustlab.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv
    sys.argv = ["thrustlab", *args]
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # the fuzz test counts every escape as a traceback
        code, err = -1, io.StringIO(traceback.format_exc())
    finally:
        sys.argv = saved
    return code, out.getvalue(), err.getvalue()


def work(seed: int, indices: list[int], folder: Path) -> None:
    import shutil

    for index in indices:
        print(json.dumps({"start": index}), flush=True)
        item = hostile(seed, index)
        place = folder / str(index)
        place.mkdir()
        path = write(item, place)
        began = time.perf_counter()
        code, out, err = run_cli(["analyze", str(path), "--json", *item.options])
        seconds = time.perf_counter() - began
        rss_mb = _own_peak_kib() / 1024
        result = {"index": index, "code": code, "stderr": err, "seconds": seconds, "rss_mb": rss_mb}
        if code == 0:
            result["json_ok"] = _json_ok(out)
        result["about"] = item.about
        print(json.dumps(result), flush=True)
        shutil.rmtree(place)


def _own_peak_kib() -> int:
    """This process's own high-water mark (KiB). Not ``ru_maxrss``: a worker started by
    ``subprocess`` keeps its parent's resident size in it from before its ``exec``, so a
    pytest process past the bound would fail the worker's."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def _json_ok(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


if __name__ == "__main__":
    work(int(sys.argv[1]), [int(i) for i in sys.argv[2].split(",")], Path(sys.argv[3]))
