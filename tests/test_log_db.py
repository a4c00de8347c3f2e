"""Opening the log, its SQLite settings, and the migrations up and down on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from thrustlab.log import DatabaseError, default_url, downgrade, open_log, resolve_url, upgrade
from thrustlab.log.db import current_revision, head_revision, make_engine

TABLES = {"lifters", "training_sessions", "sets", "analyses", "recordings"}


def test_open_log_migrates_an_empty_database_to_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_migrations_go_down_to_nothing_and_back_up(engine: Engine) -> None:
    downgrade(engine)
    assert current_revision(engine) is None
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_models_and_migrations_agree(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from thrustlab.log.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_sqlite_runs_with_wal_foreign_keys_and_full_sync(tmp_path: Path) -> None:
    engine = open_log(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2
    engine.dispose()


def test_the_url_comes_from_the_argument_then_the_environment_then_the_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("THRUSTLAB_DATABASE_URL", "sqlite:///from-env.sqlite3")
    assert resolve_url("sqlite:///given.sqlite3") == "sqlite:///given.sqlite3"
    assert resolve_url() == "sqlite:///from-env.sqlite3"
    monkeypatch.delenv("THRUSTLAB_DATABASE_URL")
    assert resolve_url() == default_url()
    assert default_url().startswith("sqlite:///") and "thrustlab" in default_url()


def test_a_bad_url_is_a_database_error() -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        make_engine("no such thing")


def test_an_unreachable_server_is_a_database_error() -> None:
    with pytest.raises(DatabaseError, match="cannot open") as raised:
        open_log("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    assert "\n" not in str(raised.value) and "--db" in str(raised.value)


def test_a_missing_folder_is_an_error_not_a_new_folder(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist"):
        open_log(f"sqlite:///{tmp_path / 'typo' / 'log.sqlite3'}")
    assert not (tmp_path / "typo").exists()


def test_make_engine_makes_no_database_file_until_used(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'log.sqlite3'}")
    assert not (tmp_path / "sub" / "log.sqlite3").exists()
    with engine.connect() as connection:
        connection.execute(text("select 1"))
    engine.dispose()


def test_the_head_revision_constant_matches_the_migrations() -> None:
    from thrustlab.log.db import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_importing_the_log_touches_no_database_and_no_folder(tmp_path: Path) -> None:
    import subprocess
    import sys

    # The log's commands take their answer options from the questions table, but never load
    # the migrations or the analysis (numpy) just to be imported.
    code = (
        "import sys, thrustlab.log, thrustlab.cli.log; "
        "sys.exit('alembic' in sys.modules or 'numpy' in sys.modules)"
    )
    env = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"), "PATH": ""}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
    assert list(tmp_path.iterdir()) == []
