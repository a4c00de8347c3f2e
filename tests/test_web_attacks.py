"""The web app under attack: sessions that outlive a logout, spoofed client addresses,
hostile form values, endless chunked bodies, guessed join codes, and a server killed with
SIGKILL (its workers and scratch files must not outlive it)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

pytest.importorskip("fastapi", reason="the web extra is not installed")

from fastapi import Request

from test_web import (
    PASSWORD,
    TestClient,
    api_token,
    csrf,
    demo_csv,  # noqa: F401  (a fixture)
    settings_for,
    sign_up,
)
from test_web_browser import running_server
from thrustlab.log import session_scope
from thrustlab.web import create_app
from thrustlab.web.accounts import EMAIL_UNAVAILABLE, create_user
from thrustlab.web.db import open_web_db
from thrustlab.web.deps import USER_KEY
from thrustlab.web.models import Team, WebSession
from thrustlab.web.scratch import remove_orphans

LINUX_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads processes and memory from /proc"
)


def wrong_login(client: TestClient, email: str, **headers: str) -> int:
    token = csrf(client, "/login")
    done = client.post(
        "/login",
        data={"email": email, "password": "not the password", "csrf_token": token},
        headers=headers,
    )
    return done.status_code


# --- sessions -------------------------------------------------------------------------------


def test_logging_out_ends_the_session_even_for_a_copied_cookie(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, secret_key="a fixed key, so sessions survive restarts")
    with TestClient(create_app(settings)) as client:
        sign_up(client, "eve@example.org")
        token = csrf(client, "/upload")
        copied = dict(client.cookies)
    with TestClient(create_app(settings), cookies=copied) as client:  # a restart keeps it
        assert client.get("/upload", follow_redirects=False).status_code == 200
        out = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert out.status_code == 303
    with TestClient(create_app(settings), cookies=copied) as thief:  # and after one more
        answer = thief.get("/upload", follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login"


def test_every_route_sees_a_logged_out_session_empty(tmp_path: Path) -> None:
    """Not only the pages that ask for a user: a route reading the session itself (as a
    later route might) gets nothing from a cookie copied before the logout."""
    app = create_app(settings_for(tmp_path))

    @app.get("/whoami")
    def whoami(request: Request) -> dict[str, object]:
        return {"uid": request.session.get(USER_KEY)}

    with TestClient(app) as client:
        sign_up(client, "raw@example.org")
        token = csrf(client, "/upload")
        copied = dict(client.cookies)
        assert client.get("/whoami").json()["uid"] is not None
        client.post("/logout", data={"csrf_token": token})
        thief = TestClient(app, cookies=copied)
        assert thief.get("/whoami").json() == {"uid": None}


def test_a_session_older_than_its_age_opens_nothing(tmp_path: Path) -> None:
    """A session ends ``session_max_age_s`` after its sign-in, however it is used since."""
    app = create_app(settings_for(tmp_path, session_max_age_s=3600))
    with TestClient(app) as client:
        sign_up(client, "old@example.org")
        assert client.get("/upload", follow_redirects=False).status_code == 200
        with session_scope(app.state.engine) as session:
            (row,) = session.scalars(select(WebSession)).all()
            row.created_at -= dt.timedelta(seconds=3599)
        assert client.get("/upload", follow_redirects=False).status_code == 200
        with session_scope(app.state.engine) as session:
            session.scalars(select(WebSession)).one().created_at -= dt.timedelta(seconds=2)
        answer = client.get("/upload", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/login"


def test_each_sign_in_is_its_own_session(client: TestClient) -> None:
    sign_up(client, "two@example.org")
    other = TestClient(client.app)
    token = csrf(other, "/login")
    other.post("/login", data={"email": "two@example.org", "password": PASSWORD,
                               "csrf_token": token})  # fmt: skip
    assert other.get("/upload", follow_redirects=False).status_code == 200
    client.post("/logout", data={"csrf_token": csrf(client, "/upload")})
    assert client.get("/upload", follow_redirects=False).status_code == 303
    assert other.get("/upload", follow_redirects=False).status_code == 200


@pytest.fixture
def client(tmp_path: Path) -> Any:
    with TestClient(create_app(settings_for(tmp_path))) as test_client:
        yield test_client


# --- client addresses -----------------------------------------------------------------------


def test_x_forwarded_for_from_a_client_is_ignored(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, login_attempts_per_minute=3)
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
        sign_up(client, "xff@example.org")
        codes = [
            wrong_login(client, "xff@example.org", **{"X-Forwarded-For": f"10.0.0.{i}"})
            for i in range(5)
        ]
    assert codes == [401, 401, 401, 429, 429]


def test_x_forwarded_for_names_the_client_behind_a_trusted_proxy(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, login_attempts_per_minute=2, trusted_proxies=("10.1.0.0/16",))
    with TestClient(create_app(settings), client=("10.1.2.3", 50000)) as proxy:
        sign_up(proxy, "behind@example.org")
        # two people behind the proxy each get their own limit
        ann = [wrong_login(proxy, "behind@example.org", **{"X-Forwarded-For": "1.1.1.1"})
               for _ in range(3)]  # fmt: skip
        bob = [wrong_login(proxy, "behind@example.org", **{"X-Forwarded-For": "2.2.2.2"})
               for _ in range(3)]  # fmt: skip
        # an address the client wrote in front of the proxy's own entry changes nothing
        forged = [
            wrong_login(proxy, "behind@example.org", **{"X-Forwarded-For": f"9.9.9.{i}, 1.1.1.1"})
            for i in range(2)
        ]
        # nor does a header of the client's own before the one the proxy added
        two_headers = [
            proxy.post(
                "/api/tokens",
                json={"email": "behind@example.org", "password": "not the password"},
                headers=[("X-Forwarded-For", f"8.8.8.{i}"), ("X-Forwarded-For", "2.2.2.2")],
            ).status_code
            for i in range(2)
        ]
    assert ann == [401, 401, 429] and bob == [401, 401, 429]
    assert forged == [429, 429] and two_headers == [429, 429]


def test_a_trusted_proxy_must_be_an_address() -> None:
    from thrustlab.web import WebSettings

    with pytest.raises(ValueError, match="not an IP address"):
        WebSettings(trusted_proxies=("proxy.local",))


def test_serve_refuses_a_malformed_trusted_proxy_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "THRUSTLAB_TRUSTED_PROXIES": "10.0.0.1, not-an-address"}
    done = subprocess.run(
        [sys.executable, "-m", "thrustlab.cli", "serve", "--port", "1",
         "--database-url", f"sqlite:///{tmp_path / 'x.sqlite3'}"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert len(lines) == 1 and "$THRUSTLAB_TRUSTED_PROXIES" in lines[0], lines


# --- hostile form values ----------------------------------------------------------------------


def test_a_non_ascii_csrf_token_is_a_403_naming_the_field(client: TestClient) -> None:
    csrf(client, "/login")
    for token in ("é", "\u202e" * 40, "ü" + "a" * 42):
        done = client.post(
            "/login", data={"email": "a@example.org", "password": "x", "csrf_token": token}
        )
        assert done.status_code == 403
        assert "csrf_token" in done.json()["detail"]


def test_an_athlete_id_no_row_can_have_is_a_404(client: TestClient) -> None:
    sign_up(client, "coach@example.org", role="coach")
    for athlete_id in ("9" * 23, str(2**63), "-" + "9" * 23, "0"):
        done = client.get(f"/team/athletes/{athlete_id}", headers={"Accept": "text/html"})
        assert done.status_code == 404, (athlete_id, done.status_code)
        assert "no athlete with this id" in done.text


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ("[" * 3000, "nested too deep"),
        ("[" * 2000 + "]" * 2000, "nested too deep"),
        ("[1, 2]", "not an object"),
        ('{"load": {"kg": 100}}', "'load' must be a text or a number"),
        ("{not json", "not JSON"),
    ],
)
def test_a_malformed_answers_field_is_a_400_naming_it(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
    answers: str,
    problem: str,
) -> None:
    sign_up(client, "api@example.org")
    done = client.post(
        "/api/analyses",
        headers=api_token(client, "api@example.org"),
        data={"answers": answers},
        files={"file": ("s.csv", demo_csv)},
    )
    assert done.status_code == 400, done.text
    detail = done.json()["detail"]
    assert detail.startswith("answers") and problem in detail, detail


# --- request bodies -------------------------------------------------------------------------


ENDLESS_BODIES = {
    "/api/analyses": (
        b"multipart/form-data; boundary=b",
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="s.csv"\r\n\r\n',
    ),
    "/api/tokens": (b"application/json", b'{"email": "'),
    "/login": (b"application/x-www-form-urlencoded", b"email="),
    "/upload": (b"multipart/form-data; boundary=b", b"--b\r\n"),
}
"""Per route, a body's content type and a well-formed start (then "aaaa..." for ever)."""


def _post_endless_chunks(
    app: Any, path: str, *, chunk_bytes: int, headers: dict[str, str] | None = None
) -> tuple[int, int]:
    """Drive ``app`` with a chunked POST that never ends; the status sent and the chunks the
    app asked for before it."""
    content_type, start = ENDLESS_BODIES[path]
    asked = 0
    status: list[int] = []
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80),
        "headers": [(b"host", b"x"), (b"transfer-encoding", b"chunked"),
                    (b"content-type", content_type),
                    *((k.lower().encode(), v.encode()) for k, v in (headers or {}).items())],
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > 10_000:  # 640 MB: the app read the whole attack
            raise AssertionError("the app kept reading a body far over its limit")
        body = start if asked == 1 else b"a" * chunk_bytes
        return {"type": "http.request", "body": body, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    asyncio.run(app(scope, receive, send))
    return status[0], asked


@pytest.mark.parametrize("path", ["/api/analyses", "/api/tokens", "/login"])
def test_a_chunked_body_over_the_limit_is_refused_as_it_streams(tmp_path: Path, path: str) -> None:
    mib = 1024 * 1024
    app = create_app(settings_for(tmp_path, max_upload_bytes=mib, max_video_bytes=mib))
    chunk_bytes = 64 * 1024
    with TestClient(app) as client:  # started: a signed-in lifter's upload is read, up to its limit
        sign_up(client, "big@example.org")
        token = api_token(client, "big@example.org")
        status, asked = _post_endless_chunks(app, path, chunk_bytes=chunk_bytes, headers=token)
    limit_bytes = (3 if path == "/api/analyses" else 1) * mib  # 2 recordings + form, or a form
    assert status == 413
    assert asked <= limit_bytes // chunk_bytes + 2


@pytest.mark.parametrize(
    ("path", "token", "status"),
    [
        ("/api/analyses", None, 401),
        ("/api/analyses", "Bearer made-up", 401),
        ("/upload", None, 303),
    ],
)
def test_an_upload_from_someone_not_signed_in_is_answered_before_its_body_is_read(
    tmp_path: Path, path: str, token: str | None, status: int
) -> None:
    app = create_app(settings_for(tmp_path))
    with TestClient(app):  # started, so tokens can be looked up
        headers = {"Authorization": token} if token else None
        answered, asked = _post_endless_chunks(app, path, chunk_bytes=64 * 1024, headers=headers)
    assert (answered, asked) == (status, 0)


@LINUX_ONLY
def test_a_real_server_answers_an_endless_chunked_body_early_in_bounded_memory(
    tmp_path: Path,
) -> None:
    """420 MB chunked into /api/tokens used to be read whole (1.1 GB of server memory)."""
    with running_server(tmp_path) as (process, url):
        port = int(url.rsplit(":", 1)[1])
        before_kib = _status_kib(process.pid, "VmRSS")
        sent_mib, answer = 0, b""
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(
                b"POST /api/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            chunk = b"%x\r\n" % (1024 * 1024) + b"a" * (1024 * 1024) + b"\r\n"
            try:
                while sent_mib < 200 and not answer:
                    sock.sendall(chunk)
                    sent_mib += 1
                    sock.setblocking(False)
                    with contextlib.suppress(BlockingIOError):
                        answer = sock.recv(100)
                    sock.setblocking(True)
            except (BrokenPipeError, ConnectionResetError):
                pass
            sock.settimeout(10)
            answer = answer or sock.recv(100)
        growth_mib = (_status_kib(process.pid, "VmHWM") - before_kib) / 1024
    assert answer.startswith(b"HTTP/1.1 413"), answer
    # the limit is 1 MiB; the rest is what the kernel's socket buffers held
    assert sent_mib < 32, f"the server read {sent_mib} MiB before refusing"
    assert growth_mib < 50, f"the server grew by {growth_mib:.0f} MiB"


def _status_kib(pid: int, field: str, /) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


# --- join codes, docs, sign-up -------------------------------------------------------------


def test_join_codes_have_an_attempt_limit(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path, join_attempts_per_minute=3))) as client:
        sign_up(client, "coach@example.org", role="coach")
        client.get("/team")  # makes the team and its code
        with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
            real_code = session.scalar(select(Team.join_code))
        client.post("/logout", data={"csrf_token": csrf(client, "/team")})
        sign_up(client, "guesser@example.org")
        codes = [
            client.post(
                "/team/join",
                data={"code": code, "earlier": "yes", "csrf_token": csrf(client, "/team")},
            )
            for code in ["guess-1", "guess-2", "guess-3", "guess-4", real_code]
        ]
    assert [c.status_code for c in codes] == [400, 400, 400, 429, 429]  # the right code waits
    assert "too many attempts" in codes[-1].text


def test_the_api_docs_are_off_unless_asked_for_and_then_carry_a_csp(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path))) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404
        assert client.get("/openapi.json").status_code == 200  # the contract stays readable
    with TestClient(create_app(settings_for(tmp_path, api_docs=True))) as client:
        for path in ("/docs", "/redoc"):
            page = client.get(path)
            assert page.status_code == 200
            policy = page.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy


def test_sign_up_does_not_tell_whether_an_email_has_an_account(client: TestClient) -> None:
    sign_up(client, "taken@example.org")
    client.post("/logout", data={"csrf_token": csrf(client, "/upload")})
    token = csrf(client, "/signup")
    again = client.post(
        "/signup",
        data={"email": "Taken@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert again.status_code == 400
    assert EMAIL_UNAVAILABLE in again.text
    assert "exist" not in again.text.lower()


def test_sign_ups_have_their_own_attempt_limit(tmp_path: Path) -> None:
    """Probing emails by signing up is limited like logging in, and apart from it."""
    with TestClient(create_app(settings_for(tmp_path, login_attempts_per_minute=2))) as client:
        codes = []
        for name in ("p1", "p2", "p3"):
            client.cookies.clear()
            data = {"email": f"{name}@example.org", "password": PASSWORD,
                    "csrf_token": csrf(client, "/signup")}  # fmt: skip
            codes.append(client.post("/signup", data=data, follow_redirects=False).status_code)
        client.cookies.clear()
        login = wrong_login(client, "p1@example.org")
    assert codes == [303, 303, 429]
    assert login == 401  # the sign-ups did not use up the logins


# --- a server killed with SIGKILL -----------------------------------------------------------


def _children(pid: int, /) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int, /) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@LINUX_ONLY
def test_a_killed_server_leaves_no_workers_and_its_scratch_goes_on_restart(
    tmp_path: Path,
    demo_csv: bytes,  # noqa: F811
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    with running_server(tmp_path, "--processes", env=env) as (server, url):
        headers = _account(tmp_path, url)
        assert _analysed(url, demo_csv, headers)["status"] == "done"
        workers = _children(server.pid)
        assert workers, "the analysis ran in no worker process"
        (scratch,) = [p for p in temp.glob("thrustlab-web-*/*") if p.is_dir()]
        assert scratch.name.startswith(f"{server.pid}-")
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        killed_at = time.monotonic()
        while any(_running(pid) for pid in workers) and time.monotonic() < killed_at + 10:
            time.sleep(0.05)
        alive = [pid for pid in workers if _running(pid)]
        waited_s = time.monotonic() - killed_at
        for pid in alive:  # leave nothing behind whatever the outcome
            os.kill(pid, signal.SIGKILL)
        assert not alive, f"worker processes {alive} outlived the killed server"
        assert waited_s < 5, f"workers took {waited_s:.1f} s to end"
        assert scratch.exists()  # SIGKILL: the server could not clean up
    with running_server(tmp_path, env=env, log_name="restart.log") as (restarted, _url):
        assert not scratch.exists(), "the killed server's scratch folder was not removed"
        (fresh,) = [p for p in temp.glob("thrustlab-web-*/*") if p.is_dir()]
        assert fresh.name.startswith(f"{restarted.pid}-")


@LINUX_ONLY
def test_a_killed_worker_process_is_replaced_and_the_next_upload_analysed(
    tmp_path: Path,
    demo_csv: bytes,  # noqa: F811
) -> None:
    with running_server(tmp_path, "--processes") as (server, url):
        headers = _account(tmp_path, url)
        first = _analysed(url, demo_csv, headers)  # read, analysed and stored by a worker
        assert first["status"] == "done" and first["analysis"]["set"]["rep_count"] == 10
        workers = [pid for pid in _children(server.pid) if b"resource_tracker" not in
                   Path(f"/proc/{pid}/cmdline").read_bytes()]  # fmt: skip
        assert workers
        for pid in workers:  # as the kernel's out-of-memory killer would
            os.kill(pid, signal.SIGKILL)
        time.sleep(0.5)
        after = [_analysed(url, demo_csv, headers) for _ in range(2)]
    assert [job["status"] for job in after] == ["done", "done"], after


def _account(tmp_path: Path, url: str, /) -> dict[str, str]:
    """A lifter made in the server's database; the API headers that sign them in."""
    engine = open_web_db(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    with session_scope(engine) as session:
        create_user(session, email="k@example.org", password=PASSWORD, role="lifter")
    engine.dispose()
    token = _post_json(f"{url}/api/tokens", {"email": "k@example.org", "password": PASSWORD})
    return {"Authorization": f"Bearer {token['token']}"}


def _analysed(url: str, data: bytes, headers: dict[str, str], /) -> Any:
    """Upload ``data`` and wait for its analysis to end; the analysis as the API gives it."""
    job = _post_file(f"{url}/api/analyses", data, headers)
    deadline = time.monotonic() + 120
    while True:
        body = _get_json(f"{url}/api/analyses/{job['id']}", headers)
        if body["status"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.2)


def test_only_the_scratch_folders_of_gone_processes_are_removed(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead, mine = tmp_path / f"{gone.pid}-abc", tmp_path / f"{os.getpid()}-def"
    for folder in (dead, mine):
        (folder / "upload-1").mkdir(parents=True)
        (folder / "upload-1" / "0-set.csv").write_text("t,x,y,z\n")
    (tmp_path / "not-a-server").mkdir()
    assert remove_orphans(tmp_path) == [dead.name]
    assert mine.exists() and (tmp_path / "not-a-server").exists() and not dead.exists()


def _post_json(url: str, body: dict[str, str]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def _post_file(url: str, data: bytes, headers: dict[str, str]) -> Any:
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="set.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + data + b"\r\n--b--\r\n"
    )
    request = urllib.request.Request(
        url, data=body, headers={**headers, "Content-Type": "multipart/form-data; boundary=b"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def _get_json(url: str, headers: dict[str, str]) -> Any:
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=60) as got:
        return json.loads(got.read())


def test_nul_characters_in_text_fields_are_4xx_on_each_backend(db_url: str, tmp_path: Path) -> None:
    """PostgreSQL refuses NUL in text: every field that reaches a query is checked first."""
    settings = settings_for(tmp_path, database_url=db_url, workers=0)
    with TestClient(create_app(settings)) as client:
        token = csrf(client, "/signup")
        bad_email = {"email": "a\x00b@example.org", "password": PASSWORD, "csrf_token": token}
        assert client.post("/signup", data=bad_email).status_code == 400
        assert wrong_login(client, "a\x00b@example.org") == 401
        refused = client.post("/api/tokens", json={"email": "a\x00@x.org", "password": "x"})
        assert refused.status_code == 401
        sign_up(client, "nul@example.org")
        join = {"code": "a\x00b", "csrf_token": csrf(client, "/team")}
        assert client.post("/team/join", data=join).status_code == 400
        assert client.get("/analyses/a%00b").status_code == 404
        headers = api_token(client, "nul@example.org")
        assert client.get("/api/analyses/a%00b", headers=headers).status_code == 404


def test_an_api_token_stops_working_when_it_is_older_than_its_age_limit(tmp_path: Path) -> None:
    from thrustlab.web.models import ApiToken

    settings = settings_for(tmp_path, api_token_max_age_s=3600)
    with TestClient(create_app(settings)) as client:
        sign_up(client, "old@example.org")
        issued = client.post("/api/tokens", json={"email": "old@example.org", "password": PASSWORD})
        assert issued.json()["expires_in_s"] == 3600
        headers = {"Authorization": f"Bearer {issued.json()['token']}"}
        assert client.get("/api/analyses", headers=headers).status_code == 200
        with session_scope(client.app.state.engine) as session:  # the token issued 2 h ago
            for row in session.scalars(select(ApiToken)):
                row.created_at -= dt.timedelta(hours=2)
        refused = client.get("/api/analyses", headers=headers)
        assert refused.status_code == 401
        assert "sign in again" in refused.json()["detail"]


def test_a_bearer_upload_looks_its_token_up_once(client: TestClient, demo_csv: bytes) -> None:  # noqa: F811
    """The upload's token is checked before its body is read; the route takes the user found
    there instead of looking the token up again. An expired token is refused the same way."""
    from sqlalchemy import event, update

    from thrustlab.web.models import ApiToken

    sign_up(client, "once@example.org")
    headers = api_token(client, "once@example.org")
    engines = {client.app.state.engine, client.app.state.read_engine}  # type: ignore[attr-defined]
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", seen)
    try:
        made = client.post("/api/analyses", headers=headers, files={"file": ("s.csv", demo_csv)})
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", seen)
    assert made.status_code == 202, made.text
    assert sum("web_api_tokens" in s for s in statements) == 1, statements
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        session.execute(update(ApiToken).values(created_at=dt.datetime(2000, 1, 1)))
    refused = client.post("/api/analyses", headers=headers, files={"file": ("s.csv", demo_csv)})
    assert refused.status_code == 401 and "sign in again" in refused.json()["detail"]
