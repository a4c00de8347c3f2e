"""``create_app(settings)``: the FastAPI app. Nothing is opened until the app starts: the
lifespan opens the database (migrating the log's and the web's tables), the scratch folder
(removing those of servers that were killed) and the worker pool, and closes them when the
server stops."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.middleware.sessions import SessionMiddleware

from thrustlab.errors import InputError
from thrustlab.log import session_scope
from thrustlab.report import cells
from thrustlab.web.accounts import RateLimiter, user_for_session, user_for_token
from thrustlab.web.deps import (
    API_SIGN_IN,
    SESSION_KEY,
    SESSION_USER,
    TOKEN_USER,
    USER_KEY,
    NeedLogin,
)
from thrustlab.web.jobs import WorkerPool
from thrustlab.web.models import User
from thrustlab.web.settings import WebSettings

PAGE_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https:; style-src 'self' "
    "'unsafe-inline' https:; img-src 'self' data: https:; connect-src 'self'; "
    "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
)
"""The API docs (off unless ``api_docs``) load Swagger UI or ReDoc over HTTPS from a CDN."""
DOCS_PATHS = ("/docs", "/redoc")
UPLOAD_PATHS = ("/upload", "/api/analyses")
"""The routes that take files; every other request body is limited to ``FORM_MAX_BYTES``."""
FORM_MAX_BYTES = 1024 * 1024
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app(settings: WebSettings | None = None, /) -> FastAPI:
    """The web app for ``settings`` (defaults: the log's database, 2 workers)."""
    from thrustlab import __version__
    from thrustlab.web import account, api, live, pages

    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        from thrustlab.web.db import make_read_engine, open_web_db
        from thrustlab.web.scratch import close_scratch, open_scratch

        engine = await run_in_threadpool(open_web_db, settings.database_url)
        app.state.read_engine = make_read_engine(engine)
        root = None if settings.scratch_dir is None else Path(settings.scratch_dir)
        app.state.scratch = scratch = await run_in_threadpool(open_scratch, root)
        pool = (
            WorkerPool(
                engine,
                size=settings.workers,
                processes=settings.processes,
                video_pose=settings.video_pose,
                scratch=scratch,
            )
            if settings.workers
            else None
        )
        app.state.engine, app.state.pool = engine, pool
        if pool is not None:
            pool.start()
        try:
            yield
        finally:
            if pool is not None:
                await run_in_threadpool(pool.stop)
            app.state.read_engine.dispose()
            engine.dispose()
            close_scratch(scratch)

    app = FastAPI(
        title="thrustlab",
        version=__version__,
        summary="Why do my legs shake during hip thrusts? Upload a set, get the report.",
        lifespan=lifespan,
        docs_url=DOCS_PATHS[0] if settings.api_docs else None,
        redoc_url=DOCS_PATHS[1] if settings.api_docs else None,
    )
    app.state.settings = settings
    app.state.login_limiter = RateLimiter(limit=settings.login_attempts_per_minute, window_s=60)
    app.state.join_limiter = RateLimiter(limit=settings.join_attempts_per_minute, window_s=60)
    environment = Environment(
        loader=PackageLoader("thrustlab.web", "templates"), autoescape=select_autoescape()
    )
    environment.globals["cells"] = cells  # a logged set's figures in words, as the CLI says them
    app.state.templates = Jinja2Templates(env=environment)
    app.add_middleware(UploadsNeedSignIn)  # inside SessionGuard: it sees live sessions only
    app.add_middleware(SessionGuard)  # inside SessionMiddleware: it sees the decoded cookie
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="thrustlab_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    largest = max(2 * settings.max_upload_bytes, settings.max_video_bytes) + FORM_MAX_BYTES
    app.add_middleware(BodyLimit, upload_max_bytes=largest, other_max_bytes=FORM_MAX_BYTES)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("thrustlab.web", "static")]), name="static")
    app.include_router(api.router)
    app.include_router(live.router)
    app.include_router(pages.router)
    app.include_router(account.router)
    _add_error_handlers(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NeedLogin)
    async def need_login(_request: Request, _error: NeedLogin) -> Response:
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(InputError)
    async def input_error(request: Request, error: InputError) -> Response:
        status = int(getattr(error, "status_code", 400))
        return _problem(request, status, str(error))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return _problem(request, error.status_code, str(error.detail), error.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0] if error.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        said = PLAIN_VALIDATION.get(first.get("type", ""), first.get("msg", "is not valid"))
        return _problem(request, 422, f"{where} {said}".strip())


PLAIN_VALIDATION = {
    "missing": "is missing",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "date_type": "must be a date like 2024-05-31",
    "date_parsing": "must be a date like 2024-05-31",
    "date_from_datetime_parsing": "must be a date like 2024-05-31",
    "json_invalid": "is not valid JSON",
    "string_too_long": "is too long",
    "string_too_short": "is too short",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
}
"""Pydantic's error types in plain words ("date must be a date like 2024-05-31", not
"Input should be a valid date or datetime, input is too short"); others keep its message."""


def _problem(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    templates = request.app.state.templates
    response: Response = templates.TemplateResponse(
        request, "error.html", {"user": None, "message": message, "status": status},
        status_code=status,
    )  # fmt: skip
    return response


class BodyLimit:
    """Refuse a request body over its limit (``upload_max_bytes`` on ``UPLOAD_PATHS``,
    ``other_max_bytes`` elsewhere) as it streams in: a declared ``Content-Length`` before
    anything is read, a chunked body the moment the bytes read pass the limit. The rest is
    never read, so memory and disk stay bounded by the limit, not by the sender."""

    def __init__(self, app: ASGIApp, *, upload_max_bytes: int, other_max_bytes: int) -> None:
        self.app = app
        self.upload_max_bytes = upload_max_bytes
        self.other_max_bytes = other_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        uploads = scope["path"] in UPLOAD_PATHS
        limit = self.upload_max_bytes if uploads else self.other_max_bytes
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await _too_large(limit, uploads=uploads)(scope, receive, send)
            return
        received, started, refused, answered = 0, False, False, False

        async def receive_within_limit() -> Message:
            nonlocal received, refused, answered
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > limit:
                    refused = True
                    if not started:
                        answered = True
                        await _too_large(limit, uploads=uploads)(scope, receive, send)
            # the app sees a client that went away, and reads no more of the body
            return {"type": "http.disconnect"} if refused else message

        async def send_unless_answered(message: Message) -> None:
            nonlocal started
            if answered:  # the 413 went out; the app's own answer is dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_unless_answered)
        except Exception:
            if not refused:  # the app's error about the cut body is ours to drop
                raise


def _too_large(limit_bytes: int, /, *, uploads: bool) -> Response:
    limit_mb = max(limit_bytes // 1024**2, 1)
    if uploads:
        message = f"the upload is larger than {limit_mb} MB; trim the recording"
    else:
        message = f"the request is larger than {limit_mb} MB; send the form as the page has it"
    return JSONResponse({"detail": message}, status_code=413)


class SessionGuard:
    """Sessions end on the server: a signed cookie whose session was logged out (or expired)
    reaches every route empty, whichever route reads it, so a copy of the cookie made before
    ``POST /logout`` opens nothing after it. A live session's user, loaded here, is the
    request's ``state.user`` (``deps.page_user``): one lookup a request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session = scope.get("session") if scope["type"] in ("http", "websocket") else None
        if session and USER_KEY in session and not scope["path"].startswith("/static/"):
            from starlette.concurrency import run_in_threadpool

            user = await run_in_threadpool(_session_user, scope["app"], session)
            if user is None:
                session.clear()
            else:
                scope.setdefault("state", {})[SESSION_USER] = user
        await self.app(scope, receive, send)


def _session_user(app: FastAPI, session: Mapping[str, Any], /) -> User | None:
    uid, sid = session.get(USER_KEY), session.get(SESSION_KEY)
    engine = getattr(app.state, "read_engine", None)
    if not isinstance(uid, int) or not isinstance(sid, str) or engine is None:
        return None
    with session_scope(engine) as db:
        max_age_s = app.state.settings.session_max_age_s
        return user_for_session(db, sid, uid, max_age_s=max_age_s)


class UploadsNeedSignIn:
    """A file upload from someone not signed in is answered before its body is read (a
    redirect to the sign-in page, or a 401 on the API): only a lifter's own uploads cost the
    server memory and disk, never a stranger's."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and scope["path"] in UPLOAD_PATHS:
            if scope["path"].startswith("/api/"):
                user = await _bearer_user(scope)
                if user is None:
                    await JSONResponse({"detail": API_SIGN_IN}, status_code=401)(
                        scope, receive, send
                    )
                    return
                scope.setdefault("state", {})[TOKEN_USER] = user  # for deps.api_user
            elif USER_KEY not in (scope.get("session") or {}):
                await RedirectResponse("/login", status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _bearer_user(scope: Scope, /) -> User | None:
    """The user of the request's bearer token, if it is a live one."""
    from starlette.concurrency import run_in_threadpool

    scheme, _, token = (
        dict(scope["headers"]).get(b"authorization", b"").decode("latin-1").partition(" ")
    )
    engine = getattr(scope["app"].state, "read_engine", None)
    if scheme.lower() != "bearer" or not token or engine is None:
        return None

    def lookup() -> User | None:
        with session_scope(engine) as db:
            max_age_s = scope["app"].state.settings.api_token_max_age_s
            return user_for_token(db, token.strip(), max_age_s=max_age_s)

    return await run_in_threadpool(lookup)


class SecurityHeaders:
    """Headers every response carries (pages may set their own stricter CSP)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                names = {name.lower() for name, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"SAMEORIGIN"),
                ]
                if b"content-security-policy" not in names:
                    csp = DOCS_CSP if scope["path"] in DOCS_PATHS else PAGE_CSP
                    extra.append((b"content-security-policy", csp.encode()))
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, with_headers)
