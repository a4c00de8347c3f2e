"""Benchmark: the command's wall time in a new process, beside the interpreter's own start.

Targets (issue 2): ``thrustlab analyze FILE`` (one 60 s, 100 Hz file end to end) in 1.5 s or
less, ``thrustlab --help`` in 0.3 s or less. The baseline is ``python -c pass``, measured in
the same run, so the ratio shows what thrustlab itself adds. Medians of 7 runs.

Run: ``python benchmarks/bench_cli.py``. Exit code 1 if over a target.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

RUNS = 7
TARGETS_S = {"analyze": 1.5, "--help": 0.3}


def wall(command: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    from thrustlab.recording import Recording
    from thrustlab.simulate import SimulationSpec, simulate_set, to_csv_text

    recording, _ = simulate_set(replace(SimulationSpec(seed=1), rate_hz=100.0, n_reps=12))
    assert isinstance(recording, Recording)
    exe = str(Path(sys.executable).parent / "thrustlab")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "set.csv"
        path.write_text(to_csv_text(recording))
        base = wall([sys.executable, "-c", "pass"])
        results = {"--help": wall([exe, "--help"]), "analyze": wall([exe, "analyze", str(path)])}
    print(f"python -c pass       {base:6.3f} s")
    ok = True
    for name, seconds in results.items():
        target = TARGETS_S[name]
        ok &= seconds <= target
        print(
            f"thrustlab {name:<10} {seconds:6.3f} s "
            f"({seconds / base:4.1f}x the interpreter; target <= {target} s)"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
