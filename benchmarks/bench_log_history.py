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


def build_log(path: Path | None, n_sets: int, *, url: str | None = None) -> str:
    """A migrated log (SQLite at ``path``, or ``url``) of ``n_sets`` analysed sets of "me"."""
    from sqlalchemy import insert

    from thrustlab.explanation.history import EXERCISES
    from thrustlab.log import open_log
    from thrustlab.log.models import Analysis, Lifter, LiftSet, TrainingSession

    url = url or f"sqlite:///{path}"
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


def measure(url: str, raw: Callable[[], list[object]], n_sets: int, runs: int) -> dict[str, float]:
    """Median times (ms) of the baseline, ``lift_trends`` and ``history_for`` on ``url``."""
    from sqlalchemy.orm import Session

    from thrustlab.log import history_for, lift_trends, make_engine

    engine = make_engine(url)

    def trends() -> object:
        with Session(engine) as session:
            result = lift_trends(session, "me")
        assert sum(len(t.rows) for t in result) * 4 >= n_sets
        return result

    def history() -> object:
        with Session(engine) as session:
            result = history_for(session, "me")
        assert len(result.sets) == n_sets
        return result

    def baseline() -> object:
        rows = raw()
        assert len(rows) == n_sets
        return rows

    figures = {
        "raw": median_ms(baseline, runs=runs),
        "trends": median_ms(trends, runs=runs),
        "history": median_ms(history, runs=runs),
    }
    engine.dispose()
    return figures


def report(title: str, figures: dict[str, float], raw_name: str) -> None:
    raw_ms, trends_ms, history_ms = figures["raw"], figures["trends"], figures["history"]
    print(title)
    print(f"  baseline, raw SQL via {raw_name}:{' ' * (10 - len(raw_name))}{raw_ms:8.1f} ms")
    print(f"  lift_trends (log history table): {trends_ms:8.1f} ms  ({trends_ms / raw_ms:.1f}x)")
    print(f"  history_for (explain's History): {history_ms:8.1f} ms  ({history_ms / raw_ms:.1f}x)")


def sqlite_run(n_sets: int, runs: int) -> tuple[dict[str, float], float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.sqlite3"
        url = build_log(path, n_sets)

        def raw() -> list[object]:
            connection = sqlite3.connect(path)
            rows: list[object] = connection.execute(RAW_SQL, ("me",)).fetchall()
            connection.close()
            return rows

        figures = measure(url, raw, n_sets, runs)
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
    return figures, command_ms


def postgres_run(server_url: str, n_sets: int, runs: int) -> dict[str, float]:
    """The same on PostgreSQL, in a schema made for the run and dropped after it."""
    import psycopg
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"thrustlab_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        build_log_url = url.render_as_string(hide_password=False)
        build_log(None, n_sets, url=build_log_url)
        libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)

        def raw() -> list[object]:
            with psycopg.connect(libpq) as connection:
                return list(connection.execute(RAW_SQL.replace("?", "%s"), ("me",)).fetchall())

        return measure(build_log_url, raw, n_sets, runs)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="Also run on this PostgreSQL server (e.g. $THRUSTLAB_TEST_POSTGRES_URL).",
    )
    options = parser.parse_args()

    figures, command_ms = sqlite_run(options.sets, options.runs)
    report(
        f"log history over {options.sets:,} sets (SQLite, median of {options.runs} runs)",
        figures,
        "sqlite3",
    )
    print(f"  whole command in a new process:  {command_ms:8.1f} ms  (start-up included)")
    worst = max(figures["trends"], figures["history"])
    if options.postgres:
        pg = postgres_run(options.postgres, options.sets, options.runs)
        report(f"the same on PostgreSQL (median of {options.runs} runs)", pg, "psycopg")
        worst = max(worst, pg["trends"], pg["history"])
    print(f"  budget: {BUDGET_MS:.0f} ms for the history itself")
    over = worst > BUDGET_MS
    print("  OVER BUDGET" if over else "  within budget")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
