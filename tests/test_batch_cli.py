"""``thrustlab batch``: the files it writes, resuming, one-line errors, and a run on a real
Dask cluster (a ``dask scheduler`` and a ``dask worker`` started as separate processes,
listening on 127.0.0.1 only, on free ports, stopped at the end whatever happens)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from batch_support import BROKEN, assert_matches_single_file_path, write_corpus
from thrustlab.batch import find_recordings
from thrustlab.cli import app

START_TIMEOUT_S = 60.0


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("small_corpus")
    write_corpus(folder, 16, first_seed=5000)
    return folder


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    """The real entry point in a new process (error handling and exit codes included)."""
    return subprocess.run(
        [sys.executable, "-c", "from thrustlab.cli import main; main()", *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=180,
    )


def test_batch_writes_the_tables_beside_out_and_resumes(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "results.parquet"
    args = ["batch", str(small_corpus), "--out", str(out), "--workers", "1"]
    first = CliRunner().invoke(app, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "24 files: 17 sets with" in first.output
    assert f"{len(BROKEN)} failed, 0 reused" in first.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "results.checkpoint",
        "results.errors.parquet",
        "results.parquet",
        "results.reps.parquet",
        "results.summary.parquet",
    ]
    paths = find_recordings([small_corpus])
    tables = [
        pq.read_table(tmp_path / f"results{part}.parquet") for part in ("", ".reps", ".errors")
    ]
    assert_matches_single_file_path(*tables, paths)
    assert pq.read_table(tmp_path / "results.summary.parquet").num_rows > 10

    again = CliRunner().invoke(app, args, catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "24 reused" in again.output
    assert pq.read_table(out).equals(tables[0])


def test_batch_writes_csv_tables(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "season.csv"
    pattern = str(small_corpus / "set_*.csv")
    result = CliRunner().invoke(
        app, ["batch", pattern, "--out", str(out), "--workers", "1"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    sets = pa_csv.read_csv(out)
    assert sets.num_rows == 16
    assert pa_csv.read_csv(tmp_path / "season.reps.csv").num_rows == sum(
        sets["rep_count"].to_pylist()
    )
    assert json.loads(sets["quality"][0].as_py()) is not None
    errors = (tmp_path / "season.errors.csv").read_text(encoding="utf-8")
    assert errors.splitlines()[0] == '"path","content_hash","error","message","retry"'


def test_bad_options_are_one_line_and_exit_code_2(small_corpus: Path, tmp_path: Path) -> None:
    for args, message in [
        (["--out", str(tmp_path / "r.xlsx")], "--out must end in .parquet or .csv"),
        (["--out", str(tmp_path / "r.csv"), "--mode", "squat"], "--mode must be one of"),
        (
            [
                "--out",
                str(tmp_path / "r.csv"),
                "--scheduler",
                "tcp://127.0.0.1:1",
                "--workers",
                "2",
            ],
            "cannot be used with a scheduler",
        ),
    ]:
        result = _main("batch", str(small_corpus), *args)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    missing = _main("batch", str(tmp_path / "nothing*.csv"), "--out", str(tmp_path / "r.csv"))
    assert missing.returncode == 2 and "no file matches it" in missing.stderr


# --- a real cluster ----------------------------------------------------------------------


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process started here, and its own children (its process group)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def _start(args: list[str], log: Path, started: list[subprocess.Popen[bytes]]) -> None:
    dask = str(Path(sys.executable).with_name("dask"))
    with log.open("wb") as handle:
        started.append(
            subprocess.Popen(
                [dask, *args],
                stdout=handle,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group, stopped as a whole
            )
        )


def _wait_for(check: object, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            text = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs if p.exists())
            pytest.fail(f"{what} did not start within {START_TIMEOUT_S:.0f} s:\n{text}")
        time.sleep(0.2)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler and one worker on 127.0.0.1 (free ports): the scheduler's address."""
    scheduler_file = tmp_path / "scheduler.json"
    logs = [tmp_path / "scheduler.log", tmp_path / "worker.log"]
    started: list[subprocess.Popen[bytes]] = []
    try:
        _start(
            [
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--dashboard-address",  # its HTTP endpoints: loopback, a free port
                "127.0.0.1:0",
                "--scheduler-file",
                str(scheduler_file),
            ],
            logs[0],
            started,
        )
        _wait_for(scheduler_file.exists, "the scheduler", logs)
        _wait_for(lambda: scheduler_file.stat().st_size > 0, "the scheduler file", logs)
        address = json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        assert address.startswith("tcp://127.0.0.1:")
        _start(
            [
                "worker",
                address,
                "--host",
                "127.0.0.1",
                "--nthreads",
                "1",
                "--no-nanny",
                "--no-dashboard",
                "--dashboard-address",
                "127.0.0.1:0",
                "--local-directory",
                str(tmp_path / "worker-space"),
            ],
            logs[1],
            started,
        )
        _wait_for(
            lambda: "Registered to" in logs[1].read_text(errors="replace"), "the worker", logs
        )
        yield address
    finally:
        for process in reversed(started):
            _stop(process)


def test_batch_runs_on_a_separate_scheduler(
    dask_cluster: str, small_corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cluster.parquet"
    result = _main("batch", str(small_corpus), "--out", str(out), "--scheduler", dask_cluster)
    assert result.returncode == 0, result.stderr
    assert "24 files: 17 sets" in result.stdout
    tables = [
        pq.read_table(tmp_path / f"cluster{part}.parquet") for part in ("", ".reps", ".errors")
    ]
    assert_matches_single_file_path(*tables, find_recordings([small_corpus]))
