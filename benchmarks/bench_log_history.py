"""Benchmark: `log history` over 10,000 logged sets (budget: 200 ms).

Builds a SQLite log of 10,000 analysed sets (one lifter, five lifts, four sets a session),
then times, each the median of several runs in this same process:

- ``lift_trends``: the trend table ``thrustlab log history`` prints (query + grouping);
- ``history_for``: the ``History`` handed to ``explain``;
- the baseline: the same query in raw SQL through the standard library's ``sqlite3``,
  rows fetched and nothing else done.

It prints the figures and the ratio to the baseline, and also times the whole command
(``thrustlab log history`` in a new process, interpreter start-up included) for context.
Run: ``python benchmarks/bench_log_history.py [--sets N]``. Exit code 1 if over budget.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

BUDGET_MS = 200.0
EXERCISES = (
    "barbell_hip_thrust",
    "single_leg_hip_thrust",
    "banded_hip_thrust",
    "machine_hip_thrust",
    "glute_bridge",
)
RAW_SQL = """
SELECT s.date, l.exercise, l.load_kg, l.reps, l.rpe, l.rir, l.hard_lower_body,
       a.tremor_rms_mps2, a.asymmetry_index_pct, a.concentric_slowdown_pct, a.verdict
FROM sets AS l
JOIN training_sessions AS s ON l.session_id = s.id
JOIN lifters AS f ON s.lifter_id = f.id
LEFT OUTER JOIN analyses AS a ON a.set_id = l.id
WHERE f.name = ? AND l.kind != 'warmup'
ORDER BY l.exercise, s.date, l.position
"""


def build_log(path: Path, n_sets: int) -> str:
    """A migrated SQLite log at ``path`` holding ``n_sets`` analysed sets of lifter "me"."""
    from sqlalchemy import insert

    from thrustlab.log import open_log
    from thrustlab.log.models import Analysis, Lifter, LiftSet, TrainingSession

    url = f"sqlite:///{path}"
    engine = open_log(url)
    now = dt.datetime(2024, 1, 1)
    per_session = 4
    n_sessions = -(-n_sets // per_session)
    first_day = dt.date(2024, 1, 1) - dt.timedelta(days=2 * n_sessions)
    sessions, sets, analyses = [], [], []
    for i in range(n_sessions):
        sessions.append(
            {
                "id": i + 1,
                "lifter_id": 1,
                "date": first_day + dt.timedelta(days=2 * i),
                "notes": "",
                "created_at": now,
            }
        )
    for j in range(n_sets):
        session_id = j // per_session + 1
        exercise = EXERCISES[session_id % len(EXERCISES)]
        sets.append(
            {
                "id": j + 1,
                "uid": str(uuid.UUID(int=j + 1)),
                "session_id": session_id,
                "position": j % per_session + 1,
                "exercise": exercise,
                "kind": "working",
                "load_kg": 60.0 + (j % 40) * 2.5,
                "reps": 6 + j % 6,
                "rpe": 7.0 + (j % 3) * 0.5,
                "rir": None,
                "hard_lower_body": True,
                "notes": "",
                "answers": {},
                "created_at": now,
            }
        )
        analyses.append(
            {
                "set_id": j + 1,
                "schema_id": "thrustlab.analysis/1",
                "findings_json": {"schema": "thrustlab.analysis/1"},
                "rep_count": 8,
                "tremor_rms_mps2": 0.2 + (j % 17) / 50,
                "tremor_trend_ratio": 1.1,
                "asymmetry_index_pct": (j % 25) - 12.0,
                "concentric_slowdown_pct": float(j % 30),
                "verdict": ("normal", "caution", "stop")[j % 3],
                "created_at": now,
            }
        )
    with engine.begin() as connection:
        connection.execute(insert(Lifter), [{"id": 1, "name": "me", "created_at": now}])
        connection.execute(insert(TrainingSession), sessions)
        connection.execute(insert(LiftSet), sets)
        connection.execute(insert(Analysis), analyses)
    engine.dispose()
    return url


def median_ms(step: Callable[[], object], *, runs: int) -> float:
    step()  # warm-up: caches, compiled statements
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    options = parser.parse_args()

    from sqlalchemy.orm import Session

    from thrustlab.log import history_for, lift_trends, make_engine

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.sqlite3"
        url = build_log(path, options.sets)
        engine = make_engine(url)

        def trends() -> object:
            with Session(engine) as session:
                result = lift_trends(session, "me")
            assert sum(len(t.rows) for t in result) * 4 >= options.sets
            return result

        def history() -> object:
            with Session(engine) as session:
                result = history_for(session, "me")
            assert len(result.sets) == options.sets
            return result

        def raw() -> object:
            connection = sqlite3.connect(path)
            rows = connection.execute(RAW_SQL, ("me",)).fetchall()
            connection.close()
            assert len(rows) == options.sets
            return rows

        raw_ms = median_ms(raw, runs=options.runs)
        trends_ms = median_ms(trends, runs=options.runs)
        history_ms = median_ms(history, runs=options.runs)
        engine.dispose()

        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from thrustlab.cli import main; main()",
                "log",
                "history",
                "--db",
                url,
                "--last",
                "12",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        command_ms = (time.perf_counter() - start) * 1000.0

    print(f"log history over {options.sets:,} sets (SQLite, median of {options.runs} runs)")
    print(f"  baseline, raw SQL via sqlite3:   {raw_ms:8.1f} ms")
    print(f"  lift_trends (log history table): {trends_ms:8.1f} ms  ({trends_ms / raw_ms:.1f}x)")
    print(f"  history_for (explain's History): {history_ms:8.1f} ms  ({history_ms / raw_ms:.1f}x)")
    print(f"  whole command in a new process:  {command_ms:8.1f} ms  (start-up included)")
    print(f"  budget: {BUDGET_MS:.0f} ms for the history itself")
    over = max(trends_ms, history_ms) > BUDGET_MS
    print("  OVER BUDGET" if over else "  within budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
