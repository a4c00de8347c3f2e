"""Batch analysis: every row equals the single-file path; bad files never stop a batch;
a batch resumes from its checkpoint, keyed by content hash.

The main run covers the 1,000-file corpus on a local cluster of two worker processes (as
``thrustlab batch`` starts it); the smaller tests share one in-process cluster.
"""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from batch_support import (
    BROKEN,
    Corpus,
    assert_matches_single_file_path,
    assert_rep_rows,
    assert_set_row,
    by_path,
    simulated_recording,
)
from thrustlab.batch import (
    BatchProgress,
    BatchResult,
    engine,
    find_recordings,
    output_paths,
    run_batch,
    store,
)
from thrustlab.batch.tables import rep_rows, set_row
from thrustlab.config import AnalysisConfig
from thrustlab.errors import InputError, OptionError
from thrustlab.findings import Findings
from thrustlab.measurement import analyse_legs
from thrustlab.simulate import SimulationSpec, simulate_legs, to_csv_text


@pytest.fixture(scope="module")
def full_run(
    batch_corpus: Corpus, tmp_path_factory: pytest.TempPathFactory
) -> tuple[BatchResult, Path, list[BatchProgress]]:
    checkpoint = tmp_path_factory.mktemp("full_run") / "results.checkpoint"
    progress: list[BatchProgress] = []
    paths = find_recordings([batch_corpus.folder])
    assert paths == batch_corpus.paths
    result = run_batch(paths, workers=2, checkpoint_dir=checkpoint, on_progress=progress.append)
    return result, checkpoint, progress


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """One in-process Dask cluster (a worker thread) for the smaller tests."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1,
            threads_per_worker=1,
            processes=False,
            dashboard_address=None,
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
        ) as cluster,
        Client(cluster, set_as_default=False) as c,
    ):
        yield c


def test_every_row_equals_the_single_file_path(
    batch_corpus: Corpus, full_run: tuple[BatchResult, Path, list[BatchProgress]]
) -> None:
    result, _, progress = full_run
    assert result.sets.num_rows == len(batch_corpus.good()) == 993
    assert result.reps.num_rows == sum(
        len(f.reps) for f in batch_corpus.reference.values() if isinstance(f, Findings)
    )
    sets, reps = by_path(result.sets), by_path(result.reps)
    for path in batch_corpus.good():
        expected = batch_corpus.reference[path]
        assert isinstance(expected, Findings)
        assert_set_row(sets[path][0], expected, path)
        assert_rep_rows(reps.get(path, []), expected, path)
    assert [r["path"] for r in result.sets.to_pylist()] == batch_corpus.good()
    assert progress[0].files_done == 0 and progress[-1].files_done == 1000
    assert progress[-1].files_failed == len(BROKEN)


def test_broken_files_are_reported_and_do_not_stop_the_batch(
    batch_corpus: Corpus, full_run: tuple[BatchResult, Path, list[BatchProgress]]
) -> None:
    result, _, _ = full_run
    errors = result.errors.to_pylist()
    assert [e["path"] for e in errors] == batch_corpus.broken()
    assert len(errors) == len(BROKEN)
    for error in errors:
        expected = batch_corpus.reference[error["path"]]
        assert isinstance(expected, Exception)
        assert error["error"] == type(expected).__name__
        assert error["message"] and error["message"] in str(expected)
        assert error["retry"] is False  # a ReadError is final: saved, not tried again


def test_summary_describes_the_numeric_columns(
    full_run: tuple[BatchResult, Path, list[BatchProgress]],
) -> None:
    result, _, _ = full_run
    summary = {(r["table"], r["metric"]): r for r in result.summary.to_pylist()}
    rms = [v for v in result.sets["tremor_rms_mps2"].to_pylist() if v is not None]
    row = summary[("sets", "tremor_rms_mps2")]
    assert row["count"] == len(rms)
    assert row["min"] == min(rms) and row["max"] == max(rms)
    assert row["mean"] == pytest.approx(sum(rms) / len(rms), rel=1e-12)
    assert summary[("reps", "tremor_rms_mps2")]["count"] > row["count"]


def test_a_rerun_reuses_every_result_without_a_cluster(
    batch_corpus: Corpus,
    full_run: tuple[BatchResult, Path, list[BatchProgress]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, checkpoint, _ = full_run

    def no_cluster(*args: object) -> None:
        raise AssertionError("nothing to do, yet a cluster was asked for")

    monkeypatch.setattr(engine, "_connect", no_cluster)
    again = run_batch(batch_corpus.paths, checkpoint_dir=checkpoint)
    assert again.files_reused == 1000
    for name in ("sets", "reps", "errors", "summary"):
        assert getattr(again, name).equals(getattr(first, name)), name


def test_an_interrupted_batch_resumes_where_it_stopped(
    batch_corpus: Corpus, tmp_path: Path, client: Any
) -> None:
    paths = [*batch_corpus.good()[:40], *batch_corpus.broken()[:2]]
    checkpoint = tmp_path / "checkpoint"

    class Stop(Exception):
        pass

    def stop_midway(progress: BatchProgress) -> None:
        if progress.files_done >= 10:
            raise Stop

    with pytest.raises(Stop):
        run_batch(paths, scheduler=client, checkpoint_dir=checkpoint, on_progress=stop_midway)
    result = run_batch(paths, scheduler=client, checkpoint_dir=checkpoint)
    assert 10 <= result.files_reused < len(paths)
    assert result.files_total == len(paths)
    assert_matches_single_file_path(result.sets, result.reps, result.errors, paths)


def test_changed_files_are_analysed_again_and_renamed_ones_reused(
    tmp_path: Path, client: Any
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _simulated_files(folder, 6)
    checkpoint = tmp_path / "checkpoint"
    run_batch(find_recordings([folder]), scheduler=client, checkpoint_dir=checkpoint)
    (folder / "s0.csv").write_text(to_csv_text(simulated_recording(100)), "utf-8")
    shutil.copy(folder / "s1.csv", folder / "s1_copy.csv")
    paths = find_recordings([folder])
    again = run_batch(paths, scheduler=client, checkpoint_dir=checkpoint)
    assert again.files_total == 7
    assert again.files_reused == 6  # s1..s5 and the copy of s1; s0 changed
    assert_matches_single_file_path(again.sets, again.reps, again.errors, paths)
    fresh = run_batch(paths, scheduler=client, checkpoint_dir=checkpoint, fresh=True)
    assert fresh.files_reused == 0
    assert fresh.sets.equals(again.sets)


def test_results_saved_under_another_configuration_or_hash_are_not_reused(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = _simulated_files(folder, 3)
    checkpoint = tmp_path / "checkpoint"
    run_batch(paths, scheduler=client, checkpoint_dir=checkpoint)
    assert run_batch(paths, scheduler=client, checkpoint_dir=checkpoint).files_reused == 3
    other_bands = AnalysisConfig(tremor_band_hz=(5.0, 11.0))
    banded = run_batch(paths, config=other_bands, scheduler=client, checkpoint_dir=checkpoint)
    assert banded.files_reused == 0
    # a checkpoint whose files were named by another hash (SHA-256, before BLAKE3) names
    # none of them now: nothing of it is taken for this run's files
    monkeypatch.setattr(store, "HASH_NAME", "SHA-256")
    assert run_batch(paths, scheduler=client, checkpoint_dir=checkpoint).files_reused == 0


def _simulated_files(folder: Path, n: int) -> list[str]:
    """``n`` short simulated sets written to ``folder``, their paths in order."""
    paths = [folder / f"s{seed}.csv" for seed in range(n)]
    for seed, path in enumerate(paths):
        path.write_text(to_csv_text(simulated_recording(seed)), "utf-8")
    return [str(path) for path in paths]


def test_files_that_vanish_before_hashing_become_error_rows_in_order(
    tmp_path: Path, client: Any
) -> None:
    # the inputs are hashed on every core at once; each keeps its place, and a file gone
    # between finding and hashing is its own error row, not the batch's end
    paths = _simulated_files(tmp_path, 8)
    gone = {paths[1], paths[6]}
    for path in gone:
        Path(path).unlink()
    result = run_batch(paths, scheduler=client)
    assert [r["path"] for r in result.errors.to_pylist()] == [paths[1], paths[6]]
    assert {r["error"] for r in result.errors.to_pylist()} == {"FileNotFoundError"}
    assert [r["path"] for r in result.sets.to_pylist()] == [p for p in paths if p not in gone]
    hashes = [engine.content_hash(p) for p in paths if p not in gone]
    assert result.sets["content_hash"].to_pylist() == hashes


def test_a_failed_task_reports_its_files_and_a_rerun_tries_them_again(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a task that fails as a whole (a worker lost, say) sends back no rows: each of its files
    # becomes an error row marked for a retry, which the checkpoint does not keep
    paths = _simulated_files(tmp_path, 3)
    checkpoint = tmp_path / "checkpoint"

    def lost(jobs: object, *, config: object) -> None:
        raise RuntimeError("worker lost")

    with monkeypatch.context() as patched:
        patched.setattr(engine, "analysed", lost)
        failed = run_batch(paths, scheduler=client, checkpoint_dir=checkpoint)
    assert [
        (r["path"], r["error"], r["message"], r["retry"]) for r in failed.errors.to_pylist()
    ] == [(p, "RuntimeError", "worker lost", True) for p in paths]
    assert failed.sets.num_rows == 0
    again = run_batch(paths, scheduler=client, checkpoint_dir=checkpoint)
    assert again.files_reused == 0 and again.errors.num_rows == 0
    assert [r["path"] for r in again.sets.to_pylist()] == paths


def test_tasks_shrink_towards_the_end_so_the_workers_finish_together() -> None:
    jobs = [(f"{i}.csv", str(i)) for i in range(300)]
    chunks = engine._chunks(jobs, 2)
    assert [job for chunk in chunks for job in chunk] == jobs  # each file once, in order
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[0] == engine.MAX_CHUNK_FILES and sizes == sorted(sizes, reverse=True)
    assert sizes[-4:] == [1, 1, 1, 1]
    assert len(chunks) < len(jobs) / 8  # a task costs the client: few of them
    assert engine._chunks(jobs[:3], 4) == [[job] for job in jobs[:3]]


def test_a_large_recording_is_a_task_of_its_own(tmp_path: Path) -> None:
    sizes_mb = [1, 1, 40, 1, 20, 20, 1, 1, 1, 1] + [1] * 60
    jobs = []
    for i, size_mb in enumerate(sizes_mb):
        path = tmp_path / f"{i}.csv"
        with path.open("wb") as file:
            file.truncate(size_mb * 2**20)  # sparse: no disk used
        jobs.append((str(path), str(i)))
    chunks = engine._chunks(jobs, 2)
    assert [job for chunk in chunks for job in chunk] == jobs
    # 1+1 | 40 alone | 1+20 | 20 and twelve of 1 MB: 32 MB
    assert [len(chunk) for chunk in chunks[:4]] == [2, 1, 2, 13]
    for chunk in chunks:
        assert len(chunk) == 1 or sum(os.path.getsize(p) for p, _ in chunk) <= 32 * 2**20


def test_two_legs_fill_the_leg_columns() -> None:
    recordings, _ = simulate_legs(SimulationSpec(seed=3, n_reps=4, asymmetry_pct=20))
    findings = analyse_legs(*recordings)
    row = {"path": "x"} | set_row("h", findings)
    assert row["left_tremor_rms_mps2"] is not None and row["asymmetry_index_pct"] is not None
    assert_set_row(row, findings, "x")
    assert_rep_rows([{"path": "x"} | r for r in rep_rows("h", findings)], findings, "x")


def test_find_recordings_takes_folders_globs_and_files(tmp_path: Path) -> None:
    for name in ("a.csv", "b.json", "c.zip", "d.TSV", "e.txt", "notes.md", ".hidden.csv"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "Accelerometer.csv").write_text("x", encoding="utf-8")
    folder = find_recordings([tmp_path])
    # the names the upload form accepts too: phyphox's tab-separated export may be a .tsv
    assert [Path(p).name for p in folder] == [
        "a.csv",
        "b.json",
        "c.zip",
        "d.TSV",
        "e.txt",
        "export",
    ]
    globbed = find_recordings([str(tmp_path / "**" / "*.csv")])
    assert [Path(p).name for p in globbed] == ["a.csv", "Accelerometer.csv"]
    assert find_recordings([tmp_path / "a.csv", tmp_path / "a.csv"]) == (str(tmp_path / "a.csv"),)
    assert find_recordings([tmp_path], exclude=[tmp_path / "export"])[-1].endswith("e.txt")
    with pytest.raises(OptionError, match="no file matches"):
        find_recordings([str(tmp_path / "*.parquet")])


def test_output_paths_sit_beside_out(tmp_path: Path) -> None:
    paths = output_paths(tmp_path / "results.csv")
    assert [p.name for p in paths.tables()] == [
        "results.csv",
        "results.reps.csv",
        "results.summary.csv",
        "results.errors.csv",
    ]
    assert paths.checkpoint.name == "results.checkpoint"
    with pytest.raises(OptionError, match=r"\.parquet or \.csv"):
        output_paths(tmp_path / "results.xlsx")


def test_an_unreachable_scheduler_is_one_clear_error(
    batch_corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        run_batch(batch_corpus.paths[:2], scheduler=f"tcp://127.0.0.1:{port}")
    with pytest.raises(OptionError, match="cannot be used with a scheduler"):
        run_batch(batch_corpus.paths[:2], scheduler=f"tcp://127.0.0.1:{port}", workers=2)


def test_the_local_cluster_spends_no_work_on_a_dashboard_it_has_not() -> None:
    """The workers ``run_batch`` starts neither sample their own stacks (a dashboard's
    profile) nor get Dask's glibc mmap threshold, which maps every larger array afresh."""
    import time

    from distributed import Client

    def busy() -> float:  # long enough for a profiler that samples every 10 ms
        start = time.perf_counter()
        while time.perf_counter() - start < 0.3:
            pass
        return start

    def seen(dask_worker: Any) -> tuple[int, str | None]:
        return dask_worker.profile_recent["count"], os.environ.get("MALLOC_TRIM_THRESHOLD_")

    with engine.local_cluster(1) as cluster, Client(cluster, set_as_default=False) as client:
        client.submit(busy, pure=False).result()
        assert list(client.run(seen).values()) == [(0, None)]


def test_the_local_workers_log_no_heartbeat_failure_at_close_and_other_errors_still() -> None:
    """A worker's heartbeat crossing the cluster's closing printed Dask's 25-line traceback
    under a finished batch (1 of 15 runs of ``thrustlab batch``): the local workers drop that
    one message, and log any other error as before."""
    import logging

    from distributed import Client

    def shown(message: str) -> bool:
        record = logging.LogRecord("distributed.worker", logging.ERROR, "", 0, message, (), None)
        return logging.getLogger("distributed.worker").filter(record)

    heartbeat = "Failed to communicate with scheduler during heartbeat."
    with engine.local_cluster(2) as cluster, Client(cluster, set_as_default=False) as client:
        assert list(client.run(shown, heartbeat).values()) == [False, False]
        assert list(client.run(shown, "Compute Failed").values()) == [True, True]
    assert shown(heartbeat)  # this process's logging is left as it was
