"""``explain()``: from what was measured, answered and logged to an ``Assessment``."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from thrustlab.explanation.answers import Answers
from thrustlab.explanation.assessment import Assessment, Basis, CauseFinding, RedFlag, Verdict
from thrustlab.explanation.features import extract_features
from thrustlab.explanation.knowledge import Knowledge, load_knowledge
from thrustlab.explanation.plan import PlanContext, build_plan, next_load
from thrustlab.explanation.scoring import missing_answers, rank_causes, red_flags, verdict_of
from thrustlab.findings import Findings

if TYPE_CHECKING:
    from thrustlab.explanation.history import History, HistoryChecks


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
    basis, because = basis_of(findings)
    return Assessment(
        verdict=verdict,
        headline=headline(
            verdict,
            flags,
            _deciding(kb, causes),
            basis=basis,
            because=because,
            shaking_because=shaking_unmeasured(findings),
        ),
        red_flags=flags,
        causes=causes,
        strategies=plan,
        missing=missing_answers(kb, features, causes, verdict),
        next_load=load,
        history=checks,
        basis=basis,
        not_measured_because=because,
        sources=citations(kb, causes, flags),
    )


def _deciding(kb: Knowledge, causes: tuple[CauseFinding, ...]) -> tuple[CauseFinding, ...]:
    """The causes that reached their caution level (what made the verdict caution), else
    all of them, most likely first."""
    reached = tuple(c for c in causes if c.likelihood >= kb.cause(c.id).caution_likelihood)
    return reached or causes


HARD_WORK_CAUSE = "muscle_fatigue"
"""The cause that is the ordinary price of a hard set: a normal verdict led by it reads
"the shaking fits hard work"; led by another, the headline names that one."""


def basis_of(findings: Findings | None) -> tuple[Basis, str]:
    """``measured`` when the recording gave reps, else ``answers_only`` and why not."""
    if findings is None:
        return "answers_only", "there was no recording"
    if findings.set.rep_count > 0:
        return "measured", ""
    return "answers_only", _first_error(findings) or "no reps were found in the recording"


def shaking_unmeasured(findings: Findings | None, /) -> str:
    """Why a set with reps has no figure of its shaking at all, neither its size nor its
    frequency (a recording sampled too slowly for the tremor band, a figure outside its
    physical range), else "": the reps and the answers are then all the verdict rests on."""
    if findings is None or findings.set.rep_count == 0:
        return ""
    if findings.set.tremor_rms_mps2 is not None or findings.set.tremor_peak_hz is not None:
        return ""
    return _first_error(findings) or "the notes on the recording say why"


def _first_error(findings: Findings, /) -> str:
    """The first sentence of the recording's first error, or ""."""
    errors = [q.message.split(". ")[0] for q in findings.quality if q.severity == "error"]
    return errors[0] if errors else ""


def headline(
    verdict: Verdict,
    flags: tuple[RedFlag, ...],
    causes: tuple[CauseFinding, ...],
    /,
    *,
    basis: Basis = "measured",
    because: str = "",
    shaking_because: str = "",
) -> str:
    """One sentence that sums the assessment up: first whether the set, or its shaking
    (``shaking_because``: why a set with reps has no figure of it), was measured, then what
    decided the verdict."""
    prefix = ""
    if basis == "answers_only":
        prefix = (
            f"The set could not be measured ({_inside(because)}), so this rests on your answers "
            "alone. "
        )
    elif shaking_because:
        prefix = (
            f"The shaking itself could not be measured ({_inside(shaking_because)}), so this "
            "rests on the reps and your answers. "
        )
    return prefix + _decided_by(verdict, flags, causes, basis, shaking=not shaking_because)


def _inside(reason: str, /) -> str:
    """A reason as it reads inside a sentence: "(the recording lasts ...)"."""
    reason = reason.rstrip(".")
    return reason[0].lower() + reason[1:] if reason[1:2].islower() else reason


def _decided_by(
    verdict: Verdict,
    flags: tuple[RedFlag, ...],
    causes: tuple[CauseFinding, ...],
    basis: Basis,
    *,
    shaking: bool = True,
) -> str:
    if verdict == "stop":
        names = ", ".join(f.name.lower() for f in flags if f.urgency == "now")
        return f"A warning sign came up ({names}). Read the advice below first."
    if flags:
        names = ", ".join(f.name.lower() for f in flags)
        return f"Pay attention: a warning sign to watch ({names}). Read the advice below."
    if verdict == "caution":
        names = " and ".join(c.name.lower() for c in causes[:2])
        about = (
            f". What stands out: {names}"
            if causes
            else ": your log shows a jump from earlier sessions"
        )
        return f"Worth changing something{about}."
    if basis == "answers_only":
        return "Nothing in your answers is a warning sign; record the set to measure it."
    if causes:
        return _normal_with_causes(causes[0], shaking=shaking)
    return (
        "The measured shaking and your answers point to no problem."
        if shaking
        else "Nothing in the reps or your answers is a warning sign."
    )


def _normal_with_causes(top: CauseFinding, *, shaking: bool) -> str:
    """A normal set names what fits best; "fits hard work" only when that is muscle fatigue
    (the reps', when the shaking itself was not measured)."""
    if top.id == HARD_WORK_CAUSE:
        return (
            "The shaking fits hard work; the plan below can still make it steadier."
            if shaking
            else "The reps fit hard work; the plan below can still make the set steadier."
        )
    return (
        f"No warning sign. What fits best: {top.name.lower()}; the plan below can make the set "
        "steadier."
    )


def citations(
    kb: Knowledge, causes: tuple[CauseFinding, ...], flags: tuple[RedFlag, ...], /
) -> tuple[str, ...]:
    """The cited sources behind what is shown, the source document first."""
    used = {"article"}
    for cause in causes:
        used |= set(kb.cause(cause.id).sources)
    for flag in flags:
        used |= set(kb.red_flag(flag.id).sources)
    return tuple(
        kb.sources[k] for k in sorted(used, key=lambda k: (k != "article", k)) if k in kb.sources
    )


def _checks(
    history: History | None,
    findings: Findings | None,
    answers: Answers,
    today: datetime.date | None,
) -> HistoryChecks | None:
    if history is None:
        return None
    from thrustlab.explanation.history import history_checks  # only with a log

    return history_checks(
        history,
        today=today or datetime.date.today(),
        load_kg=answers.load_kg,
        tremor_rms_mps2=findings.set.tremor_rms_mps2 if findings else None,
        asymmetry_index_pct=findings.set.asymmetry_index_pct if findings else None,
    )
