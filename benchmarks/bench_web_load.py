"""Benchmark: the web app under load on loopback (50 clients for 30 s by default).

Starts ``thrustlab serve`` on a free 127.0.0.1 port with a fresh SQLite log, behind a
proxy on loopback that names each client by an address of its own (``client_header``:
sign-ups and logins are limited per address, and each client is one lifter's phone), signs
up one lifter per client, then runs the clients concurrently for a fixed time: each views pages
(upload form, history, its newest analysis) with a short pause between requests and uploads
a simulated set every few requests. It prints the p50/p95 latency of page views and of
uploads, waits (bounded) for the queue to drain, and checks in the database that every
accepted upload ended as a stored analysis in the log. Nothing leaves the machine.

Run: ``python benchmarks/bench_web_load.py [--clients 50] [--seconds 30]``.
Exit code 1 if an accepted upload was lost or p95 is over budget.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PAGE_P95_BUDGET_MS = 1000.0
UPLOAD_P95_BUDGET_MS = 3000.0
THINK_S = (0.2, 0.6)
"""Pause between one client's requests (people read pages)."""
UPLOAD_EVERY = 6
"""A client uploads on every sixth request."""
DRAIN_TIMEOUT_S = 600.0
START_TIMEOUT_S = 60.0
PASSWORD = "benchmark password 1"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PROXY = "127.0.0.1"
"""The benchmarks' clients reach the server through a trusted proxy on loopback (``serving``),
which names each client by ``client_header``."""


def client_header(index: int, /) -> dict[str, str]:
    """The header by which the proxy names client ``index``: an address of its own, as a
    lifter's phone has (sign-ups and logins are limited to 10 a minute per address)."""
    return {"X-Forwarded-For": f"10.0.{index // 250}.{index % 250 + 1}"}


@dataclass
class Tally:
    page_ms: list[float] = field(default_factory=list)
    upload_ms: list[float] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    refused: int = 0
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serving(db_url: str, /, *options: str) -> Iterator[tuple[str, int]]:
    """``thrustlab serve`` on a free loopback port with ``options``, once it answers: its
    address and process id. Stopped on the way out."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "thrustlab.cli", "serve", "--port", str(port),
        "--database-url", db_url, "--trusted-proxies", PROXY, *options,
    ]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        asyncio.run(wait_up(base, server))
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def demo_recording(seed: int) -> bytes:
    from thrustlab.simulate import SimulationSpec, simulate_set, to_csv_text

    recording, _ = simulate_set(SimulationSpec(seed=seed, n_reps=6))
    return to_csv_text(recording).encode()  # type: ignore[arg-type]


async def wait_up(base: str, process: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT_S
    async with httpx.AsyncClient() as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit("the server stopped while starting")
            try:
                if (await client.get(f"{base}/login")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise SystemExit(f"the server did not answer within {START_TIMEOUT_S:.0f} s")


async def sign_up(client: object, index: int) -> None:
    page = await client.get("/signup")  # type: ignore[attr-defined]
    token = CSRF.search(page.text)
    assert token, "no CSRF token on the sign-up page"
    form = {
        "email": f"lifter{index}@example.org",
        "password": PASSWORD,
        "role": "lifter",
        "csrf_token": token.group(1),
    }
    done = await client.post("/signup", data=form)  # type: ignore[attr-defined]
    assert done.status_code == 303, done.text


async def one_client(
    client: object, index: int, recording: bytes, until: float, tally: Tally
) -> None:
    rng = random.Random(index)
    newest: str | None = None
    step = 0
    while time.monotonic() < until:  # bounded: the clock ends it
        step += 1
        try:
            if step % UPLOAD_EVERY == 0:
                newest = await upload(client, recording, tally) or newest
            else:
                pages = ["/upload", "/history"] + ([f"/analyses/{newest}"] if newest else [])
                started = time.perf_counter()
                answer = await client.get(rng.choice(pages))  # type: ignore[attr-defined]
                tally.page_ms.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    tally.errors.append(f"page {answer.status_code}")
        except Exception as error:  # a client error is counted, the run goes on
            tally.errors.append(type(error).__name__)
        await asyncio.sleep(rng.uniform(*THINK_S))


async def upload(client: object, recording: bytes, tally: Tally) -> str | None:
    page = await client.get("/upload")  # type: ignore[attr-defined]
    token = CSRF.search(page.text)
    assert token
    started = time.perf_counter()
    answer = await client.post(  # type: ignore[attr-defined]
        "/upload",
        data={"csrf_token": token.group(1), "load": "100 kg", "reps": "6", "rpe": "8"},
        files={"file": ("set.csv", recording, "text/csv")},
    )
    tally.upload_ms.append((time.perf_counter() - started) * 1000)
    if answer.status_code == 303:
        job_id = answer.headers["location"].rsplit("/", 1)[-1]
        tally.accepted.append(job_id)
        return str(job_id)
    tally.refused += 1
    return None


async def run_load(base: str, clients: int, seconds: float, tally: Tally) -> None:
    import httpx

    recordings = [demo_recording(seed) for seed in range(4)]
    limits = httpx.Limits(max_connections=2)
    sessions = [
        httpx.AsyncClient(base_url=base, timeout=120, limits=limits, headers=client_header(i))
        for i in range(clients)
    ]
    try:
        for index, client in enumerate(sessions):
            await sign_up(client, index)
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(
                one_client(client, i, recordings[i % len(recordings)], until, tally)
                for i, client in enumerate(sessions)
            )
        )
    finally:
        await asyncio.gather(*(client.aclose() for client in sessions))


def wait_stored(db_url: str, job_ids: list[str]) -> tuple[int, int, float]:
    """(stored, failed) among ``job_ids`` once none is queued or running; seconds waited."""
    from sqlalchemy import create_engine, select

    from thrustlab.log.models import Analysis
    from thrustlab.web.models import Job

    engine = create_engine(db_url)
    started = time.monotonic()
    try:
        while True:
            with engine.connect() as connection:
                rows = connection.execute(
                    select(Job.id, Job.status, Analysis.id)
                    .outerjoin(Analysis, Analysis.set_id == Job.set_id)
                    .where(Job.id.in_(job_ids))
                ).all()
            pending = [r for r in rows if r[1] in ("queued", "running")]
            if not pending or time.monotonic() - started > DRAIN_TIMEOUT_S:
                stored = sum(1 for r in rows if r[1] == "done" and r[2] is not None)
                failed = sum(1 for r in rows if r[1] == "failed")
                return stored, failed, time.monotonic() - started
            time.sleep(0.5)
    finally:
        engine.dispose()


def p(values: list[float], q: int) -> float:
    """The ``q``-th percentile (``nan`` with no values)."""
    if not values:
        return float("nan")
    return (
        statistics.quantiles(values, n=100, method="inclusive")[q - 1]
        if len(values) > 1
        else values[0]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2, help="analysis workers of the server")
    args = parser.parse_args()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="thrustlab-bench-web-") as folder:
        db_url = f"sqlite:///{Path(folder) / 'web.sqlite3'}"
        with serving(db_url, "--workers", str(args.workers)) as (base, _):
            started = time.monotonic()
            asyncio.run(run_load(base, args.clients, args.seconds, tally))
            load_s = time.monotonic() - started
            stored, failed, drain_s = wait_stored(db_url, tally.accepted)
    accepted = len(tally.accepted)
    print(
        f"{args.clients} clients for {args.seconds:.0f} s on loopback ({load_s:.0f} s with sign-up)"
    )
    print(
        f"page views: {len(tally.page_ms)}, p50 {p(tally.page_ms, 50):.0f} ms, "
        f"p95 {p(tally.page_ms, 95):.0f} ms (budget {PAGE_P95_BUDGET_MS:.0f} ms)"
    )
    print(
        f"uploads: {len(tally.upload_ms)}, p50 {p(tally.upload_ms, 50):.0f} ms, "
        f"p95 {p(tally.upload_ms, 95):.0f} ms (budget {UPLOAD_P95_BUDGET_MS:.0f} ms)"
    )
    print(
        f"accepted {accepted}, refused {tally.refused}; stored {stored}, failed {failed} "
        f"(queue drained {drain_s:.0f} s after the load); client errors: {len(tally.errors)}"
    )
    lost = accepted - stored
    if lost or tally.errors:
        print(f"LOST {lost} accepted uploads; errors: {sorted(set(tally.errors))[:5]}")
        return 1
    over = p(tally.page_ms, 95) > PAGE_P95_BUDGET_MS or p(tally.upload_ms, 95) > (
        UPLOAD_P95_BUDGET_MS
    )
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
