"""The lifter's own pages: edit or delete a set, download their data or a report, their
team, delete the account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from thrustlab.explanation.questions import QUESTIONS
from thrustlab.web.deps import (
    PageUser,
    ReadDB,
    answers_from_form,
    check_csrf,
    engine_of,
    read_engine_of,
    visible_job,
)
from thrustlab.web.errors import WebError
from thrustlab.web.mine import (
    delete_account,
    delete_job,
    edit_set,
    export_text,
    form_fields,
    own_job,
)
from thrustlab.web.models import User
from thrustlab.web.pages import FORM_GROUPS, notes_of, render

router = APIRouter(include_in_schema=False)
Csrf = Annotated[str, Form(alias="csrf_token", max_length=100)]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _attachment(body: str, name: str, media_type: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/analyses/{job_id}/edit")
def edit_page(request: Request, job_id: str, user: PageUser, session: ReadDB) -> HTMLResponse:
    job = own_job(session, user, job_id)
    form = form_fields(job.set_info.get("answers") or {})
    notes = str(job.set_info.get("notes") or "")
    return _edit_form(request, user, job, form=form, notes=notes)


def _edit_form(
    request: Request, user: User, job: Any, /, *, status: int = 200, **context: Any
) -> HTMLResponse:
    return render(
        request, "edit.html", user=user, job=job, groups=FORM_GROUPS, status=status, **context
    )


@router.post("/analyses/{job_id}/edit")
async def edit(request: Request, job_id: str, user: PageUser) -> Response:
    async with request.form(max_files=0, max_fields=40) as form:
        check_csrf(request, _text(form.get("csrf_token")))
        fields = {q.key: _text(form.get(q.key)) for q in QUESTIONS}
        notes = notes_of(form.get("notes"))
    try:
        answers = answers_from_form(fields)
        await run_in_threadpool(edit_set, engine_of(request), user, job_id, answers, notes)
    except WebError as error:
        from thrustlab.log import session_scope

        with session_scope(read_engine_of(request)) as session:
            job = own_job(session, user, job_id)
            return _edit_form(
                request, user, job, form=fields, notes=notes, error=str(error),
                status=error.status_code,
            )  # fmt: skip
    return _redirect(f"/analyses/{job_id}?edited=1")


@router.post("/analyses/{job_id}/delete")
def delete(request: Request, job_id: str, user: PageUser, csrf_token_: Csrf = "") -> Response:
    check_csrf(request, csrf_token_)
    delete_job(engine_of(request), user, job_id)
    return _redirect("/history?deleted=1")


@router.get("/analyses/{job_id}/report.html")
def report_download(job_id: str, user: PageUser, session: ReadDB) -> Response:
    job = visible_job(session, user, job_id)
    if job.report_html is None:
        raise WebError("the report is not ready yet; wait until the analysis is done")
    name = f"thrustlab-{job.set_info['date']}-{job.set_info['exercise']}.html"
    return _attachment(job.report_html, name, "text/html")


@router.get("/account")
def account_page(request: Request, user: PageUser, session: ReadDB) -> HTMLResponse:
    from thrustlab.web.accounts import memberships_of

    return render(request, "account.html", user=user, teams=memberships_of(session, user))


@router.get("/account/export.json")
def export_json(user: PageUser, session: ReadDB) -> Response:
    text = export_text(session, user, csv=False)
    return _attachment(text, "thrustlab-log.json", "application/json")


@router.get("/account/export.csv")
def export_csv(user: PageUser, session: ReadDB) -> Response:
    text = export_text(session, user, csv=True)
    return _attachment(text, "thrustlab-log.csv", "text/csv")


@router.post("/account/delete")
def account_delete(
    request: Request,
    user: PageUser,
    password: Annotated[str, Form(max_length=1000)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
    csrf_token_: Csrf = "",
) -> Response:
    check_csrf(request, csrf_token_)
    try:
        if confirm != "yes":
            raise WebError("Delete my account: tick the box to confirm")
        delete_account(engine_of(request), user, password)
    except WebError as error:
        from thrustlab.log import session_scope
        from thrustlab.web.accounts import memberships_of

        with session_scope(read_engine_of(request)) as session:
            teams = memberships_of(session, user)
            return render(
                request, "account.html", user=user, teams=teams, error=str(error), status=400
            )
    request.session.clear()
    return _redirect("/signup?deleted=1")


def _text(value: Any) -> str:
    return value.strip()[:200] if isinstance(value, str) else ""
