"""The ``thrustlab`` command: each command is a few lines over the Python API.

Heavy modules (numpy, the analysis) are imported inside the commands, so ``--help`` is fast,
and ``main`` builds only the command that runs (``--help`` and mistakes get them all).
Every ``InputError`` becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from importlib import import_module
from typing import Annotated

import typer

from thrustlab import __version__
from thrustlab.errors import ThrustlabError

COMMANDS = {
    "analyze": "thrustlab.cli.analyze",
    "check": "thrustlab.cli.check",
    "demo": "thrustlab.cli.demo",
    "batch": "thrustlab.cli.batch",
    "serve": "thrustlab.cli.serve",
    "live": "thrustlab.cli.live",
    "log": "thrustlab.cli.log",
}
"""Each command, in the order ``--help`` lists them (groups last), and its module: the function
of the same name, or for ``log`` (a group of commands) ``log_app``."""


def make_app(*, only: str | None = None) -> typer.Typer:
    """The ``thrustlab`` app with every command, or with only the command ``only`` (importing
    and building all of them costs ``analyze`` about 20 ms of start-up)."""
    app = typer.Typer(
        name="thrustlab",
        help="Why do my legs shake during hip thrusts? Measure the shaking rep by rep and "
        "explain it.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,  # plain help: rendering it with rich alone costs 0.15 s
    )
    app.callback()(_root)
    for name, home in COMMANDS.items():
        if only is None or only == name:
            module = import_module(home)
            if name == "log":
                app.add_typer(module.log_app, name=name)
            else:
                app.command(name)(getattr(module, name))
    return app


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"thrustlab {__version__}")
        raise typer.Exit()


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
    # At exit the interpreter's last garbage collections walk, and free one by one, every
    # object the imports made (each function and class sits in a cycle with its module):
    # 20-40 ms, a sixth of what a process that only parses the recording takes. The process
    # is ending, so leave them to the operating system; atexit handlers, weakref finalizers
    # and the flush of stdout and stderr still run, as before. (Registered once, however
    # often main runs in one process.)
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    # numpy's OpenBLAS starts a thread per core at import, and they spin while idle: the
    # analysis multiplies 3 x 3 matrices and rows of three, where more threads only cost
    # (100 ms of processor time a command). One, unless the user chose; set before any
    # command imports numpy, and inherited by batch workers, which run one per core.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    command = sys.argv[1] if len(sys.argv) > 1 else None
    app = make_app(only=command if command in COMMANDS else None)
    try:
        app()
    except ThrustlabError as error:
        message = error_line(f"thrustlab: error: {error}")
    else:
        return
    # What the failed command had open (a pyarrow reader among it, held by the error's
    # frames) is freed now, while pyarrow runs: left to the exit, where gc.freeze keeps it
    # from the last collection, pyarrow's teardown aborted the process now and then.
    gc.collect()
    typer.echo(message, err=True)
    sys.exit(2)


MAX_MESSAGE_CHARS = 600
"""An error is one line of at most this many characters: its start (the file, what is
wrong) and its end (the fix), whatever it quotes (a whole data row taken for a header was
29 KB)."""


def error_line(message: str, /) -> str:
    """``message`` on one line (line breaks in a file's name written as ``\\n``), its middle
    cut when it is over ``MAX_MESSAGE_CHARS``."""
    message = message.replace("\r", "\\r").replace("\n", "\\n")
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    half = (MAX_MESSAGE_CHARS - 5) // 2
    return f"{message[:half]} ... {message[-half:]}"


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the whole app, for tests (``CliRunner().invoke(app, ...)``)
        return make_app()
    raise AttributeError(f"module 'thrustlab.cli' has no attribute {name!r}")
