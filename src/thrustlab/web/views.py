"""Read-outs for pages and the API: a user's jobs, trends, and a coach's team flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from thrustlab.explanation.questions import WeightUnit
from thrustlab.log import LiftTrend, get_set, history_for, lift_trends, lifter_weight_unit
from thrustlab.records import record
from thrustlab.web.models import Job, User


def jobs_of(
    session: Session, user: User, /, *, limit: int = 50, since: dt.datetime = dt.datetime.min
) -> list[Job]:
    """The user's uploads, newest first (those made from ``since`` on)."""
    statement = (
        select(Job)
        .where(Job.user_id == user.id, Job.created_at >= since)
        .order_by(Job.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))


def verdicts_of(session: Session, jobs: list[Job], /) -> dict[str, str]:
    """Each finished job's verdict as people read it (``cells.verdict``: "not measured" for a
    set whose recording gave no reps, as ``shown_verdict``), in one query."""
    from thrustlab.log.models import Analysis
    from thrustlab.report import cells

    set_ids = [job.set_id for job in jobs if job.set_id is not None]
    measured = {
        set_id: bool(reps)
        for set_id, reps in session.execute(
            select(Analysis.set_id, Analysis.rep_count).where(Analysis.set_id.in_(set_ids))
        )
    }
    return {
        job.id: cells.verdict(job.verdict, measured=measured.get(job.set_id, False))
        for job in jobs
        if job.verdict is not None and job.set_id is not None
    }


def analysis_of(session: Session, job: Job, /) -> dict[str, Any] | None:
    """The stored ``thrustlab.analysis/2`` document of a finished job."""
    from thrustlab.log.models import Analysis

    if job.set_id is None:
        return None
    found = session.scalar(select(Analysis.findings_json).where(Analysis.set_id == job.set_id))
    return None if found is None else dict(found)


def shown_verdict(session: Session, job: Job, /) -> str | None:
    """The verdict as the lifter reads it (``shown_verdict``: never "normal" for a set that
    could not be measured)."""
    from thrustlab.document import assessment_of
    from thrustlab.explanation.assessment import shown_verdict as shown

    document = analysis_of(session, job)
    return job.verdict if document is None else shown(assessment_of(document))


def trends_of(
    session: Session, user: User, /, *, since: dt.datetime = dt.datetime.min
) -> tuple[LiftTrend, ...]:
    """Per lift, the sessions from ``since``'s day on (a coach shown only new sets)."""
    trends = lift_trends(session, user.lifter_name)
    if since == dt.datetime.min:
        return trends
    kept = (replace(t, rows=tuple(r for r in t.rows if r.date >= since.date())) for t in trends)
    return tuple(t for t in kept if t.rows)


def history_svgs(
    trends: tuple[LiftTrend, ...], /, *, weight_unit: WeightUnit
) -> list[tuple[str, str]]:
    """(exercise, SVG) per lift with at least one session, loads in ``weight_unit``."""
    from thrustlab.report.history_plot import history_svg

    return [
        (
            t.exercise,
            history_svg(t.rows, title=t.exercise.replace("_", " "), weight_unit=weight_unit),
        )
        for t in trends
        if t.rows
    ]


ASYMMETRY_TREND_SETS = 5
"""How many of the last measured sets the coach's asymmetry trend shows."""


@record
class AthleteFlags:
    """What a coach should look at for one athlete."""

    user: User
    last_date: dt.date | None
    last_verdict: str | None
    """The newest set's verdict as people read it (``shown_verdict``)."""
    warning_signs: tuple[str, ...]
    """The warning signs of the newest set, by name."""
    asymmetry_pct: float | None
    load_jump: str | None
    asymmetry_trend: tuple[tuple[dt.date, float], ...] = ()
    """The asymmetry index of the last measured sets, oldest first."""

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the row is highlighted, in words (nothing: it is not)."""
        found = [f"warning sign: {sign}" for sign in self.warning_signs]
        if self.large_asymmetry:
            from thrustlab.report.rep_table import asymmetry_words

            found.append(
                f"large asymmetry (over {self.asymmetry_cutoff_pct:g} %): "
                f"{asymmetry_words(self.asymmetry_pct)}"
            )
        if self.load_jump is not None:
            found.append(f"load jump: {self.load_jump}")
        return tuple(found)

    @property
    def asymmetry_cutoff_pct(self) -> float:
        from thrustlab.explanation import load_knowledge

        rule = load_knowledge().rule("stabilizer_weakness", "asymmetry_abs_pct", ">")
        return float(rule.threshold)

    @property
    def large_asymmetry(self) -> bool:
        """Whether the legs differ by what the knowledge base calls a large asymmetry."""
        from thrustlab.explanation import load_knowledge

        if self.asymmetry_pct is None:
            return False
        large = load_knowledge().rule("stabilizer_weakness", "asymmetry_abs_pct", ">")
        return large.holds(abs(self.asymmetry_pct))


def athlete_flags(
    session: Session, athlete: User, /, *, since: dt.datetime = dt.datetime.min
) -> AthleteFlags:
    """The athlete's newest analysed set (uploaded from ``since`` on): its verdict as people
    read it, warning signs, asymmetry, a load jump; and the asymmetry of their last measured
    sets."""
    from thrustlab.document import assessment_of
    from thrustlab.explanation import history_checks
    from thrustlab.explanation.assessment import shown_verdict as shown
    from thrustlab.explanation.questions import shown_weight

    job = session.scalar(
        select(Job)
        .where(Job.user_id == athlete.id, Job.status == "done", Job.created_at >= since)
        .order_by(Job.created_at.desc())
        .limit(1)
    )
    if job is None or job.set_id is None:
        return AthleteFlags(athlete, None, None, (), None, None)
    row = get_set(session, job.set_id)
    signs: tuple[str, ...] = ()
    verdict = job.verdict
    if row.analysis is not None:
        stored = assessment_of(row.analysis.findings_json)
        signs = tuple(f.name for f in stored.red_flags)
        verdict = shown(stored)
    asymmetry = row.analysis.asymmetry_index_pct if row.analysis is not None else None
    # Only the days the coach may see: a lifter who shares only new sets shows no older load
    # in a load jump. (The log keeps days, not times: sets logged earlier on the day they
    # joined still count.)
    everything = history_for(session, athlete.lifter_name)
    seen = [s for s in everything.sets if s.date >= since.date()]
    history = replace(everything, sets=tuple(seen))
    trend = tuple(
        (s.date, s.asymmetry_index_pct) for s in history.sets if s.asymmetry_index_pct is not None
    )[-ASYMMETRY_TREND_SETS:]
    checks = history_checks(
        history,
        today=row.session.date,
        load_kg=row.load_kg,
        tremor_rms_mps2=row.analysis.tremor_rms_mps2 if row.analysis is not None else None,
        asymmetry_index_pct=asymmetry,
        exercise=row.exercise,
    )
    jump = checks.load_jump
    unit = lifter_weight_unit(session, athlete.lifter_name)  # the athlete's kg or lb
    jump_text = (
        None
        if jump is None
        else f"{shown_weight(jump.load_kg, unit)} after {shown_weight(jump.reference_kg, unit)} "
        f"(+{jump.jump_pct:.0f} %)"
    )
    return AthleteFlags(athlete, row.session.date, verdict, signs, asymmetry, jump_text, trend)
