"""Fuzz: 1,000 hostile recordings (``hostile_files``) through ``thrustlab analyze FILE --json``.

Each file must end in exit code 0 with a JSON document (stderr may hold notes, such as the
training-log hint, but no traceback, warning or error), or exit code 2 with exactly one line on
stderr (``thrustlab: error: ...``): no hang, no runaway memory. The files come from a seeded
generator (seed ``THRUSTLAB_FUZZ_SEED``, default 15), so a failure names the seed and the index
that reproduce it.

The command runs in-process in two worker processes (two cores), each capped in address space
so an allocation of terabytes fails at once instead of swapping; a file that takes longer than
``HANG_S`` counts as a hang and its worker is replaced.
"""

from __future__ import annotations

import json
import os
import queue
import resource
import subprocess
import sys
import threading
from pathlib import Path

import thrustlab

SEED = int(os.environ.get("THRUSTLAB_FUZZ_SEED", "15"))
N_FILES = 1000
WORKERS = 2
HANG_S = 30.0
"""Far above the slowest file (about 1 s on a loaded 2-core machine, most take 0.05 s): only
a runaway loop or allocation gets here."""
ADDRESS_SPACE_BYTES = 4 * 2**30
"""numpy, pyarrow and the interpreter reserve about 1.5 GB of address space at start; 4 GB
leaves room for any honest file here (1,000 rows at most) and stops a runaway allocation."""
PEAK_RSS_MB = 1000.0
"""Resident memory a worker may reach over all its files (about 200 MB in practice)."""
TESTS = Path(__file__).resolve().parent
SRC = Path(thrustlab.__file__).resolve().parents[1]


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))


class Worker:
    """A process running ``hostile_files.work`` over ``indices``, its lines in a queue."""

    def __init__(self, indices: list[int], folder: Path) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(TESTS), env.get("PYTHONPATH", "")])
        env["COLUMNS"] = "100"
        env["HOME"] = str(folder)  # analyze compares with the default training log, if any
        env.pop("THRUSTLAB_DATABASE_URL", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(TESTS / "hostile_files.py"),
                str(SEED),
                ",".join(map(str, indices)),
                str(folder),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            preexec_fn=_cap_memory,  # noqa: PLW1509  (no threads started yet in the child)
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def stop(self) -> str:
        self.process.kill()
        _, err = self.process.communicate()
        return err[-2000:]


def _run(indices: list[int], folder: Path, results: dict[int, dict[str, object]]) -> None:
    """Every index gets a result: what the command did, or a hang or a crash."""
    todo = list(indices)
    while todo:
        worker = Worker(todo, folder)
        current: int | None = None
        while True:
            try:
                line = worker.lines.get(timeout=HANG_S)
            except queue.Empty:
                results[todo[0]] = {"problem": f"hang: no result after {HANG_S:.0f} s"}
                worker.stop()
                todo = todo[1:]
                break
            if line is None:  # the worker died (or finished)
                err = worker.stop()
                if current is not None:
                    results[current] = {"problem": f"the worker died: {err}"}
                    todo = todo[todo.index(current) + 1 :]
                else:
                    todo = []
                break
            record = json.loads(line)
            if "start" in record:
                current = int(record["start"])
                continue
            results[int(record["index"])] = record
            todo = todo[todo.index(int(record["index"])) + 1 :]
            current = None
        if not todo:
            worker.stop()


def _problem(record: dict[str, object]) -> str | None:
    if "problem" in record:
        return str(record["problem"])
    code, err = record["code"], str(record["stderr"])
    if code == 0:
        if not record.get("json_ok"):
            return "exit code 0 without a JSON document on stdout"
        noise = [w for w in ("traceback", "warning", "error") if w in err.lower()]
        return f"exit code 0 but stderr holds {noise}: {err[:500]!r}" if noise else None
    if code != 2:
        return f"exit code {code}: {err[-1500:]}"
    lines = err.splitlines()
    if len(lines) != 1 or not lines[0].startswith("thrustlab: error: "):
        return f"exit code 2 but not one error line: {err[-1500:]!r}"
    return None


def test_hostile_files_end_in_a_result_or_one_line(tmp_path: Path) -> None:
    results: dict[int, dict[str, object]] = {}
    threads = [
        threading.Thread(
            target=_run, args=(list(range(k, N_FILES, WORKERS)), tmp_path / f"w{k}", results)
        )
        for k in range(WORKERS)
    ]
    for k, thread in enumerate(threads):
        (tmp_path / f"w{k}").mkdir()
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(N_FILES))
    failures = []
    for index, record in sorted(results.items()):
        problem = _problem(record)
        if problem is not None:
            failures.append(
                f"seed {SEED} file {index} ({record.get('about', 'see hostile_files.hostile')}): "
                f"{problem}"
            )
    peak_mb = max(float(str(r.get("rss_mb", 0.0))) for r in results.values())
    outcomes = [r.get("code") for r in results.values()]
    summary = (
        f"{N_FILES} files (seed {SEED}): {outcomes.count(0)} analysed, {outcomes.count(2)} "
        f"refused in one line, {len(failures)} failed; worker peak {peak_mb:.0f} MB; "
        f"reproduce one with hostile_files.hostile({SEED}, INDEX)"
    )
    assert not failures, summary + "\n" + "\n".join(failures[:20])
    assert peak_mb <= PEAK_RSS_MB, summary
    # A fuzz run that refuses everything would prove little about the analysis.
    assert outcomes.count(0) >= N_FILES // 4, summary
