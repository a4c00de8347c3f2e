"""An ``Assessment`` for the terminal, with rich: the verdict first, warning signs first and in
red, the causes each with its evidence on one line, then the plan.

``assessment_view`` builds the renderable; the shell prints it (library code never prints).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from thrustlab.explanation.assessment import (
    Assessment,
    CauseFinding,
    PlanItem,
    RedFlag,
    said_once,
    shown_verdict,
)

URGENCY_WORDS = {"now": "stop now", "soon": "watch this"}
VERDICT_STYLE = {
    "stop": "bold white on red",
    "caution": "bold black on yellow",
    "normal": "bold black on green",
}
NOT_MEDICAL = (
    "thrustlab is not a medical device: it shows what the evidence suggests, not a diagnosis."
)


def assessment_view(assessment: Assessment, /) -> Group:
    """The whole assessment as one rich renderable, in reading order."""
    parts: list[RenderableType] = [_verdict(assessment)]
    if assessment.red_flags:
        parts += [Text("Warning signs", style="bold red")]
        parts += [_red_flag(flag) for flag in assessment.red_flags]
    if assessment.causes:
        parts += [Text("Likely causes", style="bold")]
        parts += [_cause(i, c) for i, c in enumerate(assessment.causes, start=1)]
    if assessment.strategies:
        parts += [Text("Plan", style="bold")]
        parts += [_plan(item) for item in assessment.strategies]
    if assessment.missing:
        names = ", ".join(m.label or m.answer for m in assessment.missing)
        parts += [Text(f"Answers that could change this: {names}.", style="dim")]
    parts += [Text(NOT_MEDICAL, style="dim italic")]
    return Group(*parts)


def badge(assessment: Assessment) -> str:
    """The verdict's label (``shown_verdict``, in capitals)."""
    return shown_verdict(assessment).upper()


def _verdict(assessment: Assessment) -> Text:
    text = Text()
    text.append(f" {badge(assessment)} ", style=VERDICT_STYLE[assessment.verdict])
    text.append(" " + assessment.headline, style="bold")
    if not assessment.measured:
        text.append("  (from your answers only)", style="dim")
    return text


def _hanging(marker: str | Text, body: Text, indent: int) -> Padding:
    """``marker`` then ``body``, wrapped lines lined up under the body's first word."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(marker, body)
    return Padding(grid, (0, 0, 0, indent))


def _red_flag(flag: RedFlag) -> Group:
    head = Text()
    head.append(f"{flag.name} ({URGENCY_WORDS[flag.urgency]}): ", style="bold red")
    head.append(flag.advice, style="red")
    lines = [_hanging(Text("!", style="bold red"), head, 2)]
    lines += [_hanging(" ", Text(e.text, style="red"), 2) for e in flag.evidence]
    return Group(*lines)


def _cause(rank: int, cause: CauseFinding) -> Padding:
    text = Text()
    text.append(cause.name, style="bold")
    text.append(f" ({cause.strength} evidence)", style="cyan")
    text.append(": " + " ".join(e.text for e in said_once(cause.evidence)))
    return _hanging(f"{rank}.", text, 2)


def _plan(item: PlanItem) -> Group:
    head = Text()
    head.append(item.name, style="bold green")
    head.append(f": {item.why}")
    lines: list[RenderableType] = [Padding(head, (0, 0, 0, 2))]
    lines += [_hanging("-", Text(step), 4) for step in item.steps]
    return Group(*lines)
