"""History checks: load jumps, consecutive hard days, more shaking, repeated asymmetry."""

from __future__ import annotations

import datetime

from thrustlab.explanation.history import (
    History,
    HistoryChecks,
    PastSet,
    history_checks,
    suggest_next_load,
)

DAY = datetime.date(2026, 11, 20)


def _set(
    days_ago: int,
    load: float | None,
    *,
    tremor: float | None = None,
    asym: float | None = None,
    hard: bool = True,
) -> PastSet:
    return PastSet(
        DAY - datetime.timedelta(days=days_ago),
        "barbell_hip_thrust",
        load,
        8,
        8.0,
        tremor,
        asym,
        "normal",
        hard,
    )


def test_load_jump_against_last_three_sessions() -> None:
    history = History((_set(20, 200.0), _set(9, 100.0), _set(6, 100.0), _set(3, 100.0)))
    checks = history_checks(
        history, today=DAY, load_kg=115.0, tremor_rms_mps2=None, asymmetry_index_pct=None
    )
    assert checks.load_jump is not None
    assert checks.load_jump.reference_kg == 100.0
    assert abs(checks.load_jump.jump_pct - 15.0) < 1e-9
    assert checks.next_load is not None and checks.next_load.hold
    calm = history_checks(
        history, today=DAY, load_kg=110.0, tremor_rms_mps2=None, asymmetry_index_pct=None
    )
    assert calm.load_jump is None
    assert calm.next_load is not None and 110.0 < calm.next_load.load_kg <= 115.0


def test_consecutive_hard_days_and_rest_days() -> None:
    history = History((_set(2, 100.0), _set(1, 100.0)))
    checks = history_checks(
        history, today=DAY, load_kg=None, tremor_rms_mps2=None, asymmetry_index_pct=None
    )
    assert checks.consecutive_days is not None and checks.consecutive_days.days_in_a_row == 3
    easy = History((_set(1, 100.0, hard=False),))
    assert (
        history_checks(
            easy, today=DAY, load_kg=None, tremor_rms_mps2=None, asymmetry_index_pct=None
        ).consecutive_days
        is None
    )


def test_more_shaking_at_same_load_and_repeated_asymmetry() -> None:
    history = History((_set(7, 100.0, tremor=0.30, asym=18.0), _set(3, 100.0, tremor=0.20)))
    checks = history_checks(
        history, today=DAY, load_kg=100.0, tremor_rms_mps2=0.30, asymmetry_index_pct=22.0
    )
    assert checks.shaking_increase is not None
    assert checks.shaking_increase.previous_date == DAY - datetime.timedelta(days=3)
    assert abs(checks.shaking_increase.ratio - 1.5) < 1e-9
    assert checks.repeated_asymmetry is not None
    assert checks.repeated_asymmetry.side == "right" and checks.repeated_asymmetry.sets == 2
    single = history_checks(
        History(()), today=DAY, load_kg=None, tremor_rms_mps2=None, asymmetry_index_pct=30.0
    )
    assert single.repeated_asymmetry is None


def test_next_load_steps_are_small_plate_steps() -> None:
    assert suggest_next_load(60.0, hold=False, reason="").change_kg == 2.5
    assert suggest_next_load(200.0, hold=False, reason="").change_kg == 5.0
    assert suggest_next_load(200.0, hold=True, reason="").load_kg == 200.0


def test_the_history_checks_use_the_knowledge_bases_cutoffs() -> None:
    """A load jump, more shaking and a large asymmetry start where the knowledge base's
    rules say (the checks keep no copy of those numbers)."""
    from thrustlab.explanation import load_knowledge

    kb = load_knowledge()
    jump_pct = float(kb.rule("neuromuscular_fatigue", "load_jump_pct", ">").threshold)
    ratio = float(kb.rule("neuromuscular_fatigue", "shaking_increase_ratio", ">").threshold)
    large_pct = float(kb.rule("stabilizer_weakness", "asymmetry_abs_pct", ">").threshold)
    margin = 1.001  # 0.1 % either side of the cutoff

    def checks(load: float, tremor: float, asym: float) -> HistoryChecks:
        history = History((_set(3, 100.0, tremor=1.0, asym=asym),))
        return history_checks(
            history, today=DAY, load_kg=load, tremor_rms_mps2=tremor, asymmetry_index_pct=asym
        )

    over = checks(100.0 * (1 + jump_pct / 100) * margin, 1.0, large_pct * margin)
    assert over.load_jump is not None and over.repeated_asymmetry is not None
    under = checks(100.0 * (1 + jump_pct / 100) / margin, 1.0, large_pct / margin)
    assert under.load_jump is None and under.repeated_asymmetry is None
    assert checks(100.0, ratio * margin, 0.0).shaking_increase is not None
    assert checks(100.0, ratio / margin, 0.0).shaking_increase is None
