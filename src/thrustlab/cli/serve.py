"""``thrustlab serve``: the web app on 127.0.0.1:8000 over the training log."""

from __future__ import annotations

import dataclasses
import os
from typing import Annotated

import typer

from thrustlab.errors import OptionError

SECRET_ENV = "THRUSTLAB_SECRET_KEY"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
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
) -> None:
    """Start the web app: upload a set, read the report, keep the history (lifters, coaches).

    Set $THRUSTLAB_SECRET_KEY to keep people signed in across restarts."""
    try:
        import uvicorn

        from thrustlab.web import WebSettings, create_app
    except ImportError:
        raise OptionError("the web app needs its extra: pip install 'thrustlab[web]'") from None
    if not 0 < port < 65536:
        raise OptionError(f"--port must be between 1 and 65535, not {port}")
    if workers < 0 or max_upload_mb <= 0:
        raise OptionError("--workers must be 0 or more and --max-upload-mb positive")
    settings = WebSettings(
        database_url=database_url,
        workers=workers,
        processes=processes,
        max_upload_bytes=max_upload_mb * 1024 * 1024,
        secure_cookies=host not in LOOPBACK if secure_cookies is None else secure_cookies,
    )
    secret = os.environ.get(SECRET_ENV)
    if secret:
        settings = dataclasses.replace(settings, secret_key=secret)
    typer.echo(f"thrustlab web app on http://{host}:{port} (Ctrl+C stops it)")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
