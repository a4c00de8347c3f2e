"""Benchmark: analysing 60 s, 100 Hz recordings against pyarrow parsing the same CSVs.

Target (issue 2): analysing a recording costs at most 3x what pyarrow takes to parse its CSV,
over a batch of 500, measured in this one process in the same run, judged on the median of
5 interleaved repeats (printed with their range). Printed:

- baseline: ``pyarrow.csv.read_csv`` on every file;
- ``analyse``: the analysis alone, on recordings already read;
- ``read + analyse``: what ``thrustlab analyze`` does per file, minus start-up.

Run: ``python benchmarks/bench_analyse.py [--files 500]``. Exit code 1 if over the target.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from statistics import median

TARGET_RATIO = 3.0


def make_files(folder: Path, n_files: int) -> list[Path]:
    from thrustlab.recording import Recording
    from thrustlab.simulate import random_spec, simulate_set, to_csv_text

    paths = []
    for seed in range(n_files):
        spec = replace(random_spec(seed), rate_hz=100.0, n_reps=10, setup_s=8.0, rest_after_s=4.0)
        recording, _ = simulate_set(spec)
        assert isinstance(recording, Recording)
        keep = recording.t_s <= 60.0
        gyro = None if recording.gyro_rads is None else recording.gyro_rads[keep]
        cut = replace(
            recording, t_s=recording.t_s[keep], acc_mps2=recording.acc_mps2[keep], gyro_rads=gyro
        )
        path = folder / f"set_{seed:04d}.csv"
        path.write_text(to_csv_text(cut))
        paths.append(path)
    return paths


REPEATS = 5
"""The batch is timed five times, the three jobs taking turns repeat by repeat, so that all
three meet the same conditions; each ratio is taken per repeat and judged on its median
(issue 15: one pass, or the fastest of a few, passed or failed a gate by luck on a shared
machine), printed with its range."""


def timed(
    jobs: dict[str, Callable[[Path], object]], paths: list[Path], repeats: int
) -> dict[str, list[float]]:
    """Seconds per batch for each job, one per interleaved repeat."""
    seconds: dict[str, list[float]] = {label: [] for label in jobs}
    for _ in range(repeats):
        for label, work in jobs.items():
            start = time.perf_counter()
            for path in paths:
                work(path)
            seconds[label].append(time.perf_counter() - start)
    for label, values in seconds.items():
        middle = median(values)
        print(f"{label:<22} {middle:7.2f} s  {1000 * middle / len(paths):6.2f} ms/file (median)")
    return seconds


def ratio(over: list[float], under: list[float]) -> tuple[float, float, float]:
    """The median, lowest and highest of the per-repeat ratios ``over / under``."""
    ratios = [a / b for a, b in zip(over, under, strict=True)]
    return median(ratios), min(ratios), max(ratios)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    import pyarrow.csv as pcsv

    from thrustlab.measurement import analyse
    from thrustlab.readers import read

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_files(Path(tmp), args.files)
        recordings = {path: read(path) for path in paths}
        seconds = timed(
            {
                "pyarrow parse": pcsv.read_csv,
                "analyse": lambda p: analyse(recordings[p]),
                "read + analyse": lambda p: analyse(read(p)),
            },
            paths,
            args.repeats,
        )
    parse = seconds["pyarrow parse"]
    analysis, low, high = ratio(seconds["analyse"], parse)
    end_to_end, low_end, high_end = ratio(seconds["read + analyse"], parse)
    print(
        f"analyse / parse:        {analysis:5.2f}x median, {low:.2f}-{high:.2f}x over "
        f"{args.repeats} repeats (target <= {TARGET_RATIO}x)"
    )
    print(f"read + analyse / parse: {end_to_end:5.2f}x median, {low_end:.2f}-{high_end:.2f}x")
    return 0 if analysis <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
