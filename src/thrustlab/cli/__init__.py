"""The ``thrustlab`` command: each command is a few lines over the Python API.

Heavy modules (numpy, the analysis) are imported inside the commands, so ``--help`` is fast.
Every ``InputError`` becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from thrustlab import __version__
from thrustlab.cli.analyze import analyze
from thrustlab.cli.batch import batch
from thrustlab.cli.check import check
from thrustlab.cli.demo import demo
from thrustlab.cli.live import live
from thrustlab.cli.log import log_app
from thrustlab.cli.serve import serve
from thrustlab.errors import ThrustlabError

app = typer.Typer(
    name="thrustlab",
    help="Why do my legs shake during hip thrusts? Measure the shaking rep by rep and explain it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rendering it with rich alone costs 0.15 s
)
app.command("analyze")(analyze)
app.add_typer(log_app, name="log")
app.command("check")(check)
app.command("demo")(demo)
app.command("batch")(batch)
app.command("serve")(serve)
app.command("live")(live)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"thrustlab {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Why do my legs shake during hip thrusts? Measure the shaking rep by rep and explain it."""


def main() -> None:
    """Entry point. Usage mistakes get click's usage message and exit code 2; thrustlab's own
    errors (bad files, bad values) one line on stderr and exit code 2, never a traceback."""
    try:
        app()
    except ThrustlabError as error:
        typer.echo(f"thrustlab: error: {error}", err=True)
        sys.exit(2)
