"""The server-rendered pages: sign up, log in, upload, job progress, report, history, team."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from thrustlab.explanation.questions import GROUPS, QUESTIONS, WeightUnit
from thrustlab.log import EXERCISES, lifter_weight_unit, session_scope
from thrustlab.web.accounts import (
    athletes_of,
    authenticate,
    create_user,
    end_session,
    join_team,
    leave_team,
    memberships_of,
    start_session,
    team_of,
    visible_since,
)
from thrustlab.web.deps import (
    DB,
    SESSION_KEY,
    USER_KEY,
    PageUser,
    ReadDB,
    accept_files,
    answers_from_form,
    check_csrf,
    client_address,
    csrf_token,
    engine_of,
    join_limiter_of,
    limiter_of,
    pool_of,
    read_engine_of,
    scratch_of,
    set_info,
    settings_of,
    visible_job,
)
from thrustlab.web.errors import WebError
from thrustlab.web.jobs import new_job
from thrustlab.web.mine import NOTES_MAX_CHARS
from thrustlab.web.models import User
from thrustlab.web.uploads import accept_list
from thrustlab.web.views import (
    athlete_flags,
    history_svgs,
    jobs_of,
    shown_verdict,
    trends_of,
    verdicts_of,
)

router = APIRouter(include_in_schema=False)
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
"""The report runs only its own two scripts (the chart library and its charts), by hash."""


@cache
def report_csp() -> str:
    from thrustlab.report.charts import script_hashes

    return f"{REPORT_CSP}; script-src {' '.join(script_hashes())}"


Text = Annotated[str, Form(max_length=200)]
OptText = Annotated[str, Form(max_length=200)]
Csrf = Annotated[str, Form(max_length=100)]
MAX_ROW_ID = 2**63 - 1
"""The largest id a database row can have (SQLite's and PostgreSQL's 64-bit integers)."""
TOO_MANY_TRIES = "too many attempts from here; wait a minute and try again"
NOW = dt.datetime.max
"""``since`` for someone who may see nothing (never reached: such a row is not listed)."""


def render(
    request: Request, name: str, /, *, user: User | None = None, status: int = 200, **context: Any
) -> HTMLResponse:
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request,
        name,
        {"user": user, "csrf": csrf_token(request), "exercises": EXERCISES, **context},
        status_code=status,
    )
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/")
def home(request: Request) -> RedirectResponse:
    return _redirect("/upload" if request.session.get(USER_KEY) else "/login")


@router.get("/signup")
def signup_page(request: Request) -> HTMLResponse:
    return render(request, "signup.html")


@router.post("/signup")
def signup(
    request: Request,
    session: DB,
    email: Text,
    password: Annotated[str, Form(max_length=1000)],
    csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
    role: Annotated[str, Form(max_length=10)] = "lifter",
    display_name: OptText = "",
) -> Response:
    check_csrf(request, csrf_token_)
    # sign-ups count apart from logins, so neither can be used to probe for many emails
    if not limiter_of(request).allow(f"signup:{client_address(request)}"):
        return render(request, "signup.html", error=TOO_MANY_TRIES, email=email, status=429)
    try:
        user = create_user(
            session, email=email, password=password, role=role, display_name=display_name
        )
    except WebError as error:
        session.rollback()
        return render(request, "signup.html", error=str(error), email=email, status=400)
    _sign_in(request, session, user)
    return _redirect("/team" if user.role == "coach" else "/upload")


def _sign_in(request: Request, session: Session, user: User) -> None:
    request.session.clear()  # a new session (and CSRF token) on every sign-in
    max_age_s = settings_of(request).session_max_age_s
    request.session[SESSION_KEY] = start_session(session, user, max_age_s=max_age_s)
    request.session[USER_KEY] = user.id


@router.get("/login")
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html")


@router.post("/login")
def login(
    request: Request,
    session: DB,
    email: Text,
    password: Annotated[str, Form(max_length=1000)],
    csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    if not limiter_of(request).allow(client_address(request)):
        message = "too many sign-in attempts; wait a minute and try again"
        return render(request, "login.html", error=message, email=email, status=429)
    try:
        user = authenticate(session, email=email, password=password)
    except WebError as error:
        return render(request, "login.html", error=str(error), email=email, status=401)
    _sign_in(request, session, user)
    return _redirect("/team" if user.role == "coach" else "/upload")


@router.post("/logout")
def logout(
    request: Request,
    session: DB,
    csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
) -> RedirectResponse:
    check_csrf(request, csrf_token_)
    session_id = request.session.get(SESSION_KEY)
    if isinstance(session_id, str):
        end_session(session, session_id)  # a copy of the cookie opens nothing any more
    request.session.clear()
    return _redirect("/login")


@router.get("/upload")
def upload_page(request: Request, user: PageUser, session: ReadDB) -> HTMLResponse:
    unit = lifter_weight_unit(session, user.lifter_name)  # remembered from their last sets
    form = {"weight_unit": unit} if unit else None
    return _upload_form(request, user, today=dt.date.today().isoformat(), form=form)


def _upload_form(
    request: Request, user: User, /, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """The upload form, its answer fields generated from the questions table, its file
    inputs' ``accept`` lists from the suffixes the uploads take."""
    return render(
        request,
        "upload.html",
        user=user,
        groups=FORM_GROUPS,
        status=status,
        accept_any=accept_list(videos=True),
        accept_sensor=accept_list(videos=False),
        **context,
    )


FORM_GROUPS = tuple(
    (heading, tuple(q for q in QUESTIONS if q.group == group)) for group, heading in GROUPS
)
"""The form's answer fields: per group, its heading and questions."""


@router.post("/upload")
async def upload(request: Request, user: PageUser) -> Response:
    async with request.form(max_files=3, max_fields=40) as form:
        return await _upload(request, user, form)


async def _upload(request: Request, user: User, form: Any) -> Response:
    check_csrf(request, _text(form.get("csrf_token")))
    fields = {q.key: _text(form.get(q.key)) for q in QUESTIONS}
    if not fields["weight_unit"]:  # a load without a unit is in the lifter's remembered one
        from starlette.concurrency import run_in_threadpool

        unit = await run_in_threadpool(_remembered_unit, read_engine_of(request), user.lifter_name)
        fields["weight_unit"] = unit or ""
    files = {k: v if isinstance(v, UploadFile) else None for k in ("file", "left", "right")
             for v in [form.get(k)]}  # fmt: skip
    exercise = _text(form.get("exercise")) or "barbell_hip_thrust"
    date_text = _text(form.get("date"))
    notes = notes_of(form.get("notes"))
    from starlette.concurrency import run_in_threadpool

    try:
        day = _day(date_text)
        info = set_info(exercise, day, answers_from_form(fields), notes=notes)
        uploads = await run_in_threadpool(
            accept_files,
            files["file"],
            files["left"],
            files["right"],
            settings_of(request),
            scratch_of(request),
        )
    except (WebError, ValueError) as error:
        status = getattr(error, "status_code", 400)
        return _upload_form(
            request, user, error=str(error), form=fields, exercise=exercise, notes=notes,
            today=date_text or dt.date.today().isoformat(), status=status, kept=True,
        )  # fmt: skip
    job_id = await run_in_threadpool(new_job, engine_of(request), user, uploads, info)
    pool = pool_of(request)
    if pool is not None:
        pool.wake()
    return _redirect(f"/analyses/{job_id}")


def _remembered_unit(engine: Engine, lifter: str, /) -> str | None:
    with session_scope(engine) as session:
        return lifter_weight_unit(session, lifter)


def _day(text: str, /) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        raise WebError(f"Date must look like 2026-11-29, not {text!r}") from None


def notes_of(value: Any, /) -> str:
    """The notes field's text (at most ``NOTES_MAX_CHARS``)."""
    return value.strip()[:NOTES_MAX_CHARS] if isinstance(value, str) else ""


def _text(value: Any) -> str:
    return value.strip()[:200] if isinstance(value, str) else ""


@router.get("/analyses/{job_id}")
def analysis_page(request: Request, job_id: str, user: PageUser, session: ReadDB) -> HTMLResponse:
    job = visible_job(session, user, job_id)
    owner = session.get(User, job.user_id)
    edited = request.query_params.get("edited") == "1"
    return render(
        request, "analysis.html", user=user, job=job, owner=owner,
        shown=shown_verdict(session, job), edited=edited,
    )  # fmt: skip


@router.get("/analyses/{job_id}/report")
def report(job_id: str, user: PageUser, session: ReadDB) -> HTMLResponse:
    job = visible_job(session, user, job_id)
    if job.report_html is None:
        raise HTTPException(404, "the report is not ready yet")
    return HTMLResponse(job.report_html, headers={"Content-Security-Policy": report_csp()})


@router.get("/history")
def history(request: Request, user: PageUser, session: ReadDB) -> HTMLResponse:
    return _history(request, session, viewer=user, lifter=user)


def _history(
    request: Request,
    session: Session,
    *,
    viewer: User,
    lifter: User,
    since: dt.datetime = dt.datetime.min,
) -> HTMLResponse:
    """A lifter's history; for their coach, first what needs attention (``since``: the coach
    sees only what was uploaded from then on)."""
    trends = trends_of(session, lifter, since=since)
    flags = None if viewer.id == lifter.id else athlete_flags(session, lifter, since=since)
    unit: WeightUnit = lifter_weight_unit(session, lifter.lifter_name) or "kg"
    jobs = jobs_of(session, lifter, since=since)
    return render(
        request,
        "history.html",
        user=viewer,
        lifter=lifter,
        trends=trends,
        flags=flags,
        since=None if since == dt.datetime.min else since.date(),
        deleted=request.query_params.get("deleted") == "1",
        plots=history_svgs(trends, weight_unit=unit),
        jobs=jobs,
        verdicts=verdicts_of(session, jobs),
        unit=unit,
    )


@router.get("/team")
def team_page(request: Request, user: PageUser, session: DB) -> HTMLResponse:
    if user.role == "coach":
        team = team_of(session, user)
        flags = [
            athlete_flags(session, athlete, since=visible_since(session, user, athlete.id) or NOW)
            for athlete in athletes_of(session, user)
        ]
        flags.sort(key=lambda f: (not f.needs_attention, f.user.display_name))
        return render(request, "coach.html", user=user, team=team, flags=flags)
    return render(request, "join.html", user=user, teams=memberships_of(session, user))


@router.post("/team/join")
def team_join(
    request: Request,
    user: PageUser,
    session: DB,
    code: Text,
    csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
    earlier: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    limiter = join_limiter_of(request)
    teams = memberships_of(session, user)
    # per user and per address: neither many accounts nor many addresses multiply the guesses
    if not (limiter.allow(f"user:{user.id}") and limiter.allow(client_address(request))):
        return render(
            request, "join.html", user=user, teams=teams, error=TOO_MANY_TRIES, status=429
        )
    try:
        if earlier not in ("yes", "no"):
            raise WebError("Earlier sets: choose whether your coach may see them")
        team = join_team(session, user, code, shares_earlier=earlier == "yes")
    except WebError as error:
        message = str(error)
        return render(request, "join.html", user=user, teams=teams, error=message, status=400)
    session.flush()
    teams = memberships_of(session, user)
    return render(request, "join.html", user=user, teams=teams, joined=team.name)


@router.post("/team/leave")
def team_leave(
    request: Request,
    user: PageUser,
    session: DB,
    team_id: Annotated[int, Form(ge=1, le=MAX_ROW_ID)],
    csrf_token_: Annotated[str, Form(alias="csrf_token", max_length=100)] = "",
) -> Response:
    check_csrf(request, csrf_token_)
    leave_team(session, user, team_id)
    return _redirect("/team")


@router.get("/team/athletes/{athlete_id}")
def athlete_page(
    request: Request, athlete_id: int, user: PageUser, session: ReadDB
) -> HTMLResponse:
    athlete = session.get(User, athlete_id) if 0 < athlete_id <= MAX_ROW_ID else None
    since = None if athlete is None else visible_since(session, user, athlete_id)
    if athlete is None or user.id == athlete_id or since is None:
        raise HTTPException(404, "no athlete with this id on your team")
    return _history(request, session, viewer=user, lifter=athlete, since=since)
