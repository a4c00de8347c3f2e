"""The exception tree of thrustlab.

::

    ThrustlabError            anything thrustlab raises on purpose
    ├── InputError            the user's input cannot be used (CLI: one line, exit code 2)
    │   ├── ReadError         a file cannot be read; the message names the file and the fault
    │   │   └── FormatError   the file's format is not recognised, or not the one forced
    │   ├── OptionError       an option or answer has a value that makes no sense
    │   ├── EditedClipError   a video holds scene cuts: a set must be filmed in one take
    │   └── DocumentError     a stored or given analysis is not a thrustlab.analysis document
    └── AnalysisError         the data were read but cannot be analysed at all

Data-quality problems that still let a result be computed are not exceptions: they become
``QualityFlag`` entries in the result.
"""

from __future__ import annotations


class ThrustlabError(Exception):
    """Base of every error thrustlab raises on purpose."""


class InputError(ThrustlabError):
    """The user's input cannot be used; the message says what to change."""


class ReadError(InputError):
    """A file cannot be read."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class FormatError(ReadError):
    """The file's format is not recognised, or is not the format that was forced."""


class OptionError(InputError):
    """An option has a value that makes no sense."""


class EditedClipError(InputError):
    """A video holds scene cuts (an edited clip): its time line is not the set's, and the
    shots may show other sets or close-ups, so it is refused rather than measured."""

    def __init__(self, cuts_s: tuple[float, ...]) -> None:
        self.cuts_s = cuts_s
        shown = ", ".join(f"{t:.1f} s" for t in cuts_s[:5]) + (", ..." if len(cuts_s) > 5 else "")
        n = len(cuts_s)
        super().__init__(
            f"the clip has {n} cut{'s' if n != 1 else ''} (at {shown}): film the set in one take"
        )


class DocumentError(InputError):
    """A stored or given analysis document is not one thrustlab can read."""


class AnalysisError(ThrustlabError):
    """The data were read but cannot be analysed at all."""
