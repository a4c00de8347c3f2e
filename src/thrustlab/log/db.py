"""Opening the log: where it lives, the engine, and bringing its schema up to date.

Nothing here runs on import. ``make_engine(url)`` makes an engine; ``open_log(url)`` also
migrates the database to the newest schema. SQLite (the default, in the user's data folder)
runs with WAL, foreign keys on, ``synchronous=FULL`` and ``BEGIN IMMEDIATE`` transactions,
so a killed writer loses nothing it committed and two writers queue instead of failing.
``write(engine, work)`` runs one short write transaction and tries it again when it lost a
race with another writer; migrations run one process at a time (on PostgreSQL, under an
advisory lock), so processes opening a new log together all find it ready.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from thrustlab.log.errors import DatabaseError
from thrustlab.log.location import DATABASE_URL_ENV, default_url, resolve_url

HEAD_REVISION = "0003"
"""The newest migration in ``migrations/versions`` (a test checks it), so that opening an
up-to-date log needs no Alembic import."""
SQLITE_BUSY_TIMEOUT_S = 30.0  # how long a writer waits for another writer's commit
WRITE_ATTEMPTS = 5
"""How often ``write`` tries a transaction that lost a race with another writer (a key taken
at the same moment, a deadlock): each retry sees what the winner committed, so a second try
nearly always succeeds; five covers several writers colliding in a row."""
RETRY_PAUSE_S = (0.01, 0.1)
"""The range of the random pause before a retry, so that colliding writers spread out."""
_LOST_RACE_SQLSTATES = frozenset({"23505", "40001", "40P01"})
"""PostgreSQL's unique violation, serialization failure and deadlock: a concurrent writer won."""
_MIGRATION_LOCK_KEY = 0x7468_726C  # "thrl": the advisory lock migrations hold (PostgreSQL)

T = TypeVar("T")


def make_engine(url: str, /, *, echo: bool = False, make_folder: bool = False) -> Engine:
    """An engine for ``url``; SQLite engines get the pragmas that keep the log safe. A
    SQLite file's folder is made only with ``make_folder`` (the default log's folder): a
    folder someone named must exist, so a typo is an error rather than a new folder."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"not a database URL: {url!r} ({error})") from None
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, echo=echo, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        if make_folder:
            folder.mkdir(parents=True, exist_ok=True)
        elif not folder.is_dir():
            raise DatabaseError(
                f"the folder {folder} does not exist: create it, or give another database URL"
            )
    engine = create_engine(parsed, echo=echo, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    _write_ahead(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _write_ahead(cursor: Any, /) -> None:
    """``PRAGMA journal_mode=WAL``. While a log is new, another writer may hold it in the old
    journal mode, and SQLite then refuses the switch at once ("database is locked") rather
    than wait its busy timeout: four ``log add`` on a new log lost one set now and then.
    Tried again after a short pause, for up to ``SQLITE_BUSY_TIMEOUT_S``."""
    import sqlite3

    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "database is locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(*RETRY_PAUSE_S))


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock at the start, so a reader never has to upgrade to a
    # writer mid-transaction (which fails at once under WAL instead of waiting).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine, /, *, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (the newest by default)."""
    from alembic import command

    try:
        with _one_migrator(engine):
            command.upgrade(alembic_config(engine), revision)
    except OperationalError as error:
        raise DatabaseError(f"cannot migrate the log database: {error.orig}") from None


def downgrade(engine: Engine, /, *, revision: str = "base") -> None:
    """Take the database schema down to ``revision`` (``base``: no tables at all)."""
    from alembic import command

    try:
        with _one_migrator(engine):
            command.downgrade(alembic_config(engine), revision)
    except OperationalError as error:
        raise DatabaseError(f"cannot migrate the log database: {error.orig}") from None


@contextmanager
def _one_migrator(engine: Engine, /) -> Iterator[None]:
    """One process at a time migrates a database, and the next one finds it migrated.

    PostgreSQL: an advisory lock per schema, held on its own connection (released at the
    end, or by the server when the process dies); Alembic reads the schema's revision only
    once it holds it. SQLite needs nothing: Alembic's connection reads the revision and
    migrates in one ``BEGIN IMMEDIATE`` transaction, which is the lock (``env.py`` tells
    Alembic that SQLite's DDL is transactional: otherwise it commits each migration, and a
    second migrator read the revision between two of them and ran the next one again)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = {"key": _MIGRATION_LOCK_KEY}
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key, hashtext(current_schema()))"), key)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(
                text("SELECT pg_advisory_unlock(:key, hashtext(current_schema()))"), key
            )
            connection.commit()


def current_revision(engine: Engine, /) -> str | None:
    """The schema revision the database is at (``None`` for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _stored_revision(engine: Engine, /) -> str | None:
    """The revision in ``alembic_version`` read with plain SQL (``None``: no such table)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found: str | None = connection.execute(
            text("SELECT version_num FROM alembic_version")
        ).scalar()
        return found


def head_revision() -> str:
    """The newest schema revision shipped with this version of thrustlab."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(None)).get_current_head()
    assert head is not None
    return head


def alembic_config(engine: Engine | None, /) -> Any:
    """Alembic's configuration for the migrations shipped inside the package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "thrustlab.log:migrations")
    config.attributes["engine"] = engine
    return config


def open_log(url: str | None = None, /) -> Engine:
    """The engine of the log at ``url`` (see ``resolve_url``), migrated to the newest schema."""
    resolved = resolve_url(url)
    engine = make_engine(resolved, make_folder=resolved == default_url())
    try:
        if _stored_revision(engine) != HEAD_REVISION:
            upgrade(engine)
    except OperationalError as error:
        engine.dispose()
        reason = str(error.orig).strip().splitlines()[0]
        raise DatabaseError(
            f"cannot open the log database ({reason}): check the database URL (--db or "
            f"${DATABASE_URL_ENV})"
        ) from None
    return engine


@contextmanager
def session_scope(engine: Engine, /) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises. Waiting
    longer than ``SQLITE_BUSY_TIMEOUT_S`` for another SQLite writer is a ``DatabaseError``."""
    try:  # a Session of its own (a sessionmaker each time made a Session class each time)
        with Session(engine, expire_on_commit=False) as session, session.begin():
            yield session
    except OperationalError as error:
        if "database is locked" not in str(error.orig):
            raise
        raise DatabaseError(
            f"the log database is busy: another writer held it for over "
            f"{SQLITE_BUSY_TIMEOUT_S:.0f} s; nothing was written, try again"
        ) from None


def write(engine: Engine, work: Callable[[Session], T], /) -> T:
    """``work(session)`` in one transaction, committed; tried again (in a new transaction)
    when it lost a race with another writer, up to ``WRITE_ATTEMPTS`` times. Keep ``work``
    short (analyse before, not inside): on SQLite it holds the only write lock.

    Raises ``DatabaseError`` (one line) when the database still refuses it."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with session_scope(engine) as session:
                return work(session)
        except (IntegrityError, OperationalError) as error:
            if attempt < WRITE_ATTEMPTS and _lost_race(error):
                time.sleep(random.uniform(*RETRY_PAUSE_S))
                continue
            raise DatabaseError(_write_failure(error, attempt)) from None
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def _lost_race(error: DBAPIError) -> bool:
    if getattr(error.orig, "sqlstate", None) in _LOST_RACE_SQLSTATES:
        return True
    # SQLite: writers queue on its lock, so only a key taken since the read can collide
    return isinstance(error, IntegrityError) and "UNIQUE constraint failed" in str(error.orig)


def _write_failure(error: DBAPIError, attempts: int) -> str:
    reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
    tries = f" (tried {attempts} times)" if attempts > 1 else ""
    return f"the log database refused the write{tries}: {reason}; nothing was written"
