"""Opening the log: where it lives, the engine, and bringing its schema up to date.

Nothing here runs on import. ``make_engine(url)`` makes an engine; ``open_log(url)`` also
migrates the database to the newest schema. SQLite (the default, in the user's data folder)
runs with WAL, foreign keys on, ``synchronous=FULL`` and ``BEGIN IMMEDIATE`` transactions,
so a killed writer loses nothing it committed and two writers queue instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from thrustlab.log.errors import DatabaseError
from thrustlab.log.location import DATABASE_URL_ENV, default_url, resolve_url

HEAD_REVISION = "0003"
"""The newest migration in ``migrations/versions`` (a test checks it), so that opening an
up-to-date log needs no Alembic import."""
SQLITE_BUSY_TIMEOUT_S = 30.0  # how long a writer waits for another writer's commit


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
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock at the start, so a reader never has to upgrade to a
    # writer mid-transaction (which fails at once under WAL instead of waiting).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine, /, *, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (the newest by default)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as error:
        raise DatabaseError(f"cannot migrate the log database: {error.orig}") from None


def downgrade(engine: Engine, /, *, revision: str = "base") -> None:
    """Take the database schema down to ``revision`` (``base``: no tables at all)."""
    from alembic import command

    try:
        command.downgrade(alembic_config(engine), revision)
    except OperationalError as error:
        raise DatabaseError(f"cannot migrate the log database: {error.orig}") from None


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
    """One transaction: committed when the block ends, rolled back if it raises."""
    factory = sessionmaker(engine, expire_on_commit=False)
    with factory.begin() as session:
        yield session
