"""Benchmark: the command's wall time in a new process, as a user's machine runs it.

Targets (issues 2 and 15):

- ``thrustlab analyze FILE --json`` on one 60 s, 100 Hz file within 1.5x a process that only
  imports numpy and pyarrow and parses the same file with pyarrow (the floor of any Python
  tool that reads it), and in 1.5 s or less;
- ``thrustlab --help`` in 0.3 s or less (about 0.1 s on an idle machine).

As a user's machine runs it: bytecode is cached (``PYTHONDONTWRITEBYTECODE`` is removed from
the commands' environment and each command runs once before timing). The commands take turns
in each of ``--repeats`` rounds; each gate is judged on the median (``repeats.py``), printed
with its range, beside ``python -c pass`` for the interpreter's own start.

Run: ``python benchmarks/bench_cli.py [--repeats 7]``. Exit code 1 if over a target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench_analyse import make_files
from repeats import MIN_REPEATS, interleaved, ratio, summary

TARGET_RATIO = 1.5
TARGETS_S = {"analyze": 1.5, "--help": 0.3}
PARSE_ONLY = "import sys, numpy, pyarrow.csv; pyarrow.csv.read_csv(sys.argv[1])"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help=f"rounds (>= {MIN_REPEATS})")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    exe = str(Path(sys.executable).parent / "thrustlab")
    with tempfile.TemporaryDirectory() as tmp:
        (path,) = make_files(Path(tmp), 1)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "numpy + pyarrow parse": [sys.executable, "-c", PARSE_ONLY, str(path)],
            "thrustlab analyze --json": [exe, "analyze", str(path), "--json"],
            "thrustlab --help": [exe, "--help"],
        }

        def job(command: list[str]) -> Callable[[], object]:
            return lambda: subprocess.run(command, check=True, capture_output=True, env=env)

        jobs = {label: job(command) for label, command in commands.items()}
        for run in jobs.values():  # warm: bytecode written, files in the page cache
            run()
        times = interleaved(jobs, repeats=args.repeats)
    for label, seconds in times.items():
        print(summary(label, seconds))
    analyze, help_ = times["thrustlab analyze --json"], times["thrustlab --help"]
    startup = ratio(
        "analyze --json / numpy + pyarrow parse", analyze, times["numpy + pyarrow parse"]
    )
    ok = startup.judge(at_most=TARGET_RATIO)
    for name, seconds in (("analyze", analyze), ("--help", help_)):
        median = statistics.median(seconds)
        target = TARGETS_S[name]
        ok &= median <= target
        print(f"thrustlab {name}: {median:.3f} s median (target <= {target} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
