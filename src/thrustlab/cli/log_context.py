"""What the training log adds to ``analyze`` and ``check``: the lifter's earlier sets (load
jumps, shaking against last time, the same leg again) and their weight unit, read when a log
exists, and one line saying so, or saying what logging the sets would add.

No log is created here: without ``--db``, ``$THRUSTLAB_DATABASE_URL`` or the default log's
file, the commands run without history and say how to start one.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thrustlab.records import record

if TYPE_CHECKING:
    from thrustlab.explanation import History
    from thrustlab.explanation.questions import WeightUnit

LogDb = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="The training log to compare with (default: $THRUSTLAB_DATABASE_URL, else your "
        "log if you keep one).",
        show_default=False,
    ),
]
LogLifter = Annotated[str, typer.Option("--lifter", help="Whose log to compare with.")]

WHAT_HISTORY_ADDS = (
    "load jumps against your last sessions, shaking against last time at the same load, "
    "and the same leg shaking more set after set"
)


@record
class LogContext:
    """The lifter's earlier sets (``None``: no log) and weight unit (``None``: not said)."""

    history: History | None
    weight_unit: WeightUnit | None
    lifter: str


def read_log(db: str | None, lifter: str, /, *, today: dt.date) -> LogContext:
    """The log's view of ``lifter`` before ``today``, when there is a log to read."""
    from thrustlab.log.location import DATABASE_URL_ENV, default_url

    if db is None and not os.environ.get(DATABASE_URL_ENV):
        path = Path(default_url().removeprefix("sqlite:///"))
        if not path.is_file():
            return LogContext(None, None, lifter)
    from thrustlab.log import history_for, lifter_weight_unit, open_log, session_scope

    engine = open_log(db)
    try:
        with session_scope(engine) as session:
            history = history_for(session, lifter, before=today)
            unit = lifter_weight_unit(session, lifter)
    finally:
        engine.dispose()
    return LogContext(history, unit, lifter)


def history_note(context: LogContext, /) -> str:
    """One line: what the comparison drew on, or what logging the sets would add."""
    history = context.history
    if history is None or not history.sets:
        where = (
            "no training log yet"
            if history is None
            else f"no sets of {context.lifter} before today"
        )
        return (
            f"History: {where}. Log your sets (thrustlab log add --recording FILE --load ...) "
            f"and the next analysis checks {WHAT_HISTORY_ADDS}."
        )
    first, last = history.sets[0].date, history.sets[-1].date
    return (
        f"History: compared with {len(history.sets)} earlier sets of {context.lifter} in your "
        f"log ({first.isoformat()} to {last.isoformat()}): {WHAT_HISTORY_ADDS}."
    )
