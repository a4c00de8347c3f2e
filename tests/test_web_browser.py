"""End to end in a real headless Chromium: ``thrustlab serve`` on a free loopback port, and a
new lifter who signs up, uploads the demo recording, reads the report and sees the history.

Chromium is Debian's package (``.ci/run`` installs it); Playwright drives it through
``executable_path`` and never downloads a browser. Screenshots land in the test's folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from thrustlab.simulate import SimulationSpec, simulate_set, to_csv_text

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
START_TIMEOUT_S = 60.0
STEP_TIMEOUT_MS = 60_000


def _chromium_or_skip() -> None:
    pytest.importorskip("fastapi", reason="the web extra is not installed")
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser test")
        pytest.skip("Chromium is not installed (apt-get install chromium)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None, log_name: str = "server.log"
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``thrustlab serve`` on a free loopback port with the SQLite log in ``tmp_path`` and
    ``args`` added; the process and its URL once it answers. Always stopped (if still up)."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / log_name
    command = [
        sys.executable, "-m", "thrustlab.cli", "serve", "--port", str(port), "--workers", "1",
        "--database-url", f"sqlite:///{tmp_path / 'web.sqlite3'}", *args,
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/login", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        log.flush()
                        pytest.fail("the server did not start: " + log_path.read_text())
                    time.sleep(0.2)
            yield process, url
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """``thrustlab serve`` on a free loopback port with its own SQLite log; always stopped."""
    _chromium_or_skip()
    with running_server(tmp_path) as (_process, url):
        yield url


def test_a_new_lifter_signs_up_uploads_and_reads_report_and_history(
    server: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    recording, _ = simulate_set(SimulationSpec(seed=11))
    demo = tmp_path / "demo-set.csv"
    demo.write_text(to_csv_text(recording))  # type: ignore[arg-type]
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.goto(f"{server}/signup")
            page.fill("input[name=email]", "new.lifter@example.org")
            page.fill("input[name=display_name]", "Nia")
            page.fill("input[name=password]", "a long enough password")
            page.screenshot(path=shots / "1-signup.png")
            page.click("button[type=submit]")
            page.wait_for_url(f"{server}/upload")

            page.set_input_files("input[name=file]", str(demo))
            page.fill("input[name=load]", "100 kg")
            page.fill("input[name=reps]", "10")
            page.fill("input[name=rpe]", "8")
            page.select_option("select[name=warmup_done]", "yes")
            page.screenshot(path=shots / "2-upload.png", full_page=True)
            page.click("#upload button[type=submit]")
            page.wait_for_url(f"{server}/analyses/*")

            expect(page.locator("#job")).to_have_attribute(
                "data-status", "done", timeout=STEP_TIMEOUT_MS
            )
            report = page.frame_locator("iframe.report")
            expect(report.locator("h1").first).to_be_visible()
            expect(report.locator(".chart canvas").first).to_be_visible()  # ran under the CSP
            verdict = page.locator(".verdict-line b").inner_text()
            assert verdict in ("normal", "caution", "stop")
            page.screenshot(path=shots / "3-report.png", full_page=True)
            # the report is part of the page: its frame is as tall as the report, at a
            # phone's width too (no fixed height cutting it off mid-text)
            page.set_viewport_size({"width": 390, "height": 844})
            page.wait_for_timeout(500)
            fitted = (
                "f => [f.getBoundingClientRect().height,"
                " f.contentDocument.documentElement.getBoundingClientRect().height]"
            )
            phone = page.eval_on_selector("iframe.report", fitted)
            # within 4 px: the frame's 1 px border on each side and rounding up to a pixel
            assert phone[1] > 2_000 and abs(phone[0] - phone[1]) <= 4, phone
            page.screenshot(path=shots / "3-report-phone.png", full_page=True)
            page.set_viewport_size({"width": 1000, "height": 900})
            page.wait_for_timeout(500)
            wide = page.eval_on_selector("iframe.report", fitted)
            assert abs(wide[0] - wide[1]) <= 4 and wide[0] < phone[0], (wide, phone)

            page.click("nav >> text=History")
            page.wait_for_url(f"{server}/history")
            expect(page.locator("table.trend")).to_contain_text(verdict)
            expect(page.locator("figure svg").first).to_be_visible()
            page.screenshot(path=shots / "4-history.png", full_page=True)
        finally:
            browser.close()
    for name in ("1-signup", "2-upload", "3-report", "3-report-phone", "4-history"):
        assert (shots / f"{name}.png").stat().st_size > 5_000
    keep = os.environ.get("THRUSTLAB_SCREENSHOT_DIR")
    if keep:
        for shot in shots.iterdir():
            shutil.copy(shot, Path(keep) / f"web-{shot.name}")
