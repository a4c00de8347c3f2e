"""The web app through its ASGI interface: accounts, uploads, jobs, reports, history, team,
authorisation, bad uploads, and a schemathesis run over the JSON API."""

from __future__ import annotations

import io
import re
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from sqlalchemy import create_engine, func, select, update

from thrustlab.log import session_scope
from thrustlab.log.models import Analysis, LiftSet
from thrustlab.simulate import SimulationSpec, simulate_legs, simulate_set, to_csv_text
from thrustlab.web import WebSettings, create_app
from thrustlab.web.jobs import JobProgress
from thrustlab.web.models import Job, User

with warnings.catch_warnings():
    # Starlette 1.x asks for its httpx fork (httpx2); httpx itself still works: not our code.
    warnings.filterwarnings("ignore", message=".*install `httpx2`")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"
WAIT_S = 60.0


@pytest.fixture(scope="module")
def demo_csv() -> bytes:
    recording, _ = simulate_set(SimulationSpec(seed=7))
    return to_csv_text(recording).encode()  # type: ignore[arg-type]


def settings_for(tmp_path: Path, **changes: object) -> WebSettings:
    url = f"sqlite:///{tmp_path / 'web.sqlite3'}"
    values: dict[str, object] = {
        "database_url": url,
        "secure_cookies": False,
        "workers": 1,
        "max_upload_bytes": 2 * 1024 * 1024,
        **changes,
    }
    return WebSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path))) as test_client:
        yield test_client


def csrf(client: TestClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).text)
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def sign_up(client: TestClient, email: str, role: str = "lifter") -> None:
    token = csrf(client, "/signup")
    done = client.post(
        "/signup",
        data={"email": email, "password": PASSWORD, "role": role, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def join_team(client: TestClient, code: str, *, earlier: str = "yes") -> None:
    token = csrf(client, "/team")
    done = client.post("/team/join", data={"code": code, "earlier": earlier, "csrf_token": token})
    assert done.status_code == 200 and "You joined" in done.text, done.text


def athlete_of_a_coach(client: TestClient, coach_email: str, athlete_email: str) -> None:
    """A coach, and an athlete who joined the coach's team; the client is left signed in
    as the athlete."""
    sign_up(client, coach_email, role="coach")
    code = re.search(r'id="join-code">([^<]+)<', client.get("/team").text)
    assert code
    client.cookies.clear()
    sign_up(client, athlete_email)
    join_team(client, code.group(1))


def log_in(client: TestClient, email: str) -> None:
    """Sign in as ``email`` (signed up with ``PASSWORD``), whoever was signed in before."""
    client.cookies.clear()
    token = csrf(client, "/login")
    done = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303


def api_token(client: TestClient, email: str) -> dict[str, str]:
    done = client.post("/api/tokens", json={"email": email, "password": PASSWORD})
    assert done.status_code == 200, done.text
    return {"Authorization": f"Bearer {done.json()['token']}"}


def wait_done(client: TestClient, job_id: str, headers: dict[str, str]) -> dict[str, object]:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        body: dict[str, object] = client.get(f"/api/analyses/{job_id}", headers=headers).json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish in {WAIT_S} s")


def queued_upload(client: TestClient, email: str, data: bytes) -> tuple[str, dict[str, str]]:
    """A new lifter's upload through the API (the job id and the lifter's token headers)."""
    sign_up(client, email)
    headers = api_token(client, email)
    made = client.post("/api/analyses", headers=headers, files={"file": ("s.csv", data)})
    return str(made.json()["id"]), headers


def upload_page(client: TestClient, name: str, data: bytes) -> object:
    token = csrf(client, "/upload")
    return client.post(
        "/upload",
        data={"csrf_token": token, "load": "100 kg", "reps": "10", "rpe": "8"},
        files={"file": (name, data, "text/csv")},
        follow_redirects=False,
    )


def stored_counts(client: TestClient) -> tuple[int, int, int]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(Job)) or 0,
            session.scalar(select(func.count()).select_from(LiftSet)) or 0,
            session.scalar(select(func.count()).select_from(Analysis)) or 0,
        )


def test_sign_up_upload_report_and_history(client: TestClient, demo_csv: bytes) -> None:
    sign_up(client, "ann@example.org")
    done = upload_page(client, "set.csv", demo_csv)
    assert done.status_code == 303  # type: ignore[attr-defined]
    job_url = done.headers["location"]  # type: ignore[attr-defined]
    job_id = job_url.rsplit("/", 1)[-1]
    body = wait_done(client, job_id, api_token(client, "ann@example.org"))
    assert body["status"] == "done", body
    analysis = body["analysis"]
    assert isinstance(analysis, dict) and analysis["schema"] == "thrustlab.analysis/2"
    assert analysis["set"]["rep_count"] == 10
    page = client.get(job_url)
    assert 'data-status="done"' in page.text and "iframe" in page.text
    report = client.get(f"{job_url}/report")
    assert report.status_code == 200 and 'class="chart"' in report.text
    csp = report.headers["content-security-policy"]  # only the report's own two scripts
    script_src = csp.split("script-src", 1)[1].split(";")[0].split()
    assert len(script_src) == 2 and all(s.startswith("'sha256-") for s in script_src)
    history = client.get("/history")
    assert "barbell hip thrust" in history.text and "<svg" in history.text
    assert stored_counts(client) == (1, 1, 1)


def test_a_sensor_logger_sqlite_export_is_analysed_from_the_form(
    client: TestClient, tmp_path: Path
) -> None:
    from test_read_sensorlogger_sqlite import sensor_table, write_sqlite
    from test_read_support import T0_NS

    recording, truth = simulate_set(SimulationSpec(seed=4, n_reps=7))
    assert recording.gyro_rads is not None
    t_ns = T0_NS + np.round(recording.t_s * 1e9).astype(np.int64)
    tables = {
        "TotalAcceleration": sensor_table(t_ns, recording.acc_mps2),
        "Gyroscope": sensor_table(t_ns, recording.gyro_rads),
    }
    export = write_sqlite(tmp_path / "2026-12-03_10-00-00.sqlite", tables)
    sign_up(client, "sql@example.org")
    done = upload_page(client, export.name, export.read_bytes())
    assert done.status_code == 303  # type: ignore[attr-defined]
    job_id = done.headers["location"].rsplit("/", 1)[-1]  # type: ignore[attr-defined]
    body = wait_done(client, job_id, api_token(client, "sql@example.org"))
    assert body["status"] == "done", body
    analysis = body["analysis"]
    assert isinstance(analysis, dict) and analysis["set"]["rep_count"] == truth.n_reps == 7


def test_pages_need_a_login_and_forms_need_the_csrf_token(client: TestClient) -> None:
    assert client.get("/upload", follow_redirects=False).headers["location"] == "/login"
    forged = client.post(
        "/signup", data={"email": "eve@example.org", "password": PASSWORD, "role": "lifter"}
    )
    assert forged.status_code == 403
    sign_up(client, "bob@example.org")
    assert client.post("/logout", data={"csrf_token": "wrong"}).status_code == 403


def test_passwords_are_stored_as_argon2_hashes(client: TestClient) -> None:
    sign_up(client, "cat@example.org")
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        from thrustlab.web.models import User

        stored = session.scalars(select(User.password_hash)).one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_a_write_is_committed_before_its_response_leaves(tmp_path: Path) -> None:
    """A browser follows the sign-up's redirect at once: the new account must already be
    in the database when the response starts, or the next page finds nobody signed in."""
    settings = settings_for(tmp_path)
    app = create_app(settings)
    reader = create_engine(settings.database_url)
    accounts_at_response: list[int] = []

    async def spy(scope: Any, receive: Any, send: Any) -> None:
        async def watched(message: Any) -> None:
            if scope.get("method") == "POST" and message["type"] == "http.response.start":
                with reader.connect() as connection:
                    count = connection.execute(select(func.count()).select_from(User)).scalar()
                accounts_at_response.append(int(count or 0))
            await send(message)

        await app(scope, receive, watched)

    with TestClient(spy) as spied:
        sign_up(spied, "quick@example.org")
    reader.dispose()
    assert accounts_at_response == [1]


def test_login_is_rate_limited(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path, login_attempts_per_minute=3))) as client:
        sign_up(client, "dan@example.org")
        codes = [
            client.post("/api/tokens", json={"email": "dan@example.org", "password": "x" * 12})
            for _ in range(4)
        ]
        assert [c.status_code for c in codes] == [401, 401, 401, 429]


def test_a_lifter_cannot_read_another_lifters_analysis(client: TestClient, demo_csv: bytes) -> None:
    sign_up(client, "a@example.org")
    a = api_token(client, "a@example.org")
    made = client.post("/api/analyses", headers=a, files={"file": ("a.csv", demo_csv)})
    assert made.status_code == 202, made.text
    job_id = made.json()["id"]
    client.cookies.clear()
    sign_up(client, "b@example.org")
    b = api_token(client, "b@example.org")
    assert client.get(f"/api/analyses/{job_id}", headers=b).status_code == 404
    assert client.get(f"/analyses/{job_id}").status_code == 404
    assert client.get(f"/analyses/{job_id}/report").status_code == 404
    assert client.get("/api/analyses/no-such-id", headers=b).status_code == 404
    assert client.get(f"/api/analyses/{job_id}").status_code == 401  # no token


def test_a_coach_sees_only_athletes_on_the_team(client: TestClient, demo_csv: bytes) -> None:
    athlete_of_a_coach(client, "coach@example.org", "member@example.org")
    member = api_token(client, "member@example.org")
    job = client.post("/api/analyses", headers=member, files={"file": ("m.csv", demo_csv)})
    member_job = job.json()["id"]
    assert wait_done(client, member_job, member)["status"] == "done"
    client.cookies.clear()
    sign_up(client, "outsider@example.org")
    outsider = api_token(client, "outsider@example.org")
    other = client.post("/api/analyses", headers=outsider, files={"file": ("o.csv", demo_csv)})
    outsider_job = other.json()["id"]
    log_in(client, "coach@example.org")
    dashboard = client.get("/team").text
    assert "member" in dashboard and "outsider" not in dashboard
    coach = api_token(client, "coach@example.org")
    assert client.get(f"/api/analyses/{member_job}", headers=coach).status_code == 200
    assert client.get(f"/api/analyses/{outsider_job}", headers=coach).status_code == 404
    ids = re.findall(r"/team/athletes/(\d+)", dashboard)
    assert len(ids) == 1 and client.get(f"/team/athletes/{ids[0]}").status_code == 200
    for other_id in range(1, 6):
        if str(other_id) not in ids:
            assert client.get(f"/team/athletes/{other_id}").status_code == 404


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Accelerometer.csv", b"0" * (300 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "status", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 415, "not a sensor export"),
        ("set.csv", b"", 400, "empty"),
        ("set.csv", b"t,x\n" * (1024 * 1024), 413, "larger than"),
        ("export.zip", None, 413, "zip bomb"),
        ("set.csv", b"hello,world\nthis is,not a recording\n", 415, "set.csv"),
        ("set.xlsx", b"PK\x03\x04" + b"\x00" * 100, 415, "export the recording as CSV"),
    ],
    ids=["wrong-type", "empty", "over-the-limit", "zip-bomb", "not-a-recording", "spreadsheet"],
)
def test_bad_uploads_get_a_clear_message_and_nothing_is_stored(
    client: TestClient, name: str, data: bytes | None, status: int, message: str
) -> None:
    payload = _zip_bomb() if data is None else data
    sign_up(client, "up@example.org")
    headers = api_token(client, "up@example.org")
    done = client.post("/api/analyses", headers=headers, files={"file": (name, payload)})
    assert done.status_code == status, done.text
    assert message in done.json()["detail"]
    page = upload_page(client, name, payload)
    assert page.status_code == status  # type: ignore[attr-defined]
    assert message in page.text  # type: ignore[attr-defined]
    assert 'role="alert"' in page.text  # type: ignore[attr-defined]
    assert stored_counts(client) == (0, 0, 0)


def test_jobs_survive_a_restart(tmp_path: Path, demo_csv: bytes) -> None:
    with TestClient(create_app(settings_for(tmp_path, workers=0))) as client:
        job_id, headers = queued_upload(client, "late@example.org", demo_csv)
        assert client.get(f"/api/analyses/{job_id}", headers=headers).json()["status"] == "queued"
    with TestClient(create_app(settings_for(tmp_path, workers=1))) as client:
        assert wait_done(client, job_id, headers)["status"] == "done"
        assert stored_counts(client) == (1, 1, 1)


def test_the_history_table_speaks_the_lifters_unit_without_placeholders(
    client: TestClient, demo_csv: bytes
) -> None:
    sign_up(client, "pounds@example.org")
    headers = api_token(client, "pounds@example.org")
    made = client.post(
        "/api/analyses",
        headers=headers,
        data={"answers": '{"load": "220 lb"}'},
        files={"file": ("s.csv", demo_csv)},
    )
    assert wait_done(client, made.json()["id"], headers)["status"] == "done"
    page = client.get("/history").text
    table = re.search(r'<table class="trend">(.*?)</table>', page, re.DOTALL)
    assert table
    cells = [
        re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", table[1])
    ]
    assert "220 lb" in cells and not any("kg" in c for c in cells), cells
    assert not set(cells) & {"–", "-", "None"}, cells
    assert "" in cells  # no reps were given: a blank cell, not a dash
    short = b"time,ax,ay,az\n0,0,0,9.8\n0.01,0,0,9.8\n0.02,0,0,9.8\n"  # nothing to measure
    made = client.post("/api/analyses", headers=headers, files={"file": ("short.csv", short)})
    assert wait_done(client, made.json()["id"], headers)["status"] == "done"
    uploads = re.search(r'<ul class="jobs">(.*?)</ul>', client.get("/history").text, re.DOTALL)
    assert uploads
    items = [re.sub(r"<[^>]+>|\s+", " ", li) for li in re.findall(r"<li>(.*?)</li>", uploads[1])]
    assert "analysed · not measured" in " ".join(items[0].split()), items  # newest first
    assert "normal" not in items[0]


def test_malformed_requests_are_refused_in_plain_words(client: TestClient) -> None:
    """A field of the wrong type names the field and what it must be, not pydantic's wording."""
    refused = client.post("/api/tokens", json={"email": 5, "password": "x"})
    assert refused.status_code == 422 and refused.json()["detail"] == "email must be text"
    refused = client.post("/api/tokens", json={"password": "x"})
    assert refused.json()["detail"] == "email is missing"
    sign_up(client, "typo@example.org")
    headers = api_token(client, "typo@example.org")
    refused = client.post(
        "/api/analyses", headers=headers, data={"date": "yesterday"}, files={"file": ("s.csv", b"")}
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == "date must be a date like 2024-05-31"


def test_a_running_job_shows_its_progress(tmp_path: Path, demo_csv: bytes) -> None:
    """What the worker writes to the job row is what the job page and the API show."""
    with TestClient(create_app(settings_for(tmp_path, workers=0))) as client:
        job_id, headers = queued_upload(client, "patient@example.org", demo_csv)
        page = client.get(f"/analyses/{job_id}").text
        assert "waiting for a worker" in page and "<progress" not in page
        engine = client.app.state.engine  # type: ignore[attr-defined]
        early = JobProgress(engine, job_id)
        early("video", 5, 100)  # not running yet: nothing is written
        assert "<progress" not in client.get(f"/analyses/{job_id}").text
        progress = JobProgress(engine, job_id)
        with session_scope(engine) as session:
            session.execute(update(Job).where(Job.id == job_id).values(status="running"))
        progress("video", 10, 100)
        progress("video", 20, 100)  # within a second of the last write: skipped
        progress("video", 42, 100)  # also skipped
        page = client.get(f"/analyses/{job_id}").text
        assert "Analysing the video: 10&nbsp;%" in page and 'value="10"' in page
        progress("video", 100, 100)  # the end is always written
        body = client.get(f"/api/analyses/{job_id}", headers=headers).json()
        assert (body["progress_stage"], body["progress_pct"]) == ("analysing the video", 100)
        assert 'value="100"' in client.get(f"/analyses/{job_id}").text


def test_a_video_of_the_set_is_analysed(tmp_path: Path) -> None:
    pytest.importorskip("av", reason="the video extra is not installed")
    from dataclasses import replace

    from thrustlab.video import synth

    video = tmp_path / "set.mp4"
    synth.render_set(video, replace(synth.Scene(), reps=2))
    settings = settings_for(tmp_path, video_pose=False)
    with TestClient(create_app(settings)) as client:
        sign_up(client, "film@example.org")
        headers = api_token(client, "film@example.org")
        made = client.post(
            "/api/analyses", headers=headers, files={"file": ("set.mp4", video.read_bytes())}
        )
        assert made.status_code == 202, made.text
        body = wait_done(client, made.json()["id"], headers)
        assert body["status"] == "done", body
        analysis = body["analysis"]
        assert isinstance(analysis, dict)
        # pose is off here, and reps need the thigh's angle from it: none are counted
        # (before, the plate's path stood in), and the analysis says why
        assert analysis["source"]["kind"] == "video" and analysis["set"]["rep_count"] == 0
        assert "pose_not_found" in {q["code"] for q in analysis["quality"]}
        with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
            job = session.get(Job, made.json()["id"])
            assert job is not None  # the worker wrote how far it got, up to the end
            assert (job.progress_stage, job.progress_pct) == ("analysing the video", 100)
        broken = client.post(
            "/api/analyses", headers=headers, files={"file": ("bad.mp4", b"not a video" * 10)}
        )
        assert broken.status_code == 415 and "bad.mp4" in broken.json()["detail"]
        assert stored_counts(client)[0] == 1


def lopsided_athlete_of_a_coach(
    client: TestClient, coach_email: str, athlete_email: str
) -> dict[str, object]:
    """A coach, and an athlete in the coach's team whose two-leg set (the right leg shaking
    40 % more, a sharp pain) is uploaded; the finished analysis as the API gives it. The
    client is left signed in as the athlete."""
    (left, right), _ = simulate_legs(SimulationSpec(seed=5, asymmetry_pct=40.0))
    athlete_of_a_coach(client, coach_email, athlete_email)
    headers = api_token(client, athlete_email)
    made = client.post(
        "/api/analyses",
        headers=headers,
        data={"answers": '{"pain": "sharp", "load": "120 kg"}'},
        files={
            "left": ("left.csv", to_csv_text(left).encode()),
            "right": ("right.csv", to_csv_text(right).encode()),
        },
    )
    assert made.status_code == 202, made.text
    return wait_done(client, made.json()["id"], headers)


def test_the_coach_dashboard_flags_warning_signs_and_asymmetry(client: TestClient) -> None:
    body = lopsided_athlete_of_a_coach(client, "head.coach@example.org", "lopsided@example.org")
    assert body["status"] == "done" and body["verdict"] == "stop"
    log_in(client, "head.coach@example.org")
    row = re.search(r'<tr class="attention">(.*?)</tr>', client.get("/team").text, re.DOTALL)
    assert row, "the athlete needs attention"
    assert "sharp pain" in row.group(1).lower() and "lopsided" in row.group(1)
    assert re.search(r"right leg, \d+ %", row.group(1)), "asymmetry shown, its sign as the leg"


def test_the_coach_flags_a_large_asymmetry_by_the_knowledge_bases_cutoff() -> None:
    from thrustlab.explanation import load_knowledge
    from thrustlab.web.views import AthleteFlags

    rule = load_knowledge().rule("stabilizer_weakness", "asymmetry_abs_pct", ">")
    cutoff = float(rule.threshold)

    def flags(asymmetry_pct: float | None) -> AthleteFlags:
        return AthleteFlags(User(), None, None, (), asymmetry_pct, None)

    margin = 0.1  # far below the asymmetry index's own set-to-set spread
    assert flags(cutoff + margin).needs_attention and flags(-cutoff - margin).needs_attention
    assert not flags(cutoff - margin).needs_attention and not flags(None).needs_attention


def test_the_upload_form_has_a_field_per_question_and_names_a_bad_one_by_its_label(
    client: TestClient, demo_csv: bytes
) -> None:
    from thrustlab.explanation.questions import QUESTIONS, question

    sign_up(client, "form@example.org")
    page = client.get("/upload").text
    for q in QUESTIONS:
        assert f'name="{q.key}"' in page and q.label in page
    # the file inputs offer what the uploads take, each suffix once; videos for one leg only
    from thrustlab.web.uploads import check_upload

    accepts = re.findall(r'<input type="file" name="(\w+)" accept="([^"]*)"', page)
    offered = {name: listed.split(",") for name, listed in accepts}
    assert offered.keys() == {"file", "left", "right"} and offered["left"] == offered["right"]
    videos = [s for s in offered["file"] if s not in offered["left"]]
    assert {".csv", ".zip", ".json"} <= set(offered["left"]) and {".mp4", ".mov"} <= set(videos)
    assert len(set(offered["file"])) == len(offered["file"]) and ".xlsx" not in offered["file"]
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("set.csv", "t,x\n0,1\n")
    for suffix in offered["file"]:
        data = zipped.getvalue() if suffix == ".zip" else b"t,x\n0,1\n"
        upload = check_upload(f"set{suffix}", data, settings=WebSettings())
        assert upload.is_video == (suffix in videos)
    token = csrf(client, "/upload")
    bad = client.post(
        "/upload",
        data={"csrf_token": token, "rpe": "14", "sleep_h": "7"},
        files={"file": ("set.csv", demo_csv, "text/csv")},
    )
    assert bad.status_code == 400
    assert f"{question('rpe').label} must be between 1 and 10, not 14" in bad.text
    assert "rpe must" not in bad.text and "validation" not in bad.text.lower()
    assert 'name="sleep_h"' in bad.text and 'value="7"' in bad.text  # kept for a retry
    assert stored_counts(client) == (0, 0, 0)


def test_the_form_answers_reach_the_log_typed(client: TestClient, demo_csv: bytes) -> None:
    sign_up(client, "typed@example.org")
    token = csrf(client, "/upload")
    done = client.post(
        "/upload",
        data={"csrf_token": token, "load": "220 lb", "rir": "2", "warmup_done": "no"},
        files={"file": ("set.csv", demo_csv, "text/csv")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    job_id = done.headers["location"].rsplit("/", 1)[-1]
    assert wait_done(client, job_id, api_token(client, "typed@example.org"))["status"] == "done"
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.scalars(select(LiftSet)).one()
        assert row.load_kg == pytest.approx(220 * 0.45359237) and row.rir == 2.0
        assert row.rpe is None
        assert row.answers == {"warmup_done": False, "weight_unit": "lb"}  # as typed
    # the unit is remembered: the form comes with it chosen, and a bare load is read in it
    form = client.get("/upload").text
    assert re.search(r'<option value="lb"\s+selected>', form)
    token = csrf(client, "/upload")
    done = client.post(
        "/upload",
        data={"csrf_token": token, "load": "225", "rpe": "8"},
        files={"file": ("set.csv", demo_csv, "text/csv")},
        follow_redirects=False,
    )
    job_id = done.headers["location"].rsplit("/", 1)[-1]
    assert wait_done(client, job_id, api_token(client, "typed@example.org"))["status"] == "done"
    report = client.get(f"/analyses/{job_id}/report").text
    assert re.search(r"Next session: (stay at 225 lb|230 lb, one small step of 5 lb)", report)
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        loads = sorted(r.load_kg for r in session.scalars(select(LiftSet)))
        assert loads[1] == pytest.approx(225 * 0.45359237)
    # the history shows the loads in the lifter's unit: the plot's axis and the table
    history = client.get("/history").text
    assert "load (lb)" in history and "load (kg)" not in history
    assert "<th>Top load</th>" in history and "<td>225 lb</td>" in history


def test_a_phyphox_tab_separated_decimal_comma_export_is_analysed(
    client: TestClient, demo_csv: bytes
) -> None:
    # phyphox's "CSV (Tabulator, decimal comma)" choice, uploaded as the .tsv it may be saved as
    lines = demo_csv.decode().splitlines()
    rows = [line.split(",")[:4] for line in lines[1:]]
    header = (
        '"Time (s)"\t"Acceleration x (m/s^2)"\t"Acceleration y (m/s^2)"\t"Acceleration z (m/s^2)"'
    )
    text = "\n".join([header, *("\t".join(rows_i).replace(".", ",") for rows_i in rows)]) + "\n"
    sign_up(client, "tabs@example.org")
    headers = api_token(client, "tabs@example.org")
    made = client.post(
        "/api/analyses", headers=headers, files={"file": ("Raw Data.tsv", text.encode())}
    )
    assert made.status_code in (200, 202), made.text
    body = wait_done(client, str(made.json()["id"]), headers)
    assert body["status"] == "done", body


def test_every_page_reads_a_sets_verdict_alike(client: TestClient, tmp_path: Path) -> None:
    """A phone at 10 Hz gives reps but not the 6 Hz and up band: its verdict reads the same
    on the analysis page, in the history table, in the list of uploads and on the coach's
    dashboard (the reps were measured: ``Assessment.basis``); an upload that gave no reps
    reads "not measured" on the dashboard too, never "normal"."""
    athlete_of_a_coach(client, "reader.coach@example.org", "slow.phone@example.org")
    headers = api_token(client, "slow.phone@example.org")
    recording, _ = simulate_set(SimulationSpec(seed=5, rate_hz=10.0))
    made = client.post(
        "/api/analyses",
        headers=headers,
        files={"file": ("slow.csv", to_csv_text(recording).encode())},
    )
    job_id = made.json()["id"]
    assert wait_done(client, job_id, headers)["status"] == "done"

    def text(html: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", html).split())

    page = re.search(r"Verdict: <b[^>]*>([^<]+)</b>", client.get(f"/analyses/{job_id}").text)
    assert page, "the analysis page shows its verdict"
    shown = page[1]
    history = client.get("/history").text
    table = re.search(r'<table class="trend">(.*?)</table>', history, re.DOTALL)
    uploads = re.search(r'<ul class="jobs">(.*?)</ul>', history, re.DOTALL)
    assert table and uploads
    # the shaking not measured, the slowdown shown, the verdict as on the analysis page
    assert re.search(rf"not measured \d+ % {shown}$", text(table[1])), text(table[1])
    assert text(uploads[1]).endswith(f"analysed · {shown} · edit"), text(uploads[1])

    def dashboard_verdict() -> str:
        log_in(client, "reader.coach@example.org")
        cell = re.search(
            r'<td class="v-[^"]+" data-label="Verdict">([^<]*)</td>', client.get("/team").text
        )
        assert cell, "the dashboard shows the newest verdict"
        return cell[1]

    assert dashboard_verdict() == shown
    still = b"time,ax,ay,az\n" + b"".join(f"{i / 100},0,0,9.8\n".encode() for i in range(3000))
    made = client.post("/api/analyses", headers=headers, files={"file": ("still.csv", still)})
    assert wait_done(client, made.json()["id"], headers)["status"] == "done"
    assert dashboard_verdict() == "not measured"
