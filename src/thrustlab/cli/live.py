"""``thrustlab live``: follow one set streamed from Sensor Logger, on a laptop, no accounts.

A small HTTP server takes Sensor Logger's pushes on a secret URL; each rep is printed as it
is confirmed, with the cues; when the set ends (20 s still, or Ctrl+C) the samples are saved
as a Sensor Logger JSON export and analysed like ``thrustlab analyze`` would, report beside.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Annotated, Any

import typer

from thrustlab.errors import OptionError, ThrustlabError

TICK_S = 0.05
"""How often the terminal loop looks for a due analysis (well under its 0.5 s period)."""


def live(
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on: 0.0.0.0 lets a phone on the same Wi-Fi push "
            "(anyone on that network can then reach the push URL; it holds a secret).",
        ),
    ] = "0.0.0.0",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).")] = 8001,
    out: Annotated[Path, typer.Option(help="Folder for the recording and the report.")] = Path("."),
    velocity_limit: Annotated[
        float, typer.Option(help='Say "last rep" at this velocity loss, 20-40 %.')
    ] = 30.0,
) -> None:
    """Follow a set streamed from Sensor Logger (Settings > Data Streaming > HTTP Push, batch
    period 200-1000 ms): reps and cues as they happen; the recording and report at the end."""
    from rich.console import Console

    from thrustlab.live import LiveSet, lan_address

    if not 0 <= port < 65536:
        raise OptionError(f"--port must be between 0 and 65535, not {port}")
    try:
        live_set = LiveSet(velocity_limit_pct=velocity_limit, label="live set")
    except ThrustlabError:
        raise OptionError(
            f"--velocity-limit must be between 20 and 40, not {velocity_limit:g}"
        ) from None
    secret = secrets.token_urlsafe(16)
    try:
        server = ThreadingHTTPServer((host, port), _handler(live_set, secret))
    except OSError as error:
        raise OptionError(
            f"cannot listen on {host}:{port} ({error.strerror}); try --port"
        ) from None
    shown_host = lan_address() if host in ("0.0.0.0", "") else host
    console = Console(highlight=False)
    console.print(f"Push URL: http://{shown_host}:{server.server_address[1]}/push/{secret}")
    console.print("In Sensor Logger: Settings > Data Streaming > HTTP Push, that URL, batch "
                  "period 200-1000 ms; then start recording. Ctrl+C ends the set.")  # fmt: skip
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        try:
            _follow(live_set, console)
        except KeyboardInterrupt:
            console.print("Set ended (Ctrl+C).")
        live_set.end()
        for event in live_set.update(final=True):  # the reps at the very end count too
            console.print(_line(event))
        _save(live_set, out, console)
    finally:  # until the report is saved the phone is told the set ended (410), not cut off
        server.shutdown()
        server.server_close()


def _follow(live_set: Any, console: Any) -> None:
    """Print each confirmed rep and cue until the set ends."""
    console.print("  rep   start s   end s   up s   shaking m/s2")
    while live_set.status != "ended":
        time.sleep(TICK_S)
        events = live_set.tick()
        due = live_set.due_in_s()
        if due is not None and due <= 0:
            events += live_set.update()
        for event in events:
            console.print(_line(event))


def _line(event: Any) -> str:
    data = event.data
    if event.kind == "rep":
        rep = data["rep"]
        shaking = rep["tremor_rms_mps2"]
        again = "  (revised)" if data["revised"] else ""
        shaking_text = "-" if shaking is None else f"{shaking:.3f}"
        return (
            f"  {rep['index']:>3}   {rep['start_s']:>7.2f}   {rep['end_s']:>5.2f}   "
            f"{rep['concentric_s']:>4.2f}   {shaking_text:>12}{again}"
        )
    if event.kind == "cue":
        return f"        >> {data['text']}"
    return f"Set {data['status']}."


def _save(live_set: Any, out: Path, console: Any) -> None:
    from thrustlab.pipeline import process
    from thrustlab.report.html import render_report
    from thrustlab.report.terminal import analysis_view

    exports = live_set.exports()
    if not exports:
        console.print("No samples arrived: nothing to save.")
        return
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for leg, data in exports:
            path = out / f"live-{stamp}-{leg}.json"
            path.write_bytes(data)
            paths.append(path)
        analysis = process(paths)
        report = out / f"live-{stamp}.html"
        report.write_text(render_report(analysis), encoding="utf-8")
    except OSError as error:
        raise OptionError(f"cannot write to --out {out}: {error.strerror}") from None
    console.print(analysis_view(analysis))
    console.print(f"Recording: {', '.join(str(p) for p in paths)}")
    console.print(f"Report: {report}")
    console.print(f"The same analysis again: thrustlab analyze {' '.join(str(p) for p in paths)}")


def _handler(live_set: Any, secret: str) -> type[BaseHTTPRequestHandler]:
    from thrustlab.live import PushError, parse_message

    limit = live_set.config.max_message_bytes

    class Push(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if not secrets.compare_digest(self.path.encode(), f"/push/{secret}".encode()):
                self._answer(404, "no live set with this push URL")
                return
            length = self.headers.get("Content-Length", "")
            if not length.isdigit() or int(length) > limit:
                self._answer(413, f"send a Content-Length of at most {limit} bytes")
                return
            try:
                live_set.push(parse_message(self.rfile.read(int(length)), max_bytes=limit))
            except PushError as error:
                self._answer(error.status_code, str(error))
                return
            self._answer(200, "ok")

        def _answer(self, status: int, message: str) -> None:
            body = json.dumps({"detail": message}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: the table is the output
            return

    return Push
