"""Alembic's environment for the log: runs on the engine that ``thrustlab.log.db`` passes in."""

from __future__ import annotations

from alembic import context

from thrustlab.log.models import Base


def _run() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run the log's migrations through thrustlab.log.db.upgrade(engine)")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            # all migrations in one transaction, the one migrator's lock (db._one_migrator):
            # SQLite's DDL is transactional, though Alembic assumes not and commits each
            transactional_ddl=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


_run()
