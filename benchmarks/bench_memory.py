"""Benchmark: peak memory of reading and analysing a 1-hour, 400 Hz recording.

Target (issue 2): 1 GB or less. A 1-hour CSV (1.44 million rows, accelerometer and gyroscope)
is written first; then a fresh process reads and analyses it and reports its peak resident
memory, beside a baseline process that only parses the CSV with pyarrow.

Run: ``python benchmarks/bench_memory.py``. Exit code 1 if over the target.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

TARGET_MB = 1000.0
RATE_HZ = 400.0
HOURS = 1.0

MEASURE = """
import resource, sys
path = sys.argv[1]
if sys.argv[2] == "parse":
    import pyarrow.csv
    pyarrow.csv.read_csv(path)
else:
    from thrustlab.measurement import analyse
    from thrustlab.readers import read
    findings = analyse(read(path))
    print(findings.set.rep_count, file=sys.stderr)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def write_hour(path: Path) -> None:
    """An hour of sets: the same 60 s simulated set, one after another."""
    from dataclasses import replace

    from thrustlab.recording import Recording
    from thrustlab.simulate import SimulationSpec, simulate_set

    recording, _ = simulate_set(replace(SimulationSpec(seed=3), rate_hz=RATE_HZ))
    assert isinstance(recording, Recording) and recording.gyro_rads is not None
    period = recording.t_s[-1] + 1.0 / RATE_HZ
    repeats = int(np.ceil(HOURS * 3600 / period))
    with path.open("w") as out:
        out.write(
            "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyro_x_rad_s,gyro_y_rad_s,gyro_z_rad_s\n"
        )
        block = np.hstack([recording.acc_mps2, recording.gyro_rads])
        for k in range(repeats):
            rows = np.column_stack([recording.t_s + k * period, block])
            np.savetxt(out, rows, fmt="%.5f", delimiter=",")


def peak_mb(path: Path, what: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), what], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "hour.csv"
        write_hour(path)
        size_mb = path.stat().st_size / 1e6
        parse, full = peak_mb(path, "parse"), peak_mb(path, "analyse")
    print(f"1 h at {RATE_HZ:.0f} Hz: {size_mb:.0f} MB of CSV")
    print(f"peak memory, pyarrow parse only: {parse:7.0f} MB")
    print(
        f"peak memory, read + analyse:     {full:7.0f} MB "
        f"({full / parse:.1f}x; target <= {TARGET_MB:.0f} MB)"
    )
    return 0 if full <= TARGET_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
