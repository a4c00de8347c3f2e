"""The JSON API: it mirrors the CLI (analyse a set, read it back, the history)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field

from thrustlab.explanation.answers import answers_from_mapping
from thrustlab.web.accounts import authenticate, issue_token
from thrustlab.web.deps import (
    DB,
    ApiUser,
    ReadDB,
    accept_files,
    client_address,
    engine_of,
    limiter_of,
    pool_of,
    scratch_of,
    set_info,
    settings_of,
    visible_job,
)
from thrustlab.web.jobs import new_job
from thrustlab.web.models import Job
from thrustlab.web.views import analysis_of, jobs_of, trends_of

router = APIRouter(prefix="/api", tags=["api"])


class Problem(BaseModel):
    detail: str


class TokenRequest(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=1000)


class TokenOut(BaseModel):
    token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in_s: int
    """Seconds the token works for; then sign in again."""


class AnalysisOut(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    error: str
    files: list[str]
    verdict: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    report_url: str | None
    progress_stage: str | None = Field(
        None, description='While running: what the analysis is doing ("analysing the video")'
    )
    progress_pct: int | None = Field(
        None, description="While running: how far that stage got, 0-100 (none for sensor files)"
    )
    analysis: dict[str, Any] | None = Field(
        None, description="The thrustlab.analysis/2 document, once done"
    )


class AnalysisList(BaseModel):
    analyses: list[AnalysisOut]


class TrendRowOut(BaseModel):
    date: dt.date
    sets: int
    load_kg: float | None
    reps: int | None
    tremor_rms_mps2: float | None
    concentric_slowdown_pct: float | None
    verdict: str | None


class LiftOut(BaseModel):
    exercise: str
    rows: list[TrendRowOut]


class HistoryOut(BaseModel):
    lifts: list[LiftOut]


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not signed in"},
    422: {"model": Problem, "description": "A value is missing or malformed"},
}


def _out(job: Job, analysis: dict[str, Any] | None = None) -> AnalysisOut:
    return AnalysisOut(
        id=job.id,
        status=job.status,  # type: ignore[arg-type]  # checked by the table's constraint
        error=job.error,
        files=list(job.file_names),
        verdict=job.verdict,
        created_at=job.created_at,
        updated_at=job.updated_at,
        report_url=f"/analyses/{job.id}/report" if job.status == "done" else None,
        progress_stage=job.progress_stage if job.status == "running" else None,
        progress_pct=job.progress_pct if job.status == "running" else None,
        analysis=analysis,
    )


@router.post(
    "/tokens",
    response_model=TokenOut,
    responses={401: {"model": Problem}, 422: {"model": Problem}, 429: {"model": Problem}},
    summary="Sign in: trade an email and password for an API token",
)
def create_token(request: Request, body: TokenRequest, session: DB) -> TokenOut:
    if not limiter_of(request).allow(client_address(request)):
        raise HTTPException(429, "too many sign-in attempts; wait a minute")
    user = authenticate(session, email=body.email, password=body.password)
    max_age_s = settings_of(request).api_token_max_age_s
    return TokenOut(token=issue_token(session, user), expires_in_s=max_age_s)


@router.post(
    "/analyses",
    status_code=202,
    response_model=AnalysisOut,
    responses={
        **ERRORS,
        400: {"model": Problem},
        413: {"model": Problem},
        415: {"model": Problem},
    },
    summary="Upload a set (one recording, or left and right) and queue its analysis",
)
def create_analysis(
    request: Request,
    user: ApiUser,
    file: Annotated[UploadFile | None, File(description="One recording of the set")] = None,
    left: Annotated[UploadFile | None, File(description="The left thigh's recording")] = None,
    right: Annotated[UploadFile | None, File(description="The right thigh's recording")] = None,
    exercise: Annotated[str, Form(max_length=40)] = "barbell_hip_thrust",
    date: Annotated[dt.date | None, Form()] = None,
    answers: Annotated[
        str | None,
        Form(max_length=5000, description='Answers as a JSON object, e.g. {"load": "100 kg"}'),
    ] = None,
) -> AnalysisOut:
    settings = settings_of(request)
    info = set_info(exercise, date, answers_from_mapping(_answers_field(answers)))
    uploads = accept_files(file, left, right, settings, scratch_of(request))
    job_id = new_job(engine_of(request), user, uploads, info)
    pool = pool_of(request)
    if pool is not None:
        pool.wake()
    with_job = _job_now(request, job_id)
    return _out(with_job)


ANSWERS_SHAPE = 'answers must be a JSON object of questions and answers, e.g. {"load": "100 kg"}'


def _answers_field(text: str | None, /) -> dict[str, str | int | float | bool | None]:
    """The ``answers`` form field: a flat JSON object (a 400 naming the field otherwise)."""
    try:
        given = json.loads(text) if text else {}
    except RecursionError:  # brackets nested thousands deep: not an answer sheet
        raise HTTPException(400, f"{ANSWERS_SHAPE}; this one is nested too deep") from None
    except ValueError as error:
        raise HTTPException(400, f"{ANSWERS_SHAPE}; this one is not JSON ({error})") from None
    if not isinstance(given, dict):
        raise HTTPException(400, f"{ANSWERS_SHAPE}; this one is not an object")
    for key, value in given.items():
        if isinstance(value, (dict, list)):
            problem = "must be a text or a number, not a list or object"
            raise HTTPException(400, f"answers: {key!r} {problem}")
    return given


def _job_now(request: Request, job_id: str) -> Job:
    from thrustlab.log import session_scope
    from thrustlab.web.deps import read_engine_of

    with session_scope(read_engine_of(request)) as session:
        job = session.get(Job, job_id)
        assert job is not None
        return job


@router.get(
    "/analyses",
    response_model=AnalysisList,
    responses=ERRORS,
    summary="Your analyses, newest first",
)
def list_analyses(user: ApiUser, session: ReadDB) -> AnalysisList:
    return AnalysisList(analyses=[_out(job) for job in jobs_of(session, user)])


@router.get(
    "/analyses/{analysis_id}",
    response_model=AnalysisOut,
    responses={**ERRORS, 404: {"model": Problem}},
    summary="One analysis: its status, and the analysis document once done",
)
def get_analysis(analysis_id: str, user: ApiUser, session: ReadDB) -> AnalysisOut:
    job = visible_job(session, user, analysis_id)
    return _out(job, analysis_of(session, job))


@router.get(
    "/history",
    response_model=HistoryOut,
    responses=ERRORS,
    summary="Per lift, one row per session: load, tremor, slowdown, verdict",
)
def get_history(user: ApiUser, session: ReadDB) -> HistoryOut:
    lifts = [
        LiftOut(
            exercise=t.exercise,
            rows=[TrendRowOut.model_validate(r, from_attributes=True) for r in t.rows],
        )
        for t in trends_of(session, user)
    ]
    return HistoryOut(lifts=lifts)
