"""What routes share: the engine, the signed-in user, CSRF tokens, accepting uploads."""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from thrustlab.errors import ThrustlabError, worded
from thrustlab.explanation.answers import Answers, answers_from_mapping
from thrustlab.explanation.questions import QUESTIONS, AnswersError, question
from thrustlab.log import EXERCISES, session_scope
from thrustlab.web.accounts import RateLimiter, can_see, user_for_token
from thrustlab.web.errors import UploadError, WebError
from thrustlab.web.jobs import SetInfo, WorkerPool
from thrustlab.web.models import Job, User
from thrustlab.web.settings import WebSettings
from thrustlab.web.uploads import Upload, check_upload, max_bytes, safe_name

CSRF_KEY = "csrf"
USER_KEY = "uid"
SESSION_KEY = "sid"
SESSION_USER = "user"
"""Where ``app.SessionGuard`` leaves the user of a live session in the request's state."""
TOKEN_USER = "token_user"
"""Where ``app.UploadsNeedSignIn`` leaves the user of an upload's API token in the
request's state (``api_user`` takes it instead of looking the token up again)."""


class NeedLogin(Exception):
    """A page needs a signed-in user: the app answers with a redirect to the login page."""


def settings_of(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def engine_of(request: Request) -> Engine:
    engine: Engine | None = getattr(request.app.state, "engine", None)
    if engine is None:
        raise RuntimeError("the app is not started (run it inside its lifespan)")
    return engine


def read_engine_of(request: Request) -> Engine:
    engine: Engine | None = getattr(request.app.state, "read_engine", None)
    return engine if engine is not None else engine_of(request)


def pool_of(request: Request) -> WorkerPool | None:
    pool: WorkerPool | None = getattr(request.app.state, "pool", None)
    return pool


def scratch_of(request: Request) -> Path | None:
    """The server's scratch folder (``None`` outside its lifespan)."""
    folder: Path | None = getattr(request.app.state, "scratch", None)
    return folder


def limiter_of(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.login_limiter
    return limiter


def join_limiter_of(request: Request) -> RateLimiter:
    limiter: RateLimiter = request.app.state.join_limiter
    return limiter


def client_address(request: Request) -> str:
    """The client's address, for rate limits. ``X-Forwarded-For`` counts only when the
    connection comes from a proxy named in ``trusted_proxies``; then the client is the
    right-most address in it that is not one of those proxies."""
    peer = request.client.host if request.client else "?"
    trusted = settings_of(request).trusted_proxies
    if not trusted or not _is_in(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))  # the proxy's comes last
    hops = [hop.strip() for hop in forwarded.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _is_in(hop, trusted):
            return hop
    return peer


def _is_in(address: str, networks: tuple[str, ...], /) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in networks)


def db(request: Request) -> Iterator[Session]:
    with session_scope(engine_of(request)) as session:
        yield session


def read_db(request: Request) -> Iterator[Session]:
    """A session for reading only (it never takes SQLite's write lock)."""
    with session_scope(read_engine_of(request)) as session:
        yield session


# "function": the transaction commits before the response leaves. With FastAPI's default
# ("request") it committed after, so a browser following a redirect (sign-up -> upload)
# could arrive before the new row existed and be sent back to the login page.
DB = Annotated[Session, Depends(db, scope="function")]
ReadDB = Annotated[Session, Depends(read_db, scope="function")]


def csrf_token(request: Request) -> str:
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def check_csrf(request: Request, sent: str | None) -> None:
    """403 unless the form's ``csrf_token`` field is this session's token (compared as bytes:
    ``compare_digest`` refuses non-ASCII text)."""
    expected = request.session.get(CSRF_KEY)
    if (
        not isinstance(expected, str)
        or not sent
        or not secrets.compare_digest(expected.encode(), sent.encode("utf-8", "surrogatepass"))
    ):
        raise HTTPException(
            403, "csrf_token: the form expired or came from another site; reload the page"
        )


def page_user(request: Request) -> User:
    """The signed-in user: the one ``app.SessionGuard`` found the session's to be."""
    user: User | None = getattr(request.state, SESSION_USER, None)
    if user is None:
        raise NeedLogin()
    return user


PageUser = Annotated[User, Depends(page_user)]
bearer_scheme = HTTPBearer(auto_error=False, description="A token from POST /api/tokens")


API_SIGN_IN = (
    "sign in: POST /api/tokens, then send Authorization: Bearer <token> "
    "(a token expires: sign in again for a new one)"
)


def api_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> User:
    user: User | None = getattr(request.state, TOKEN_USER, None)
    if user is None and credentials is not None:
        with session_scope(read_engine_of(request)) as session:
            max_age_s = settings_of(request).api_token_max_age_s
            user = user_for_token(session, credentials.credentials, max_age_s=max_age_s)
    if user is None:
        raise HTTPException(401, API_SIGN_IN)
    return user


ApiUser = Annotated[User, Depends(api_user)]


def visible_job(session: Session, viewer: User, job_id: str, /) -> Job:
    """The job if ``viewer`` may see it; otherwise 404, the same as for no such job."""
    well_formed = len(job_id) <= 32 and job_id.isascii() and job_id.isalnum()
    job = session.get(Job, job_id) if well_formed else None
    if job is None or not can_see(session, viewer, job.user_id, made_at=job.created_at):
        raise HTTPException(404, "no analysis with this id")
    return job


def read_upload(file: UploadFile | None, settings: WebSettings) -> Upload | None:
    """The file's bytes (never more than the limit plus one byte read), checked."""
    if file is None or (not file.filename and file.size in (None, 0)):
        return None
    data = file.file.read(max_bytes(safe_name(file.filename), settings) + 1)
    return check_upload(file.filename, data, settings=settings)


def accept_files(
    file: UploadFile | None,
    left: UploadFile | None,
    right: UploadFile | None,
    settings: WebSettings,
    scratch: Path | None = None,
) -> list[Upload]:
    """One recording, or the left and right thigh's; each read once, so a file that is not a
    recording is refused here with the reader's message, before anything is stored. The
    reader looks at copies in a folder under ``scratch`` (the server's scratch folder)."""
    one = read_upload(file, settings)
    pair = [read_upload(left, settings), read_upload(right, settings)]
    if one is not None and any(pair):
        raise UploadError("upload one recording, or left and right, not both")
    if one is None and (pair[0] is None) != (pair[1] is None):
        raise UploadError("upload both legs (left and right), or one recording")
    uploads = [one] if one is not None else [u for u in pair if u is not None]
    if not uploads:
        raise UploadError("choose a recording to upload")
    if len(uploads) == 2 and any(u.is_video for u in uploads):
        raise UploadError("left and right are sensor recordings; upload a video as one file")
    from thrustlab.pipeline import check_source

    with tempfile.TemporaryDirectory(prefix="upload-", dir=scratch) as folder:
        for index, upload in enumerate(uploads):
            path = Path(folder) / f"{index}-{upload.name}"
            path.write_bytes(upload.data)
            try:
                check_source(path)
            except ThrustlabError as error:
                problem = worded(error, "web").split(": ", 1)[-1]
                raise UploadError(f"{upload.name}: {problem}", status_code=415) from None
    return uploads


def set_info(
    exercise: str, date: dt.date | None, answers: Answers, /, *, notes: str = ""
) -> SetInfo:
    """The set's facts beside its checked answers."""
    if exercise not in EXERCISES:
        raise WebError(f"Exercise: use one of: {', '.join(EXERCISES)}")
    return SetInfo(exercise=exercise, date=date or dt.date.today(), answers=answers, notes=notes)


def answers_from_form(fields: Mapping[str, str], /) -> Answers:
    """The upload form's answers (one field per question, blank = not answered); a bad one
    is a ``WebError`` that names the field by its label."""
    try:
        return answers_from_mapping({q.key: fields.get(q.key, "") for q in QUESTIONS})
    except AnswersError as error:
        if not error.key:
            raise
        raise WebError(f"{question(error.key).label} {error.problem}") from None
