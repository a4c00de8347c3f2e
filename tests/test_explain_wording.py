"""The wording rules over every demo scenario, as a person reads them in the terminal and in
the report: no internal names, no placeholders, no likelihood shown as a probability, every
shown cause with its step in the plan, and no load advice under a sign to stop now."""

from __future__ import annotations

import dataclasses
import re
from html import unescape

import pytest
from rich.console import Console

from thrustlab.analysis import Analysis
from thrustlab.explanation import Answers
from thrustlab.pipeline import process
from thrustlab.report.html import render_report
from thrustlab.report.terminal import analysis_view
from thrustlab.simulate import SCENARIOS, scenario, simulate_recordings

ANSWERS = {
    "none": Answers(),
    "usual": Answers(load_kg=100.0, rpe=9.0, warmup_minutes=3, sleep_h=6.0),
    "sharp pain": Answers(load_kg=100.0, pain="sharp", pain_where="left glute", rpe=8.0),
    "dizzy, in lb": Answers(load_kg=99.79, weight_unit="lb", dizziness=True, fluids_l=0.5),
    "dull pain": Answers(pain="dull", feet="too_near", warmup_done=False),
}
SNAKE_CASE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")
PLACEHOLDERS = re.compile(r"rep -|x-|trend x-|\s-\d+ %|\bNone\b|\bnan\b|\[\w+ *=|RIR -")


def _terminal(analysis: Analysis) -> str:
    console = Console(width=100, record=True)
    console.print(analysis_view(analysis))
    return console.export_text()


def _report_text(analysis: Analysis) -> str:
    html = render_report(analysis)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("answers_name", list(ANSWERS))
def test_what_a_person_reads_keeps_the_wording_rules(name: str, answers_name: str) -> None:
    recordings, _ = simulate_recordings(dataclasses.replace(scenario(name, seed=5), n_reps=8))
    analysis = process(recordings, answers=ANSWERS[answers_name])
    assessment = analysis.assessment
    texts = (("terminal", _terminal(analysis)), ("report", _report_text(analysis)))
    index = analysis.findings.set.asymmetry_index_pct if analysis.findings else None
    if index is not None and round(index) != 0:  # a sign said as the leg, never as "-58 %"
        side = "right" if index > 0 else "left"
        assert all(f"the {side} leg shook more" in text for _, text in texts)
    for where, text in texts:
        names = set(SNAKE_CASE.findall(text)) - {"thrustlab"}
        assert not names, f"{where} shows internal names {names}"
        assert not PLACEHOLDERS.search(text), f"{where}: {PLACEHOLDERS.search(text)}"
        assert not re.search(r"\(\d+ %\)", text), f"{where} shows a likelihood as a percentage"
        if assessment.verdict != "normal" or assessment.causes:
            assert "nothing stands out" not in text.lower()
    shown = {c.id for c in assessment.causes}
    planned = {cause for item in assessment.strategies for cause in item.causes}
    assert shown <= planned | {f.id for f in assessment.red_flags}, "a cause without its step"
    assert planned - {f.id for f in assessment.red_flags} <= shown, (
        "the plan cites a cause not shown"
    )
    steps = " ".join(step for item in assessment.strategies for step in item.steps)
    if any(f.urgency == "now" for f in assessment.red_flags):
        assert "Next session" not in steps and "Add load" not in steps
    if assessment.next_load is not None and ANSWERS[answers_name].weight_unit == "lb":
        assert " kg" not in steps  # the plan's loads in the lifter's unit
