"""``run_batch``: many recordings through the pipeline on Dask.

The recipe: hash every input file, reuse what a checkpoint already holds, send the rest to
the workers in small chunks (each comes back as table rows made on its worker), save results
as they arrive (every ``FLUSH_FILES`` files or ``SAVE_EVERY_S`` seconds, and when the run
stops on an exception), then place rows at their paths. A scheduler address is checked, and
asked who it is within ``CONNECT_TIMEOUT_S``, before Dask's client is made: that client can
wait for ever on a peer that never answers.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyarrow as pa

from thrustlab.batch import store
from thrustlab.batch.inputs import content_hash
from thrustlab.batch.tables import (
    KEY,
    ORDER,
    BatchResult,
    Results,
    concat,
    only,
    place,
    results_from,
    unhashable_table,
)
from thrustlab.batch.work import FileOutcome, analyse_files
from thrustlab.config import AnalysisConfig
from thrustlab.errors import InputError, OptionError
from thrustlab.pipeline import DEFAULT_CONFIG
from thrustlab.records import record

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

MAX_CHUNK_FILES = 32
"""Files per Dask task, at most (``_chunks``): a task costs the client's process, which
shares the cores with local workers, some milliseconds of processor time (300 files on one
worker: 0.31 s in the client's process with tasks of 16 files, 0.21 s with 32, the files'
hashing included), and a task is the step of the progress bar (32 one-minute recordings:
about a third of a second)."""
MAX_CHUNK_BYTES = 32 * 2**20
"""...and its files' bytes, at most, a larger file going alone: an hour at 400 Hz (about
100 MB of CSV, a second of work) is a task of its own, so the progress bar moves, and a
stopped batch loses its work in flight, a long recording at a time."""
FLUSH_FILES = 256
"""Results are turned into tables (and saved to the checkpoint) every this many files..."""
SAVE_EVERY_S = 10.0
"""...or this often, whichever comes first: a killed batch loses at most this much work (a
checkpoint part costs milliseconds, so an hour's run adds a few hundred small parts)."""
CONNECT_TIMEOUT_S = 15.0
"""How long to wait for a scheduler to answer, and for a first worker to join it: a scheduler
answers in milliseconds, and a wrong address is reported well within 30 s of starting."""
_POLL_S = 0.05
"""How often the loop collecting results looks for finished work and for a save that is due."""
SCHEDULER_SCHEMES = ("tcp", "tls")


@record
class BatchProgress:
    """How far a batch has got, counted in input files."""

    files_total: int
    files_done: int
    files_failed: int
    files_reused: int


def run_batch(
    paths: Iterable[str | os.PathLike[str]],
    /,
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
    scheduler: str | Client | None = None,
    workers: int | None = None,
    checkpoint_dir: str | os.PathLike[str] | None = None,
    fresh: bool = False,
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> BatchResult:
    """Analyse every recording in ``paths`` on Dask; one bad file never stops the batch.

    ``scheduler``: None starts a local cluster of ``workers`` processes (default: one per
    core) on 127.0.0.1; an address (``tcp://host:port``) or a ``distributed.Client`` uses an
    existing cluster, whose workers must see the files at the same paths. With
    ``checkpoint_dir``, results are saved there as they arrive, and files whose content was
    already analysed with the same configuration are not analysed again (``fresh`` forgets
    the saved results first). ``on_progress`` is called after every finished chunk of files.
    """
    if scheduler is not None and workers is not None:
        raise OptionError(
            "workers sets the size of a local cluster; it cannot be used with a scheduler"
        )
    if isinstance(scheduler, str):
        scheduler = scheduler_address(scheduler)
    if workers is not None and workers < 1:
        raise OptionError(f"workers must be 1 or more, not {workers}")
    inputs, unhashable = _hash_inputs([os.fspath(p) for p in paths])
    key = store.analysis_key(config)
    saved = concat([])
    if checkpoint_dir is not None and fresh:
        store.clear(checkpoint_dir)
    if checkpoint_dir is not None:
        saved = only(store.load(checkpoint_dir, key=key), inputs[KEY].combine_chunks())
    done = set(saved.sets[KEY].to_pylist()) | set(saved.errors[KEY].to_pylist())
    per_hash = Counter(inputs[KEY].to_pylist())
    todo = dict(zip(inputs[KEY].to_pylist(), inputs["path"].to_pylist(), strict=True))
    jobs = [(os.path.abspath(path), h) for h, path in todo.items() if h not in done]
    tally = _Tally(
        total=inputs.num_rows + unhashable.num_rows,
        reused=sum(per_hash[h] for h in done),
        failed=unhashable.num_rows + sum(per_hash[h] for h in saved.errors[KEY].to_pylist()),
        per_hash=per_hash,
        on_progress=on_progress,
    )
    tally.report()
    new = (
        _run(
            jobs,
            config=config,
            scheduler=scheduler,
            workers=workers,
            tally=tally,
            checkpoint_dir=checkpoint_dir,
            key=key,
        )
        if jobs
        else []
    )
    return place(concat([saved, *new]), inputs, unhashable, files_reused=tally.reused)


@dataclass(slots=True)
class _Tally:
    total: int
    reused: int
    failed: int
    per_hash: Counter[str]
    on_progress: Callable[[BatchProgress], None] | None
    done: int = 0

    def __post_init__(self) -> None:
        self.done = self.reused + (self.total - sum(self.per_hash.values()))

    def add(self, results: Results) -> None:
        for h in results.sets[KEY].to_pylist():
            self.done += self.per_hash[h]
        for h in results.errors[KEY].to_pylist():
            self.done += self.per_hash[h]
            self.failed += self.per_hash[h]
        self.report()

    def report(self) -> None:
        if self.on_progress is not None:
            self.on_progress(BatchProgress(self.total, self.done, self.failed, self.reused))


def _hash_inputs(paths: Sequence[str]) -> tuple[pa.Table, pa.Table]:
    """(path, content_hash, order) of the readable inputs; error rows of the others.

    The files are hashed on every core (BLAKE3 and reading let go of the GIL), since no
    work goes out before they are: 250 MB of CSV took 0.057 s on one of two cores, 0.040 s
    on both (SHA-256 took 0.19 s and 0.12 s)."""
    rows: list[tuple[int, str, str]] = []
    failures: list[tuple[int, str, str, str]] = []
    with ThreadPoolExecutor(max_workers=_cores()) as pool:
        hashes = list(pool.map(_hash_or_error, paths))
    for order, (path, hashed) in enumerate(zip(paths, hashes, strict=True)):
        if isinstance(hashed, OSError):
            failures.append((order, path, type(hashed).__name__, hashed.strerror or str(hashed)))
        else:
            rows.append((order, path, hashed))
    inputs = pa.table(
        {
            "path": pa.array([r[1] for r in rows], pa.string()),
            KEY: pa.array([r[2] for r in rows], pa.string()),
            ORDER: pa.array([r[0] for r in rows], pa.int64()),
        }
    )
    return inputs, unhashable_table(failures)


def _hash_or_error(path: str, /) -> str | OSError:
    try:
        return content_hash(path)
    except OSError as error:  # a vanished or unreadable file becomes its error row
        return error


def _run(
    jobs: list[tuple[str, str]],
    *,
    config: AnalysisConfig,
    scheduler: str | Client | None,
    workers: int | None,
    tally: _Tally,
    checkpoint_dir: str | os.PathLike[str] | None,
    key: str,
) -> list[Results]:
    """Results of ``jobs`` ((absolute path, content hash)), saved as they arrive."""
    from distributed import as_completed

    tables: list[Results] = []
    pending: list[Results] = []
    saved_at = time.monotonic()

    def flush() -> None:
        nonlocal saved_at
        if pending:
            results = concat(pending)
            if checkpoint_dir is not None:
                store.save(checkpoint_dir, results, key=key)
            tables.append(results)
            pending.clear()  # only once saved: a stop during the save loses nothing here
        saved_at = time.monotonic()

    with _connect(scheduler, workers) as client:
        threads = sum(client.nthreads().values())  # type: ignore[no-untyped-call]
        futures = {
            client.submit(analysed, chunk, config=config, pure=False): chunk
            for chunk in _chunks(jobs, threads)
        }
        finished = as_completed(futures, loop=client.loop)  # type: ignore[no-untyped-call]
        try:
            while not finished.is_empty():  # type: ignore[no-untyped-call]
                if finished.has_ready():  # type: ignore[no-untyped-call]
                    future = next(finished)
                    results = _results(future, futures.pop(future))
                    pending.append(results)
                    tally.add(results)
                else:
                    time.sleep(_POLL_S)
                if (
                    sum(map(_files, pending)) >= FLUSH_FILES
                    or time.monotonic() - saved_at >= SAVE_EVERY_S
                ):
                    flush()
        finally:
            flush()
    return tables


def _chunks(jobs: list[tuple[str, str]], threads: int, /) -> list[list[tuple[str, str]]]:
    """``jobs`` cut into tasks that shrink towards the end (guided): each at most
    ``MAX_CHUNK_FILES`` and ``MAX_CHUNK_BYTES``, and at most half of what is left per worker
    thread, so the last are single files and the workers finish together."""
    sizes = [_bytes(path) for path, _ in jobs]
    chunks, start = [], 0
    while start < len(jobs):
        files = max(1, min(MAX_CHUNK_FILES, (len(jobs) - start) // (2 * threads)))
        end = start + 1
        while end < start + files and sum(sizes[start : end + 1]) <= MAX_CHUNK_BYTES:
            end += 1
        chunks.append(jobs[start:end])
        start = end
    return chunks


def _bytes(path: str, /) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # gone since it was hashed: its task reports it
        return 0


def analysed(jobs: Sequence[tuple[str, str]], /, *, config: AnalysisConfig) -> Results:
    """A task: ``analyse_files`` of a chunk, sent back as table rows. Made on the worker, the
    rows cost the client's process (which shares the cores with the workers) nothing to
    build, and arrive as a few arrow buffers instead of many pickled objects: 300 files on
    two local workers took that process 0.65-0.8 s of processor time with the findings
    sent, 0.5-0.6 s with the rows (hashing the files with SHA-256 was 0.16 s of it)."""
    return results_from(analyse_files(jobs, config=config))


def _results(future: object, chunk: list[tuple[str, str]]) -> Results:
    try:
        results: Results = future.result()  # type: ignore[attr-defined]
    except Exception as error:  # the task itself failed (a worker died): report its files
        message = str(error) or repr(error)
        return results_from(
            [
                FileOutcome(h, error=type(error).__name__, message=message, retry=True)
                for _, h in chunk
            ]
        )
    return results


def _files(results: Results, /) -> int:
    return int(results.sets.num_rows + results.errors.num_rows)


QUIET = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "500ms"}
"""A local cluster.s settings that spare the cores the batch runs on: each worker samples
its own stacks every 10 ms for a dashboard's profile, and every server (scheduler, nannies,
workers) wakes every 20 ms to time its event loop. Idle, the processes of two clusters (1
and 2 workers) took 17 % of a core with Dask's defaults and 6 % without these (a blocked
loop is still reported, after 3 s)."""


@contextmanager
def local_cluster(workers: int, /) -> Iterator[LocalCluster]:
    """The local cluster ``run_batch`` starts: ``workers`` processes of one thread each,
    everything listening on 127.0.0.1 on free ports, without the work done for a dashboard
    it has none of (``QUIET``), and without the traceback Dask logs when a worker's heartbeat
    crosses the cluster's closing (``worker_setup``)."""
    import dask
    from distributed import LocalCluster

    with (
        dask.config.set(
            {
                "distributed.nanny.pre-spawn-environ": _worker_environ(),
                "distributed.worker.preload": ["thrustlab.batch.worker_setup"],
                **QUIET,
            }
        ),
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # its HTTP endpoints (health, metrics) on a free loopback port, not 8787
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            # Dask's own warnings are not the user's business (a batch stopped by Ctrl-C or
            # SIGTERM printed a line per task cut short, "ended with CancelledError"); what
            # goes wrong with a file is in the errors table, and Dask's errors still show
            silence_logs=logging.ERROR,
        ) as cluster,
    ):
        yield cluster


@contextmanager
def _connect(scheduler: str | Client | None, workers: int | None) -> Iterator[Client]:
    """A client of the given scheduler, or of a new local cluster closed afterwards."""
    from distributed import Client

    if scheduler is None:
        with (
            local_cluster(workers or _cores()) as cluster,
            Client(cluster, set_as_default=False) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
        return
    if not isinstance(scheduler, str):
        _wait_for_workers(scheduler, "the given client's scheduler")
        yield scheduler
        return
    _ask_identity(scheduler)
    try:
        client = Client(  # type: ignore[no-untyped-call]
            scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False
        )
    except (OSError, TimeoutError) as error:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        _wait_for_workers(client, scheduler)
        yield client


def scheduler_address(text: str, /, *, name: str = "scheduler") -> str:
    """``text`` as a Dask scheduler address (``tcp://host:port``; ``host:port`` means tcp),
    or an ``OptionError`` naming the option ``name``."""
    scheme, sep, place = text.strip().partition("://")
    if not sep:
        scheme, place = "tcp", text.strip()
    host, colon, port = place.rpartition(":")
    if scheme in SCHEDULER_SCHEMES and colon and host and port.isdigit() and 0 < int(port) < 65536:
        return f"{scheme}://{place}"
    raise OptionError(
        f"{name} {text!r} is not a Dask scheduler address: give tcp://HOST:PORT, "
        "e.g. tcp://10.0.0.5:8786"
    )


def _ask_identity(address: str, /) -> None:
    """Ask the scheduler at ``address`` who it is, within ``CONNECT_TIMEOUT_S`` all told:
    nothing listening, a name that does not resolve, or a peer that accepts and never answers
    (where Dask's client waits for ever) fail here, with one line."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm.core import connect

    async def ask() -> object:
        comm = await connect(address, timeout=CONNECT_TIMEOUT_S)  # type: ignore[no-untyped-call]
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    async def ask_in_time() -> object:
        return await asyncio.wait_for(ask(), CONNECT_TIMEOUT_S)

    # a thread of its own: run_batch may be called from code already running an event loop
    with ThreadPoolExecutor(max_workers=1) as thread:
        try:
            answer = thread.submit(asyncio.run, ask_in_time()).result()
        except TimeoutError:
            raise InputError(
                f"cannot reach the Dask scheduler at {address}: no answer within "
                f"{CONNECT_TIMEOUT_S:.0f} s"
            ) from None
        except Exception as error:  # whatever the peer did, it is not a scheduler we can use
            problem = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise InputError(f"cannot reach the Dask scheduler at {address}: {problem}") from None
    if not isinstance(answer, dict) or "Scheduler" not in str(answer.get("type")):
        raise InputError(f"{address} answered, but it is not a Dask scheduler")


def _worker_environ() -> dict[str, object]:
    """The local workers' environment, less Dask's ``MALLOC_TRIM_THRESHOLD_``: setting it
    fixes glibc's mmap threshold at 128 kB, so every larger numpy array is mapped and
    faulted in afresh (measured: 18x the page faults, the analysis ~1.3-2x slower)."""
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    return environ


def _wait_for_workers(client: Client, address: str) -> None:
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except TimeoutError:
        raise InputError(
            f"the Dask scheduler at {address} has no worker (waited {CONNECT_TIMEOUT_S:.0f} s)"
        ) from None


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
