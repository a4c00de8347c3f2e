"""``thrustlab serve``: the web app on 127.0.0.1:8000 over the training log."""

from __future__ import annotations

import dataclasses
import os
from typing import Annotated

import typer

from thrustlab.errors import OptionError

SECRET_ENV = "THRUSTLAB_SECRET_KEY"
PROXIES_ENV = "THRUSTLAB_TRUSTED_PROXIES"
DOCS_ENV = "THRUSTLAB_API_DOCS"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def startup_lines(host: str, port: int, database_url: str, /, *, secret: bool) -> list[str]:
    """What ``serve`` says before it starts: where, on which database, and what to know."""
    lines = [
        f"thrustlab web app on http://{host}:{port} (Ctrl+C stops it)",
        f"database: {_without_password(database_url)}",
    ]
    if not secret:
        lines.append(
            f"warning: ${SECRET_ENV} is not set, so everyone is signed out when the server "
            "restarts; set it to a long random string to keep sessions"
        )
    return lines


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # a malformed URL is refused later, with its own message
        return url


def serve(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on. 127.0.0.1: this machine only. 0.0.0.0: every "
            "network interface, so a phone on the same Wi-Fi can push a live set; anyone "
            "on that network can then reach the app (use a network you trust).",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="Database URL (default: $THRUSTLAB_DATABASE_URL, else the log's SQLite file).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[int, typer.Option(help="Background analysis workers.")] = 2,
    processes: Annotated[
        bool,
        typer.Option("--processes/--threads", help="Analyse in worker processes (or threads)."),
    ] = True,
    max_upload_mb: Annotated[int, typer.Option(help="Largest recording accepted, in MB.")] = 20,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Session cookie over HTTPS only (default: on unless listening on loopback).",
            show_default=False,
        ),
    ] = None,
    trusted_proxies: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated addresses or networks of reverse proxies whose "
            "X-Forwarded-For names the client (default: $THRUSTLAB_TRUSTED_PROXIES, else none).",
            show_default=False,
        ),
    ] = None,
    api_docs: Annotated[
        bool | None,
        typer.Option(
            "--api-docs/--no-api-docs",
            help="Serve the API docs at /docs and /redoc; they load Swagger UI and ReDoc from "
            "a CDN (default: $THRUSTLAB_API_DOCS=1, else off).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Start the web app: upload a set, read the report, keep the history (lifters, coaches).

    Set $THRUSTLAB_SECRET_KEY to keep people signed in across restarts."""
    try:
        import uvicorn

        from thrustlab.log.location import resolve_url
        from thrustlab.web import WebSettings, create_app
    except ImportError:
        raise OptionError("the web app needs its extra: pip install 'thrustlab[web]'") from None
    if not 0 < port < 65536:
        raise OptionError(f"--port must be between 1 and 65535, not {port}")
    if workers < 0 or max_upload_mb <= 0:
        raise OptionError("--workers must be 0 or more and --max-upload-mb positive")
    proxies = os.environ.get(PROXIES_ENV, "") if trusted_proxies is None else trusted_proxies
    try:
        settings = WebSettings(
            database_url=database_url,
            workers=workers,
            processes=processes,
            max_upload_bytes=max_upload_mb * 1024 * 1024,
            secure_cookies=host not in LOOPBACK if secure_cookies is None else secure_cookies,
            trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
            api_docs=os.environ.get(DOCS_ENV) == "1" if api_docs is None else api_docs,
        )
    except ValueError as error:
        flag = "--trusted-proxies" if trusted_proxies is not None else f"${PROXIES_ENV}"
        raise OptionError(f"{flag}: {error}") from None
    secret = os.environ.get(SECRET_ENV)
    if secret:
        settings = dataclasses.replace(settings, secret_key=secret)
    for line in startup_lines(host, port, resolve_url(database_url), secret=bool(secret)):
        typer.echo(line)
    app = create_app(settings)
    app.state.listen_host = host  # the live page's push URL and its loopback warning
    # The app itself decides whom to believe about the client's address (trusted_proxies):
    # uvicorn's own header rewrite would trust any client connecting from 127.0.0.1.
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
