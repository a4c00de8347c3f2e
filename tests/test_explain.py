"""explain(): safety matrix, evidence behind every cause, wording, answers, personal plan."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import re
from pathlib import Path

import pytest

from thrustlab.analysis import Analysis
from thrustlab.document import to_document
from thrustlab.errors import InputError
from thrustlab.explanation import (
    Answers,
    AnswersError,
    Assessment,
    History,
    PastSet,
    answers_from_mapping,
    answers_from_options,
    explain,
    load_answers,
    load_knowledge,
)
from thrustlab.explanation.plan import MIN_LIKELIHOOD
from thrustlab.findings import (
    Findings,
    FormMetrics,
    Legs,
    LegTremor,
    RepMetrics,
    SetMetrics,
    SourceSummary,
)
from thrustlab.quality import QualityFlag

TODAY = datetime.date(2026, 11, 23)


def make_findings(
    tremor: list[float],
    *,
    baseline: float | None = 0.05,
    post: float | None = 0.05,
    post_rest_s: float | None = None,
    onset: int | None = None,
    slowdown: float | None = 5.0,
    fatigue_ratio: float = 0.3,
    peak_hz: float = 8.5,
    asymmetry: float | None = None,
    quality: tuple[QualityFlag, ...] = (),
    form: FormMetrics | None = None,
) -> Findings:
    """A hand-made set: one rep per tremor value (m/s2), 3 s each."""
    reps = tuple(
        RepMetrics(
            i + 1,
            3.0 * i + 2,
            3.0 * i + 4.5,
            3.0 * i + 3,
            3.0 * i + 3.5,
            1.0,
            0.5,
            1.0,
            40.0,
            value,
            peak_hz,
            value * fatigue_ratio,
        )
        for i, value in enumerate(tremor)
    )
    third = max(1, len(tremor) // 3)
    mean = sum(tremor) / len(tremor)
    legs = None
    if asymmetry is not None:
        right = mean * (1 + asymmetry / 200)
        left = mean * (1 - asymmetry / 200)
        legs = Legs(LegTremor(left), LegTremor(right))
    metrics = SetMetrics(
        rep_count=len(tremor),
        tremor_rms_mps2=mean,
        tremor_peak_hz=peak_hz,
        tremor_trend_ratio=(sum(tremor[-third:]) / third) / (sum(tremor[:third]) / third),
        tremor_onset_rep=onset,
        post_set_tremor_rms_mps2=post,
        asymmetry_index_pct=asymmetry,
        concentric_slowdown_pct=slowdown,
        velocity_loss_pct=None,
        baseline_tremor_rms_mps2=baseline,
        fatigue_band_rms_mps2=mean * fatigue_ratio,
        legs=legs,
        post_set_rest_s=post_rest_s,
        post_set_end_tremor_rms_mps2=post if post_rest_s is not None else None,
    )
    source = SourceSummary("sensor", "simulated", 40.0, 100.0)
    return Findings(source, reps, metrics, quality, form=form)


CALM = make_findings([0.1] * 8)
FATIGUE = make_findings([0.1, 0.1, 0.1, 0.12, 0.2, 0.3, 0.4, 0.5], onset=5, slowdown=28.0)
WARMUP = make_findings([0.5, 0.45, 0.35, 0.25, 0.2, 0.15, 0.12, 0.1], onset=1)
AROUSAL = make_findings([0.3] * 8, baseline=0.4, onset=1)
PERSIST = make_findings([0.2, 0.2, 0.25, 0.3, 0.3, 0.35], post=0.34, post_rest_s=75.0)
ASYM = make_findings([0.2] * 8, asymmetry=24.0)
FORM = make_findings(
    [0.2] * 8,
    form=FormMetrics(view="side", lumbar_extension_deg=18.0),
)

WARNING_TRIGGERS: dict[str, tuple[Findings | None, Answers, History | None]] = {
    "sharp_pain": (None, Answers(pain="sharp", pain_where="left glute"), None),
    "dizziness": (None, Answers(dizziness=True), None),
    "persistent_after_exercise/reported": (None, Answers(shaking_after_min=90), None),
    "persistent_after_exercise/measured": (PERSIST, Answers(), None),
    "asymmetric_shaking/reported": (
        None,
        Answers(shakier_leg="left", same_leg_every_time=True),
        None,
    ),
    "asymmetric_shaking/measured": (
        ASYM,
        Answers(),
        History(
            (
                PastSet(
                    TODAY - datetime.timedelta(days=3),
                    "barbell_hip_thrust",
                    80.0,
                    8,
                    8.0,
                    0.2,
                    21.0,
                    "caution",
                ),
            )
        ),
    ),
}
OTHER_PATTERNS: dict[str, tuple[Findings | None, Answers]] = {
    "nothing": (None, Answers()),
    "calm": (CALM, Answers(rpe=6.0, warmup_done=True, warmup_minutes=12, sleep_h=8.0)),
    "fatigue": (FATIGUE, Answers(rpe=9.5, reps=15, load_kg=100.0)),
    "warmup": (WARMUP, Answers(warmup_done=False)),
    "arousal": (AROUSAL, Answers(pr_attempt=True, nervous=True, caffeine_mg=300)),
    "form": (FORM, Answers(back_arching=True, feet="too_far")),
    "hydration": (None, Answers(fluids_l=0.3, cramps=True, hours_since_meal=8)),
    "tired": (None, Answers(sleep_h=4.0, days_since_hard=1, experience_sessions=1)),
    "all_good": (CALM, Answers(pain="none", dizziness=False, shaking_after_min=0)),
}


def _merge(base: Answers, extra: Answers) -> Answers:
    given = {f.name: getattr(extra, f.name) for f in dataclasses.fields(extra)}
    return dataclasses.replace(base, **{k: v for k, v in given.items() if v is not None})


@pytest.mark.parametrize(
    ("trigger", "pattern"), list(itertools.product(WARNING_TRIGGERS, OTHER_PATTERNS))
)
def test_safety_matrix_every_warning_sign_shows_with_its_urgency(
    trigger: str, pattern: str
) -> None:
    """A sign of urgency ``now`` stops the set; one of urgency ``soon`` gives caution; both
    are shown, whatever else the set holds (the source document stops only for sharp pain
    and dizziness-like alarms)."""
    flag_findings, flag_answers, history = WARNING_TRIGGERS[trigger]
    other_findings, other_answers = OTHER_PATTERNS[pattern]
    findings = flag_findings or other_findings
    answers = _merge(other_answers, flag_answers)
    assessment = explain(findings, answers, history, today=TODAY)
    flag_id = trigger.split("/", maxsplit=1)[0]
    urgency = load_knowledge().red_flag(flag_id).urgency
    flag = next(f for f in assessment.red_flags if f.id == flag_id)
    assert flag.urgency == urgency
    if urgency == "now":
        assert assessment.verdict == "stop"
        # the badge says STOP; the headline names the sign and does not repeat the badge
        assert flag.name.lower() in assessment.headline and "Stop:" not in assessment.headline
    else:
        assert assessment.verdict in ("caution", "stop")
        assert flag.name.lower() in assessment.headline
    document = to_document(Analysis(findings, assessment))
    assert document["assessment"]["verdict"] == assessment.verdict
    assert {"id": flag_id, "urgency": urgency}.items() <= next(
        f for f in document["assessment"]["red_flags"] if f["id"] == flag_id
    ).items()


def test_post_set_shaking_needs_a_minute_of_still_rest_to_be_a_warning_sign() -> None:
    """Shaking after the set over a short rest is evidence, not the warning sign: only a
    recording that shows it through 60 s of still rest raises it."""
    short = make_findings([0.2, 0.2, 0.25, 0.3, 0.3, 0.35], post=0.34, post_rest_s=20.0)
    unknown = make_findings([0.2, 0.2, 0.25, 0.3, 0.3, 0.35], post=0.34)
    for findings in (short, unknown):
        assessment = explain(findings, Answers())
        assert "persistent_after_exercise" not in {f.id for f in assessment.red_flags}
    long_rest = explain(PERSIST, Answers())
    assert "persistent_after_exercise" in {f.id for f in long_rest.red_flags}
    assert long_rest.verdict == "caution"


def test_unmeasured_set_is_never_called_normal() -> None:
    empty = dataclasses.replace(
        CALM,
        reps=(),
        set=dataclasses.replace(CALM.set, rep_count=0, tremor_rms_mps2=None),
        quality=(QualityFlag("too_short", "error", "The recording lasts 2.0 s."),),
    )
    for findings in (None, empty):
        assessment = explain(findings, Answers())
        assert assessment.basis == "answers_only"
        assert assessment.headline.startswith("The set could not be measured")
        assert "Normal" not in assessment.headline and "no problem" not in assessment.headline
    assert "2.0 s" in explain(empty, Answers()).headline


def test_a_set_whose_shaking_was_not_measured_says_so_first() -> None:
    """Reps counted, but no figure of the shaking (a phone sampling at 10 Hz cannot see the
    6 Hz band): the headline says what the verdict rests on, never "the measured shaking"."""
    slow = dataclasses.replace(
        CALM,
        reps=tuple(
            dataclasses.replace(r, tremor_rms_mps2=None, tremor_peak_hz=None) for r in CALM.reps
        ),
        set=dataclasses.replace(CALM.set, tremor_rms_mps2=None, tremor_peak_hz=None),
        quality=(
            QualityFlag(
                "low_sample_rate",
                "error",
                "At 10 Hz the tremor band (6 Hz and up) cannot be measured. Record at 100 Hz "
                "or more.",
            ),
        ),
    )
    assessment = explain(slow, Answers(rpe=6.0, warmup_done=True, warmup_minutes=12))
    assert assessment.basis == "measured"  # the reps were
    assert assessment.headline == (
        "The shaking itself could not be measured (at 10 Hz the tremor band (6 Hz and up) "
        "cannot be measured), so this rests on the reps and your answers. Nothing in the reps "
        "or your answers is a warning sign."
    )
    unexplained = dataclasses.replace(slow, quality=())
    assert "(the notes on the recording say why)" in explain(unexplained, Answers()).headline
    # reps slowing hard point to fatigue: the reps fit hard work, not the unmeasured shaking
    tiring = dataclasses.replace(
        slow, set=dataclasses.replace(slow.set, concentric_slowdown_pct=48.0)
    )
    tired = explain(tiring, Answers())
    assert tired.verdict == "normal" and tired.causes[0].id == "muscle_fatigue"
    assert tired.headline.endswith(
        "rests on the reps and your answers. The reps fit hard work; the plan below can "
        "still make the set steadier."
    )
    measured = dataclasses.replace(
        CALM, set=dataclasses.replace(CALM.set, concentric_slowdown_pct=48.0)
    )
    assert explain(measured, Answers()).headline.startswith("The shaking fits hard work")
    # a size not measured but a frequency found (a video with no scale) is still shaking seen
    pixels = dataclasses.replace(slow, set=dataclasses.replace(slow.set, tremor_peak_hz=7.0))
    assert "could not be measured" not in explain(pixels, Answers()).headline


def test_a_single_lopsided_set_is_not_a_warning_sign() -> None:
    assessment = explain(ASYM, Answers())
    assert not assessment.red_flags
    assert assessment.causes[0].id == "stabilizer_weakness"


def test_no_warning_sign_means_no_stop() -> None:
    for findings, answers in OTHER_PATTERNS.values():
        assert explain(findings, answers).verdict in ("normal", "caution")


@pytest.mark.parametrize(
    ("findings", "answers", "expected"),
    [
        (FATIGUE, Answers(rpe=9.5), "muscle_fatigue"),
        (WARMUP, Answers(warmup_done=False), "inadequate_warmup"),
        (AROUSAL, Answers(), "nervous_arousal"),
        (CALM, Answers(pr_attempt=True), "nervous_arousal"),
        (FORM, Answers(), "form_technique"),
        (None, Answers(fluids_l=0.4, cramps=True), "hydration_electrolytes"),
        (
            make_findings([0.2] * 8, fatigue_ratio=1.1, peak_hz=4.5),
            Answers(sleep_h=5.0),
            "neuromuscular_fatigue",
        ),
        (ASYM, Answers(knees_cave=True), "stabilizer_weakness"),
    ],
)
def test_hand_made_patterns_rank_their_cause_first(
    findings: Findings | None, answers: Answers, expected: str
) -> None:
    assessment = explain(findings, answers)
    assert assessment.causes[0].id == expected
    assert assessment.strategies


def test_no_cause_without_supporting_evidence() -> None:
    for findings, answers in OTHER_PATTERNS.values():
        for cause in explain(findings, answers).causes:
            assert cause.likelihood > 0
            assert any(e.supports for e in cause.evidence)
            assert 0.0 < cause.likelihood <= 1.0
    bare = explain(None, Answers())
    assert bare.causes == () and bare.verdict == "normal"


def test_evidence_cites_feature_value_threshold_unit_and_direction() -> None:
    assessment = explain(FATIGUE, Answers(rpe=9.5))
    evidence = assessment.causes[0].evidence
    trend = next(e for e in evidence if e.feature == "tremor_trend_ratio")
    assert trend.direction == ">=" and trend.threshold == 1.3 and trend.unit == "x"
    assert trend.value == pytest.approx(FATIGUE.set.tremor_trend_ratio, abs=0.01)
    assert "1.3" in trend.text


def test_calm_set_with_everything_fine_is_normal() -> None:
    assessment = explain(CALM, Answers(rpe=6.0, warmup_done=True, warmup_minutes=12))
    assert assessment.verdict == "normal"
    assert assessment.headline == "The measured shaking and your answers point to no problem."


def test_assessment_dict_has_the_contract_shape() -> None:
    assessment = explain(WARMUP, Answers(warmup_done=False, pain="sharp"))
    document = json.loads(json.dumps(to_document(Analysis(WARMUP, assessment))))
    as_dict = document["assessment"]
    assert document["schema"] == "thrustlab.analysis/2"
    assert {"verdict", "basis", "causes", "red_flags", "strategies"} <= set(as_dict)
    assert {"id", "likelihood", "evidence"} <= set(as_dict["causes"][0])
    assert {"id", "urgency", "evidence"} <= set(as_dict["red_flags"][0])
    assert {"id", "why", "steps"} <= set(as_dict["strategies"][0])
    assert {"feature", "value", "threshold", "unit", "direction"} <= set(
        as_dict["causes"][0]["evidence"][0]
    )


def test_missing_answers_that_would_change_the_assessment() -> None:
    missing = {m.answer for m in explain(CALM, Answers()).missing}
    assert {"pain", "dizziness", "shaking_after_min"} <= missing
    assert "warmup_done" in missing
    stopped = explain(CALM, Answers(pain="sharp")).missing
    assert "pain" not in {m.answer for m in stopped}


def test_an_answer_given_is_never_asked_for_again() -> None:
    """Days since the last hard session settles too little without a training log (the days
    in a row stay unknown): the report asked for it again after the lifter gave it. Every
    answer given is left out of what could change the assessment, for any findings, and
    for a feature two answers settle the one not given is asked."""
    given = {
        "days_since_hard": 1.0,
        "experience_sessions": 1,
        "shakier_leg": "left",
        "rpe": 9.0,
        "sleep_h": 5.0,
        "warmup_done": True,
        "pain": "none",
    }
    for findings in (CALM, FATIGUE):
        for k in range(1, len(given) + 1):
            for names in itertools.combinations(given, k):
                answers = Answers(**{n: given[n] for n in names})
                asked = {m.answer for m in explain(findings, answers).missing}
                assert not asked & set(names), (names, asked & set(names))
    one_leg = {m.answer for m in explain(FATIGUE, Answers(shakier_leg="left")).missing}
    assert "same_leg_every_time" in one_leg


def test_plan_uses_the_lifters_numbers() -> None:
    history = History(
        tuple(
            PastSet(
                TODAY - datetime.timedelta(days=d),
                "barbell_hip_thrust",
                100.0,
                8,
                8.0,
                0.15,
                None,
                "normal",
            )
            for d in (9, 6, 2)
        )
    )
    short = explain(WARMUP, Answers(warmup_minutes=3, load_kg=100.0), history, today=TODAY)
    steps = [s for p in short.strategies for s in p.steps]
    assert any("3 min" in s and "10 min" in s for s in steps)
    jump = explain(CALM, Answers(load_kg=120.0, rpe=9.0), history, today=TODAY)
    assert jump.verdict == "caution"
    assert jump.next_load is not None and jump.next_load.load_kg == 110.0
    text = " ".join(s for p in jump.strategies for s in p.steps)
    assert "20 %" in text and "110 kg" in text
    easy = explain(CALM, Answers(load_kg=100.0, rpe=7.0), history, today=TODAY)
    assert easy.next_load is not None and easy.next_load.load_kg == 102.5
    tired = explain(FATIGUE, Answers(load_kg=100.0, rpe=10.0), history, today=TODAY)
    assert tired.next_load is not None and tired.next_load.hold
    lopsided = explain(ASYM, Answers(knees_cave=True))
    stabilizer = next(p for p in lopsided.strategies if p.id == "stabilizer_strength")
    assert any("right leg" in s for s in stabilizer.steps)
    assert any("Knees" in s for s in stabilizer.steps)


FORBIDDEN = re.compile(
    r"\byou (have|are suffering|suffer)\b|\bdiagnos|\bdisease\b|\bdisorder\b|\bparkinson"
    r"|\bessential tremor\b|\bmultiple sclerosis\b|\bneuropathy\b|\bsyndrome\b",
    re.IGNORECASE,
)


def _texts(assessment: Assessment) -> list[str]:
    texts = [assessment.headline]
    for flag in assessment.red_flags:
        texts += [flag.name, flag.advice] + [e.text for e in flag.evidence]
    for cause in assessment.causes:
        texts += [cause.name, cause.short] + [e.text for e in cause.evidence]
    for plan in assessment.strategies:
        texts += [plan.name, plan.why, *plan.steps]
    return texts + [m.effect for m in assessment.missing]


def test_wording_never_diagnoses() -> None:
    kb = load_knowledge()
    texts = [c.long for c in kb.causes] + [c.short for c in kb.causes]
    texts += [r.text for c in kb.causes for r in c.rules]
    texts += list(kb.personal.values())
    offending = [t for t in texts if FORBIDDEN.search(t)]
    texts = []
    for findings, answers in list(OTHER_PATTERNS.values()):
        texts += _texts(explain(findings, answers))
    for findings, answers, history in WARNING_TRIGGERS.values():
        texts += _texts(explain(findings, answers, history, today=TODAY))
    offending += [t for t in texts if FORBIDDEN.search(t)]
    assert offending == []
    assert all("{" not in t and "}" not in t for t in texts)


def test_answers_from_a_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(
        "load: 225 lb\nrir: 1\nwarmup_done: no\nsleep_h: 6.5\npain: Sharp\n"
        "pain_where: Left glute\nshakier_leg: left\n",
        encoding="utf-8",
    )
    answers = load_answers(path)
    assert answers.load_kg == pytest.approx(102.06, abs=0.01)
    assert answers.rir == 1.0 and answers.rpe is None and answers.warmup_done is False
    assert answers.effort_rpe == 9.0  # 1 rep in reserve is RPE 9 (Zourdos 2016)
    assert answers.pain == "sharp" and answers.pain_where == "Left glute"
    assert load_answers(_write(tmp_path, "")) == Answers()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("slep_h: 7\n", "did you mean 'sleep_h'"),
        ("rpe: 14\n", "rpe must be between 1 and 10"),
        ("pain: stabbing\n", "pain must be one of none, dull, sharp"),
        ("load: heavy\n", "load must look like"),
        ("warmup_done: maybe\n", "warmup_done must be yes or no"),
        ("- a\n- b\n", "expected 'name: value' lines"),
        ("rpe: [\n", "not valid YAML"),
        ("reps: 8.5\n", "reps must be a whole number"),
    ],
)
def test_bad_answers_files_give_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        load_answers(_write(tmp_path, text))
    assert "\n" not in str(caught.value)
    assert str(tmp_path) in str(caught.value)


def test_missing_answers_file_and_bad_mapping() -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_answers("no-such-answers.yaml")
    with pytest.raises(AnswersError, match="rir must be between 0 and 9"):
        answers_from_mapping({"rir": 12})
    assert answers_from_mapping({"load": "80kg", "rpe": None}).load_kg == 80.0


def test_command_line_options_override_the_answers_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "load_kg: 90\nrpe: 7\nsleep_h: 8\n")
    answers = answers_from_options(path, {"load": "110 kg", "rir": 1, "sleep_h": None})
    assert (answers.load_kg, answers.effort_rpe, answers.sleep_h) == (110.0, 9.0, 8.0)
    assert answers.rpe is None, "--rir replaces the file's rpe"
    assert answers_from_options(None, {"pain": "Sharp"}).pain == "sharp"
    with pytest.raises(InputError, match="rpe must be between"):
        answers_from_options(None, {"rpe": 0})


def _steps(answers: Answers, **options: object) -> list[str]:
    assessment = explain(None, answers, **options)  # type: ignore[arg-type]
    return [s for p in assessment.strategies for s in p.steps]


EPS = 0.1
"""Just under or over a cutoff: far below the precision anyone answers these in."""


@pytest.mark.parametrize(
    ("cause", "feature", "short_key", "other"),
    [
        ("neuromuscular_fatigue", "sleep_h", "sleep_short", Answers(days_since_hard=1)),
        ("hydration_electrolytes", "fluids_l", "fluids_low", Answers(cramps=True)),
        ("inadequate_warmup", "warmup_minutes", "warmup_short", Answers(nervous=True)),
    ],
)
def test_the_plan_uses_the_knowledge_bases_cutoffs(
    cause: str, feature: str, short_key: str, other: Answers
) -> None:
    """Just under the knowledge base's cutoff the plan's personal step fires, just over it
    does not (``other`` keeps the strategy in the plan either way)."""
    kb = load_knowledge()
    cutoff = float(kb.rule(cause, feature, "<").threshold)
    prefix = kb.personal[short_key].split("{")[0]
    under = _steps(dataclasses.replace(other, **{feature: cutoff - EPS}))
    over = _steps(dataclasses.replace(other, **{feature: cutoff + EPS}))
    assert any(s.startswith(prefix) for s in under)
    assert not any(s.startswith(prefix) for s in over)


def test_the_warm_up_target_is_the_knowledge_bases_enough() -> None:
    kb = load_knowledge()
    enough = float(kb.rule("inadequate_warmup", "warmup_minutes", ">=").threshold)
    steps = _steps(Answers(warmup_done=False))
    assert kb.personal["warmup_none"].format(target=enough) in steps


def test_changing_a_cutoff_in_the_knowledge_base_changes_the_plan() -> None:
    """The plan holds no copy of the number: raise the knowledge base's short-sleep cutoff
    and a night that was long enough becomes short."""
    kb = load_knowledge()
    rule = kb.rule("neuromuscular_fatigue", "sleep_h", "<")
    hours = float(rule.threshold) + 1.0
    cause = kb.cause("neuromuscular_fatigue")
    stricter = dataclasses.replace(rule, threshold=hours + 0.5)
    rules = tuple(stricter if r is rule else r for r in cause.rules)
    causes = tuple(
        dataclasses.replace(c, rules=rules) if c.id == cause.id else c for c in kb.causes
    )
    edited = dataclasses.replace(kb, causes=causes)
    short = kb.personal["sleep_short"].format(hours=hours)
    assert short not in _steps(Answers(sleep_h=hours, days_since_hard=1))
    assert short in _steps(Answers(sleep_h=hours, days_since_hard=1), knowledge=edited)


def test_the_next_load_holds_from_the_knowledge_bases_slowdown_cutoff() -> None:
    """Reps slowing just past the knowledge base's hold cutoff keep the load; just short of
    it, a calm set steps up."""
    cutoff = load_knowledge().plan["hold_slowdown_pct"].value
    answers = Answers(load_kg=100.0, rpe=7.0)
    held = explain(make_findings([0.1] * 8, slowdown=cutoff + EPS), answers).next_load
    stepped = explain(make_findings([0.1] * 8, slowdown=cutoff - EPS), answers).next_load
    assert held is not None and held.hold and held.load_kg == 100.0
    assert stepped is not None and not stepped.hold and stepped.load_kg > 100.0


@pytest.mark.parametrize(
    ("findings", "answers"),
    [
        (FATIGUE, Answers(warmup_done=False, sleep_h=5.0, rpe=9.5, fluids_l=0.5)),
        (WARMUP, Answers(warmup_done=False, nervous=True, cramps=True)),
        (ASYM, Answers(shakier_leg="left", sleep_h=5.0, pr_attempt=True)),
        (FORM, Answers(warmup_minutes=2, sleep_h=5.5, fluids_l=0.4)),
    ],
)
def test_the_plan_follows_every_cause_shown(findings: Findings, answers: Answers) -> None:
    """Every cause the lifter reads has a strategy in the plan, and the plan cites only
    causes and signs that are shown."""
    assessment = explain(findings, answers)
    shown = {c.id for c in assessment.causes} | {f.id for f in assessment.red_flags}
    cited = {c for item in assessment.strategies for c in item.causes}
    assert cited <= shown
    kb = load_knowledge()
    for cause in assessment.causes:
        if cause.likelihood >= MIN_LIKELIHOOD:  # the plan's floor: weaker causes add no step
            assert cause.id in cited, cause.id
            assert set(kb.cause(cause.id).strategies) & {s.id for s in assessment.strategies}


def test_no_load_advice_under_a_stop_sign_and_dizziness_brings_fluids() -> None:
    sharp = explain(FATIGUE, Answers(load_kg=100.0, rpe=9.0, pain="sharp"))
    assert sharp.verdict == "stop"
    assert "progressive_overload" not in {s.id for s in sharp.strategies}
    assert not any("kg" in step for s in sharp.strategies for step in s.steps)
    dizzy = explain(CALM, Answers(dizziness=True))
    assert "hydration_nutrition" in {s.id for s in dizzy.strategies}


def test_the_headline_names_the_cause_that_decided_the_verdict() -> None:
    """When the stabiliser rules make it a caution, the headline does not blame fatigue."""
    kb = load_knowledge()
    assessment = explain(ASYM, Answers(rpe=9.5, reps=15, shakier_leg="left"))
    decided = [c for c in assessment.causes if c.likelihood >= kb.cause(c.id).caution_likelihood]
    assert assessment.verdict == "caution" and decided
    assert decided[0].name.lower() in assessment.headline
    assert "points most" not in assessment.headline
