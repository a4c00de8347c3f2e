"""A lifter's own data: edit a set's answers and notes (explained again), delete a set,
download everything (JSON, CSV) or one report, delete the account."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session

from thrustlab.explanation.answers import Answers, answers_to_json
from thrustlab.explanation.questions import QUESTIONS, shown_weight
from thrustlab.log import (
    NewSet,
    analysis_record,
    delete_lifter,
    delete_set,
    get_set,
    history_for,
    session_scope,
    update_set,
)
from thrustlab.log.recordings import log_answers
from thrustlab.web.errors import WebError
from thrustlab.web.models import Job, User

NOTES_MAX_CHARS = 2000


def form_fields(stored: Mapping[str, Any], /) -> dict[str, str]:
    """A job's stored answers (``answers_to_json``) as the upload form's field texts."""
    fields: dict[str, str] = {}
    for q in QUESTIONS:
        value = stored.get(q.answer_field)
        if value is None:
            continue
        if q.answer_field == "load_kg":
            fields[q.key] = shown_weight(float(value), stored.get("weight_unit"))
        elif isinstance(value, bool):
            fields[q.key] = "yes" if value else "no"
        else:
            fields[q.key] = f"{value:g}" if isinstance(value, float) else str(value)
    return fields


def own_job(session: Session, user: User, job_id: str, /) -> Job:
    """The user's own job (a coach may look, never change): otherwise ``WebError`` 404."""
    well_formed = len(job_id) <= 32 and job_id.isascii() and job_id.isalnum()
    job = session.get(Job, job_id) if well_formed else None
    if job is None or job.user_id != user.id:
        raise _NotYours("no analysis of yours with this id")
    return job


class _NotYours(WebError):
    status_code = 404


def edit_set(engine: Engine, user: User, job_id: str, answers: Answers, notes: str, /) -> None:
    """Store new answers and notes for a finished set and explain it again with them: the
    measured findings stay, the assessment, verdict and report are made anew (with the
    history before the set's day, as when it was analysed)."""
    from thrustlab.document import from_document
    from thrustlab.pipeline import reexplain
    from thrustlab.report.html import render_report

    with session_scope(engine) as session:
        job = own_job(session, user, job_id)
        if job.status != "done" or job.set_id is None:
            raise WebError("only a finished analysis can be edited; wait until it is done")
        row = get_set(session, job.set_id)
        day = row.session.date
        history = history_for(session, user.lifter_name, before=day)
        stored = None if row.analysis is None else from_document(row.analysis.findings_json)
        new = NewSet(
            exercise=row.exercise,
            date=day,
            load_kg=answers.load_kg,
            reps=answers.reps,
            rpe=answers.rpe,
            rir=answers.rir,
            notes=notes,
            answers=log_answers(answers),
        )
        record = None
        if stored is not None:
            analysis = reexplain(stored, answers=answers, history=history, today=day)
            record = analysis_record(analysis)
            job.verdict = record.verdict
            job.report_html = render_report(
                analysis, history=history, weight_unit=answers.weight_unit
            )
        update_set(session, job.set_id, new, lifter=user.lifter_name, analysis=record)
        job.set_info = {**job.set_info, "answers": answers_to_json(answers), "notes": notes}


def delete_job(engine: Engine, user: User, job_id: str, /) -> None:
    """Delete one of the user's uploads with the set, analysis and recordings it stored."""
    with session_scope(engine) as session:
        job = own_job(session, user, job_id)
        if job.status in ("queued", "running"):
            raise WebError("the set is still being analysed; delete it when it is done")
        if job.set_id is not None:
            delete_set(session, job.set_id)
        session.delete(job)


def export_text(session: Session, user: User, /, *, csv: bool) -> str:
    """Everything the log holds of the user, as ``thrustlab log export`` writes it (and
    ``thrustlab log import`` reads it back)."""
    from thrustlab.log.export import export_records, write_csv, write_json

    stream = io.StringIO()
    records = export_records(session, lifter=user.lifter_name)
    (write_csv if csv else write_json)(records, stream)
    return stream.getvalue()


def delete_account(engine: Engine, user: User, password: str, /) -> None:
    """Delete the user (when ``password`` is theirs), their sets in the log, uploads,
    sessions, tokens, team memberships and (for a coach) their team."""
    from thrustlab.web.accounts import authenticate

    with session_scope(engine) as session:
        try:
            authenticate(session, email=user.email, password=password)
        except WebError:
            raise WebError("Password: not your password; the account was not deleted") from None
        delete_lifter(session, user.lifter_name)
        session.execute(delete(Job).where(Job.user_id == user.id))
        session.execute(delete(User).where(User.id == user.id))
