"""Opening the web app's database: the log (migrated by the log) plus the web tables
(migrated here, with their own Alembic history). Nothing runs on import."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import OperationalError

from thrustlab.log import DatabaseError, open_log

WEB_HEAD_REVISION = "w0004"
VERSION_TABLE = "thrustlab_web_version"
SQLITE_READ_TIMEOUT_S = 30.0


def web_alembic_config(engine: Engine | None, /) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "thrustlab.web:migrations")
    config.attributes["engine"] = engine
    return config


def upgrade_web(engine: Engine, /, *, revision: str = "head") -> None:
    """Bring the web tables up to ``revision`` (the newest by default)."""
    from alembic import command

    try:
        command.upgrade(web_alembic_config(engine), revision)
    except OperationalError as error:
        raise DatabaseError(f"cannot migrate the web tables: {error.orig}") from None


def downgrade_web(engine: Engine, /, *, revision: str = "base") -> None:
    """Take the web tables down to ``revision`` (``base``: none left)."""
    from alembic import command

    command.downgrade(web_alembic_config(engine), revision)


def _web_revision(engine: Engine, /) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found: str | None = connection.execute(
            text(f"SELECT version_num FROM {VERSION_TABLE}")
        ).scalar()
        return found


def make_read_engine(engine: Engine, /) -> Engine:
    """An engine for read-only requests. On SQLite the log's engine starts every transaction
    with ``BEGIN IMMEDIATE`` (the write lock); under WAL, readers need no lock at all, so
    page views get an engine of their own (``query_only``) and never queue behind writers.
    Other databases use ``engine`` itself."""
    if engine.dialect.name != "sqlite":
        return engine
    from sqlalchemy import create_engine, event

    reader = create_engine(engine.url, connect_args={"timeout": SQLITE_READ_TIMEOUT_S})
    event.listen(reader, "connect", _read_only)
    return reader


def _read_only(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_web_db(url: str | None = None, /) -> Engine:
    """The engine of the log at ``url`` with the log's and the web's tables up to date."""
    engine = open_log(url)
    try:
        if _web_revision(engine) != WEB_HEAD_REVISION:
            upgrade_web(engine)
    except (OperationalError, DatabaseError):
        engine.dispose()
        raise
    return engine
