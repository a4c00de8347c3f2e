"""An ``Assessment`` for the terminal, with rich: the verdict first, warning signs first and in
red, the causes each with its evidence on one line, then the plan.

``assessment_view`` builds the renderable; the shell prints it (library code never prints).
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
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


def _red_flag(flag: RedFlag) -> Padding:
    text = Text()
    text.append(f"! {flag.name} ({URGENCY_WORDS[flag.urgency]}): ", style="bold red")
    text.append(flag.advice, style="red")
    for evidence in flag.evidence:
        text.append(f"\n  {evidence.text}", style="red")
    return Padding(text, (0, 0, 0, 2))


def _cause(rank: int, cause: CauseFinding) -> Padding:
    text = Text()
    text.append(f"{rank}. {cause.name}", style="bold")
    text.append(f" ({cause.strength} evidence)", style="cyan")
    text.append(": " + " ".join(e.text for e in said_once(cause.evidence)))
    return Padding(text, (0, 0, 0, 2))


def _plan(item: PlanItem) -> Padding:
    text = Text()
    text.append(item.name, style="bold green")
    text.append(f": {item.why}")
    for step in item.steps:
        text.append(f"\n  - {step}")
    return Padding(text, (0, 0, 0, 2))
