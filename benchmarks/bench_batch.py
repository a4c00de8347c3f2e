"""Benchmark: ``run_batch`` throughput with 1 and 2 Dask workers (target: >= 1.7x on 2 cores).

Writes N simulated recordings (``random_spec``: 1-30 reps at 50-400 Hz, as generic CSVs) to a
temporary folder, then measures, on the same files:

- the baseline: pyarrow's CSV parser alone (``pyarrow.csv.read_csv``, one process), the
  floor of what any reader of these files costs;
- the single-file path ``analyse(read(path))`` in this process, one file after another;
- ``run_batch`` on a warm local cluster of 1 and of 2 worker processes (one thread each),
  taking turns in ``--repeat`` rounds (at least 5): the speed-up is the median of the
  rounds' ratios, printed with its range (``repeats.py``); and once with a cold start
  (``workers=2``, the cluster started inside the call, as ``thrustlab batch`` does);
- beside it, not gated, the same files through what a worker does with them
  (``analyse_files``) in 1 and in 2 plain processes, no Dask: the speed-up the machine
  itself allows, two processes sharing its memory and caches, which the batch's can
  approach but not pass.

It prints recordings per second for each, the ratio of 2 workers to 1, the ratio of the
batch to the parse-only baseline, the processor time this process takes a batch (the
client, the local scheduler and the hashing of the inputs: with 2 workers on 2 cores, time
taken from the workers), and the machine's load average (other processes on the same cores
lower the ratio). Run: ``python benchmarks/bench_batch.py [--files N]``.
Exit code 1 if the median 2-worker speed-up is under the target.
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from repeats import MIN_REPEATS, interleaved, ratio, summary

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


def worker_share(paths: list[str]) -> None:
    from thrustlab.batch.work import analyse_files
    from thrustlab.pipeline import DEFAULT_CONFIG

    analyse_files([(path, path) for path in paths], config=DEFAULT_CONFIG)


def plain_processes(paths: list[str], repeats: int) -> dict[int, list[float]]:
    """Seconds of ``worker_share`` of ``paths`` in one process, and split between two, taking
    turns (spawned processes, one BLAS thread each, as the Dask workers run)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # inherited by the spawned processes
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(worker_share, [paths[:4], paths[4:8]]))  # warm: imports

        def split(parts: int) -> None:
            list(pool.map(worker_share, [paths[i::parts] for i in range(parts)]))

        return interleaved({1: lambda: split(1), 2: lambda: split(2)}, repeats=repeats)


def _stop(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=300, help="recordings to simulate")
    parser.add_argument(
        "--repeat", type=int, default=MIN_REPEATS, help="interleaved runs of 1 and 2 workers"
    )
    args = parser.parse_args()
    # stopped by SIGTERM (a ``kill``), end as Ctrl-C does: the clusters and the process pool
    # are closed on the way out, where the default handler left their workers running
    signal.signal(signal.SIGTERM, _stop)

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
        client_s: dict[int, list[float]] = {1: [], 2: []}
        parse_s = best_of(args.repeat, lambda: parse_only(paths))
        serial_s = best_of(1, lambda: single_file_path(paths))
        with (
            local_cluster(1) as one,
            local_cluster(2) as two,
            Client(one, set_as_default=False) as client_one,
            Client(two, set_as_default=False) as client_two,
        ):
            clients = {1: client_one, 2: client_two}
            for client in clients.values():  # warm: modules imported in every worker
                run_batch(paths[: 4 * len(client.nthreads())], scheduler=client)

            def whole_batch(workers: int, client: Client) -> None:
                start = time.process_time()  # this process: client, scheduler, hashing
                assert run_batch(paths, scheduler=client).files_total == n
                client_s[workers].append(time.process_time() - start)

            timings = interleaved(
                {w: functools.partial(whole_batch, w, c) for w, c in clients.items()},
                repeats=args.repeat,
            )
        cold_s = best_of(1, lambda: run_batch(paths, workers=2))
        plain = plain_processes(paths, args.repeat)
        load = os.getloadavg()[0]

    one_s, two_s = statistics.median(timings[1]), statistics.median(timings[2])
    speedup = ratio("2 workers / 1 worker (speed-up)", timings[1], timings[2])
    print(f"pyarrow parse-only (1 process)    {n / parse_s:8.1f} recordings/s")
    print(f"analyse(read(path)), in-process   {n / serial_s:8.1f} recordings/s")
    print(f"run_batch, 1 worker (warm)        {n / one_s:8.1f} recordings/s")
    print(f"run_batch, 2 workers (warm)       {n / two_s:8.1f} recordings/s")
    print(f"run_batch, 2 workers, cold start  {n / cold_s:8.1f} recordings/s")
    print(f"run_batch (2 workers) / parse-only baseline: {parse_s / two_s:.3f}x")
    for workers, seconds in client_s.items():  # with 2 workers, taken from their cores
        print(summary(f"this process, {workers} worker(s)", seconds) + " of CPU a batch")
    print(f"load average after: {load:.2f} on {os.cpu_count()} cores")
    print(ratio("plain processes, 2 / 1 (the machine's own, not gated)", plain[1], plain[2]).text())
    return 0 if speedup.judge(at_least=TARGET_SPEEDUP) else 1


if __name__ == "__main__":
    sys.exit(main())
