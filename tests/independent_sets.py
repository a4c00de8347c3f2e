"""A second set simulator, written apart from ``thrustlab.simulate`` on other assumptions,
and its survey: rep counts where the rules were not tuned.

``thrustlab.simulate`` moves the thigh with minimum-jerk moves, rings a jolt at every stop,
draws narrow-band tremor and starts every set on the floor. Here instead:

- the thigh's pitch follows cosine-eased moves with per-rep tempo jitter and a hold at the
  top of 0-2 s (or as asked), a pause at the bottom of 0-1.2 s (touch and go included);
- the set starts three ways: after a short rest at the bottom (``setup``), after a still
  lead-in of 1-20 s (``still``), or straight after walking in and sitting down
  (``standing``, thigh vertical at first); and ends four ways: a rest at the bottom
  (``rest``), sitting up with a jostle and staying seated (``sit_up``), standing up and
  walking away (``stand``), or rolling the bar off (``roll_bar``);
- the phone sits 0.15-0.35 m from the knee in a uniformly random orientation; its reading is
  the specific force of a rigid thigh turning about the knee (gravity, tangential and
  centripetal parts), with no jolts at the stops;
- the shaking is an AR(2) process around 6-12 Hz on all three axes, growing 1-4x over the
  set, with white noise of 0.02 m/s2 and sample times jittered by 5 %.

``python benchmarks/survey_independent.py`` prints the table; ``tests/test_independent_sets.py``
holds its targets.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from thrustlab.measurement import analyse
from thrustlab.recording import G_MPS2, Recording

FloatArray = npt.NDArray[np.float64]
Start = Literal["setup", "still", "standing"]
End = Literal["rest", "sit_up", "stand", "roll_bar"]
Sensors = Literal["gyroscope", "gravity", "acceleration_only"]
STARTS: tuple[Start, ...] = ("setup", "still", "standing")
ENDS: tuple[End, ...] = ("rest", "sit_up", "stand", "roll_bar")
SENSORS: tuple[Sensors, ...] = ("gyroscope", "gravity", "acceleration_only")
STANDING_PITCH_DEG = -80.0
"""A standing thigh points down: 80 degrees below horizontal (knee below the hip)."""


@dataclass(frozen=True)
class _Move:
    duration_s: float
    pitch_deg: float
    kind: Literal["ease", "walk", "jostle"] = "ease"


def _moves(
    rng: np.random.Generator,
    n_reps: int,
    start: Start,
    end: End,
    *,
    hold_s: tuple[float, float],
    tempo: float,
) -> list[_Move]:
    bottom = rng.uniform(30, 55)
    top = bottom - rng.uniform(20, 50)
    moves: list[_Move] = []
    if start == "standing":  # walk in, sit on the floor, pull the feet in
        moves += [
            _Move(rng.uniform(2, 5), STANDING_PITCH_DEG, "walk"),
            _Move(1.5, 20.0),
            _Move(2.0, bottom),
        ]
    else:
        moves.append(_Move(rng.uniform(1, 20) if start == "still" else rng.uniform(2, 4), bottom))
    up, hold = tempo * rng.uniform(0.6, 1.6), rng.uniform(*hold_s)
    down, pause = tempo * rng.uniform(0.8, 2.2), tempo * rng.uniform(0.0, 1.2)
    for k in range(n_reps):
        slower = 1 + 0.4 * k / max(n_reps - 1, 1) * rng.uniform(0, 1)
        moves += [
            _Move(up * slower * rng.uniform(0.9, 1.1), top),
            _Move(hold * rng.uniform(0.8, 1.2), top),
            _Move(down * rng.uniform(0.9, 1.1), bottom),
        ]
        if k < n_reps - 1:
            moves.append(_Move(pause * rng.uniform(0.7, 1.3), bottom))
    if end == "rest":
        moves.append(_Move(rng.uniform(3, 8), bottom))
    elif end == "sit_up":
        moves += [_Move(0.8, bottom + 15, "jostle"), _Move(rng.uniform(3, 6), bottom + 15)]
    elif end == "stand":
        moves += [
            _Move(0.5, bottom + 10, "jostle"),
            _Move(1.5, STANDING_PITCH_DEG),
            _Move(rng.uniform(2, 5), STANDING_PITCH_DEG, "walk"),
        ]
    else:
        moves += [_Move(1.5, bottom + 5, "jostle"), _Move(rng.uniform(2, 5), bottom + 5)]
    return moves


def _rotation(axis: FloatArray, angle_rad: float) -> FloatArray:
    axis = axis / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.asarray(np.eye(3) + np.sin(angle_rad) * k + (1 - np.cos(angle_rad)) * (k @ k))


def _shaking(rng: np.random.Generator, n: int, rate_hz: float) -> FloatArray:
    """Unit-RMS AR(2) noise resonant at 6-12 Hz on three axes."""
    pole, angle = 0.97, 2 * np.pi * rng.uniform(6, 12) / rate_hz
    a1, a2 = 2 * pole * np.cos(angle), -(pole**2)
    drive = rng.normal(size=(n, 3))
    out = np.zeros((n, 3))
    for k in range(2, n):
        out[k] = a1 * out[k - 1] + a2 * out[k - 2] + drive[k]
    return out / out.std(axis=0).mean()


def simulate(
    seed: int,
    *,
    start: Start,
    end: End,
    sensors: Sensors,
    rate_hz: float | None = None,
    hold_s: tuple[float, float] = (0.0, 2.0),
    tempo: float = 1.0,
) -> tuple[Recording, int]:
    """One set and its true rep count (at ``rate_hz``, or a rate drawn from 50-400 Hz; the
    lockouts held for a time drawn from ``hold_s``, each rep's within 20 % of it; the moves
    up and down and the pauses at the bottom ``tempo`` times as long as drawn)."""
    rng = np.random.default_rng(seed)
    n_reps = int(rng.integers(1, 16))
    drawn_hz = float(rng.choice([50.0, 100.0, 200.0, 400.0]))
    rate_hz = drawn_hz if rate_hz is None else rate_hz
    moves = _moves(rng, n_reps, start, end, hold_s=hold_s, tempo=tempo)
    duration_s = sum(m.duration_s for m in moves)
    steps = np.full(int(duration_s * rate_hz * 1.2), 1 / rate_hz)
    t = np.cumsum(steps * (1 + rng.uniform(-0.05, 0.05, steps.size)))
    t = t[t < duration_s] - t[0]
    pitch = np.empty(t.size)
    extra = np.zeros((t.size, 3))  # world-frame acceleration of walking and jostling
    t0, level = 0.0, moves[0].pitch_deg
    pitch[:] = level
    for move in moves:
        inside = (t >= t0) & (t < t0 + move.duration_s)
        u = (t[inside] - t0) / max(move.duration_s, 1e-9)
        pitch[inside] = level + (move.pitch_deg - level) * (1 - np.cos(np.pi * u)) / 2
        if move.kind == "walk":
            steps_2hz = np.sin(2 * np.pi * 1.8 * t[inside])
            extra[inside] += np.outer(steps_2hz, [0.5, 0.2, 2.5])
            extra[inside] += rng.normal(0, 0.4, (int(inside.sum()), 3))
            pitch[inside] += 8 * np.sin(2 * np.pi * 0.9 * t[inside])
        elif move.kind == "jostle":
            extra[inside] += rng.normal(0, 1.5, (int(inside.sum()), 3))
        t0, level = t0 + move.duration_s, move.pitch_deg
    pitch[t >= t0] = level
    theta = np.deg2rad(pitch)
    rate = np.gradient(theta, t)
    accel = np.gradient(rate, t)
    radius_m = rng.uniform(0.15, 0.35)
    # world: x forward, z up; the phone sits radius_m from the knee towards the hip, the
    # thigh (phone to knee) at ``theta`` above horizontal: its acceleration
    c, s = np.cos(theta), np.sin(theta)
    acc_world = np.column_stack(
        [
            radius_m * (accel * s + rate**2 * c),
            np.zeros_like(theta),
            radius_m * (-accel * c + rate**2 * s),
        ]
    )
    force = acc_world + extra
    if sensors != "acceleration_only":
        force[:, 2] += G_MPS2  # specific force: gravity read as up
    # thigh axes: x along the thigh (fixed in them), turning with the pitch about y
    thigh = np.column_stack(
        [c * force[:, 0] + s * force[:, 2], force[:, 1], -s * force[:, 0] + c * force[:, 2]]
    )
    mount = _rotation(rng.normal(size=3), rng.uniform(0, np.pi))
    growth = rng.uniform(1, 4)
    level_mps2 = rng.uniform(0.02, 0.15) * (
        1 + (growth - 1) * np.clip((t - 5) / max(duration_s - 5, 1), 0, 1)
    )
    acc = thigh @ mount.T + _shaking(rng, t.size, rate_hz) * level_mps2[:, None]
    acc += rng.normal(0, 0.02, acc.shape)
    gyro = None
    if sensors == "gyroscope":
        turning = np.column_stack([np.zeros_like(rate), -rate, np.zeros_like(rate)])
        gyro = turning @ mount.T + rng.normal(0, 0.005, acc.shape)
    recording = Recording(
        t_s=t,
        acc_mps2=acc,
        gyro_rads=gyro,
        gravity_included=sensors != "acceleration_only",
        format="generic",
    )
    return recording, n_reps


@dataclass
class Row:
    start: Start
    end: End
    sensors: Sensors
    sets: int = 0
    exact: int = 0
    missed: list[tuple[int, int, int]] = field(default_factory=list)
    """(seed, true count, count found)"""

    @property
    def exact_pct(self) -> float:
        return 100 * self.exact / max(self.sets, 1)


def survey(seeds: int, *, sensors: tuple[Sensors, ...] = SENSORS) -> list[Row]:
    """Every start x end x sensors, each over ``seeds`` seeds (1, 8, 15, ...)."""
    rows = []
    for start, end, kind in itertools.product(STARTS, ENDS, sensors):
        row = Row(start, end, kind)
        for seed in range(1, 7 * seeds, 7):
            recording, n_reps = simulate(seed, start=start, end=end, sensors=kind)
            found = analyse(recording).set.rep_count
            row.sets += 1
            row.exact += found == n_reps
            if found != n_reps:
                row.missed.append((seed, n_reps, found))
        rows.append(row)
    return rows


def share(rows: list[Row], sensors: Sensors) -> float:
    """Percent of the sets with ``sensors`` counted exactly."""
    picked = [r for r in rows if r.sensors == sensors]
    return 100 * sum(r.exact for r in picked) / max(sum(r.sets for r in picked), 1)


def table(rows: list[Row]) -> str:
    lines = ["| start | end | sensors | sets | reps exact | missed (seed, true, found) |"]
    lines.append("|---|---|---|---|---|---|")
    for r in rows:
        missed = ", ".join(map(str, r.missed[:4])) + (" ..." if len(r.missed) > 4 else "")
        lines.append(
            f"| {r.start} | {r.end} | {r.sensors} | {r.sets} | {r.exact_pct:.0f} % | {missed} |"
        )
    for kind in sorted({r.sensors for r in rows}, key=SENSORS.index):
        lines.append(f"| all | | {kind} | | {share(rows, kind):.1f} % | |")
    return "\n".join(lines)
