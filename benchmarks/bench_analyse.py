"""Benchmark: analysing 60 s, 100 Hz recordings against pyarrow parsing the same CSVs.

Target (issue 2): analysing a recording costs at most 3x what pyarrow takes to parse its CSV,
over a batch of 500, measured in this one process in the same run. Printed:

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


PASSES = 3
"""Each figure is the fastest of three passes over the batch, the three jobs taking turns
pass by pass: other work on the machine only ever adds time, and taking turns exposes all
three to the same conditions."""


def timed(jobs: dict[str, Callable[[Path], object]], paths: list[Path]) -> dict[str, float]:
    """Seconds per batch for each job: the fastest of ``PASSES`` interleaved passes."""
    best = dict.fromkeys(jobs, float("inf"))
    for _ in range(PASSES):
        for label, work in jobs.items():
            start = time.perf_counter()
            for path in paths:
                work(path)
            best[label] = min(best[label], time.perf_counter() - start)
    for label, seconds in best.items():
        print(f"{label:<22} {seconds:7.2f} s  {1000 * seconds / len(paths):6.2f} ms/file")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
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
        )
    analysis = seconds["analyse"] / seconds["pyarrow parse"]
    end_to_end = seconds["read + analyse"] / seconds["pyarrow parse"]
    print(f"analyse / parse:        {analysis:5.2f}x (target <= {TARGET_RATIO}x)")
    print(f"read + analyse / parse: {end_to_end:5.2f}x")
    return 0 if analysis <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
