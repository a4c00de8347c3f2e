"""Where the log lives, without importing SQLAlchemy: ``analyze`` and ``check`` look for a
log on every run and import the database code only when there is one to read."""

from __future__ import annotations

import os

DATABASE_URL_ENV = "THRUSTLAB_DATABASE_URL"


def default_url() -> str:
    """The SQLite file in the platform's user data folder (the folder is made on first use)."""
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('thrustlab', appauthor=False) / 'log.sqlite3'}"


def resolve_url(url: str | None = None) -> str:
    """The database to use: ``url`` if given, else ``$THRUSTLAB_DATABASE_URL``, else SQLite."""
    return url or os.environ.get(DATABASE_URL_ENV) or default_url()
