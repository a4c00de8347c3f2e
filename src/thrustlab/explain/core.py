"""``explain()``: from what was measured, answered and logged to an ``Assessment``."""

from __future__ import annotations

import datetime

from thrustlab.explain.answers import Answers
from thrustlab.explain.assessment import Assessment, CauseFinding, RedFlag, Verdict
from thrustlab.explain.features import extract_features
from thrustlab.explain.history import History, HistoryChecks, history_checks
from thrustlab.explain.knowledge import Knowledge, load_knowledge
from thrustlab.explain.plan import PlanContext, build_plan, next_load
from thrustlab.explain.scoring import missing_answers, rank_causes, red_flags, verdict_of
from thrustlab.findings import Findings


def explain(
    findings: Findings | None,
    answers: Answers | None = None,
    history: History | None = None,
    /,
    *,
    today: datetime.date | None = None,
    knowledge: Knowledge | None = None,
) -> Assessment:
    """Is the shaking normal, what does it point to, and what to do next.

    ``findings`` may be ``None`` (answers only, as in ``thrustlab check``). ``today`` dates
    the set for the history checks (default: the system date).
    """
    kb = knowledge or load_knowledge()
    answers = answers or Answers()
    checks = _checks(history, findings, answers, today)
    features = extract_features(findings, answers, checks)
    flags = red_flags(kb, features)
    causes = rank_causes(kb, features)
    verdict = verdict_of(kb, flags, causes, checks)
    load = next_load(kb, answers, features, causes, checks, stop=verdict == "stop")
    plan = build_plan(PlanContext(kb, causes, flags, features, answers, checks, load))
    return Assessment(
        verdict=verdict,
        headline=headline(verdict, flags, causes),
        red_flags=flags,
        causes=causes,
        strategies=plan,
        missing=missing_answers(kb, features, causes, verdict),
        next_load=load,
        history=checks,
        measured=findings is not None,
    )


def headline(verdict: Verdict, flags: tuple[RedFlag, ...], causes: tuple[CauseFinding, ...]) -> str:
    """One sentence that sums the assessment up."""
    if verdict == "stop":
        names = ", ".join(f.name.lower() for f in flags)
        return f"Stop: a warning sign came up ({names}). Read the advice below first."
    if verdict == "caution":
        return f"Worth changing something: the shaking points most to {causes[0].name.lower()}."
    if causes:
        return "Normal: the shaking fits hard work, and nothing stands out as a problem."
    return "Normal: nothing in the data or the answers points to a problem."


def _checks(
    history: History | None,
    findings: Findings | None,
    answers: Answers,
    today: datetime.date | None,
) -> HistoryChecks | None:
    if history is None:
        return None
    return history_checks(
        history,
        today=today or datetime.date.today(),
        load_kg=answers.load_kg,
        tremor_rms_mps2=findings.set.tremor_rms_mps2 if findings else None,
        asymmetry_index_pct=findings.set.asymmetry_index_pct if findings else None,
    )
