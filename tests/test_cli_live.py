"""``thrustlab live`` as a lifter runs it: push a simulated set to the printed URL, watch
the rep table, and find the recording and the report when 20 s of stillness end the set."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

from thrustlab.live import replay_messages
from thrustlab.pipeline import process
from thrustlab.simulate import scenario, simulate_recordings


def _post(url: str, body: bytes) -> int:
    request = urllib.request.Request(url, data=body, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_live_prints_reps_and_saves_the_set(tmp_path: Path) -> None:
    spec = replace(scenario("calm", seed=6), rest_after_s=25.0, stand_up=False)
    recording = simulate_recordings(spec)[0][0]
    command = [sys.executable, "-m", "thrustlab.cli", "live", "--host", "127.0.0.1",
               "--port", "0", "--out", str(tmp_path)]  # fmt: skip
    process_ = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip
    try:
        assert process_.stdout is not None
        first = process_.stdout.readline()
        assert first.startswith("Push URL: http://127.0.0.1:"), first
        url = first.split("Push URL: ", 1)[1].strip()
        assert _post(url.rsplit("/", 1)[0] + "/wrong", b"{}") == 404
        assert _post(url, b"not json") == 400
        for _sent, message in replay_messages(recording, period_s=0.5):
            if _post(url, json.dumps(message).encode()) == 410:
                break  # the set ended by itself: 20 s still after the last rep
        out, err = process_.communicate(timeout=120)
    finally:
        if process_.poll() is None:
            process_.kill()
            process_.communicate(timeout=30)
    assert process_.returncode == 0, err
    (export,) = tmp_path.glob("live-*-left.json")
    assert list(tmp_path.glob("live-*.html"))
    offline = process([export], plots=False).findings
    assert offline is not None
    rows = re.findall(r"^ +(\d+) +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +", out, flags=re.M)
    assert sorted({int(i) for i in rows}) == [r.index for r in offline.reps]
    assert "Set ended." in out and "Report: " in out
