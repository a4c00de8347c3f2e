"""The web tables on both backends: their own migrations beside the log's, models and
migrations in agreement, and an upload stored as an analysis on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from test_web import (
    TestClient,
    api_token,
    demo_csv,  # noqa: F401  (a fixture)
    sign_up,
    stored_counts,
    wait_done,
)
from thrustlab.web import WebSettings, create_app
from thrustlab.web.db import (
    VERSION_TABLE,
    WEB_HEAD_REVISION,
    downgrade_web,
    open_web_db,
    upgrade_web,
    web_alembic_config,
)

WEB_TABLES = {
    "web_users", "web_api_tokens", "web_sessions", "web_teams", "web_memberships", "web_jobs"
}  # fmt: skip
LOG_TABLES = {"lifters", "training_sessions", "sets", "analyses", "recordings"}


def test_open_web_db_migrates_the_log_and_the_web_tables(db_url: str) -> None:
    engine = open_web_db(db_url)
    try:
        assert set(inspect(engine).get_table_names()) >= WEB_TABLES | LOG_TABLES | {VERSION_TABLE}
        downgrade_web(engine)
        tables = set(inspect(engine).get_table_names())
        assert not WEB_TABLES & tables and tables >= LOG_TABLES
        upgrade_web(engine)
        assert set(inspect(engine).get_table_names()) >= WEB_TABLES
    finally:
        engine.dispose()


def test_web_models_and_migrations_agree(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from thrustlab.web.models import WebBase

    assert ScriptDirectory.from_config(web_alembic_config(None)).get_current_head() == (
        WEB_HEAD_REVISION
    )
    engine = open_web_db(db_url)
    try:
        with engine.connect() as connection:
            opts = {
                "compare_type": True,
                "include_name": lambda name, kind, _parent: (
                    kind != "table" or (name or "").startswith("web_")
                ),
            }
            context = MigrationContext.configure(connection, opts=opts)
            assert compare_metadata(context, WebBase.metadata) == []
    finally:
        engine.dispose()


def test_an_upload_is_stored_on_each_backend(db_url: str, demo_csv: bytes, tmp_path: Path) -> None:  # noqa: F811
    settings = WebSettings(database_url=db_url, secure_cookies=False, workers=1)
    with TestClient(create_app(settings)) as client:
        sign_up(client, "pg@example.org")
        headers = api_token(client, "pg@example.org")
        made = client.post("/api/analyses", headers=headers, files={"file": ("s.csv", demo_csv)})
        assert made.status_code == 202, made.text
        assert wait_done(client, made.json()["id"], headers)["status"] == "done"
        assert stored_counts(client) == (1, 1, 1)
        history = client.get("/api/history", headers=headers).json()
        assert history["lifts"][0]["rows"][0]["verdict"] in ("normal", "caution", "stop")
