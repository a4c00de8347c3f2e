"""A seeded simulator of hip-thrust sets with exact ground truth.

The thigh is a rigid segment pivoting at the knee. Its pitch (degrees above horizontal,
knee higher than hip) follows minimum-jerk moves: set-up shuffles, a rest at the bottom,
the reps (concentric, lockout hold, eccentric, pause), a rest, then racking. The phone sits
on the thigh in an arbitrary orientation and measures gravity (or not), the thigh's own
acceleration, a narrow-band tremor with a wandering frequency, an optional 4-5 Hz fatigue
component, short 10-20 Hz jolts where the movement stops (bottom and lockout), white noise,
timestamp jitter and dropouts. Two legs share the movement but not tremor, jolts or noise.

``simulate_set(spec) -> (recording, truth)``; ``scenario(name, seed=...)`` gives specs for the
patterns the explain step must recognise.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

from thrustlab.recording import G_MPS2, Recording

FloatArray = npt.NDArray[np.float64]

THIGH_PIVOT_M = 0.22
"""Distance from the knee to the phone along the thigh."""


@dataclass(frozen=True, slots=True)
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
    # sensor
    noise_ug_per_rthz: float = 150.0
    jitter_fraction: float = 0.1
    """Sample interval varies by up to this fraction."""
    dropouts: int = 0
    """Number of 0.15-0.6 s stretches with no samples."""
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


@dataclass(frozen=True, slots=True)
class LegTruth:
    tremor_rms_mps2: tuple[float, ...]
    """Per rep: RMS of the tremor vector (main band only) over the rep."""
    set_tremor_rms_mps2: float
    baseline_tremor_rms_mps2: float
    post_set_tremor_rms_mps2: float


@dataclass(frozen=True, slots=True)
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
            "rest_after_s": rng.uniform(6.0, 9.0),
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


@dataclass(frozen=True, slots=True)
class _Move:
    t0_s: float
    t1_s: float
    pitch0_deg: float
    pitch1_deg: float


def _schedule(
    spec: SimulationSpec, rng: np.random.Generator
) -> tuple[list[_Move], dict[str, list[float]]]:
    """Minimum-jerk moves of the thigh pitch, and the true rep times."""
    moves: list[_Move] = []
    t = rng.uniform(0.5, 3.0)
    pitch = spec.bottom_pitch_deg - rng.uniform(25, 40)  # sitting with the legs out

    def move(duration: float, target: float) -> None:
        nonlocal t, pitch
        moves.append(_Move(t, t + duration, pitch, target))
        t += duration
        pitch = target

    def hold(duration: float) -> None:
        nonlocal t
        t += duration

    move(rng.uniform(0.8, 1.5), spec.bottom_pitch_deg + rng.uniform(-3, 3))  # feet in
    setup_end = t + spec.setup_s
    while t < setup_end - 1.0:  # shuffles: bar roll, foot placement
        hold(rng.uniform(0.3, 1.2))
        move(rng.uniform(0.3, 0.8), spec.bottom_pitch_deg + rng.uniform(-5, 5))
    move(0.5, spec.bottom_pitch_deg)
    times: dict[str, list[float]] = {k: [] for k in ("start", "lock0", "lock1", "end", "rom")}
    rest_before = (t, t + spec.rest_before_s)
    hold(spec.rest_before_s)
    n = spec.n_reps
    for i in range(n):
        progress = i / (n - 1) if n > 1 else 0.0
        jitter = rng.normal(1.0, 0.04, size=4).clip(0.85, 1.15)
        concentric = spec.concentric_s * (1 + spec.slowdown_pct / 100 * progress**1.5) * jitter[0]
        rom = spec.rom_deg * rng.uniform(0.95, 1.05)
        times["start"].append(t)
        times["rom"].append(rom)
        move(concentric, spec.bottom_pitch_deg - rom)
        times["lock0"].append(t)
        hold(spec.lockout_s * jitter[1])
        times["lock1"].append(t)
        move(spec.eccentric_s * jitter[2], spec.bottom_pitch_deg)
        times["end"].append(t)
        if i < n - 1:
            hold(max(0.15, spec.bottom_pause_s * jitter[3]))
    rest_after = (t, t + spec.rest_after_s)
    hold(spec.rest_after_s)
    move(rng.uniform(0.6, 1.2), spec.bottom_pitch_deg + rng.uniform(3, 8))  # hips down
    hold(rng.uniform(0.5, 1.5))
    move(rng.uniform(1.0, 2.0), rng.uniform(0, 12))  # legs out
    if spec.stand_up:
        hold(rng.uniform(1.0, 2.0))
        move(rng.uniform(1.5, 2.5), -rng.uniform(75, 88))
    hold(rng.uniform(1.0, 2.0))
    times["rest_before"] = list(rest_before)
    times["rest_after"] = list(rest_after)
    times["duration"] = [t]
    return moves, times


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
    rest_end = times["rest_after"][1]
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


def simulate_set(
    spec: SimulationSpec, /
) -> tuple[Recording | tuple[Recording, Recording], SetTruth]:
    """Simulate one set; two legs give ``((left, right), truth)``."""
    rng = np.random.default_rng(spec.seed)
    moves, times = _schedule(spec, rng)
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
        motion = (pitch, rate, accel)
        acc, gyro = _phone_frame(
            motion, tremor + other, spec=spec, mount=_random_rotation(mount_rng), rng=rng
        )
        recording = Recording(
            t_s=t.copy(),
            acc_mps2=acc,
            gyro_rads=gyro if spec.with_gyro else None,
            gravity_included=spec.gravity_included,
            format="simulated",
            path=f"simulated:{spec.seed}:{leg}",
        )
        legs.append((recording, _leg_truth(t, tremor, times), freq, tremor))
    truth = _set_truth(spec, times, t, legs)
    if spec.two_legs:
        return (legs[0][0], legs[1][0]), truth
    return legs[0][0], truth


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
    gyro_thigh = np.column_stack([np.zeros_like(rate), -rate, np.zeros_like(rate)])
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
SCENARIOS: tuple[Kind, ...] = (
    "calm",
    "fatigue",
    "warmup",
    "asymmetry",
    "arousal",
    "persistence",
    "neuromuscular",
)
