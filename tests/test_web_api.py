"""The JSON API against its own OpenAPI document: schemathesis generates requests for every
operation (signed in with a token) and checks each answer: no server errors, documented
status codes, content types and bodies that match the schema."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from thrustlab.web import WebSettings, create_app

with warnings.catch_warnings():
    # Starlette 1.x asks for its httpx fork (httpx2); httpx itself still works: not our code.
    warnings.filterwarnings("ignore", message=".*install `httpx2`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, dict[str, str]]]:
    folder: Path = tmp_path_factory.mktemp("api")
    app = create_app(
        WebSettings(
            database_url=f"sqlite:///{folder / 'web.sqlite3'}",
            secure_cookies=False,
            workers=0,
            max_upload_bytes=1024 * 1024,
            login_attempts_per_minute=1000,
        )
    )
    with TestClient(app) as client:
        from thrustlab.log import session_scope
        from thrustlab.web.accounts import create_user, issue_token

        with session_scope(app.state.engine) as session:
            user = create_user(session, email="api@example.org", password=PASSWORD, role="lifter")
            token = issue_token(session, user)
        assert client.get("/openapi.json").status_code == 200
        yield app, {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def api_schema(api: tuple[Any, dict[str, str]]) -> Any:
    app, _ = api
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_the_api_keeps_its_openapi_contract(
    api: tuple[Any, dict[str, str]], api_schema: Any
) -> None:
    _, headers = api
    checked = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            # Any schema-valid bytes are not a recording: uploads may be refused (400, 413,
            # 415, all documented), so "valid data is accepted" does not apply to them.
            skip = [positive_data_acceptance] if case.method == "POST" else []
            case.call_and_validate(headers=headers, excluded_checks=skip)

        check()
        checked.append(operation.label)
    assert len(checked) >= 5, checked


def test_the_openapi_document_lists_the_cli_mirror(api: tuple[Any, dict[str, str]]) -> None:
    app, _ = api
    paths = app.openapi()["paths"]
    assert {"/api/analyses", "/api/analyses/{analysis_id}", "/api/history", "/api/tokens"} <= set(
        paths
    )
    assert "post" in paths["/api/analyses"]
