"""A lifter's own data through the web app: edit a set's answers (explained again), delete a
set, download the log and a report, delete the account; teams: which one, leaving it, and
whether the coach sees earlier sets; the coach's reasons; the upload form after an error."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed")

from sqlalchemy import func, select

from test_web import (
    PASSWORD,
    TestClient,
    api_token,
    athlete_of_a_coach,
    csrf,
    demo_csv,  # noqa: F401  (a fixture)
    join_team,
    log_in,
    lopsided_athlete_of_a_coach,
    settings_for,
    sign_up,
    stored_counts,
    wait_done,
)
from thrustlab.log import session_scope
from thrustlab.log.export import FIELDS
from thrustlab.log.models import Lifter, LiftSet
from thrustlab.web import create_app
from thrustlab.web.models import Job, Membership, User


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(tmp_path))) as test_client:
        yield test_client


def _upload(client: TestClient, data: bytes, **answers: str) -> str:
    token = csrf(client, "/upload")
    done = client.post(
        "/upload",
        data={"csrf_token": token, **answers},
        files={"file": ("set.csv", data, "text/csv")},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return str(done.headers["location"]).rsplit("/", 1)[-1]


def _job(client: TestClient, job_id: str) -> Job:
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
        return job


def test_editing_the_answers_explains_the_set_again(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
) -> None:
    sign_up(client, "editor@example.org")
    job_id = _upload(client, demo_csv, load="100 kg", reps="10", rpe="7")
    headers = api_token(client, "editor@example.org")
    before = wait_done(client, job_id, headers)
    assert before["status"] == "done" and before["verdict"] != "stop"
    analysis_before = before["analysis"]
    assert isinstance(analysis_before, dict)
    page = client.get(f"/analyses/{job_id}/edit")
    assert page.status_code == 200
    assert 'value="100 kg"' in page.text and 'value="10"' in page.text  # prefilled
    token = csrf(client, f"/analyses/{job_id}/edit")
    fields = {"csrf_token": token, "load": "100 kg", "reps": "10", "rpe": "7"}
    bad = client.post(f"/analyses/{job_id}/edit", data=fields | {"rpe": "14", "sleep_h": "6"})
    assert bad.status_code == 400 and "Effort (RPE) must be between 1 and 10" in bad.text
    assert 'value="6"' in bad.text  # every answer kept for a retry
    saved = client.post(
        f"/analyses/{job_id}/edit",
        data=fields | {"pain": "sharp", "notes": "felt it in the left hip"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    after = wait_done(client, job_id, headers)
    assert after["verdict"] == "stop"  # sharp pain: a stop-now warning sign
    analysis_after = after["analysis"]
    assert isinstance(analysis_after, dict)
    assert analysis_after["set"] == analysis_before["set"]  # what was measured stays
    assert analysis_after["reps"] == analysis_before["reps"]
    job = _job(client, job_id)
    assert job.verdict == "stop" and job.report_html is not None
    assert "Sharp pain" in job.report_html or "sharp pain" in job.report_html
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        row = session.scalars(select(LiftSet)).one()
        assert row.notes == "felt it in the left hip" and row.answers["pain"] == "sharp"
        assert row.analysis is not None and row.analysis.verdict == "stop"
    shown = client.get(f"/analyses/{job_id}?edited=1").text
    assert "explained again" in shown and "v-stop" in shown
    assert stored_counts(client) == (1, 1, 1)


def test_a_coach_cannot_edit_or_delete_an_athletes_set(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
) -> None:
    athlete_of_a_coach(client, "boss@example.org", "athlete@example.org")
    job_id = _upload(client, demo_csv)
    assert wait_done(client, job_id, api_token(client, "athlete@example.org"))["status"] == "done"
    log_in(client, "boss@example.org")
    assert client.get(f"/analyses/{job_id}").status_code == 200  # may look
    assert "edit the answers" not in client.get(f"/analyses/{job_id}").text
    assert client.get(f"/analyses/{job_id}/edit").status_code == 404
    token = csrf(client, "/team")
    gone = client.post(f"/analyses/{job_id}/delete", data={"csrf_token": token})
    assert gone.status_code == 404 and stored_counts(client) == (1, 1, 1)


def test_deleting_a_set_removes_its_analysis_and_recording(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
) -> None:
    sign_up(client, "tidy@example.org")
    job_id = _upload(client, demo_csv)
    assert wait_done(client, job_id, api_token(client, "tidy@example.org"))["status"] == "done"
    assert stored_counts(client) == (1, 1, 1)
    page = client.get(f"/analyses/{job_id}").text
    assert f'action="/analyses/{job_id}/delete"' in page
    refused = client.post(f"/analyses/{job_id}/delete", data={"csrf_token": "wrong"})
    assert refused.status_code == 403 and stored_counts(client) == (1, 1, 1)
    done = client.post(
        f"/analyses/{job_id}/delete",
        data={"csrf_token": csrf(client, "/upload")},
        follow_redirects=False,
    )
    assert done.status_code == 303 and stored_counts(client) == (0, 0, 0)
    assert "The set is deleted" in client.get(done.headers["location"]).text


def test_a_lifter_downloads_their_log_and_a_report(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
) -> None:
    sign_up(client, "keeper@example.org")
    job_id = _upload(client, demo_csv, load="90 kg", notes="first try")
    assert wait_done(client, job_id, api_token(client, "keeper@example.org"))["status"] == "done"
    as_json = client.get("/account/export.json")
    assert as_json.status_code == 200 and "attachment" in as_json.headers["content-disposition"]
    records = json.loads(as_json.text)["sets"]
    assert len(records) == 1 and records[0]["set_uid"] == job_id
    assert records[0]["load_kg"] == 90 and records[0]["notes"] == "first try"
    assert records[0]["analysis"]["verdict"] == _job(client, job_id).verdict
    as_csv = client.get("/account/export.csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    header, row = as_csv.text.splitlines()  # one set: the stored analysis is one JSON cell
    assert next(csv.reader([header])) == list(FIELDS) and row.split(",")[5] == job_id
    report = client.get(f"/analyses/{job_id}/report.html")
    assert report.status_code == 200 and "attachment" in report.headers["content-disposition"]
    assert report.text == _job(client, job_id).report_html
    client.cookies.clear()
    sign_up(client, "nosy@example.org")  # another lifter's export holds nothing of hers
    assert json.loads(client.get("/account/export.json").text)["sets"] == []
    assert client.get(f"/analyses/{job_id}/report.html").status_code == 404


def test_the_export_reads_back_with_log_import(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
    tmp_path: Path,
) -> None:
    from thrustlab.log import open_log
    from thrustlab.log.imports import import_file

    sign_up(client, "mover@example.org")
    job_id = _upload(client, demo_csv, load="80 kg")
    assert wait_done(client, job_id, api_token(client, "mover@example.org"))["status"] == "done"
    for suffix in ("json", "csv"):
        path = tmp_path / f"export.{suffix}"
        path.write_text(client.get(f"/account/export.{suffix}").text)
        engine = open_log(f"sqlite:///{tmp_path / f'other-{suffix}.sqlite3'}")
        with session_scope(engine) as session:
            import_file(session, path)
        with session_scope(engine) as session:
            assert session.scalar(select(LiftSet.load_kg)) == 80
        engine.dispose()


def test_deleting_the_account_needs_the_box_and_the_password(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
) -> None:
    sign_up(client, "leaver@example.org")
    job_id = _upload(client, demo_csv)
    assert wait_done(client, job_id, api_token(client, "leaver@example.org"))["status"] == "done"
    page = client.get("/account").text
    assert 'action="/account/delete"' in page and "download as CSV" in page
    token = csrf(client, "/account")
    unticked = client.post("/account/delete", data={"csrf_token": token, "password": PASSWORD})
    assert unticked.status_code == 400 and "tick the box" in unticked.text
    wrong = client.post(
        "/account/delete", data={"csrf_token": token, "password": "nope", "confirm": "yes"}
    )
    assert wrong.status_code == 400 and "Password: not your password" in wrong.text
    forged = client.post("/account/delete", data={"password": PASSWORD, "confirm": "yes"})
    assert forged.status_code == 403
    assert stored_counts(client) == (1, 1, 1)
    done = client.post(
        "/account/delete",
        data={"csrf_token": token, "password": PASSWORD, "confirm": "yes"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert stored_counts(client) == (0, 0, 0)
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(Lifter)) == 0
    assert client.get("/upload", follow_redirects=False).headers["location"] == "/login"


def test_joining_asks_about_earlier_sets_and_the_lifter_can_leave(
    client: TestClient,
    demo_csv: bytes,  # noqa: F811
) -> None:
    sign_up(client, "picky.coach@example.org", role="coach")
    code = re.search(r'id="join-code">([^<]+)<', client.get("/team").text)
    assert code
    client.cookies.clear()
    sign_up(client, "private@example.org")
    headers = api_token(client, "private@example.org")
    last_week = (dt.date.today() - dt.timedelta(days=7)).isoformat()
    old = _upload(client, demo_csv, load="100 kg", date=last_week)
    assert wait_done(client, old, headers)["status"] == "done"
    form = client.get("/team").text
    assert 'name="earlier" value="yes"' in form and 'name="earlier" value="no"' in form
    token = csrf(client, "/team")
    unanswered = client.post("/team/join", data={"code": code.group(1), "csrf_token": token})
    assert unanswered.status_code == 400 and "Earlier sets: choose" in unanswered.text
    join_team(client, code.group(1), earlier="no")
    team_page = client.get("/team").text
    assert "You are on <b>picky.coach&#39;s team</b>" in team_page
    assert "only the sets you upload from then on" in team_page
    assert "picky.coach&#39;s team" in client.get("/account").text
    new = _upload(client, demo_csv, load="140 kg")
    assert wait_done(client, new, headers)["status"] == "done"
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        athlete_id = session.scalar(select(User.id).where(User.email == "private@example.org"))
    log_in(client, "picky.coach@example.org")
    coach = api_token(client, "picky.coach@example.org")
    assert client.get(f"/api/analyses/{old}", headers=coach).status_code == 404
    assert client.get(f"/analyses/{old}").status_code == 404
    assert client.get(f"/api/analyses/{new}", headers=coach).status_code == 200
    athlete_page = client.get(f"/team/athletes/{athlete_id}").text
    assert f"/analyses/{new}" in athlete_page and f"/analyses/{old}" not in athlete_page
    assert "100 kg" not in athlete_page  # no earlier load, not even inside a load jump
    log_in(client, "private@example.org")
    with session_scope(client.app.state.engine) as session:  # type: ignore[attr-defined]
        team_id = session.scalar(select(Membership.team_id))
    left = client.post(
        "/team/leave",
        data={"team_id": str(team_id), "csrf_token": csrf(client, "/team")},
        follow_redirects=False,
    )
    assert left.status_code == 303 and "You are on" not in client.get("/team").text
    log_in(client, "picky.coach@example.org")
    assert client.get(f"/api/analyses/{new}", headers=coach).status_code == 404
    assert client.get(f"/team/athletes/{athlete_id}").status_code == 404


def test_the_coach_reads_why_a_row_is_highlighted_and_what_needs_attention_first(
    client: TestClient,
) -> None:
    made = lopsided_athlete_of_a_coach(client, "why.coach@example.org", "uneven@example.org")
    assert made["status"] == "done"
    log_in(client, "why.coach@example.org")
    dashboard = client.get("/team").text
    row = re.search(r'<tr class="attention">(.*?)</tr>', dashboard, re.DOTALL)
    assert row and "Why highlighted" in dashboard
    why = re.search(r'<td class="why"[^>]*>(.*?)</td>', row.group(1), re.DOTALL)
    assert why and "warning sign:" in why.group(1) and "large asymmetry" in why.group(1)
    assert "leg shook more" in why.group(1)
    athlete = re.search(r"/team/athletes/(\d+)", dashboard)
    assert athlete
    page = client.get(f"/team/athletes/{athlete.group(1)}").text
    needs = page.index("What needs your attention")
    assert needs < page.index("<h2>barbell hip thrust</h2>")  # first, before the history
    assert "Asymmetry trend: right leg, " in re.sub(r"\s+", " ", page)


def test_after_an_upload_error_the_form_keeps_every_answer(client: TestClient) -> None:
    from thrustlab.explanation.questions import QUESTIONS

    sign_up(client, "retry@example.org")
    answers = {
        q.key: (q.choices[-1] if q.choices else "yes" if q.kind == "yes_no" else "3" if
                q.kind in ("number", "whole") else "100 kg" if q.kind == "load" else "hip")
        for q in QUESTIONS
    }  # fmt: skip
    answers["rpe"] = "8"
    form = {"csrf_token": csrf(client, "/upload"), **answers}
    extra = {"exercise": "single_leg_hip_thrust", "date": "2026-11-20", "notes": "kept note"}
    bad = client.post("/upload", data=form | extra, files={"file": ("set.csv", b"nonsense")})
    assert bad.status_code in (400, 415), bad.text
    for q in QUESTIONS:
        value = answers[q.key]
        if q.choices or q.kind == "yes_no":
            kept = re.search(
                rf'<select name="{q.key}">.*?<option value="{value}" selected>', bad.text, re.S
            )
            assert kept, f"{q.key} kept"
        else:
            assert re.search(rf'name="{q.key}"[^>]*value="{re.escape(value)}"', bad.text, re.S)
    assert '<option value="single_leg_hip_thrust" selected>' in bad.text
    assert 'value="2026-11-20"' in bad.text and "kept note</textarea>" in bad.text
    assert "choose the recording again" in bad.text
