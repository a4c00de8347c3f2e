"""Benchmark: reading a CSV against pyarrow's own parse of it, in time and memory per row.

Target (issue 15): ``read`` within 1.3x the time of ``pyarrow.csv.read_csv`` on the same
file at every size, judged on the median of interleaved repeats (``repeats.py``: each repeat
times the parse, then the read, so machine load hits both alike; ``ROUND_S``), taken in
``PROCESSES`` fresh processes one after another and printed with their range and each
process's median.
Memory is the peak resident memory a fresh process gains while reading, per row, beside the
same for the parse alone and the float64 data the recording holds.

Run: ``python benchmarks/bench_read.py [rows ...]``. Exit code 1 if a median is over target.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

from repeats import interleaved, ratio

TARGET_RATIO = 1.3
PROCESSES = 5
REPEATS = 7
"""Repeats in each of ``PROCESSES`` processes (35 in all). A process's ratio carries a bias
of its own, from its memory's layout and the machine's load while it runs: at 10 minutes
the medians of 21 repeats in six processes in a row ran 1.18-1.33x, where the repeats'
scatter within one process moves its median by about 0.02 (session 29); at 1 minute six
processes' medians of 7 ran 1.09-1.36x (session 30). Pooled over five processes, the spread
that bias gives the judged median narrows by about the root of 5."""
ROUND_S = 0.05
"""Each repeat times as many calls as take the parse about 50 ms (50 at 1 minute, one at
100): one call of 1 ms is timed with the scheduler's noise (single-call ratios ran 0.3-5.8x)."""
SIZES = (6_000, 60_000, 600_000)
"""Rows: 1 min, 10 min and 100 min at 100 Hz (time, accelerometer and gyroscope)."""
DATA_BYTES_PER_ROW = 7 * 8
"""What the recording holds per row: time and six sensor values, float64."""
HEADER = "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyro_x_rad_s,gyro_y_rad_s,gyro_z_rad_s"

PEAK = """
import sys
path, what = sys.argv[1], sys.argv[2]
import numpy, pyarrow, pyarrow.csv, pyarrow.compute
from thrustlab.readers import read

def peak_kib():  # this process's own high-water mark (ru_maxrss would inherit the parent's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

before = peak_kib()
if what == "parse":
    pyarrow.csv.read_csv(path)
else:
    read(path)
print((peak_kib() - before) * 1024)
"""


def write_csv(path: Path, n_rows: int, rate_hz: float = 100.0) -> None:
    """Rows as a logger writes them: time in s, gravity on z, noise, 6 decimals."""
    rng = np.random.default_rng(7)
    t_s = np.arange(n_rows) / rate_hz
    acc = rng.normal(0.0, 0.3, (n_rows, 3)) + np.array([0.0, 0.0, 9.81])
    gyro = rng.normal(0.0, 0.2, (n_rows, 3))
    rows = np.column_stack([t_s, acc, gyro])
    with path.open("w") as out:
        out.write(HEADER + "\n")
        np.savetxt(out, rows, fmt="%.6f", delimiter=",")


def _calls(calls: int, work: Callable[[Path], object], path: Path) -> None:
    for _ in range(calls):
        work(path)


def peak_bytes(path: Path, what: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(path), what], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def repeats_here(path: Path) -> dict[str, list[float]]:
    """The interleaved repeats of the parse and the read of ``path`` in this process."""
    import pyarrow.csv as pcsv

    from thrustlab.readers import read

    read(path), pcsv.read_csv(path)  # warm: imports and the page cache
    start = time.perf_counter()
    pcsv.read_csv(path)
    calls = max(1, math.ceil(ROUND_S / (time.perf_counter() - start)))
    jobs = {"parse": partial(_calls, calls, pcsv.read_csv, path)}
    jobs["read"] = partial(_calls, calls, read, path)
    return interleaved(jobs, repeats=REPEATS)


def repeats_in_processes(path: Path) -> dict[str, list[float]]:
    """``repeats_here`` in ``PROCESSES`` fresh processes, one after another, pooled; each
    process's median ratio printed."""
    pooled: dict[str, list[float]] = {"parse": [], "read": []}
    medians = []
    for _ in range(PROCESSES):
        done = subprocess.run(
            [sys.executable, __file__, "--repeats-of", str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        times = json.loads(done.stdout.strip().splitlines()[-1])
        medians.append(ratio("", times["read"], times["parse"]).median)
        for job, seconds in pooled.items():
            seconds.extend(times[job])
    print(f"{'':>9} each process's median: {', '.join(f'{m:.2f}x' for m in medians)}")
    return pooled


def main(sizes: tuple[int, ...] = SIZES) -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for n_rows in sizes:
            path = Path(tmp) / f"rec{n_rows}.csv"
            write_csv(path, n_rows)
            times = repeats_in_processes(path)
            size_mb = path.stat().st_size / 1e6
            name = f"{n_rows:>9} rows ({size_mb:5.1f} MB) read / parse"
            ok &= ratio(name, times["read"], times["parse"]).judge(at_most=TARGET_RATIO)
            parse_b = peak_bytes(path, "parse") / n_rows
            read_b = peak_bytes(path, "read") / n_rows
            print(
                f"{'':>9} peak memory per row: read {read_b:.0f} B, parse {parse_b:.0f} B, "
                f"the float64 data {DATA_BYTES_PER_ROW} B"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--repeats-of"]:
        print(json.dumps(repeats_here(Path(sys.argv[2]))))
        raise SystemExit(0)
    given = tuple(int(a) for a in sys.argv[1:])
    raise SystemExit(main(given or SIZES))
