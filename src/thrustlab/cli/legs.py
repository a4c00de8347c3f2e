"""The ``--left`` and ``--right`` options of the commands that take one set per thigh."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from thrustlab.errors import OptionError

Left = Annotated[
    Path | None, typer.Option(help="Left thigh's recording of the set.", show_default=False)
]
Right = Annotated[
    Path | None, typer.Option(help="Right thigh's recording of the set.", show_default=False)
]


def leg_pair(left: Path | None, right: Path | None, /) -> tuple[Path, Path] | None:
    """Both thighs' recordings, or None when neither was given (one alone is an error)."""
    if (left is None) != (right is None):
        raise OptionError("give both --left and --right (one recording per thigh)")
    return (left, right) if left is not None and right is not None else None
