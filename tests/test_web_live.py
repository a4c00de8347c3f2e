"""Live sets through the web app: start, push (as Sensor Logger), watch, end, history;
who may read and push; the push endpoint's limits; the live page; schemathesis on push."""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from sqlalchemy import select

from test_web import api_token, settings_for, sign_up, wait_done
from thrustlab.config import LiveConfig
from thrustlab.live import lan_address, replay_messages
from thrustlab.log import session_scope
from thrustlab.log.models import LiftSet
from thrustlab.simulate import scenario, simulate_recordings
from thrustlab.web import create_app
from thrustlab.web.live import LiveHub

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*install `httpx2`")
    from fastapi.testclient import TestClient

WAIT_S = 30.0


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The app, its live sets taking messages as fast as the tests replay them."""
    with TestClient(create_app(settings_for(tmp_path))) as test_client:
        test_client.app.state.live = LiveHub(  # type: ignore[attr-defined]
            config=LiveConfig(max_messages_per_s=10_000)
        )
        yield test_client


@pytest.fixture(scope="module")
def messages() -> list[tuple[float, dict[str, Any]]]:
    """A set of 9 reps that slows down (the concentric 50 % longer by the end): velocity loss
    30 %, past the 20 % limit the test sets with room (seed 3's set, measured from gravity
    alone, gave 24 %, and 17.6 % once the grid's rate stopped moving with the buffer)."""
    recording = simulate_recordings(replace(scenario("fatigue", seed=5), slowdown_pct=50.0))[0][0]
    return replay_messages(recording, period_s=0.2)


def _path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def _start(client: TestClient, headers: dict[str, str], **body: Any) -> dict[str, str]:
    started = client.post("/api/live", json=body or None, headers=headers)
    assert started.status_code == 201, started.text
    created: dict[str, str] = started.json()
    return created


def _wait_state(
    client: TestClient, url: str, headers: dict[str, str], ready: Any
) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        state: dict[str, Any] = client.get(url, headers=headers).json()
        if ready(state):
            return state
        time.sleep(0.05)
    raise AssertionError(f"the live state never got there: {state}")


def test_a_streamed_set_is_counted_then_stored_like_an_upload(
    client: TestClient, messages: list[tuple[float, dict[str, Any]]]
) -> None:
    sign_up(client, "liv@example.org")
    headers = api_token(client, "liv@example.org")
    urls = _start(client, headers, velocity_limit_pct=20)
    assert set(urls) == {"id", "push_url", "state_url", "events_url"}
    state_path, push_path = _path(urls["state_url"]), _path(urls["push_url"])
    assert client.get(state_path, headers=headers).json()["status"] == "waiting"
    for index, (_sent, message) in enumerate(messages):
        answer = client.post(push_path, content=json.dumps(message))
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"accepted": True}
        if index % 50 == 7:  # a repeat is answered, and kept once
            again = client.post(push_path, content=json.dumps(message))
            assert again.json() == {"accepted": False}
    live = _wait_state(
        client, state_path, headers, lambda s: len(s["reps"]) == 9 and len(s["cues"]) >= 3
    )
    assert live["status"] == "live"
    assert {"tremor_rms_mps2", "start_s", "end_s", "concentric_s"} <= set(live["reps"][0])
    assert live["set"]["velocity_loss_pct"] is not None
    assert "last rep" in [cue["text"] for cue in live["cues"]]
    ended = client.post(
        f"{state_path}/end", json={"answers": {"pain": "none", "rpe": 9}}, headers=headers
    )
    assert ended.status_code == 200, ended.text
    state = ended.json()
    assert state["status"] == "ended" and state["analysis_id"]
    assert client.post(push_path, content=json.dumps(messages[0][1])).status_code == 410
    done = wait_done(client, state["analysis_id"], headers)
    assert done["status"] == "done", done
    analysis: dict[str, Any] = done["analysis"]  # type: ignore[assignment]
    assert [r["index"] for r in analysis["reps"]] == [r["index"] for r in state["reps"]]
    for live_rep, stored in zip(state["reps"], analysis["reps"], strict=True):
        assert abs(live_rep["start_s"] - stored["start_s"]) <= 0.2
        assert abs(live_rep["end_s"] - stored["end_s"]) <= 0.2
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        stored_set = session.scalars(select(LiftSet)).one()
        assert stored_set.rpe == 9 and stored_set.answers["pain"] == "none"
    history = client.get("/api/history", headers=headers).json()
    (row,) = history["lifts"][0]["rows"]
    assert row["tremor_rms_mps2"] == pytest.approx(analysis["set"]["tremor_rms_mps2"], rel=1e-3)


def test_one_lifter_cannot_read_end_or_push_to_anothers_set(client: TestClient) -> None:
    sign_up(client, "own@example.org")
    owner = api_token(client, "own@example.org")
    client.cookies.clear()
    sign_up(client, "other@example.org")
    other = api_token(client, "other@example.org")
    client.cookies.clear()
    urls = _start(client, owner)
    state_path, push_path = _path(urls["state_url"]), _path(urls["push_url"])
    assert client.get(state_path, headers=other).status_code == 404
    assert client.get(f"{state_path}/events", headers=other).status_code == 404
    assert client.post(f"{state_path}/end", headers=other).status_code == 404
    assert client.get(state_path).status_code == 401
    assert client.post("/api/live").status_code == 401
    wrong = push_path.rsplit("/", 1)[0] + "/not-the-secret"
    message = {"messageId": 0, "deviceId": "p", "payload": []}
    assert client.post(wrong, json=message).status_code == 404
    # another set's secret does not open this one
    theirs = _start(client, other)
    crossed = push_path.rsplit("/", 1)[0] + "/" + theirs["push_url"].rsplit("/", 1)[1]
    assert client.post(crossed, json=message).status_code == 404
    assert client.get(state_path, headers=owner).json()["status"] == "waiting"
    _start(client, owner), _start(client, owner)
    assert client.post("/api/live", headers=owner).status_code == 429  # 3 open at most
    assert client.post(f"{state_path}/end", headers=owner).status_code == 200
    _start(client, owner)


def test_the_push_endpoints_limits(client: TestClient) -> None:
    client.app.state.live = LiveHub(  # type: ignore[attr-defined]
        config=LiveConfig(max_messages_per_s=0.5, max_message_bytes=4096)
    )
    sign_up(client, "lim@example.org")
    headers = api_token(client, "lim@example.org")
    push_path = _path(_start(client, headers)["push_url"])
    too_big = client.post(push_path, content=b"{" + b" " * 5000 + b"}")
    assert too_big.status_code == 413
    bad = client.post(push_path, content=b'{"messageId": -1, "payload": []}')
    assert bad.status_code == 400 and "messageId" in bad.json()["detail"]
    codes = [
        client.post(push_path, json={"messageId": i, "payload": []}).status_code for i in range(6)
    ]
    assert 429 in codes  # 5 messages in 10 s are allowed at 0.5 a second


def test_the_events_stream_and_the_page(
    client: TestClient, messages: list[tuple[float, dict[str, Any]]]
) -> None:
    sign_up(client, "sse@example.org")
    headers = api_token(client, "sse@example.org")
    app: Any = client.app
    app.state.listen_host = "0.0.0.0"  # as `thrustlab serve --host 0.0.0.0` says
    on_lan = _start(client, headers)
    assert on_lan["push_url"].startswith(f"http://{lan_address()}:80/api/live/")
    assert "thrustlab serve --host" not in client.get(f"/live/{on_lan['id']}").text
    app.state.listen_host = "127.0.0.1"
    urls = _start(client, headers)
    state_path, push_path = _path(urls["state_url"]), _path(urls["push_url"])
    page = client.get(f"/live/{urls['id']}")
    assert page.status_code == 200
    assert urls["push_url"] in page.text and 'src="data:image/svg+xml' in page.text
    assert "thrustlab serve --host 0.0.0.0" in page.text  # a phone cannot reach loopback
    assert "HTTP Push" in page.text and "200-1000 ms" in page.text
    for _sent, message in messages[:180]:
        client.post(push_path, content=json.dumps(message))
    _wait_state(client, state_path, headers, lambda s: len(s["reps"]) >= 3)
    client.post(f"{state_path}/end", json={}, headers=headers)
    kinds = []
    with client.stream("GET", _path(urls["events_url"]), headers=headers) as stream:
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kinds.append(line.removeprefix("event: "))
            if line.startswith("data: ") and '"analysis_id":"' in line and "reps" not in line:
                break
    assert kinds[0] == "status" and kinds[-1] == "status"


def test_schemathesis_over_the_push_endpoint(client: TestClient) -> None:
    """Generated push messages (valid and not) never make the server fail, and every
    answer is one the schema documents."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    sign_up(client, "fuzz@example.org")
    headers = api_token(client, "fuzz@example.org")
    urls = _start(client, headers)
    set_id, secret = urls["id"], urls["push_url"].rsplit("/", 1)[1]
    schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    operation = schema["/api/live/{set_id}/push/{secret}"]["POST"]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case: Any) -> None:
        case.path_parameters = {"set_id": set_id, "secret": secret}
        case.call_and_validate()

    check()
