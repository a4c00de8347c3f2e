"""Following a set while it is lifted: Sensor Logger's HTTP pushes in, reps and cues out.

A ``LiveSet`` keeps the samples one or two phones (one per thigh, told apart by their
``deviceId``) push while they record, and finds the reps by running the offline pipeline
(``thrustlab.pipeline.process``) on everything received so far: a live rep is what the
analysis of the same samples says, not a second, faster rep finder. A rep is announced once
``LiveConfig.confirm_s`` of samples follows its end; the analysis runs at most every
``analysis_period_s`` and at most ``max_analysis_share`` of the time, so its cost stays
bounded as the buffer grows. Late, repeated and out-of-order messages are expected
(``messageId``); the samples are put in time order before each analysis, and messages that
never arrived are a quality entry.

The samples are kept as Sensor Logger sends them and stored as its JSON export
(``export_json``), which the readers turn into the same ``Recording`` the live analysis used.
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from thrustlab.analysis import Analysis
from thrustlab.config import AnalysisConfig, LiveConfig
from thrustlab.document import to_document
from thrustlab.errors import InputError, ThrustlabError
from thrustlab.quality import QualityFlag
from thrustlab.readers.sensorlogger import recording_from_samples
from thrustlab.recording import Recording
from thrustlab.records import record

__all__ = [
    "LEGS",
    "SENSOR_NAMES",
    "LiveEvent",
    "LiveSet",
    "PushError",
    "PushMessage",
    "lan_address",
    "parse_message",
    "replay_messages",
]

SENSOR_NAMES: Mapping[str, str] = {
    "accelerometer": "Accelerometer",
    "totalacceleration": "TotalAcceleration",
    "gravity": "Gravity",
    "gyroscope": "Gyroscope",
}
"""Sensor Logger's push names (iOS and Android) -> its export's sensor names. Units as in
its exports: m/s2 for the accelerations (iOS ``accelerometer`` without gravity, with
``gravity`` beside it; Android ``totalacceleration`` with it), rad/s for the gyroscope.
Other sensors in a message (location, magnetometer ...) are ignored."""
LEGS = ("left", "right")
Status = Literal["waiting", "live", "ended"]
EventKind = Literal["rep", "cue", "status"]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
DEFAULT_CONFIG = LiveConfig()
MAX_DEVICE_ID_CHARS = 100
MAX_MESSAGE_ID = 2**62


class PushError(InputError):
    """A push message that cannot be used; ``status_code`` is the HTTP answer for it."""

    def __init__(self, message: str, /, *, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


@record
class LiveEvent:
    """Something to tell the lifter: a ``rep`` found (or revised), a ``cue`` to speak, or
    the set's ``status``; ``data`` is JSON-able."""

    kind: EventKind
    data: Mapping[str, Any]


@record
class PushMessage:
    """One checked push: per sensor (export name), the samples' ns times and x, y, z."""

    message_id: int
    device_id: str
    samples: Mapping[str, tuple[list[int], list[tuple[float, float, float]]]]


def parse_message(
    body: bytes, /, *, max_bytes: int = DEFAULT_CONFIG.max_message_bytes
) -> PushMessage:
    """A Sensor Logger push body, checked; ``PushError`` with one line saying what is wrong."""
    if len(body) > max_bytes:
        raise PushError(
            f"the message is over {max_bytes // 1024} kB; set a shorter batch period in "
            "Sensor Logger (200-1000 ms)",
            status_code=413,
        )
    try:
        raw = json.loads(body)
    except (ValueError, RecursionError):
        raise PushError("the message is not JSON; push from Sensor Logger's HTTP Push") from None
    if not isinstance(raw, dict):
        raise PushError('the message must be a JSON object with "messageId" and "payload"')
    message_id = _whole(raw.get("messageId"), below=MAX_MESSAGE_ID)
    device_id, payload = raw.get("deviceId"), raw.get("payload")
    if message_id is None or message_id < 0:
        raise PushError('"messageId" must be a whole number of 0 or more')
    if device_id is None:
        device_id = "phone"
    if not isinstance(device_id, str | int) or len(str(device_id)) > MAX_DEVICE_ID_CHARS:
        raise PushError('"deviceId" must be a short text')
    if not isinstance(payload, list):
        raise PushError('"payload" must be a list of samples')
    samples: dict[str, tuple[list[int], list[tuple[float, float, float]]]] = {}
    for index, item in enumerate(payload):
        sensor = _sensor_of(item)
        if sensor is None:
            continue
        times, values = samples.setdefault(sensor, ([], []))
        times.append(_time_ns(item, index))
        values.append(_xyz(item, index))
    return PushMessage(message_id=message_id, device_id=str(device_id), samples=samples)


def _sensor_of(item: object) -> str | None:
    if not isinstance(item, dict):
        raise PushError('each "payload" entry must be an object with "name", "time", "values"')
    name = item.get("name")
    return SENSOR_NAMES.get(name.lower()) if isinstance(name, str) else None


def _whole(value: object, *, below: int) -> int | None:
    """A JSON whole number (``7`` or ``7.0``) under ``below`` in size; else None."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is not int or abs(value) >= below:
        return None
    return value


def _time_ns(item: dict[str, Any], index: int) -> int:
    value = _whole(item.get("time"), below=2**63)
    if value is None or value <= 0:
        raise PushError(f'payload[{index}]: "time" must be whole nanoseconds since the epoch')
    return value


def _xyz(item: dict[str, Any], index: int) -> tuple[float, float, float]:
    values = item.get("values")
    if not isinstance(values, dict):
        raise PushError(f'payload[{index}]: "values" must be an object with x, y and z')
    out = []
    for axis in "xyz":
        v = values.get(axis)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise PushError(f'payload[{index}]: "values.{axis}" must be a finite number')
        out.append(float(v))
    return out[0], out[1], out[2]


@dataclass(slots=True)
class _Phone:
    """What one phone pushed: per sensor, ns times and x, y, z, in time order up to the last
    ``arrays`` and in arrival order after it (each message's samples as arrays, so the
    buffer is turned into arrays once, not at every analysis)."""

    times: dict[str, list[IntArray]] = field(default_factory=dict)
    values: dict[str, list[FloatArray]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    message_ids: set[int] = field(default_factory=set)
    duplicates: int = 0
    last_ns: dict[str, int] = field(default_factory=dict)

    def add(self, message: PushMessage, *, max_samples: int) -> None:
        for sensor, (times, values) in message.samples.items():
            if self.counts.get(sensor, 0) + len(times) > max_samples:
                raise PushError(
                    "the set has more samples than one set can have; end it and start another",
                    status_code=413,
                )
            self.counts[sensor] = self.counts.get(sensor, 0) + len(times)
            self.times.setdefault(sensor, []).append(np.array(times, dtype=np.int64))
            self.values.setdefault(sensor, []).append(
                np.array(values, dtype=np.float64).reshape(-1, 3)
            )
            if times:
                self.last_ns[sensor] = max(self.last_ns.get(sensor, 0), *times)
        self.message_ids.add(message.message_id)

    def covered_until_ns(self) -> int:
        """The latest time every sensor of this phone has reached (ns since the epoch)."""
        return min(self.last_ns.values()) if self.last_ns else 0

    def arrays(self) -> dict[str, tuple[IntArray, FloatArray]]:
        """Per sensor, the samples in time order (a stable sort: arrival order breaks ties),
        read-only: kept as the sorted start of the next call's buffer."""
        out = {}
        for sensor, chunks in self.times.items():
            t = np.concatenate(chunks)
            v = np.concatenate(self.values[sensor])
            if np.any(t[1:] < t[:-1]):
                order = np.argsort(t, kind="stable")
                t, v = t[order], v[order]
            t.flags.writeable = v.flags.writeable = False
            self.times[sensor], self.values[sensor] = [t], [v]
            out[sensor] = (t, v)
        return out

    def missing_messages(self) -> int:
        """Messages that never arrived between the first and the last received."""
        if not self.message_ids:
            return 0
        return max(self.message_ids) - min(self.message_ids) + 1 - len(self.message_ids)


def export_json(samples: Mapping[str, tuple[IntArray, FloatArray]], /) -> bytes:
    """Samples as Sensor Logger's JSON export (an array of rows with ``sensor``, ``time``
    in ns since the epoch and ``x``, ``y``, ``z``), which the readers read back as is."""
    rows = [
        {"sensor": sensor, "time": int(t), "x": float(v[0]), "y": float(v[1]), "z": float(v[2])}
        for sensor, (times, values) in samples.items()
        for t, v in zip(times.tolist(), values.tolist(), strict=True)
    ]
    return json.dumps(rows, separators=(",", ":")).encode()


class LiveSet:
    """One set being streamed. ``push`` may be called from any thread; ``update`` (the
    analysis) from one thread at a time. ``clock`` is the seam tests turn."""

    def __init__(
        self,
        *,
        config: LiveConfig = DEFAULT_CONFIG,
        analysis: AnalysisConfig | None = None,
        velocity_limit_pct: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        label: str = "live set",
    ) -> None:
        self.config = config
        self.analysis_config = analysis or AnalysisConfig()
        limit = config.velocity_limit_pct if velocity_limit_pct is None else velocity_limit_pct
        low, high = config.velocity_limit_range_pct
        if not low <= limit <= high:
            raise InputError(f"the velocity-loss limit must be {low:g}-{high:g} %, not {limit:g}")
        self.velocity_limit_pct = limit
        self.label = label
        self._clock = clock
        self._lock = threading.Lock()
        self._phones: dict[str, _Phone] = {}
        self._legs: dict[str, str] = {}
        self._status: Status = "waiting"
        self._version = 0  # bumped by every accepted message
        self._analysed_version = -1
        self._last_analysis_at = -math.inf
        self._analysis_cost_s = 0.0
        self._last_push_at = clock()
        self._reps: list[dict[str, Any]] = []
        self._announced: dict[int, dict[str, Any]] = {}  # each rep as last announced
        self._set: dict[str, Any] | None = None
        self._cues: list[dict[str, Any]] = []
        self._quality: list[dict[str, Any]] = []
        self._start_epoch_ns: int | None = None
        self._velocity_step = 0
        self._cued_shaking = False
        self._cued_last = False
        self._analysis: Analysis | None = None
        self._all_confirmed = False
        self._awaited_ns: int | None = None  # when the next rep found will be confirmed

    # --- receiving ------------------------------------------------------------------------
    @property
    def status(self) -> Status:
        return self._status

    def push(self, message: PushMessage, /) -> list[LiveEvent]:
        """Keep a message's samples (a repeat of one already kept is ignored); the events
        it causes at once (the set going live)."""
        with self._lock:
            if self._status == "ended":
                raise PushError("this set has ended; start a new live set", status_code=410)
            phone = self._phones.get(message.device_id)
            if phone is None:
                if len(self._phones) == len(LEGS):
                    raise PushError(
                        "two phones already push to this set (left and right); "
                        "start another live set for a third",
                        status_code=409,
                    )
                phone = self._phones[message.device_id] = _Phone()
                taken = set(self._legs.values())
                self._legs[message.device_id] = next(leg for leg in LEGS if leg not in taken)
            self._last_push_at = self._clock()
            if message.message_id in phone.message_ids:
                phone.duplicates += 1
                return []
            phone.add(message, max_samples=self.config.max_samples)
            self._version += 1
            if self._status == "waiting" and message.samples:
                self._status = "live"
                return [self._status_event()]
        return []

    def has(self, message: PushMessage, /) -> bool:
        """True when this message (phone and ``messageId``) was received before."""
        with self._lock:
            phone = self._phones.get(message.device_id)
            return phone is not None and message.message_id in phone.message_ids

    def assign(self, device_id: str, leg: str, /) -> None:
        """Say which thigh a phone is on (the other phone, if any, takes the other)."""
        if leg not in LEGS:
            raise InputError(f"leg must be left or right, not {leg!r}")
        with self._lock:
            if device_id not in self._phones:
                raise InputError(f"no phone {device_id!r} has pushed to this set")
            other = next((d for d in self._legs if d != device_id), None)
            self._legs[device_id] = leg
            if other is not None:
                self._legs[other] = "right" if leg == "left" else "left"

    # --- analysing ------------------------------------------------------------------------
    def due_in_s(self) -> float | None:
        """Seconds until the next analysis may run (0: now); None when nothing new came."""
        if self._status == "ended" or self._version == self._analysed_version:
            return None
        if self.urgent():
            return 0.0  # the samples that confirm a rep found earlier are here: analyse now
        wait = max(
            self.config.analysis_period_s,
            self._analysis_cost_s / self.config.max_analysis_share,
        )
        return max(0.0, self._last_analysis_at + wait - self._clock())

    def update(self, *, final: bool = False) -> list[LiveEvent]:
        """Analyse the samples received so far (if new ones came): events for the reps now
        confirmed or revised, the cues they call for, and the end after a still spell.
        ``final``: no more samples will come (the set ended), so every rep found counts."""
        from thrustlab.pipeline import process

        with self._lock:
            version = self._version
            samples = [(d, p.arrays()) for d, p in self._phones.items()]
            legs = dict(self._legs)
        if not final and (version == self._analysed_version or self._status == "ended"):
            return []
        started = time.perf_counter()
        self._analysed_version = version
        self._last_analysis_at = self._clock()
        recordings = self._recordings(samples, legs)
        if not recordings:
            return []
        try:
            analysis = process(recordings, config=self.analysis_config, plots=False)
        except ThrustlabError:  # too few samples yet, or none usable: wait for more
            return []
        finally:
            self._analysis_cost_s = time.perf_counter() - started
        self._analysis = analysis
        self._start_epoch_ns = recordings[0].start_epoch_ns
        margin_s = 0.0 if final else self.config.confirm_s
        events = self._rep_events(analysis, confirmed_until_s=recordings[0].duration_s - margin_s)
        events += self._cue_events()
        if not final and self._still_long_enough(recordings[0]):
            events += self.end()
        return events

    def _recordings(
        self,
        samples: list[tuple[str, dict[str, tuple[IntArray, FloatArray]]]],
        legs: dict[str, str],
    ) -> tuple[Recording, ...]:
        by_leg = sorted(samples, key=lambda pair: LEGS.index(legs[pair[0]]))
        out = []
        for device, arrays in by_leg:
            try:
                out.append(recording_from_samples(arrays, path=f"{self.label} ({legs[device]})"))
            except (ThrustlabError, ValueError):  # too few samples of this phone yet
                continue
        return tuple(out)

    def _rep_events(self, analysis: Analysis, *, confirmed_until_s: float) -> list[LiveEvent]:
        document = to_document(analysis)
        confirmed = [rep for rep in document["reps"] if rep["end_s"] <= confirmed_until_s]
        every_rep_confirmed = len(confirmed) == len(document["reps"])
        loss = document["set"]["velocity_loss_pct"] if every_rep_confirmed else None
        events = []
        for rep in confirmed:
            before = self._announced.get(rep["index"])
            if before is None or self._moved(before, rep):
                revised = before is not None
                figures = {"count": len(confirmed), "revised": revised, "velocity_loss_pct": loss}
                self._announced[rep["index"]] = rep
                events.append(LiveEvent("rep", {"rep": rep, **figures}))
        with self._lock:
            self._reps = confirmed
            self._set = document["set"]
            self._quality = document["quality"]
        self._all_confirmed = every_rep_confirmed
        pending = [rep["end_s"] for rep in document["reps"] if rep not in confirmed]
        start_ns = self._start_epoch_ns
        self._awaited_ns = None
        if pending and start_ns is not None:
            self._awaited_ns = start_ns + round((min(pending) + self.config.confirm_s) * 1e9)
        return events

    def urgent(self) -> bool:
        """True when samples that confirm a rep found by the last analysis have come in:
        the next analysis announces a rep (others only refine what is known)."""
        return self._awaited_ns is not None and self._confirmable()

    def _confirmable(self) -> bool:
        """True when the first phone's samples reach the time that confirms a rep found."""
        with self._lock:
            first = next(
                (p for d, p in self._phones.items() if self._legs[d] == LEGS[0]), None
            ) or next(iter(self._phones.values()), None)
            reached = first.covered_until_ns() if first is not None else 0
        return self._awaited_ns is not None and reached >= self._awaited_ns

    def _moved(self, before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
        """A rep already announced is announced again when more samples move an edge by
        ``revise_edge_s`` or its shaking by ``revise_shaking_pct`` from what was announced
        (so small steps cannot add up unannounced)."""
        edges = max(abs(before[k] - after[k]) for k in ("start_s", "end_s"))
        old, new = before["tremor_rms_mps2"], after["tremor_rms_mps2"]
        if old is None or new is None:
            return bool(edges > self.config.revise_edge_s or (old is None) != (new is None))
        shaking_pct = 100 * abs(new - old) / max(old, 1e-9)
        return bool(
            edges > self.config.revise_edge_s or shaking_pct > self.config.revise_shaking_pct
        )

    def _cue_events(self) -> list[LiveEvent]:
        """'shaking rising' once the onset rule holds (``AnalysisConfig.onset_factor``),
        'velocity down N %' at each further ``velocity_cue_step_pct``, and 'last rep' at the
        lifter's limit; velocity cues only when every rep found is confirmed."""
        figures = self._set or {}
        count = len(self._reps)
        cues = []
        onset = figures.get("tremor_onset_rep")
        if not self._cued_shaking and onset is not None and onset <= count:
            self._cued_shaking = True
            cues.append(("shaking", "shaking rising"))
        loss = figures.get("velocity_loss_pct")
        if loss is not None and count >= 2 and self._all_confirmed:
            step = int(loss // self.config.velocity_cue_step_pct)
            if step > self._velocity_step:
                self._velocity_step = step
                cues.append(("velocity", f"velocity down {loss:.0f} %"))
            if loss >= self.velocity_limit_pct and not self._cued_last:
                self._cued_last = True
                cues.append(("last_rep", "last rep"))
        events = []
        for kind, text in cues:
            cue = {"kind": kind, "text": text, "rep": count}
            self._cues.append(cue)
            events.append(LiveEvent("cue", cue))
        return events

    def _still_long_enough(self, recording: Recording) -> bool:
        """True when ``still_end_s`` passed since the later of the last confirmed rep's end
        and the last movement (only after a rep: a lifter may sit still before the set)."""
        if not self._reps:
            return False
        end_s = recording.duration_s
        since = max(self._reps[-1]["end_s"], end_s - self.config.still_end_s - 1.0)
        first = int(np.searchsorted(recording.t_s, since))
        t, acc = recording.t_s[first:], recording.acc_mps2[first:]
        last_move = since
        if t.size:  # per whole second since ``since``: the last one in which the thigh moved
            blocks = np.floor(t - since)
            starts = np.flatnonzero(np.diff(blocks, prepend=-1.0))
            spans = np.maximum.reduceat(acc, starts) - np.minimum.reduceat(acc, starts)
            moved = np.flatnonzero(np.any(spans >= self.config.movement_range_mps2, axis=1))
            if moved.size:
                block_ends = np.append(starts[1:], t.size) - 1
                last_move = float(t[block_ends[moved[-1]]])
        return bool(end_s - last_move >= self.config.still_end_s)

    def tick(self) -> list[LiveEvent]:
        """End a live set whose phones stopped pushing ``still_end_s`` ago (after a rep),
        or any set nobody pushed to for ``max_idle_s``."""
        if self._status == "ended":
            return []
        idle_s = self._clock() - self._last_push_at
        if (self._reps and idle_s >= self.config.still_end_s) or idle_s >= self.config.max_idle_s:
            return self.end()
        return []

    def end(self) -> list[LiveEvent]:
        """End the set: no more pushes are taken."""
        with self._lock:
            if self._status == "ended":
                return []
            self._status = "ended"
            return [self._status_event()]

    # --- reading --------------------------------------------------------------------------
    def exports(self) -> list[tuple[str, bytes]]:
        """Per phone (left first), its leg and its samples as a Sensor Logger JSON export."""
        with self._lock:
            phones = sorted(self._phones.items(), key=lambda p: LEGS.index(self._legs[p[0]]))
            return [(self._legs[d], export_json(p.arrays())) for d, p in phones]

    def recordings(self) -> tuple[Recording, ...]:
        """The recordings of the samples received so far (left first)."""
        with self._lock:
            samples = [(d, p.arrays()) for d, p in self._phones.items()]
            legs = dict(self._legs)
        return self._recordings(samples, legs)

    @property
    def analysis(self) -> Analysis | None:
        """The last analysis of the samples received (None before the first)."""
        return self._analysis

    def state(self) -> dict[str, Any]:
        """``{"status", "reps", "set", "cues", ...}``: reps and set in the JSON contract's
        field names, as far as the set is confirmed."""
        with self._lock:
            phones = [
                {"device_id": d, "leg": self._legs[d], "messages": len(p.message_ids),
                 "duplicates": p.duplicates, "missing": p.missing_messages()}
                for d, p in self._phones.items()
            ]  # fmt: skip
            quality = list(self._quality)
            for phone in phones:
                if phone["missing"]:
                    flag = QualityFlag(
                        "live_missing_messages",
                        "warning",
                        f"{phone['missing']} pushed messages from the {phone['leg']} phone "
                        "never arrived; the set has gaps there",
                    )
                    quality.append({"code": flag.code, "severity": flag.severity,
                                    "message": flag.message})  # fmt: skip
            return {
                "status": self._status,
                "reps": list(self._reps),
                "set": self._set,
                "cues": list(self._cues),
                "quality": quality,
                "phones": phones,
                "velocity_limit_pct": self.velocity_limit_pct,
                "start_epoch_ns": self._start_epoch_ns,
            }

    def _status_event(self) -> LiveEvent:
        return LiveEvent("status", {"status": self._status, "reps": len(self._reps)})


def lan_address() -> str:
    """This machine's address on the local network (the one a phone on the same Wi-Fi
    reaches), found by asking the OS which interface would route outwards: no packet is
    sent. ``127.0.0.1`` when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routed, never answered
            address: str = probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
    return address


def replay_messages(
    recording: Recording,
    /,
    *,
    period_s: float = 0.2,
    device_id: str = "phone",
    epoch_ns: int = 1_750_000_000 * 10**9,
) -> list[tuple[float, dict[str, Any]]]:
    """A recording as the push messages Sensor Logger would have sent while recording it,
    each with the time (s from the first sample) it would be sent: every ``period_s``, the
    samples since the previous message. Gravity-included acceleration goes out under the
    Android name (``totalacceleration``), the rest as iOS ``accelerometer``."""
    if period_s <= 0:
        raise InputError("the push period must be positive")
    start_ns = recording.start_epoch_ns if recording.start_epoch_ns is not None else epoch_ns
    times_ns = start_ns + np.round(recording.t_s * 1e9).astype(np.int64)
    acc_name = "totalacceleration" if recording.gravity_included else "accelerometer"
    streams = [(acc_name, recording.acc_mps2)]
    if recording.gyro_rads is not None:
        streams.append(("gyroscope", recording.gyro_rads))
    batch = np.floor(recording.t_s / period_s).astype(np.int64)
    edges = np.flatnonzero(np.diff(batch)) + 1
    messages = []
    for message_id, (lo, hi) in enumerate(
        zip([0, *edges.tolist()], [*edges.tolist(), batch.size], strict=True)
    ):
        payload = [
            {"name": name, "time": int(times_ns[i]),
             "values": dict(zip("xyz", map(float, values[i]), strict=True))}
            for name, values in streams
            for i in range(lo, hi)
        ]  # fmt: skip
        sent_s = float((batch[lo] + 1) * period_s)
        body = {"messageId": message_id, "sessionId": "replay", "deviceId": device_id,
                "payload": payload}  # fmt: skip
        messages.append((sent_s, body))
    return messages
