"""Errors of the training log, under thrustlab's exception tree.

::

    InputError
    ├── LogImportError     a row of an imported file is bad; names the file and the line
    └── NotFoundError      a set, session or lifter asked for does not exist
    ThrustlabError
    └── DatabaseError      the log database cannot be opened or migrated
"""

from __future__ import annotations

from thrustlab.errors import InputError, ThrustlabError


class LogImportError(InputError):
    """A row of an imported file cannot be used; nothing from that file was imported."""

    def __init__(self, path: object, line: int, problem: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{self.path}, line {line}: {problem} (nothing was imported)")


class NotFoundError(InputError):
    """A set, session or lifter that was asked for does not exist."""


class DatabaseError(ThrustlabError):
    """The log database cannot be opened, reached or migrated."""
