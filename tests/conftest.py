"""Fixtures shared by several test modules (helpers live in ``log_support`` and
``batch_support``).

``db_url`` runs a test once on SQLite (a file in the test's folder) and once on PostgreSQL
(a fresh schema made for the test and dropped after it); ``batch_corpus`` writes, once per
session, 1,000 recordings and keeps what the single-file path gives for each.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from batch_support import BROKEN, N_FILES, Corpus, single_file, write_corpus
from log_support import BACKENDS, postgres_url, require_postgres
from thrustlab.log import open_log


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    """A URL whose connections see only a schema made for this test (dropped after)."""
    require_postgres()
    schema = f"thrustlab_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_url())
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(postgres_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database, once per backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'log.sqlite3'}"
    url: str = request.getfixturevalue("fresh_postgres_url")
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty log migrated to the newest schema."""
    engine = open_log(db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def batch_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    folder = tmp_path_factory.mktemp("batch_corpus")
    write_corpus(folder, N_FILES - len(BROKEN) - 1)
    paths = tuple(sorted(str(p) for p in folder.iterdir()))
    assert len(paths) == N_FILES
    return Corpus(folder, paths, {p: single_file(p) for p in paths})
