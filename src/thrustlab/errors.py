"""The exception tree of thrustlab.

::

    ThrustlabError            anything thrustlab raises on purpose
    ├── InputError            the user's input cannot be used (CLI: one line, exit code 2)
    │   ├── ReadError         a file cannot be read; the message names the file and the fault
    │   │   └── FormatError   the file's format is not recognised, or not the one forced
    │   ├── OptionError       an option or answer has a value that makes no sense
    │   │   └── ReadOptionError   a read option (columns, units, rate) does
    │   ├── EditedClipError   a video holds scene cuts: a set must be filmed in one take
    │   └── DocumentError     a stored or given analysis is not a thrustlab.analysis document
    └── AnalysisError         the data were read but cannot be analysed at all

Data-quality problems that still let a result be computed are not exceptions: they become
``QualityFlag`` entries in the result.
"""

from __future__ import annotations

READ_OPTION_FIXES_WEB = {
    "columns": "give the file a header row naming its columns (time, ax, ay, az, gx, gy, gz)",
    "time_unit": 'name the time column with its unit, e.g. time_ms or "Time (s)"',
    "rate_hz": "add a time column, e.g. time_s, to the file",
    "acc_unit": 'name the unit in the header, e.g. ax_g or "ax (m/s^2)"',
    "gyro_unit": 'name the unit in the header, e.g. "gx (deg/s)" or "gx (rad/s)"',
}
"""What to change in the file when the web form has no field for a read option."""


class ThrustlabError(Exception):
    """Base of every error thrustlab raises on purpose."""


class InputError(ThrustlabError):
    """The user's input cannot be used; the message says what to change."""


class ReadError(InputError):
    """A file cannot be read. ``option`` names the read option that would fix it (a
    ``ReadOptions`` field, e.g. ``"acc_unit"``) and ``value`` an example of what to give it,
    so that each shell names the option its own way: ``str()`` names the command line's flag
    (``--acc-unit g``), ``worded("web")`` says what to change in the file instead."""

    def __init__(self, path: object, problem: str, /, *, option: str = "", value: str = "") -> None:
        self.path = str(path)
        self.problem = problem
        self.option = option
        self.value = value
        super().__init__(self.worded("cli"))

    def worded(self, shell: str, /) -> str:
        """The one-line message with the fix named for ``shell`` ("cli" or "web")."""
        if not self.option:
            return f"{self.path}: {self.problem}"
        if shell == "web":
            return f"{self.path}: {self.problem}; {READ_OPTION_FIXES_WEB[self.option]}"
        flag = "--" + self.option.replace("_", "-")
        return f"{self.path}: {self.problem}; pass {flag} {self.value}".rstrip()


class FormatError(ReadError):
    """The file's format is not recognised, or is not the format that was forced."""


def worded(error: BaseException, shell: str, /) -> str:
    """An error's one-line message as ``shell`` ("cli" or "web") words it."""
    if isinstance(error, ReadError | ReadOptionError):
        return error.worded(shell)
    return str(error)


class OptionError(InputError):
    """An option has a value that makes no sense."""


class ReadOptionError(OptionError):
    """A read option (a ``ReadOptions`` field, ``option``) has a value that makes no sense;
    ``str()`` names it as the command line's flag, ``worded("web")`` in plain words."""

    def __init__(self, option: str, problem: str, /) -> None:
        self.option = option
        self.problem = problem
        super().__init__(self.worded("cli"))

    def worded(self, shell: str, /) -> str:
        """The message with the option named for ``shell`` ("cli" or "web")."""
        if shell == "web":
            return f"{self.option.replace('_', ' ')}: {self.problem}"
        return f"--{self.option.replace('_', '-')} {self.problem}"


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
