"""A seeded simulator of hip-thrust sets with exact ground truth.

The thigh is a rigid segment pivoting at the knee. Its pitch (degrees above horizontal,
knee higher than hip) follows minimum-jerk moves: set-up shuffles, a rest at the bottom,
the reps (concentric, lockout hold, eccentric, pause), a rest, then racking. The phone sits
on the thigh in an arbitrary orientation and measures gravity (or not), the thigh's own
acceleration, a narrow-band tremor with a wandering frequency, an optional 4-5 Hz fatigue
component, short 10-20 Hz jolts where the movement stops (bottom and lockout), white noise,
timestamp jitter and dropouts. Two legs share the movement but not tremor, jolts or noise.

``simulate_set(spec) -> (recording, truth)`` for one sensor, ``simulate_legs(spec) ->
((left, right), truth)`` for one per thigh, and ``simulate_recordings(spec)`` for whichever
the spec asks; ``scenario(name, seed=...)`` gives specs for the patterns the explain step must
recognise, ``situation(name, seed=...)`` sets as they really happen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from thrustlab.recording import G_MPS2, Recording
from thrustlab.records import record

FloatArray = npt.NDArray[np.float64]
Activity = Literal["set", "still", "handling"]
AfterSet = Literal["rest", "sit_up", "stand", "walk", "handle"]

THIGH_PIVOT_M = 0.22
"""Distance from the knee to the phone along the thigh."""


@record
class SimulationSpec:
    """Everything that shapes a simulated set; every value has a realistic default."""

    seed: int = 0
    n_reps: int = 10
    rate_hz: float = 100.0
    # tempo, seconds per phase of the first rep
    concentric_s: float = 1.0
    lockout_s: float = 1.0
    eccentric_s: float = 1.3
    bottom_pause_s: float = 0.6
    slowdown_pct: float = 0.0
    """Concentric of the last rep is this much longer than the first's."""
    rom_deg: float = 40.0
    bottom_pitch_deg: float = 45.0
    # tremor
    tremor_hz: float = 8.5
    tremor_wander_hz: float = 1.0
    tremor_rms_mps2: float = 0.05
    """Tremor RMS at rest-like effort (the first reps)."""
    fatigue_gain: float = 1.0
    """Tremor of the last rep over the first, from ``fatigue_onset_rep`` on."""
    fatigue_onset_rep: int = 1
    warmup_gain: float = 1.0
    """Tremor of rep 1 over the settled level; eases off over the first reps."""
    fatigue_band_rms_mps2: float = 0.0
    """4-5 Hz component reached at the last rep."""
    fatigue_band_hz: float = 4.6
    pre_set_tremor_rms_mps2: float | None = None
    """Tremor at rest before the first rep; default half the first rep's."""
    post_set_tremor_rms_mps2: float | None = None
    """Tremor in the rest after the last rep; default half the last rep's, fading."""
    post_set_persists: bool = False
    """Post-set tremor holds its level instead of fading within 1.5 s."""
    # jolts where the movement stops
    jolt_peak_mps2: float = 12.0
    knocks: int = 0
    """Knocks on the phone (the bar, a hand) during the set: each one sample 3-16 g off
    (phones' accelerometers stop at 8-16 g), on one leg's phone."""
    # sensor
    noise_ug_per_rthz: float = 150.0
    jitter_fraction: float = 0.1
    """Sample interval varies by up to this fraction."""
    dropouts: int = 0
    """Number of 0.15-0.6 s stretches with no samples."""
    rate_drop_hz: float | None = None
    """From ``rate_drop_at`` of the recording's span to its end the phone sends samples at
    about this rate (a whole fraction of ``rate_hz``), as a phone whose screen turned off."""
    rate_drop_at: float = 0.5
    gravity_included: bool = True
    with_gyro: bool = True
    mount_seed: int | None = None
    """Seed of the phone's random orientation on the thigh (default: from ``seed``)."""
    # around the set
    setup_s: float = 6.0
    rest_before_s: float = 3.0
    rest_after_s: float = 4.0
    stand_up: bool = True
    two_legs: bool = False
    asymmetry_pct: float = 0.0
    """Right leg's tremor over the left's, as PRODUCT.md's asymmetry index."""
    # sets as they really happen (the defaults give the tidy set above)
    activity: Activity = "set"
    """``still``: the phone lies on a table, no set; ``handling``: the phone is picked up,
    turned, looked at and put down, twice, no reps (walking, a repeated movement, is in
    ``setup_handling``)."""
    lead_in_s: float = 0.0
    """Extra still time at the start of the recording, before anything moves."""
    setup_handling: bool = False
    """Before the set the phone is handled and strapped on, the lifter walks to the bench,
    loads the bar (squatting down and up) and sits down."""
    rest_pause_s: float = 0.0
    """Rest-pause: the lifter rests this long at the bottom after each rep in
    ``rest_pause_after``."""
    rest_pause_after: tuple[int, ...] = ()
    """Reps (1-based) after which the rest-pause is taken."""
    slip_deg: float = 0.0
    """The phone turns on the thigh by this much (about a random axis) over about 0.5 s at a
    random moment of the set, and stays turned."""
    partial_last_fraction: float = 1.0
    """The last rep reaches this fraction of the range (a failed rep below 1); it still
    counts, as a partial rep."""
    dismount_s: float | None = None
    """The lifter moves this soon after the last rep (no rest at the bottom); None: after
    ``rest_after_s`` of rest."""
    after_set: AfterSet = "rest"
    """What follows the set: ``rest`` (hips down, legs out, perhaps standing up, as above),
    ``sit_up`` (sits up and stays seated), ``stand`` (sits up and stands), ``walk`` (stands
    and walks away), ``handle`` (sits up and takes the phone off the thigh)."""


@record
class LegTruth:
    tremor_rms_mps2: tuple[float, ...]
    """Per rep: RMS of the tremor vector (main band only) over the rep."""
    set_tremor_rms_mps2: float
    baseline_tremor_rms_mps2: float
    post_set_tremor_rms_mps2: float


@record
class SetTruth:
    start_s: tuple[float, ...]
    end_s: tuple[float, ...]
    lockout_start_s: tuple[float, ...]
    lockout_end_s: tuple[float, ...]
    rom_deg: tuple[float, ...]
    tremor_peak_hz: tuple[float, ...]
    """Per rep: the power-weighted mean tremor frequency of the left (or only) leg."""
    left: LegTruth
    right: LegTruth | None
    asymmetry_index_pct: float | None
    concentric_slowdown_pct: float | None
    rest_before_s: tuple[float, float]
    rest_after_s: tuple[float, float]
    partial: tuple[bool, ...] = ()
    """Per rep: True where the rep fell short of the range (a failed last rep)."""
    still_after_s: tuple[tuple[float, float], ...] = ()
    """Stretches after the last rep where the thigh and body are still (rest, or sitting
    still after sitting up); not standing, walking or handling."""

    @property
    def n_reps(self) -> int:
        return len(self.start_s)

    @property
    def tremor_rms_mps2(self) -> tuple[float, ...]:
        """Per rep: the mean of both legs (or the only leg)."""
        if self.right is None:
            return self.left.tremor_rms_mps2
        pairs = zip(self.left.tremor_rms_mps2, self.right.tremor_rms_mps2, strict=True)
        return tuple((a + b) / 2 for a, b in pairs)


def scenario(name: str, /, *, seed: int) -> SimulationSpec:
    """A spec with the pattern ``name`` and seeded, realistic variation around it.

    calm, fatigue, warmup, asymmetry, arousal, persistence, neuromuscular."""
    rng = np.random.default_rng(seed)
    base = replace(random_spec(seed, rng=rng), slowdown_pct=rng.uniform(0.0, 5.0))
    n = base.n_reps
    late = max(2, round(n * rng.uniform(0.45, 0.65)))
    patterns: dict[str, dict[str, object]] = {
        "calm": {"fatigue_gain": 1.0, "slowdown_pct": rng.uniform(0, 5)},
        "fatigue": {
            "fatigue_gain": rng.uniform(3.0, 8.0),
            "fatigue_onset_rep": late,
            "slowdown_pct": rng.uniform(25, 60),
        },
        "warmup": {"warmup_gain": rng.uniform(3.0, 6.0), "fatigue_gain": 1.0},
        "asymmetry": {
            "two_legs": True,
            "asymmetry_pct": float(rng.choice([-1, 1]) * rng.uniform(30, 70)),
            "tremor_rms_mps2": rng.uniform(0.03, 0.1),  # legs compared above sensor noise
        },
        "arousal": {
            "pre_set_tremor_rms_mps2": base.tremor_rms_mps2 * rng.uniform(3.0, 6.0),
            "warmup_gain": 1.5,
        },
        "persistence": {
            "fatigue_gain": rng.uniform(2.0, 4.0),
            "post_set_persists": True,
            "post_set_tremor_rms_mps2": base.tremor_rms_mps2 * rng.uniform(3.0, 6.0),
            # Persistence is only measured through a minute of still rest (PRODUCT.md).
            "rest_after_s": rng.uniform(65.0, 80.0),
        },
        "neuromuscular": {"fatigue_band_rms_mps2": rng.uniform(0.3, 0.8)},
    }
    if name not in patterns:
        raise ValueError(f"unknown scenario {name!r}; choose from {sorted(patterns)}")
    return replace(base, **patterns[name])  # type: ignore[arg-type]


def random_spec(seed: int, /, *, rng: np.random.Generator | None = None) -> SimulationSpec:
    """A spec drawn across the realistic ranges: tempo, reps, rate, noise, orientation,
    gravity in or out, dropouts."""
    rng = np.random.default_rng(seed) if rng is None else rng
    concentric = rng.uniform(0.5, 1.8)
    lockout = rng.uniform(0.0, 3.0)
    eccentric = rng.uniform(0.8, 2.0)
    pause = rng.uniform(0.2, 1.0)
    period = concentric + lockout + eccentric + pause
    if period > 5.0:  # reps at 0.2-0.6 Hz
        lockout = max(0.0, lockout - (period - 5.0))
    gravity = bool(rng.random() < 0.7)
    return SimulationSpec(
        seed=seed,
        n_reps=int(rng.integers(1, 31)),
        rate_hz=float(rng.choice([50.0, 60.0, 100.0, 200.0, 400.0])),
        concentric_s=concentric,
        lockout_s=lockout,
        eccentric_s=eccentric,
        bottom_pause_s=pause,
        rom_deg=rng.uniform(28, 50),
        bottom_pitch_deg=rng.uniform(35, 55),
        tremor_hz=rng.uniform(7.0, 10.0),
        tremor_wander_hz=rng.uniform(0.3, 1.0),
        tremor_rms_mps2=rng.uniform(0.01, 0.1),
        fatigue_gain=rng.uniform(1.0, 10.0),
        fatigue_onset_rep=int(rng.integers(1, 8)),
        noise_ug_per_rthz=rng.uniform(70, 300),
        jitter_fraction=rng.uniform(0.0, 0.3),
        dropouts=int(rng.integers(0, 3)),
        gravity_included=gravity,
        with_gyro=(not gravity) or bool(rng.random() < 0.5),
        jolt_peak_mps2=rng.uniform(6.0, 20.0),
        setup_s=rng.uniform(3.0, 10.0),
        rest_before_s=rng.uniform(2.0, 5.0),
        rest_after_s=rng.uniform(2.5, 6.0),
        stand_up=bool(rng.random() < 0.5),
        slowdown_pct=rng.uniform(0.0, 50.0),
    )


# --- movement ------------------------------------------------------------------------------


@record
class _Move:
    t0_s: float
    t1_s: float
    pitch0_deg: float
    pitch1_deg: float


@record
class _Turn:
    """The phone turns by ``angle_deg`` about ``axis`` (its own axes) between the times."""

    t0_s: float
    t1_s: float
    axis: tuple[float, float, float]
    angle_deg: float


@record
class _Body:
    """Whole-body movement felt by the phone between the times: ``trunk`` (sitting up,
    standing up, squatting), ``walk`` (steps and heel strikes), ``hand`` (in the hand)."""

    t0_s: float
    t1_s: float
    kind: Literal["trunk", "walk", "hand"]
    level_mps2: float


@dataclass
class _Plan:
    """The thigh's moves, the true times, and what else the phone feels."""

    moves: list[_Move]
    times: dict[str, list[float]]
    turns: list[_Turn]
    body: list[_Body]
    still_after: list[tuple[float, float]]


class _Planner:
    """Builds a plan move by move; ``x`` draws everything the tidy set does not have, so
    the tidy set's draws (and so its recordings) stay as they were."""

    def __init__(self, t: float, pitch: float, x: np.random.Generator) -> None:
        self.t, self.pitch, self.x = t, pitch, x
        self.moves: list[_Move] = []
        self.turns: list[_Turn] = []
        self.body: list[_Body] = []

    def move(self, duration: float, target: float) -> None:
        self.moves.append(_Move(self.t, self.t + duration, self.pitch, target))
        self.t += duration
        self.pitch = target

    def hold(self, duration: float) -> None:
        self.t += duration

    def body_move(self, duration: float, target: float, level_mps2: float) -> None:
        """A move of the whole body (sitting or standing up, squatting)."""
        self.body.append(_Body(self.t, self.t + duration, "trunk", level_mps2))
        self.move(duration, target)

    def handle(self, duration: float) -> None:
        """The phone in the hand: turned this way and that, moved about."""
        x, end = self.x, self.t + duration
        self.body.append(_Body(self.t, end, "hand", x.uniform(0.5, 2.0)))
        while self.t < end:
            turn = x.uniform(0.4, 1.5)
            axis = x.normal(size=3)
            axis /= np.linalg.norm(axis)
            angle = x.uniform(30, 120) * x.choice([-1.0, 1.0])
            self.turns.append(_Turn(self.t, self.t + turn, (axis[0], axis[1], axis[2]), angle))
            self.t += turn + x.uniform(0.1, 0.8)

    def walk(self, duration: float) -> None:
        """Steps: the thigh swings forward and back about standing, once a stride."""
        x, stand, end = self.x, self.pitch, self.t + duration
        self.body.append(_Body(self.t, end, "walk", x.uniform(2.0, 4.0)))
        half = x.uniform(0.5, 0.6)
        while self.t < end:
            self.move(half, stand + x.uniform(15, 30))
            self.move(half, stand - x.uniform(5, 15))
        self.move(half / 2, stand)


def _schedule(spec: SimulationSpec, rng: np.random.Generator) -> _Plan:
    """Minimum-jerk moves of the thigh pitch, the true rep times, and what else happens."""
    x = np.random.default_rng([spec.seed, 104729])
    start_t = rng.uniform(0.5, 3.0) + spec.lead_in_s
    sitting = spec.bottom_pitch_deg - rng.uniform(25, 40)  # sitting with the legs out
    p = _Planner(start_t, sitting, x)
    if spec.setup_handling:
        _set_up(p, sitting)
    move, hold = p.move, p.hold

    move(rng.uniform(0.8, 1.5), spec.bottom_pitch_deg + rng.uniform(-3, 3))  # feet in
    setup_end = p.t + spec.setup_s
    while p.t < setup_end - 1.0:  # shuffles: bar roll, foot placement
        hold(rng.uniform(0.3, 1.2))
        move(rng.uniform(0.3, 0.8), spec.bottom_pitch_deg + rng.uniform(-5, 5))
    move(0.5, spec.bottom_pitch_deg)
    rest_before = (p.t, p.t + spec.rest_before_s)
    hold(spec.rest_before_s)
    times = _reps(p, spec, rng)
    n = spec.n_reps
    if spec.slip_deg and n:
        at = x.uniform(times["start"][0], times["end"][-1])
        axis = x.normal(size=3)
        axis /= np.linalg.norm(axis)
        p.turns.append(
            _Turn(at, at + x.uniform(0.3, 0.7), (axis[0], axis[1], axis[2]), spec.slip_deg)
        )
    if spec.dismount_s is None:
        rest_after = (p.t, p.t + spec.rest_after_s)
        hold(spec.rest_after_s)
    else:
        rest_after = (p.t, p.t)
        hold(spec.dismount_s)
    still_after = [rest_after] if rest_after[1] > rest_after[0] else []
    if spec.after_set == "rest":
        move(rng.uniform(0.6, 1.2), spec.bottom_pitch_deg + rng.uniform(3, 8))  # hips down
        hold(rng.uniform(0.5, 1.5))
        move(rng.uniform(1.0, 2.0), rng.uniform(0, 12))  # legs out
        if spec.stand_up:
            hold(rng.uniform(1.0, 2.0))
            move(rng.uniform(1.5, 2.5), -rng.uniform(75, 88))
        hold(rng.uniform(1.0, 2.0))
    else:
        still_after += _after_set(p, spec)
    times["rest_before"] = list(rest_before)
    times["rest_after"] = list(rest_after)
    times["duration"] = [p.t]
    if spec.after_set != "rest" and still_after:
        times["still_end"] = [still_after[-1][1]]
    return _Plan(p.moves, times, p.turns, p.body, still_after)


def _reps(p: _Planner, spec: SimulationSpec, rng: np.random.Generator) -> dict[str, list[float]]:
    """The set's reps from the bottom rest, with their true times."""
    move, hold = p.move, p.hold
    times: dict[str, list[float]] = {k: [] for k in ("start", "lock0", "lock1", "end", "rom")}
    n = spec.n_reps
    for i in range(n):
        progress = i / (n - 1) if n > 1 else 0.0
        jitter = rng.normal(1.0, 0.04, size=4).clip(0.85, 1.15)
        concentric = spec.concentric_s * (1 + spec.slowdown_pct / 100 * progress**1.5) * jitter[0]
        rom = spec.rom_deg * rng.uniform(0.95, 1.05)
        if i == n - 1:
            rom *= spec.partial_last_fraction
        times["start"].append(p.t)
        times["rom"].append(rom)
        move(concentric, spec.bottom_pitch_deg - rom)
        times["lock0"].append(p.t)
        hold(spec.lockout_s * jitter[1])
        times["lock1"].append(p.t)
        move(spec.eccentric_s * jitter[2], spec.bottom_pitch_deg)
        times["end"].append(p.t)
        if i < n - 1:
            hold(max(0.15, spec.bottom_pause_s * jitter[3]))
            if i + 1 in spec.rest_pause_after:
                hold(spec.rest_pause_s)
    return times


def _set_up(p: _Planner, sitting_deg: float) -> None:
    """Before the set: the phone handled and strapped on while standing, a walk to the
    bench, loading the bar (squatting down and up), sitting down."""
    x = p.x
    stand = -x.uniform(75, 88)
    p.pitch = stand
    p.handle(x.uniform(3.0, 8.0))
    p.hold(x.uniform(0.3, 1.5))
    p.walk(x.uniform(4.0, 10.0))
    for _ in range(int(x.integers(2, 5))):  # plates on and off the bar
        p.body_move(x.uniform(0.8, 1.5), x.uniform(-20, 5), x.uniform(1.0, 2.5))
        p.hold(x.uniform(0.5, 2.0))
        p.body_move(x.uniform(0.8, 1.5), stand, x.uniform(1.0, 2.5))
        p.hold(x.uniform(0.3, 1.5))
    p.body_move(x.uniform(1.0, 2.0), sitting_deg, x.uniform(1.5, 3.0))
    p.hold(x.uniform(0.5, 2.0))


def _after_set(p: _Planner, spec: SimulationSpec) -> list[tuple[float, float]]:
    """What follows the set (all but ``rest``): hips down, sitting up, and then staying
    seated, standing, walking away or taking the phone off. Returns the still stretches."""
    x, bottom = p.x, spec.bottom_pitch_deg
    still: list[tuple[float, float]] = []
    p.body_move(x.uniform(0.4, 0.9), bottom + x.uniform(3, 8), x.uniform(0.5, 1.5))  # hips down
    p.body_move(x.uniform(1.0, 2.0), bottom + x.uniform(5, 25), x.uniform(1.5, 3.0))  # sits up
    if spec.after_set in ("sit_up", "handle"):
        seated = x.uniform(3.0, 30.0)
        still.append((p.t + 0.3, p.t + seated))
        p.hold(seated)
        if spec.after_set == "handle":
            p.handle(x.uniform(5.0, 15.0))
    else:
        p.hold(x.uniform(0.3, 1.0))
        p.body_move(x.uniform(1.5, 2.5), -x.uniform(75, 88), x.uniform(2.0, 4.0))  # stands
        p.body.append(_Body(p.t, p.t + 3.0, "trunk", x.uniform(0.1, 0.3)))  # finds balance
        p.hold(x.uniform(3.0, 10.0))
        if spec.after_set == "walk":
            p.walk(x.uniform(5.0, 15.0))
    p.hold(x.uniform(0.5, 1.5))
    return still


def _pitch(
    moves: list[_Move], t: FloatArray, start_pitch: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Pitch (rad), its rate (rad/s) and acceleration (rad/s^2) at times ``t``."""
    angle = np.full(t.shape, np.deg2rad(start_pitch))
    rate = np.zeros_like(t)
    accel = np.zeros_like(t)
    for m in moves:
        duration = m.t1_s - m.t0_s
        delta = np.deg2rad(m.pitch1_deg - m.pitch0_deg)
        after = t >= m.t1_s
        angle[after] = np.deg2rad(m.pitch1_deg)
        inside = (t >= m.t0_s) & ~after
        tau = (t[inside] - m.t0_s) / duration
        angle[inside] = np.deg2rad(m.pitch0_deg) + delta * (10 * tau**3 - 15 * tau**4 + 6 * tau**5)
        rate[inside] = delta / duration * (30 * tau**2 - 60 * tau**3 + 30 * tau**4)
        accel[inside] = delta / duration**2 * (60 * tau - 180 * tau**2 + 120 * tau**3)
    return angle, rate, accel


def _random_rotation(rng: np.random.Generator) -> FloatArray:
    q = rng.normal(size=4)
    w, x, y, z = q / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


# --- tremor --------------------------------------------------------------------------------


def _rep_gains(spec: SimulationSpec) -> FloatArray:
    """Tremor of each rep relative to ``tremor_rms_mps2``."""
    i = np.arange(1, spec.n_reps + 1, dtype=float)
    warm = 1 + (spec.warmup_gain - 1) * np.exp(-(i - 1) / 1.5)
    span = max(spec.n_reps - spec.fatigue_onset_rep, 1)
    rise = np.clip((i - spec.fatigue_onset_rep) / span, 0, 1) ** 1.5
    return np.asarray(warm * (1 + (spec.fatigue_gain - 1) * rise))


def _amplitude_profile(
    t: FloatArray,
    times: dict[str, list[float]],
    levels: FloatArray,
    *,
    pre: float,
    post: float,
    persists: bool,
) -> FloatArray:
    """Tremor RMS over time: ``pre`` until the set, each rep's level across the rep
    (changing smoothly between reps), then ``post`` fading unless it persists."""
    centres = [(s + e) / 2 for s, e in zip(times["start"], times["end"], strict=True)]
    knots_t = [times["start"][0] - 0.4, *centres, times["end"][-1] + 0.3]
    knots_v = [levels[0], *levels, levels[-1]]
    amp = np.interp(t, knots_t, knots_v)
    before = t < knots_t[0]
    amp[before] = pre + (levels[0] - pre) * np.clip((t[before] - knots_t[0] + 0.4) / 0.4, 0, 1)
    end = times["end"][-1] + 0.3
    after = t > end
    rest_end = times["still_end"][0] if "still_end" in times else times["rest_after"][1]
    fade = 1.0 if persists else np.exp(-np.clip(t[after] - end - 1.0, 0, None) / 0.5)
    amp[after] = post * fade
    amp[t > rest_end + 0.5] *= 0.2
    return amp


def _tremor(
    t: FloatArray,
    amp: FloatArray,
    spec: SimulationSpec,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Narrow-band tremor vector (thigh frame) with RMS ``amp`` and its frequency (Hz)."""
    wander = np.zeros_like(t)
    for _ in range(3):
        period = rng.uniform(4, 15)
        wander += np.sin(2 * np.pi * t / period + rng.uniform(0, 2 * np.pi))
    wander *= spec.tremor_wander_hz / 2.0
    freq = np.clip(spec.tremor_hz + wander, 6.3, 11.5)
    phase = 2 * np.pi * np.concatenate([[0.0], np.cumsum(np.diff(t) * (freq[1:] + freq[:-1]) / 2)])
    phase += rng.uniform(0, 2 * np.pi)
    direction = np.array([rng.normal(0, 0.3), rng.normal(0, 0.3), 1.0])
    direction /= np.linalg.norm(direction)
    return np.sqrt(2) * (amp * np.cos(phase))[:, None] * direction[None, :], freq


def _fatigue_band(
    t: FloatArray, times: dict[str, list[float]], spec: SimulationSpec, rng: np.random.Generator
) -> FloatArray:
    if spec.fatigue_band_rms_mps2 <= 0:
        return np.zeros((t.size, 3))
    start, end = times["start"][0], times["end"][-1]
    amp = spec.fatigue_band_rms_mps2 * np.clip((t - start) / max(end - start, 1e-9), 0, 1) ** 1.2
    amp[t > end + 1.0] *= 0.3
    freq = spec.fatigue_band_hz + 0.2 * np.sin(2 * np.pi * t / 7.0)
    phase = 2 * np.pi * np.concatenate([[0.0], np.cumsum(np.diff(t) * freq[1:])])
    direction = rng.normal(size=3)
    direction /= np.linalg.norm(direction)
    wave = np.sqrt(2) * amp * np.cos(phase + rng.uniform(0, 6.3))
    return np.asarray(wave[:, None] * direction[None, :])


def _jolts(
    t: FloatArray, times: dict[str, list[float]], spec: SimulationSpec, rng: np.random.Generator
) -> FloatArray:
    """Thigh tissue ringing at 10-20 Hz where the movement stops (lockout and bottom).

    The tissue's displacement ``x = X (t/tau)^2 exp(-t/tau) sin(w t)`` starts and ends at
    rest, so its acceleration (returned) carries no net velocity: it cannot tilt the
    thigh's angle, as a real wobble cannot. It dies out within about 0.2 s."""
    out = np.zeros((t.size, 3))
    for at in (*times["lock0"], *times["end"]):
        onset = at - 0.03
        near = (t >= onset) & (t < onset + 0.4)
        dt = t[near] - onset
        w = 2 * np.pi * rng.uniform(10, 20)
        tau = rng.uniform(0.02, 0.04)
        peak = spec.jolt_peak_mps2 * rng.uniform(0.5, 1.5)
        x_amp = peak / (4 * np.exp(-2) * w**2)
        e = np.exp(-dt / tau)
        g, g1, g2 = (
            (dt / tau) ** 2 * e,
            e * (2 * dt / tau**2 - dt**2 / tau**3),
            e * (2 / tau**2 - 4 * dt / tau**3 + dt**2 / tau**4),
        )
        acc = x_amp * ((g2 - g * w**2) * np.sin(w * dt) + 2 * g1 * w * np.cos(w * dt))
        direction = np.array([rng.normal(0, 0.4), rng.normal(0, 0.4), 1.0])
        out[near] += acc[:, None] * (direction / np.linalg.norm(direction))
    return out


def _knocked(
    acc: FloatArray, t: FloatArray, times: dict[str, list[float]], spec: SimulationSpec
) -> FloatArray:
    """``acc`` with ``spec.knocks`` single samples during the set knocked 3-16 g off, each
    in a random direction (its own random stream: the rest of the set stays as it was)."""
    x = np.random.default_rng([spec.seed, 4093])
    inside = np.flatnonzero((t >= times["start"][0]) & (t <= times["end"][-1]))
    at = x.choice(inside, size=min(spec.knocks, inside.size), replace=False)
    direction = x.normal(size=(at.size, 3))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    out = acc.copy()
    out[at] += direction * x.uniform(3.0, 16.0, size=(at.size, 1)) * G_MPS2
    return out


# --- sampling -----------------------------------------------------------------------------


def _sample_times(duration: float, spec: SimulationSpec, rng: np.random.Generator) -> FloatArray:
    dt = 1.0 / spec.rate_hz
    n = int(duration * spec.rate_hz) + 1
    steps = dt * (1 + spec.jitter_fraction * rng.uniform(-1, 1, size=n - 1))
    t = np.concatenate([[0.0], np.cumsum(steps)])
    keep = np.ones(t.size, dtype=bool)
    for _ in range(spec.dropouts):
        start = rng.uniform(0.1, 0.9) * duration
        keep &= ~((t > start) & (t < start + rng.uniform(0.15, 0.6)))
    return np.asarray(t[keep])


def _rms_over(t: FloatArray, vectors: FloatArray, start: float, end: float) -> float:
    inside = (t >= start) & (t <= end)
    if not inside.any():
        return 0.0
    return float(np.sqrt(np.mean(np.sum(vectors[inside] ** 2, axis=1))))


def simulate_set(spec: SimulationSpec, /) -> tuple[Recording, SetTruth]:
    """One set recorded by one sensor on the thigh."""
    if spec.two_legs:
        raise ValueError("the spec asks for two legs: use simulate_legs")
    (recording,), truth = simulate_recordings(spec)
    return recording, truth


def simulate_legs(spec: SimulationSpec, /) -> tuple[tuple[Recording, Recording], SetTruth]:
    """One set recorded on both thighs: ``((left, right), truth)``."""
    (left, right), truth = simulate_recordings(replace(spec, two_legs=True))
    return (left, right), truth


def simulate_recordings(spec: SimulationSpec, /) -> tuple[tuple[Recording, ...], SetTruth]:
    """One set's recordings: one sensor, or the left and the right thigh's when
    ``spec.two_legs``."""
    rng = np.random.default_rng(spec.seed)
    if spec.activity != "set":
        return _no_set(spec)
    plan = _schedule(spec, rng)
    moves, times = plan.moves, plan.times
    duration = times["duration"][0]
    t = _sample_times(duration, spec, rng)
    start_pitch = moves[0].pitch0_deg
    pitch, rate, accel = _pitch(moves, t, start_pitch)
    levels = spec.tremor_rms_mps2 * _rep_gains(spec)
    right_scale = 1.0
    if (
        spec.two_legs
    ):  # asymmetry index a = 200 (r - l) / (r + l)  =>  r / l = (2 + a/100) / (2 - a/100)
        a = spec.asymmetry_pct / 100
        right_scale = (2 + a) / (2 - a)
    pre = (
        spec.pre_set_tremor_rms_mps2 if spec.pre_set_tremor_rms_mps2 is not None else levels[0] / 2
    )
    post = (
        spec.post_set_tremor_rms_mps2
        if spec.post_set_tremor_rms_mps2 is not None
        else levels[-1] / 2
    )
    mount_rng = np.random.default_rng(
        spec.seed + 7919 if spec.mount_seed is None else spec.mount_seed
    )
    legs = []
    for leg, scale in (("left", 1.0), ("right", right_scale))[: 2 if spec.two_legs else 1]:
        amp = _amplitude_profile(
            t,
            times,
            levels * scale,
            pre=pre * scale,
            post=post * scale,
            persists=spec.post_set_persists,
        )
        tremor, freq = _tremor(t, amp, spec, rng)
        other = _fatigue_band(t, times, spec, rng) + _jolts(t, times, spec, rng)
        if plan.body:
            other += _body_acceleration(t, plan.body, np.random.default_rng([spec.seed, 7]))
        motion = (pitch, rate, accel)
        acc, gyro = _phone_frame(
            motion, tremor + other, spec=spec, mount=_random_rotation(mount_rng), rng=rng
        )
        if plan.turns:
            acc, gyro = _turned(acc, gyro, t, plan.turns)
        if spec.knocks and leg == "left":
            acc = _knocked(acc, t, times, spec)
        sent = _sent(t, spec)
        recording = Recording(
            t_s=t[sent],
            acc_mps2=acc[sent],
            gyro_rads=gyro[sent] if spec.with_gyro else None,
            gravity_included=spec.gravity_included,
            format="simulated",
            path=f"simulated:{spec.seed}:{leg}",
        )
        legs.append((recording, _leg_truth(t, tremor, times), freq, tremor))
    truth = _set_truth(spec, times, t, legs)
    n = spec.n_reps
    truth = replace(
        truth,
        partial=tuple(spec.partial_last_fraction < 1.0 and i == n - 1 for i in range(n)),
        still_after_s=tuple(plan.still_after),
    )
    if spec.two_legs:
        return (legs[0][0], legs[1][0]), truth
    return (legs[0][0],), truth


def _sent(t: FloatArray, spec: SimulationSpec) -> npt.NDArray[np.bool_]:
    """The samples the phone sends: all, or from ``spec.rate_drop_at`` of the span only every
    k-th (``spec.rate_drop_hz``)."""
    sent = np.ones(t.size, dtype=bool)
    if spec.rate_drop_hz is not None:
        every = max(1, round(spec.rate_hz / spec.rate_drop_hz))
        late = np.flatnonzero(t >= t[0] + spec.rate_drop_at * (t[-1] - t[0]))
        sent[late] = (late - late[0]) % every == 0
    return sent


def _no_set(spec: SimulationSpec) -> tuple[tuple[Recording, ...], SetTruth]:
    """A recording with no set: the phone still on a table, or handled and carried."""
    x = np.random.default_rng([spec.seed, 104729])
    stand = -x.uniform(75, 88)
    p = _Planner(x.uniform(1.0, 3.0) + spec.lead_in_s, stand, x)
    if spec.activity == "still":
        p.hold(x.uniform(20.0, 90.0))
    else:
        p.handle(x.uniform(5.0, 20.0))  # picked up, turned, looked at, put down, again
        p.hold(x.uniform(1.0, 5.0))
        p.handle(x.uniform(5.0, 15.0))
        p.hold(x.uniform(1.0, 3.0))
    rng = np.random.default_rng(spec.seed)
    t = _sample_times(p.t, spec, rng)
    motion = _pitch(p.moves, t, stand)
    shaking = np.zeros((t.size, 3))
    if p.body:
        shaking += _body_acceleration(t, p.body, np.random.default_rng([spec.seed, 7]))
    acc, gyro = _phone_frame(motion, shaking, spec=spec, mount=_random_rotation(x), rng=rng)
    if p.turns:
        acc, gyro = _turned(acc, gyro, t, p.turns)
    recording = Recording(
        t_s=t,
        acc_mps2=acc,
        gyro_rads=gyro if spec.with_gyro else None,
        gravity_included=spec.gravity_included,
        format="simulated",
        path=f"simulated:{spec.seed}:{spec.activity}",
    )
    nothing = LegTruth((), 0.0, 0.0, 0.0)
    truth = SetTruth(
        start_s=(),
        end_s=(),
        lockout_start_s=(),
        lockout_end_s=(),
        rom_deg=(),
        tremor_peak_hz=(),
        left=nothing,
        right=nothing if spec.two_legs else None,
        asymmetry_index_pct=None,
        concentric_slowdown_pct=None,
        rest_before_s=(0.0, 0.0),
        rest_after_s=(0.0, 0.0),
    )
    if spec.two_legs:
        return (recording, recording), truth
    return (recording,), truth


def _body_acceleration(t: FloatArray, body: list[_Body], rng: np.random.Generator) -> FloatArray:
    """What whole-body movement adds to the phone's acceleration (thigh axes): a smooth
    push with no net velocity and broadband contact and muscle noise (``trunk``), steps
    with heel strikes (``walk``), or a hand's moves and its 8-11 Hz tremor (``hand``)."""
    out = np.zeros((t.size, 3))
    for b in body:
        inside = (t >= b.t0_s) & (t < b.t1_s)
        if not inside.any():
            continue
        tau = (t[inside] - b.t0_s) / (b.t1_s - b.t0_s)
        window = np.sin(np.pi * tau) ** 2
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        ti = t[inside]
        if b.kind == "trunk":
            push = b.level_mps2 * np.sin(2 * np.pi * tau)
            out[inside] += push[:, None] * direction
            out[inside] += 0.25 * b.level_mps2 * window[:, None] * _band_noise(ti, rng, 3.0, 15.0)
        elif b.kind == "walk":
            step_hz = rng.uniform(1.7, 2.0)
            phase = 2 * np.pi * step_hz * (ti - b.t0_s)
            out[inside] += (b.level_mps2 * np.sin(phase))[:, None] * np.array([0.3, 0.1, 1.0])
            for at in np.arange(b.t0_s, b.t1_s, 1 / step_hz):
                dt = ti - at
                near = (dt >= 0) & (dt < 0.15)
                ring = (
                    3 * b.level_mps2 * np.exp(-dt[near] / 0.02) * np.sin(2 * np.pi * 18 * dt[near])
                )
                out[np.flatnonzero(inside)[near]] += ring[:, None] * direction
        else:
            slow = sum(
                np.sin(2 * np.pi * rng.uniform(0.3, 1.5) * ti + rng.uniform(0, 6.3))[:, None]
                * rng.normal(size=3)
                for _ in range(3)
            )
            hand_hz = rng.uniform(8.0, 11.0)
            tremor = rng.uniform(0.05, 0.15) * np.sqrt(2) * np.sin(2 * np.pi * hand_hz * ti)
            out[inside] += b.level_mps2 / 2 * slow * window[:, None]
            out[inside] += tremor[:, None] * direction
            out[inside] += 0.1 * b.level_mps2 * _band_noise(ti, rng, 3.0, 15.0)
    return out


def _band_noise(
    t: FloatArray, rng: np.random.Generator, low_hz: float, high_hz: float
) -> FloatArray:
    """Unit-RMS noise vectors (N, 3) between ``low_hz`` and ``high_hz``."""
    n = t.size
    rate = (n - 1) / max(float(t[-1] - t[0]), 1e-9) if n > 1 else 1.0
    spectrum = np.fft.rfft(rng.normal(size=(n, 3)), axis=0)
    freqs = np.fft.rfftfreq(n, 1 / rate)
    spectrum[(freqs < low_hz) | (freqs > high_hz)] = 0
    noise = np.fft.irfft(spectrum, n=n, axis=0)
    rms = float(np.sqrt(np.mean(np.sum(noise**2, axis=1))))
    return np.asarray(noise / rms) if rms > 0 else noise


def _rotations(axis: FloatArray, angle_rad: FloatArray) -> FloatArray:
    """Rotation matrices (N, 3, 3) about unit ``axis`` by each of ``angle_rad``."""
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    s, c = np.sin(angle_rad)[:, None, None], np.cos(angle_rad)[:, None, None]
    return np.asarray(np.eye(3)[None] + s * k[None] + (1 - c) * (k @ k)[None])


def _turned(
    acc: FloatArray, gyro: FloatArray, t: FloatArray, turns: list[_Turn]
) -> tuple[FloatArray, FloatArray]:
    """The readings of a phone that turns by ``turns`` relative to where it sat: vectors
    seen in the turned axes, plus the turning's own rate on the gyroscope."""
    frames = np.broadcast_to(np.eye(3), (t.size, 3, 3)).copy()
    for turn in sorted(turns, key=lambda u: u.t0_s):
        tau = np.clip((t - turn.t0_s) / (turn.t1_s - turn.t0_s), 0, 1)
        angle = np.deg2rad(turn.angle_deg) * (10 * tau**3 - 15 * tau**4 + 6 * tau**5)
        frames = frames @ _rotations(np.array(turn.axis), angle)
    rate = np.gradient(frames, t, axis=0)
    skew = np.einsum("nji,njk->nik", frames, rate)  # S^T dS/dt
    own = np.column_stack([skew[:, 2, 1], skew[:, 0, 2], skew[:, 1, 0]])
    acc = np.einsum("nji,nj->ni", frames, acc)
    gyro = np.einsum("nji,nj->ni", frames, gyro) + own
    return acc, gyro


def _phone_frame(
    motion: tuple[FloatArray, FloatArray, FloatArray],
    extra_thigh: FloatArray,
    /,
    *,
    spec: SimulationSpec,
    mount: FloatArray,
    rng: np.random.Generator,
) -> tuple[FloatArray, FloatArray]:
    """Accelerometer and gyroscope readings in the phone's axes, from the thigh's pitch, its
    rate and acceleration (``motion``) and the shaking and jolts in thigh axes.

    Thigh frame: x along the thigh from knee to hip, y mediolateral, z out of the front of
    the thigh. World: Z up. The thigh pitches about y."""
    pitch, rate, accel = motion
    c, s = np.cos(pitch), np.sin(pitch)
    # thigh axes in world coordinates: x_t = (-c, 0, -s) (knee above the hip when pitch > 0)
    # z_t = (-s, 0, c)
    gravity_world = np.array([0.0, 0.0, G_MPS2]) if spec.gravity_included else np.zeros(3)
    # specific force of rotation about the knee at distance r along x_t:
    # tangential r*accel along z_t-ish, centripetal r*rate^2 towards the knee (-x_t)
    r = THIGH_PIVOT_M
    f_x = gravity_world[2] * -s + r * rate**2 * -1.0
    f_z = gravity_world[2] * c - r * accel
    thigh = np.column_stack([f_x, np.zeros_like(f_x), f_z]) + extra_thigh
    acc = thigh @ mount  # rows: v_phone = mount.T @ v_thigh
    noise_sd = spec.noise_ug_per_rthz * 1e-6 * G_MPS2 * np.sqrt(spec.rate_hz / 2)
    acc = acc + rng.normal(0, noise_sd, size=acc.shape)
    # the thigh turns about +y at the pitch's rate: gravity seen from the phone then turns
    # at dg/dt = -w x g, as on a real phone and as for the turns of ``_turned``
    gyro_thigh = np.column_stack([np.zeros_like(rate), rate, np.zeros_like(rate)])
    gyro = gyro_thigh @ mount + rng.normal(0, 0.003, size=acc.shape) + rng.uniform(-0.003, 0.003, 3)
    return acc, gyro


def _leg_truth(t: FloatArray, tremor: FloatArray, times: dict[str, list[float]]) -> LegTruth:
    reps = tuple(
        _rms_over(t, tremor, s, e) for s, e in zip(times["start"], times["end"], strict=True)
    )
    whole = _rms_over(t, tremor, times["start"][0], times["end"][-1])
    before = _rms_over(t, tremor, *times["rest_before"])
    after = _rms_over(t, tremor, *times["rest_after"])
    return LegTruth(reps, whole, before, after)


def _set_truth(
    spec: SimulationSpec,
    times: dict[str, list[float]],
    t: FloatArray,
    legs: list[tuple[Recording, LegTruth, FloatArray, FloatArray]],
) -> SetTruth:
    _, left, freq, tremor = legs[0]
    power = np.sum(tremor**2, axis=1)
    peaks = []
    for s, e in zip(times["start"], times["end"], strict=True):
        inside = (t >= s) & (t <= e)
        peaks.append(
            float(np.sum(freq[inside] * power[inside]) / max(np.sum(power[inside]), 1e-12))
        )
    right = legs[1][1] if len(legs) > 1 else None
    asym = None
    if right is not None:
        lv, rv = left.set_tremor_rms_mps2, right.set_tremor_rms_mps2
        asym = 100 * (rv - lv) / ((rv + lv) / 2)
    conc = [b - a for a, b in zip(times["start"], times["lock0"], strict=True)]
    slowdown = None  # as analyse.figures.slowdown_pct defines it, on the true durations
    if len(conc) > 1:
        slope, first = np.polyfit(np.arange(len(conc)), conc, 1)
        slowdown = float(100 * slope * (len(conc) - 1) / first)
    return SetTruth(
        start_s=tuple(times["start"]),
        end_s=tuple(times["end"]),
        lockout_start_s=tuple(times["lock0"]),
        lockout_end_s=tuple(times["lock1"]),
        rom_deg=tuple(times["rom"]),
        tremor_peak_hz=tuple(peaks),
        left=left,
        right=right,
        asymmetry_index_pct=asym,
        concentric_slowdown_pct=slowdown,
        rest_before_s=(times["rest_before"][0], times["rest_before"][1]),
        rest_after_s=(times["rest_after"][0], times["rest_after"][1]),
    )


def to_csv_text(recording: Recording, /) -> str:
    """The recording as a generic CSV (seconds, m/s^2, rad/s, units in the column names)."""
    columns = [recording.t_s[:, None], recording.acc_mps2]
    header = "time_s,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2"
    if recording.gyro_rads is not None:
        columns.append(recording.gyro_rads)
        header += ",gyro_x_rad_s,gyro_y_rad_s,gyro_z_rad_s"
    buffer = io.StringIO()
    np.savetxt(buffer, np.hstack(columns), fmt="%.6f", delimiter=",", header=header, comments="")
    return buffer.getvalue()


Kind = Literal["calm", "fatigue", "warmup", "asymmetry", "arousal", "persistence", "neuromuscular"]
SCENARIOS: tuple[Kind, ...] = get_args(Kind)


Situation = Literal[
    "tidy",
    "dismount",
    "one_rep",
    "lead_in",
    "set_up",
    "rest_pause",
    "slip",
    "partial_last",
    "after_set",
    "no_gravity_no_gyro",
    "knocks",
    "screen_off",
    "still_phone",
    "handling",
    "mixed",
]
SITUATIONS: tuple[Situation, ...] = get_args(Situation)
AFTER_SETS: tuple[AfterSet, ...] = ("rest", "sit_up", "stand", "walk", "handle")


def situation(name: Situation, /, *, seed: int) -> SimulationSpec:
    """A set as it really happens: ``random_spec(seed)`` with the situation ``name`` drawn
    across its realistic range. Even seeds give calm sets (no fatigue, shaking after the set
    at half the set's level, fading), to check that nothing else is read as shaking.

    tidy: the simulator's own tidy set; dismount: the lifter sits up, stands or rolls the bar
    off 0-1 s after the last rep; one_rep: a one-rep set, ended either way; lead_in: 0-30 s
    still before anything, with or without set-up shuffles and rest before the first rep;
    set_up: the phone handled and strapped on, a walk, the bar loaded; rest_pause: 5-20 s
    at the bottom inside the set; slip: the phone turns 10-40 degrees on the thigh mid-set;
    partial_last: the last rep reaches 30-70 % of the range; after_set: sitting up,
    standing, walking or handling the phone after the rest; no_gravity_no_gyro: acceleration
    without g and no gyroscope; knocks: 1-8 knocks on the phone mid-set; screen_off: from
    30-90 % of the way on, the phone sends 10-25 samples a second; still_phone: on a table,
    no set; handling: picked up, carried, no reps; mixed: all of these drawn at once (not
    the knocks nor the screen)."""
    x = np.random.default_rng([seed, 2027])
    base = random_spec(seed)
    if seed % 2 == 0:
        base = replace(base, fatigue_gain=1.0, warmup_gain=1.0)
    dismount = {"dismount_s": x.uniform(0.0, 1.0), "after_set": x.choice(AFTER_SETS)}
    n = base.n_reps
    changes: dict[str, dict[str, object]] = {
        "tidy": {},
        "dismount": dismount,
        "one_rep": {"n_reps": 1, **(dismount if x.random() < 0.5 else {})},
        "lead_in": {
            "lead_in_s": x.uniform(0.0, 30.0),
            "setup_s": x.choice([0.0, x.uniform(0.0, 10.0)]),
            "rest_before_s": x.uniform(0.0, 5.0),
        },
        "set_up": {"setup_handling": True},
        "rest_pause": {
            "n_reps": max(n, 4),
            "rest_pause_s": x.uniform(5.0, 20.0),
            "rest_pause_after": tuple(
                sorted({int(k) for k in x.integers(1, max(n, 4), size=int(x.integers(1, 4)))})
            ),
        },
        "slip": {"slip_deg": x.uniform(10.0, 40.0)},
        "partial_last": {"partial_last_fraction": x.uniform(0.3, 0.7), "n_reps": max(n, 2)},
        "after_set": {"after_set": x.choice(AFTER_SETS[1:])},
        "no_gravity_no_gyro": {"gravity_included": False, "with_gyro": False},
        "still_phone": {"activity": "still", "lead_in_s": x.uniform(0.0, 30.0)},
        "handling": {"activity": "handling"},
        "mixed": {
            "lead_in_s": x.uniform(0.0, 30.0) * (x.random() < 0.5),
            "setup_handling": bool(x.random() < 0.4),
            "rest_before_s": x.uniform(0.0, 5.0),
            "rest_pause_s": x.uniform(5.0, 20.0) * (x.random() < 0.3),
            "rest_pause_after": (max(1, n // 2),),
            "slip_deg": x.uniform(10.0, 40.0) * (x.random() < 0.3),
            "partial_last_fraction": 1.0 if x.random() < 0.7 or n < 2 else x.uniform(0.3, 0.7),
            "dismount_s": x.uniform(0.0, 1.0) if x.random() < 0.6 else None,
            "after_set": x.choice(AFTER_SETS),
        },
        "knocks": {"knocks": int(x.integers(1, 9))},  # drawn last: the others stay as they were
    }
    if name == "screen_off":  # drawn after all the others, which stay as they were
        changes[name] = {"rate_drop_hz": x.uniform(10.0, 25.0), "rate_drop_at": x.uniform(0.3, 0.9)}
    if name not in changes:
        raise ValueError(f"unknown situation {name!r}; choose from {list(SITUATIONS)}")
    chosen = {k: (str(v) if isinstance(v, np.str_) else v) for k, v in changes[name].items()}
    return replace(base, **chosen)  # type: ignore[arg-type]
