"""The live page in headless Chromium: a lifter starts a live set, a simulated phone pushes
to the URL the page shows, the counter reaches the set's rep count and a cue appears; the
lifter ends the set, answers the after-set questions and gets the stored analysis."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

from test_web_browser import CHROMIUM, CHROMIUM_ARGS, STEP_TIMEOUT_MS, server  # noqa: F401
from thrustlab.live import replay_messages
from thrustlab.pipeline import process
from thrustlab.simulate import scenario, simulate_recordings

SPEED = 3.0
"""Pushed three times faster than Sensor Logger would (15 messages a second: within the
push rate limit), so the test takes 20 s instead of a minute."""


def _push_all(url: str, messages: list[tuple[float, dict[str, object]]], errors: list[str]) -> None:
    start = time.monotonic()
    for sent_s, message in messages:
        time.sleep(max(0.0, start + sent_s / SPEED - time.monotonic()))
        request = urllib.request.Request(url, data=json.dumps(message).encode(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10):
                pass
        except (urllib.error.URLError, OSError) as error:
            errors.append(str(error))


def test_the_live_page_counts_the_reps_and_speaks_a_cue(
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=STEP_TIMEOUT_MS)

    recording = simulate_recordings(replace(scenario("fatigue", seed=3), slowdown_pct=50.0))[0][0]
    offline = process([recording], plots=False).findings
    assert offline is not None
    messages = replay_messages(recording, period_s=0.2)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.goto(f"{server}/signup")
            page.fill("input[name=email]", "live.lifter@example.org")
            page.fill("input[name=password]", "a long enough password")
            page.click("button[type=submit]")
            page.wait_for_url(f"{server}/upload")
            page.click("text=Live set")
            page.click("#live-start button[type=submit]")
            page.wait_for_url(f"{server}/live/*")
            expect(page.locator("#count")).to_have_text("0")
            expect(page.locator("#connect .error")).to_contain_text("--host 0.0.0.0")
            push_url = page.locator("#push-url").inner_text().strip()
            assert push_url.startswith(f"{server}/api/live/")
            errors: list[str] = []
            pusher = threading.Thread(target=_push_all, args=(push_url, messages, errors))
            pusher.start()
            expect(page.locator("#status")).to_have_text("live")
            expect(page.locator("#count")).to_have_text(str(len(offline.reps)))
            expect(page.locator("#cues li").first).to_be_visible()
            expect(page.locator("#bars .live-bar")).to_have_count(len(offline.reps))
            page.click("#mute")
            expect(page.locator("#mute")).to_have_attribute("aria-pressed", "true")
            page.screenshot(path=tmp_path / "live-counting.png")
            pusher.join(timeout=120)
            assert not errors, errors[:3]
            page.click("#end")
            expect(page.locator("#after")).to_be_visible()
            page.fill("#after input[name=rpe]", "9")
            page.select_option("#after select[name=pain]", "none")
            page.click("#after button[type=submit]")
            expect(page.locator("#stored")).to_be_visible()
            page.click("#analysis-link")
            page.wait_for_url(f"{server}/analyses/*")
            page.screenshot(path=tmp_path / "live-stored.png")
        finally:
            browser.close()
