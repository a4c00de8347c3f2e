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
"""Each timing is the fastest of three passes over the batch: other work on the machine
only ever adds time, so the minimum is the steadiest figure for both sides of the ratio."""


def timed(label: str, work: object, paths: list[Path]) -> float:
    passes = []
    for _ in range(PASSES):
        start = time.perf_counter()
        for path in paths:
            work(path)  # type: ignore[operator]
        passes.append(time.perf_counter() - start)
    seconds = min(passes)
    print(f"{label:<22} {seconds:7.2f} s  {1000 * seconds / len(paths):6.2f} ms/file")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=500)
    args = parser.parse_args()
    import pyarrow.csv as pcsv

    from thrustlab.analyse import analyse
    from thrustlab.read import read

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_files(Path(tmp), args.files)
        recordings = {path: read(path) for path in paths[:5]}  # warm both code paths
        for recording in recordings.values():
            analyse(recording)
        baseline = timed("pyarrow parse", pcsv.read_csv, paths)
        recordings = {path: read(path) for path in paths}
        analysis = timed("analyse", lambda p: analyse(recordings[p]), paths)
        end_to_end = timed("read + analyse", lambda p: analyse(read(p)), paths)
    print(f"analyse / parse:        {analysis / baseline:5.2f}x (target <= {TARGET_RATIO}x)")
    print(f"read + analyse / parse: {end_to_end / baseline:5.2f}x")
    return 0 if analysis / baseline <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
