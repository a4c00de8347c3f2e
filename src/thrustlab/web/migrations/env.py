"""Alembic's environment for the web tables: their own history (``thrustlab_web_version``)
beside the log's, run on the engine that ``thrustlab.web.db`` passes in."""

from __future__ import annotations

from alembic import context

from thrustlab.web.models import WebBase

VERSION_TABLE = "thrustlab_web_version"


def _include(name: str | None, type_: str, *_: object) -> bool:
    # Only the web's own tables: the log's tables have their own migrations.
    return type_ != "table" or (name or "").startswith("web_")


def _run() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run the web migrations through thrustlab.web.db.upgrade_web(engine)")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=WebBase.metadata,
            version_table=VERSION_TABLE,
            include_name=_include,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


_run()
