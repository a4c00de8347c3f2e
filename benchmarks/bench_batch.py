"""Benchmark: ``run_batch`` throughput with 1 and 2 Dask workers (target: >= 1.7x on 2 cores).

Writes N simulated recordings (``random_spec``: 1-30 reps at 50-400 Hz, as generic CSVs) to a
temporary folder, then measures, on the same files:

- the baseline: pyarrow's CSV parser alone (``pyarrow.csv.read_csv``, one process), the
  floor of what any reader of these files costs;
- the single-file path ``analyse(read(path))`` in this process, one file after another;
- ``run_batch`` on a warm local cluster of 1 and of 2 worker processes (one thread each),
  alternately, best of ``--repeat`` runs; and once with a cold start (``workers=2``, the
  cluster started inside the call, as ``thrustlab batch`` does).

It prints recordings per second for each, the ratio of 2 workers to 1, the ratio of the
batch to the parse-only baseline, and the machine's load average (other processes on the
same cores lower the ratio). Run: ``python benchmarks/bench_batch.py [--files N]``.
Exit code 1 if the 2-worker speed-up is under the target.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET_SPEEDUP = 1.7


def write_recordings(folder: Path, n: int) -> list[str]:
    from thrustlab.recording import Recording
    from thrustlab.simulate import random_spec, simulate_set, to_csv_text

    paths = []
    for seed in range(n):
        recording, _ = simulate_set(random_spec(seed))
        assert isinstance(recording, Recording)
        path = folder / f"set_{seed:05d}.csv"
        path.write_text(to_csv_text(recording), encoding="utf-8")
        paths.append(str(path))
    return paths


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def parse_only(paths: list[str]) -> None:
    import pyarrow.csv as pa_csv

    for path in paths:
        pa_csv.read_csv(path)


def single_file_path(paths: list[str]) -> None:
    from thrustlab.measurement import analyse
    from thrustlab.readers import read

    for path in paths:
        analyse(read(path))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300, help="recordings to simulate")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timing (best kept)")
    args = parser.parse_args()

    from distributed import Client

    from thrustlab.batch import run_batch
    from thrustlab.batch.engine import local_cluster

    with tempfile.TemporaryDirectory(prefix="thrustlab-bench-batch-") as tmp:
        start = time.perf_counter()
        paths = write_recordings(Path(tmp), args.files)
        size_mb = sum(os.path.getsize(p) for p in paths) / 1e6
        print(
            f"{len(paths)} recordings, {size_mb:.0f} MB of CSV, written in "
            f"{time.perf_counter() - start:.1f} s; load average {os.getloadavg()[0]:.2f}"
        )
        n = len(paths)
        parse_s = best_of(args.repeat, lambda: parse_only(paths))
        serial_s = best_of(1, lambda: single_file_path(paths))
        timings: dict[int, list[float]] = {1: [], 2: []}
        with (
            local_cluster(1) as one,
            local_cluster(2) as two,
            Client(one, set_as_default=False) as client_one,
            Client(two, set_as_default=False) as client_two,
        ):
            clients = {1: client_one, 2: client_two}
            for client in clients.values():  # warm: modules imported in every worker
                run_batch(paths[: 4 * len(client.nthreads())], scheduler=client)
            for _ in range(args.repeat):
                for workers, client in clients.items():
                    start = time.perf_counter()
                    result = run_batch(paths, scheduler=client)
                    timings[workers].append(time.perf_counter() - start)
                    assert result.files_total == n
        cold_s = best_of(1, lambda: run_batch(paths, workers=2))
        load = os.getloadavg()[0]

    one_s, two_s = min(timings[1]), min(timings[2])
    speedup = one_s / two_s
    print(f"pyarrow parse-only (1 process)    {n / parse_s:8.1f} recordings/s")
    print(f"analyse(read(path)), in-process   {n / serial_s:8.1f} recordings/s")
    print(f"run_batch, 1 worker (warm)        {n / one_s:8.1f} recordings/s")
    print(f"run_batch, 2 workers (warm)       {n / two_s:8.1f} recordings/s")
    print(f"run_batch, 2 workers, cold start  {n / cold_s:8.1f} recordings/s")
    print(f"2 workers / 1 worker: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x)")
    print(f"run_batch (2 workers) / parse-only baseline: {parse_s / two_s:.3f}x")
    print(f"load average after: {load:.2f} on {os.cpu_count()} cores")
    return 0 if speedup >= TARGET_SPEEDUP else 1


if __name__ == "__main__":
    sys.exit(main())
