"""The log under concurrent writers, on SQLite and PostgreSQL, with real processes.

Positions within a day are unique whatever the writers do at once; processes opening a log
nobody has used yet all store their set (or say in one line why not); an analysis never holds
SQLite's write lock.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from typer.testing import CliRunner

from thrustlab.log import DatabaseError, NewSet, add_set, open_log, session_scope, upgrade, write
from thrustlab.log.db import WRITE_ATTEMPTS, make_engine
from thrustlab.log.models import LiftSet

DAY = "2026-11-29"
SETS_PER_WRITER = 12

# Logs `count` sets to the same lifter and day, one transaction each, once told "go".
WRITER = f"""
import datetime, sys
from thrustlab.log import NewSet, add_set, open_log, session_scope
url, count = sys.argv[1], int(sys.argv[2])
engine = open_log(url)
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    with session_scope(engine) as session:
        add_set(session, NewSet("barbell_hip_thrust", datetime.date.fromisoformat("{DAY}"),
                                load_kg=100.0 + i))
"""

# `thrustlab log add` on a log that may not exist yet: imported, then started on "go".
CLI_WRITER = f"""
import sys
from thrustlab.cli import main
url = sys.argv[1]
print("ready", flush=True)
sys.stdin.readline()
sys.argv = ["thrustlab", "log", "add", "--db", url, "--date", "{DAY}", "--load-kg", "100"]
main()
"""


def _start_together(script: str, *args: str, writers: int) -> list[tuple[int, str, str]]:
    """Run ``writers`` processes of ``script``; release them at once; (code, out, err) each."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(writers)
    ]
    for process in processes:
        assert process.stdout is not None
        ready = process.stdout.readline().strip()
        assert ready == "ready", process.communicate(timeout=60)[1]
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append((process.returncode, out, err))
    return results


def _positions(url: str) -> list[int]:
    engine = open_log(url)
    with session_scope(engine) as session:
        positions = list(session.scalars(select(LiftSet.position).order_by(LiftSet.position)))
    engine.dispose()
    return positions


@pytest.mark.parametrize("writers", [2, 4])
def test_concurrent_writers_to_one_day_never_share_a_position(db_url: str, writers: int) -> None:
    # Before positions were unique, 2 and 4 PostgreSQL writers of 50 sets each left 38 and
    # 95 sets at a position another set of the day already held.
    open_log(db_url).dispose()
    results = _start_together(WRITER, db_url, str(SETS_PER_WRITER), writers=writers)
    for code, _, err in results:
        assert code == 0, err
    assert _positions(db_url) == list(range(1, writers * SETS_PER_WRITER + 1))


def test_the_database_itself_refuses_a_second_set_at_a_position(engine: Engine) -> None:
    new = NewSet("barbell_hip_thrust", dt.date.fromisoformat(DAY))
    with session_scope(engine) as session:
        add_set(session, new, position=1)
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        add_set(session, new, position=1)


def test_the_migration_renumbers_a_day_whose_sets_shared_positions(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, revision="0001")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO lifters VALUES (1, 'me', '2026-01-01')"))
        for session_id, day in ((1, "2026-11-28"), (2, "2026-11-29")):
            connection.execute(
                text("INSERT INTO training_sessions VALUES (:id, 1, :day, '', '2026-01-01')"),
                {"id": session_id, "day": day},
            )
        # session 1 is well numbered; session 2 has two sets at 2 (ids 4 and 5, in that order)
        for set_id, session_id, position in (
            (1, 1, 1),
            (2, 1, 2),
            (3, 2, 1),
            (5, 2, 2),
            (4, 2, 2),
            (6, 2, 3),
        ):
            connection.execute(
                text(
                    "INSERT INTO sets (id, uid, session_id, position, exercise, kind, "
                    "hard_lower_body, notes, answers, created_at) VALUES (:id, :uid, :s, :p, "
                    "'glute_bridge', 'working', true, '', '{}', '2026-01-01')"
                ),
                {"id": set_id, "uid": f"uid-{set_id}", "s": session_id, "p": position},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, position FROM sets ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 2), (3, 1), (4, 2), (5, 3), (6, 4)]


def test_first_use_by_concurrent_log_adds_stores_every_set(db_url: str) -> None:
    writers = 4
    # Before: 4 `log add` on a new PostgreSQL schema created its tables at once; in 6 rounds
    # 11 of 24 printed a 125-line traceback and stored nothing.
    results = _start_together(CLI_WRITER, db_url, writers=writers)
    for code, out, err in results:
        assert (code, err) == (0, ""), err
        assert out.startswith("Logged set ")
    assert _positions(db_url) == list(range(1, writers + 1))


def test_a_lost_race_is_tried_again(engine: Engine) -> None:
    calls: list[int] = []

    def work(session: object) -> int:
        calls.append(1)
        if len(calls) == 1:  # what a writer sees when another took the key just before
            raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))
        return 7

    assert write(engine, work) == 7
    assert len(calls) == 2


def test_a_write_the_database_refuses_is_one_line_and_not_retried(engine: Engine) -> None:
    calls: list[int] = []

    def work(session: object) -> None:
        calls.append(1)
        raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("CHECK constraint failed: rpe"))

    with pytest.raises(DatabaseError, match="refused the write") as raised:
        write(engine, work)
    assert "\n" not in str(raised.value) and len(calls) == 1
    assert WRITE_ATTEMPTS > 1


def test_sqlite_is_free_for_other_writers_while_log_add_analyses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlab.cli import app
    from thrustlab.log import recordings
    from thrustlab.simulate import scenario, simulate_set, to_csv_text

    recording, _ = simulate_set(scenario("calm", seed=5))
    path = tmp_path / "set.csv"
    path.write_text(to_csv_text(recording), encoding="utf-8")
    database = tmp_path / "log.sqlite3"
    open_log(f"sqlite:///{database}").dispose()
    other_writer: list[str] = []
    analyse = recordings.process

    def analyse_while_another_writes(*args: object, **kwargs: object) -> object:
        # Before: log add analysed inside its transaction, so this waited for the lock.
        other = sqlite3.connect(database, timeout=1.0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("COMMIT")
            other_writer.append("wrote")
        except sqlite3.OperationalError as error:
            other_writer.append(str(error))
        finally:
            other.close()
        return analyse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recordings, "process", analyse_while_another_writes)
    result = CliRunner().invoke(
        app, ["log", "add", "--db", f"sqlite:///{database}", "--recording", str(path)]
    )
    assert result.exit_code == 0, result.output
    assert other_writer == ["wrote"]


def test_a_writer_waiting_too_long_for_sqlite_gets_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thrustlab.log import db

    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    open_log(url).dispose()
    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_S", 0.2)
    engine = db.make_engine(url)
    holder = sqlite3.connect(tmp_path / "log.sqlite3", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseError, match="busy") as raised:
            write(engine, lambda session: session.scalar(select(func.count(LiftSet.id))))
        with pytest.raises(DatabaseError, match="busy"), session_scope(engine) as session:
            session.scalar(select(func.count(LiftSet.id)))  # a reader (log add's history)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine.dispose()
    assert "\n" not in str(raised.value)


def test_a_new_log_is_migrated_in_one_transaction(tmp_path: Path) -> None:
    """Alembic takes SQLite's DDL for non-transactional and committed each migration: a
    second `log add` on a new log read the revision between two commits and ran the next
    migration again ("duplicate column name: weight_unit")."""
    engine = make_engine(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    begun: list[str] = []
    event.listen(engine, "begin", lambda connection: begun.append("begin"))
    try:
        upgrade(engine)
        migrated = list(begun)
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
    finally:
        engine.dispose()
    assert migrated == ["begin"]  # three migrations, one BEGIN IMMEDIATE: the migrator's lock
    assert {"lifters", "sets", "alembic_version"} <= tables


def test_opening_a_log_another_writer_holds_in_the_old_journal_mode_waits(
    tmp_path: Path,
) -> None:
    """Before the first writer switched a new log to write-ahead logging, SQLite refused the
    switch to a second one at once ("database is locked", not after its busy timeout): one
    of four `log add` on a new log said so and stored nothing, now and then."""
    path = tmp_path / "log.sqlite3"
    # the old journal mode; committed from another thread
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE other (i INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO other VALUES (1)")
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    finally:
        release.join()
        holder.close()
        engine.dispose()
    assert mode == "wal"
