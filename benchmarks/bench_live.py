"""Benchmark: lifters streaming live sets to the web app at once, on loopback.

Starts ``thrustlab serve`` on a free 127.0.0.1 port (fresh SQLite log, analyses in threads
so the server's CPU is one process; each stream with an address of its own behind a proxy
on loopback, as ``bench_web_load``), signs up one lifter per stream, starts a live set for
each (``POST /api/live``), listens to its events (SSE) and pushes a simulated 100 Hz set
(accelerometer and gyroscope) in real time, one message every 200 ms as Sensor Logger does:
from a client of its own, without the page's sign-in cookie (the phone has none).

Latency: for each rep, from the moment the client sent the message whose samples reach
``LiveConfig.confirm_s`` past the rep's end (the message that confirms it) to the arrival
of its first ``rep`` event (sending time is before arrival: this errs long). CPU: the
server process's user + system time over the streaming window, as a share of the two
cores. Equality: each stream's announced reps against the offline analysis of its samples.

Run: ``python benchmarks/bench_live.py [--lifters 20]``. Exit code 1 if p95 is over budget
(1.0 s for one lifter, 1.5 s for more), the server used half the two cores or more, or a
stream's rep count differs from the offline analysis.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bench_web_load import client_header, p, serving  # the same server and percentile

ONE_P95_BUDGET_S = 1.0
MANY_P95_BUDGET_S = 1.5
CPU_BUDGET_PCT = 50.0
CORES = 2
PERIOD_S = 0.2
START_SPREAD_S = 5.0
"""Lifters start within 5 s of each other (a gym, not a drill)."""
CLIENT_NICENESS = 10
STREAM_TIMEOUT_S = 300.0
PASSWORD = "benchmark password 1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Stream:
    index: int
    messages: list[tuple[float, bytes, float]]
    """(send time from the start, body, last sample time in recording seconds)."""
    offline_reps: int
    sent_at: list[float] = field(default_factory=list)
    first_seen: dict[int, tuple[float, float]] = field(default_factory=dict)
    """rep index -> (arrival time of its first event, its end_s)."""
    errors: list[str] = field(default_factory=list)


def make_stream(index: int) -> Stream:
    from thrustlab.live import replay_messages
    from thrustlab.pipeline import process
    from thrustlab.simulate import scenario, simulate_recordings

    spec = replace(
        scenario("fatigue", seed=100 + index),
        rate_hz=100.0,
        with_gyro=True,
        n_reps=8 + index % 5,  # 8-12 reps: a working set, 40-80 s with the set-up
    )
    recording = simulate_recordings(spec)[0][0]
    pushed = replay_messages(recording, period_s=PERIOD_S, device_id=f"p{index}")
    start_ns = pushed[0][1]["payload"][0]["time"]  # the recording's first sample
    messages = [
        (
            sent_s,
            json.dumps(body).encode(),
            (max(i["time"] for i in body["payload"]) - start_ns) / 1e9,
        )
        for sent_s, body in pushed
    ]
    offline = process([recording], plots=False).findings
    assert offline is not None
    return Stream(index=index, messages=messages, offline_reps=len(offline.reps))


async def sign_in(client: Any, index: int) -> dict[str, str]:
    """Sign a new lifter up (the client keeps the session cookie); the CSRF header its
    POSTs carry."""
    page = await client.get("/signup")
    found = CSRF.search(page.text)
    assert found, "no CSRF token on the sign-up page"
    email = f"live{index}@example.org"
    form = {"email": email, "password": PASSWORD, "role": "lifter", "csrf_token": found.group(1)}
    done = await client.post("/signup", data=form)
    assert done.status_code == 303, done.text
    found = CSRF.search((await client.get("/live")).text)
    assert found, "no CSRF token on the live page"
    return {"X-CSRF-Token": found.group(1)}


async def run_stream(base: str, stream: Stream, delay_s: float) -> None:
    import httpx

    async with (
        httpx.AsyncClient(base_url=base, timeout=30.0, headers=client_header(stream.index)) as page,
        httpx.AsyncClient(timeout=30.0, headers=client_header(stream.index)) as phone,
    ):
        headers = await sign_in(page, stream.index)
        urls = (await page.post("/api/live", headers=headers)).json()
        listener = asyncio.create_task(listen(page, urls["events_url"], stream))
        await asyncio.sleep(delay_s)
        start = time.monotonic()
        for sent_s, body, _last in stream.messages:
            await asyncio.sleep(max(0.0, start + sent_s - time.monotonic()))
            stream.sent_at.append(time.monotonic())
            answer = await phone.post(urls["push_url"], content=body)
            if answer.status_code != 200:
                stream.errors.append(f"push {answer.status_code}: {answer.text[:80]}")
        await asyncio.sleep(2.0)  # the last reps' analysis
        await page.post(f"{urls['state_url']}/end", json={}, headers=headers)
        try:
            await asyncio.wait_for(listener, timeout=30.0)
        except TimeoutError:
            listener.cancel()


async def listen(client: Any, url: str, stream: Stream) -> None:
    async with client.stream("GET", url, timeout=STREAM_TIMEOUT_S) as events:
        kind = ""
        async for line in events.aiter_lines():
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: ") and kind == "rep":
                rep = json.loads(line.removeprefix("data: "))["rep"]
                stream.first_seen.setdefault(rep["index"], (time.monotonic(), rep["end_s"]))
            elif (
                line.startswith("data: ")
                and kind == "status"
                and '"analysis_id":"' in line
                and '"reps":[' not in line
            ):
                return


def latencies(stream: Stream, confirm_s: float) -> list[float]:
    out = []
    for seen_at, end_s in stream.first_seen.values():
        confirming = next(
            (i for i, m in enumerate(stream.messages) if m[2] >= end_s + confirm_s), None
        )
        if confirming is None or confirming >= len(stream.sent_at):
            continue  # confirmed only by the end of the set
        out.append(seen_at - stream.sent_at[confirming])
    return out


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_all(base: str, streams: list[Stream]) -> None:
    rng = random.Random(0)
    await asyncio.wait_for(
        asyncio.gather(*(run_stream(base, s, rng.uniform(0, START_SPREAD_S)) for s in streams)),
        timeout=STREAM_TIMEOUT_S,
    )


def main() -> int:
    from thrustlab.config import LiveConfig

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--lifters", type=int, default=20)
    args = parser.parse_args()
    streams = [make_stream(i) for i in range(args.lifters)]
    with tempfile.TemporaryDirectory(prefix="thrustlab-bench-live-") as folder:
        db_url = f"sqlite:///{Path(folder) / 'web.sqlite3'}"
        with serving(db_url, "--workers", "1", "--threads") as (base, server_pid):
            os.nice(CLIENT_NICENESS)  # the phones are not on the server's CPU: the server first
            cpu_before, wall_before = cpu_s(server_pid), time.monotonic()
            asyncio.run(run_all(base, streams))
            cpu_used = cpu_s(server_pid) - cpu_before
            wall = time.monotonic() - wall_before
    confirm_s = LiveConfig().confirm_s
    all_latencies = [x for s in streams for x in latencies(s, confirm_s)]
    cpu_pct = 100.0 * cpu_used / wall / CORES
    budget = ONE_P95_BUDGET_S if args.lifters == 1 else MANY_P95_BUDGET_S
    counts_differ = [s.index for s in streams if len(s.first_seen) != s.offline_reps]
    errors = [e for s in streams for e in s.errors]
    print(
        f"{args.lifters} lifters streaming 100 Hz sets every {PERIOD_S * 1000:.0f} ms on loopback"
    )
    print(
        f"rep events: {len(all_latencies)}; latency p50 {p(all_latencies, 50):.2f} s, "
        f"p95 {p(all_latencies, 95):.2f} s, max {max(all_latencies, default=float('nan')):.2f} s "
        f"(budget p95 {budget:.1f} s)"
    )
    print(
        f"server CPU {cpu_used:.1f} s over {wall:.0f} s: {cpu_pct:.0f} % of {CORES} cores "
        f"(budget {CPU_BUDGET_PCT:.0f} %)"
    )
    print(
        f"rep counts equal to the offline analysis in {len(streams) - len(counts_differ)} of "
        f"{len(streams)} streams; push errors: {len(errors)} {sorted(set(errors))[:3]}"
    )
    over = p(all_latencies, 95) > budget or cpu_pct >= CPU_BUDGET_PCT
    return 1 if over or counts_differ or errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
