"""In headless Chromium at a phone's width (390 px) and a desktop's (1280 px): a lifter joins
a team sharing only new sets, edits a set's answers, finds the downloads and the account
deletion, deletes a set after confirming; the coach reads why a row is highlighted. No page
is wider than the screen. Screenshots land in the test's folder (and in
``THRUSTLAB_SCREENSHOT_DIR`` when set)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

from test_web_browser import CHROMIUM, CHROMIUM_ARGS, STEP_TIMEOUT_MS, server  # noqa: F401
from thrustlab.simulate import SimulationSpec, simulate_legs, to_csv_text

WIDTHS = {"phone": 390, "desktop": 1280}
PASSWORD = "a long enough password"


def _fits(page: Any, width: int) -> None:
    """Nothing on the page is wider than the viewport (tables scroll inside their box)."""
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{page.url} is {wide} px wide at {width} px"


def _sign_up(page: Any, url: str, email: str, name: str, role: str = "lifter") -> None:
    page.goto(f"{url}/signup")
    page.fill("input[name=email]", email)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=password]", PASSWORD)
    if role == "coach":
        page.check("input[name=role][value=coach]")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/(upload|team)$"))


def _upload_and_edit(lifter: Any, url: str, files: dict[str, Path], shots: Path) -> str:
    """Upload both legs' recordings, then add sharp pain on the edit page: the verdict
    becomes stop. The analysis page's address."""
    from playwright.sync_api import expect

    lifter.goto(f"{url}/upload")
    lifter.click("text=or one recording per leg")
    lifter.set_input_files("input[name=left]", str(files["left"]))
    lifter.set_input_files("input[name=right]", str(files["right"]))
    lifter.fill("input[name=load]", "120 kg")
    lifter.fill("textarea[name=notes]", "left hip felt odd")
    lifter.click("#upload button[type=submit]")
    lifter.wait_for_url(f"{url}/analyses/*")
    expect(lifter.locator("#job")).to_have_attribute("data-status", "done", timeout=STEP_TIMEOUT_MS)
    job_url = lifter.url
    lifter.click("text=edit the answers and notes")
    expect(lifter.locator("textarea[name=notes]")).to_have_value("left hip felt odd")
    expect(lifter.locator("input[name=load]")).to_have_value("120 kg")
    lifter.select_option("select[name=pain]", "sharp")
    lifter.screenshot(path=shots / "edit-phone.png", full_page=True)
    _fits(lifter, 390)
    lifter.click("#edit button[type=submit]")
    expect(lifter.locator(".ok")).to_contain_text("explained again")
    expect(lifter.locator(".verdict-line b")).to_have_text("stop")
    lifter.goto(f"{url}/account")
    expect(lifter.locator("text=download as CSV")).to_be_visible()
    lifter.screenshot(path=shots / "account-phone.png", full_page=True)
    _fits(lifter, 390)

    return str(job_url)


def test_the_lifters_and_coachs_pages_at_phone_and_desktop_width(
    server: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect, sync_playwright

    (left, right), _ = simulate_legs(SimulationSpec(seed=5, asymmetry_pct=40.0))
    files = {"left": tmp_path / "left.csv", "right": tmp_path / "right.csv"}
    files["left"].write_text(to_csv_text(left))  # type: ignore[arg-type]
    files["right"].write_text(to_csv_text(right))  # type: ignore[arg-type]
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            coach = browser.new_page(viewport={"width": 1280, "height": 900})
            coach.set_default_timeout(STEP_TIMEOUT_MS)
            _sign_up(coach, server, "coach@example.org", "Coach Kim", role="coach")
            coach.goto(f"{server}/team")
            code = coach.locator("#join-code").inner_text()

            lifter = browser.new_page(viewport={"width": 390, "height": 844})
            lifter.set_default_timeout(STEP_TIMEOUT_MS)
            _sign_up(lifter, server, "lifter@example.org", "Lee")
            lifter.goto(f"{server}/team")
            lifter.fill("input[name=code]", code)
            lifter.check("input[name=earlier][value=no]")
            lifter.click("#join button[type=submit]")
            expect(lifter.locator(".team-now")).to_contain_text("only the sets you upload")
            lifter.screenshot(path=shots / "team-lifter-phone.png", full_page=True)
            _fits(lifter, 390)

            job_url = _upload_and_edit(lifter, server, files, shots)
            for label, width in WIDTHS.items():
                coach.set_viewport_size({"width": width, "height": 900})
                coach.goto(f"{server}/team")
                row = coach.locator("tr.attention")
                expect(row.locator("td.why")).to_contain_text("warning sign: Sharp pain")
                expect(row.locator("td.why")).to_contain_text("large asymmetry")
                coach.screenshot(path=shots / f"coach-{label}.png", full_page=True)
                _fits(coach, width)
                coach.click("tr.attention >> text=Lee")
                expect(coach.locator("#needs")).to_contain_text("Asymmetry trend: right leg, ")
                coach.screenshot(path=shots / f"athlete-{label}.png", full_page=True)
                _fits(coach, width)

            lifter.goto(job_url)
            lifter.on("dialog", lambda dialog: dialog.accept())  # "Delete this set?"
            lifter.click("#delete-set button")
            lifter.wait_for_url(f"{server}/history?deleted=1")
            expect(lifter.locator(".ok")).to_contain_text("The set is deleted")
        finally:
            browser.close()
    keep = os.environ.get("THRUSTLAB_SCREENSHOT_DIR")
    if keep:
        for shot in shots.iterdir():
            shutil.copy(shot, Path(keep) / f"web-{shot.name}")
