"""A crash loses nothing committed; two writers at once do not corrupt the log.

Writers are real processes (``sys.executable``) on the same database file or server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import create_engine, func, select, text

from thrustlab.log import open_log, session_scope
from thrustlab.log.models import LiftSet, TrainingSession

# Writes `count` transactions of `per` sets each (with a 64 KiB stored recording, so every
# transaction takes a while), printing each set's uid only after its transaction committed.
WRITER = """
import datetime, sys
from thrustlab.log import NewSet, RecordingRef, add_set, open_log, session_scope
url, count, per, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
engine = open_log(url)
blob = bytes(range(256)) * 256
print("ready", flush=True)
sys.stdin.readline()  # wait for "go", so that writers really overlap
for i in range(count):
    with session_scope(engine) as session:
        uids = [
            add_set(
                session,
                NewSet("barbell_hip_thrust", datetime.date(2024, 1, 1 + i % 28), load_kg=100.0,
                       reps=i % 12, notes=f"{name} {i}"),
                recordings=[RecordingRef(f"{name}-{i}.csv", "0" * 64, len(blob), blob=blob)],
            ).uid
            for _ in range(per)
        ]
    print(*uids, sep="\\n", flush=True)
"""


def _writer(url: str, count: int, per: int, name: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(count), str(per), name],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _go(*writers: subprocess.Popen[str]) -> None:
    """Wait until every writer is ready, then let them all start at once."""
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.close()


def _finish(writer: subprocess.Popen[str]) -> tuple[str, str]:
    """The writer's output and errors once it has ended."""
    assert writer.stdout is not None and writer.stderr is not None
    out, err = writer.stdout.read(), writer.stderr.read()
    writer.stdout.close()
    writer.stderr.close()
    writer.wait(timeout=120)
    return out, err


def _stored_uids(url: str) -> set[str]:
    engine = open_log(url)
    with session_scope(engine) as session:
        uids = set(session.scalars(select(LiftSet.uid)))
    engine.dispose()
    return uids


def _integrity_ok(url: str) -> None:
    if not url.startswith("sqlite"):
        return
    raw = create_engine(url)  # a plain engine: no migrations, no pragmas of ours
    with raw.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    raw.dispose()


def test_a_writer_killed_mid_write_loses_nothing_it_committed(db_url: str) -> None:
    open_log(db_url).dispose()  # migrate first, so the writer only writes sets
    writer = _writer(db_url, count=10_000, per=20, name="killed")
    _go(writer)
    committed: list[str] = []
    assert writer.stdout is not None
    deadline = time.monotonic() + 60
    while len(committed) < 60 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        assert line, f"the writer stopped early: {writer.stderr.read() if writer.stderr else ''}"
        committed.append(line.strip())
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    committed += [line.strip() for line in writer.stdout.read().splitlines()]  # printed before
    writer.stdout.close()
    assert writer.stderr is not None
    writer.stderr.close()

    _integrity_ok(db_url)
    stored = _stored_uids(db_url)
    assert len(committed) >= 60
    assert set(committed) <= stored
    assert len(stored) % 20 == 0  # whole transactions only: no half-written one survived


def test_two_writers_at_once_do_not_corrupt_the_log(db_url: str) -> None:
    open_log(db_url).dispose()
    writers = [_writer(db_url, count=10, per=2, name=name) for name in ("left", "right")]
    _go(*writers)
    outputs = [_finish(w) for w in writers]
    for writer, (_, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err
    printed = {uid for out, _ in outputs for uid in out.split()}
    assert len(printed) == 40

    _integrity_ok(db_url)
    assert _stored_uids(db_url) == printed
    engine = open_log(db_url)
    with session_scope(engine) as session:
        # both writers logged the same 10 days: one session per day, shared, never doubled
        assert session.scalar(select(func.count()).select_from(TrainingSession)) == 10
        per_session = session.execute(
            select(func.count()).select_from(LiftSet).group_by(LiftSet.session_id)
        ).scalars()
        assert set(per_session) == {4}
    engine.dispose()
