"""``create_app(settings)``: the FastAPI app. Nothing is opened until the app starts: the
lifespan opens the database (migrating the log's and the web's tables) and starts the
worker pool, and stops both when the server stops."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.middleware.sessions import SessionMiddleware

from thrustlab.errors import InputError
from thrustlab.web.accounts import RateLimiter
from thrustlab.web.deps import NeedLogin
from thrustlab.web.jobs import WorkerPool
from thrustlab.web.settings import WebSettings

PAGE_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def create_app(settings: WebSettings | None = None, /) -> FastAPI:
    """The web app for ``settings`` (defaults: the log's database, 2 workers)."""
    from thrustlab import __version__
    from thrustlab.web import api, live, pages

    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from starlette.concurrency import run_in_threadpool

        from thrustlab.web.db import make_read_engine, open_web_db

        engine = await run_in_threadpool(open_web_db, settings.database_url)
        app.state.read_engine = make_read_engine(engine)
        pool = (
            WorkerPool(
                engine,
                size=settings.workers,
                processes=settings.processes,
                video_pose=settings.video_pose,
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

    app = FastAPI(
        title="thrustlab",
        version=__version__,
        summary="Why do my legs shake during hip thrusts? Upload a set, get the report.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.login_limiter = RateLimiter(limit=settings.login_attempts_per_minute, window_s=60)
    environment = Environment(
        loader=PackageLoader("thrustlab.web", "templates"), autoescape=select_autoescape()
    )
    app.state.templates = Jinja2Templates(env=environment)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="thrustlab_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    largest = max(2 * settings.max_upload_bytes, settings.max_video_bytes)
    app.add_middleware(BodyLimit, max_bytes=largest + 1024 * 1024)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(packages=[("thrustlab.web", "static")]), name="static")
    app.include_router(api.router)
    app.include_router(live.router)
    app.include_router(pages.router)
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
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return _problem(request, 422, f"{where}: {first.get('msg', 'invalid value')}")


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
    """Refuse a request whose declared body is over ``max_bytes`` before reading it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope.get("headers") or []).get(b"content-length")
            if length is not None and length.isdigit() and int(length) > self.max_bytes:
                limit_mb = self.max_bytes // 1024**2
                response = JSONResponse(
                    {"detail": f"the upload is larger than {limit_mb} MB; trim the recording"},
                    status_code=413,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


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
                if b"content-security-policy" not in names and not scope["path"].startswith(
                    "/docs"
                ):
                    extra.append((b"content-security-policy", PAGE_CSP.encode()))
                message["headers"] = headers + extra
            await send(message)

        await self.app(scope, receive, with_headers)
