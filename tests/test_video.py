"""Video analysis on rendered videos with known truth (plate on a known rep profile,
thigh patches shaking at known frequencies); pose comes from the fake estimator."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av", reason="the video extra is not installed")
pytest.importorskip("cv2", reason="the video extra is not installed")

from thrustlab.findings import Findings
from thrustlab.video import (
    FakePoseEstimator,
    VideoConfig,
    analyse_video,
    synth,
)
from thrustlab.video.analyse import VideoResult
from thrustlab.video.draw import bar_path_svg

SCENE = synth.Scene()
TRUE_M_PER_PX = 0.45 / (2 * SCENE.plate_radius_px)


def _run(tmp: Path, scene: synth.Scene, name: str, view: str = "side") -> VideoResult:
    path = tmp / name
    renderer = synth.render_set(path, scene)
    return analyse_video(
        path,
        estimator=FakePoseEstimator(renderer.keypoints),
        config=VideoConfig(view=view),  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def side(tmp_path_factory: pytest.TempPathFactory) -> VideoResult:
    return _run(tmp_path_factory.mktemp("video"), SCENE, "side.mp4")


def _truth_starts(scene: synth.Scene) -> list[float]:
    starts, t = [], scene.rest_s
    for i in range(scene.reps):
        starts.append(t)
        t += scene.concentric(i) + scene.hold_s + scene.eccentric_s
    return starts


def test_reps_are_exact(side: VideoResult) -> None:
    reps = side.findings.reps
    assert len(reps) == SCENE.reps == side.findings.set.rep_count
    for rep, start in zip(reps, _truth_starts(SCENE), strict=True):
        assert rep.start_s == pytest.approx(start, abs=0.05)
        assert rep.concentric_s == pytest.approx(SCENE.concentric_s, rel=0.05)
        assert rep.lockout_s == pytest.approx(SCENE.hold_s, abs=0.08)
        assert rep.eccentric_s == pytest.approx(SCENE.eccentric_s, rel=0.08)


def test_scale_from_the_plate_and_velocity_within_5_pct(side: VideoResult) -> None:
    assert side.m_per_px == pytest.approx(TRUE_M_PER_PX, rel=0.03)
    truth = SCENE.rom_px * TRUE_M_PER_PX / SCENE.concentric_s
    form = side.findings.form
    assert form is not None
    assert len(form.rep_mean_concentric_velocity_mps) == SCENE.reps
    for v in form.rep_mean_concentric_velocity_mps:
        assert v == pytest.approx(truth, rel=0.05)
    assert side.height_unit == "m"


def test_shaking_frequency_and_amplitude_per_leg(side: VideoResult) -> None:
    left, right = side.set_legs
    assert SCENE.left is not None and SCENE.right is not None
    for leg, truth in ((left, SCENE.left), (right, SCENE.right)):
        assert leg.peak_hz == pytest.approx(truth.freq_hz, abs=0.3)
        assert leg.displacement_rms_px == pytest.approx(truth.amplitude_px / np.sqrt(2), rel=0.2)
        acc = (2 * np.pi * truth.freq_hz) ** 2 * truth.amplitude_px / np.sqrt(2) * TRUE_M_PER_PX
        assert leg.acc_rms_mps2 == pytest.approx(acc, rel=0.2)
    s = side.findings.set
    assert s.asymmetry_index_pct is not None and s.asymmetry_index_pct < -15  # left shakes more
    assert s.legs is not None and s.legs.left.tremor_peak_hz == pytest.approx(8.0, abs=0.3)
    for rep in side.findings.reps:
        assert rep.tremor_rms_mps2 is not None and rep.legs is not None


def test_findings_have_the_sensor_shape(side: VideoResult) -> None:
    f = side.findings
    assert isinstance(f, Findings)
    assert f.source.kind == "video" and f.source.sample_rate_hz == pytest.approx(60.0)
    codes = {q.code for q in f.quality}
    assert "hip_from_bar" in codes  # the fake hides the hip, as a plate does
    assert "video_frame_rate_low" not in codes
    assert f.form is not None and f.form.view == "side" and f.form.hip_from_bar


def test_bar_path_svg(side: VideoResult) -> None:
    svg = bar_path_svg(side)
    assert svg.startswith("<svg") and svg.count("<rect") == SCENE.reps and "polyline" in svg


def test_velocity_loss_across_slowing_reps(tmp_path: Path) -> None:
    scene = replace(SCENE, reps=3, slowdown=0.15, left=None, right=None, rest_s=0.8)
    result = _run(tmp_path, scene, "slow.mp4")
    assert result.findings.set.rep_count == 3
    expected = 100 * (1 - 1 / 1.15**2)
    assert result.findings.set.velocity_loss_pct == pytest.approx(expected, abs=4.0)


def test_30_fps_says_shaking_cannot_be_measured(tmp_path: Path) -> None:
    scene = replace(SCENE, fps=30.0, reps=2)
    result = _run(tmp_path, scene, "slow_camera.mp4")
    f = result.findings
    flags = [q for q in f.quality if q.code == "video_frame_rate_low"]
    assert flags and flags[0].severity == "warning" and "30 fps" in flags[0].message
    assert f.set.tremor_rms_mps2 is None and f.set.tremor_peak_hz is None
    assert f.set.rep_count == 2  # reps and bar speed still work


def test_no_plate_no_scale_front_view(tmp_path: Path) -> None:
    scene = replace(SCENE, reps=2)
    result = _run(tmp_path, scene, "front.mp4", view="front")
    codes = {q.code for q in result.findings.quality}
    assert "video_no_scale" in codes
    assert result.m_per_px is None and result.findings.set.tremor_rms_mps2 is None
    left, _ = result.set_legs
    assert left.peak_hz == pytest.approx(8.0, abs=0.3) and left.displacement_rms_px is not None


def test_without_pose_the_plate_still_gives_reps_and_speed(tmp_path: Path) -> None:
    scene = replace(SCENE, reps=2, left=None, right=None)
    path = tmp_path / "nopose.mp4"
    synth.render_set(path, scene)
    nobody = FakePoseEstimator(lambda t: None)
    result = analyse_video(path, estimator=nobody, config=VideoConfig(view="side"))
    f = result.findings
    assert f.set.rep_count == 2
    assert {"pose_not_found", "rom_deg_unmeasured"} <= {q.code for q in f.quality}
    assert f.set.tremor_rms_mps2 is None and all(r.rom_deg == 0.0 for r in f.reps)


def test_pipeline_video_with_progress_and_annotation(tmp_path: Path) -> None:
    from rich.console import Console

    from thrustlab.cli.progress import progress_bar
    from thrustlab.errors import OptionError
    from thrustlab.pipeline import VideoOptions, is_video_file, process
    from thrustlab.video import probe

    scene = replace(SCENE, reps=1, rest_s=0.6)
    path = tmp_path / "set.mov"
    renderer = synth.render_set(path, scene)
    assert is_video_file(path) and not is_video_file(tmp_path / "x.csv")
    out = tmp_path / "annotated.mp4"
    console = Console(file=__import__("io").StringIO(), force_terminal=False)
    options = VideoOptions(
        view="side", annotate_path=out, estimator=FakePoseEstimator(renderer.keypoints)
    )
    with progress_bar(console) as progress:
        analysis = process([path], video=options, progress=progress)
    assert analysis.findings is not None and analysis.findings.set.rep_count == 1
    info = probe(out)
    assert (info.width_px, info.height_px) == (scene.width_px, scene.height_px)
    with pytest.raises(OptionError):
        process([path], video=VideoOptions(view="top"))


def test_explain_reads_video_findings_and_form_codes(side: VideoResult) -> None:
    from thrustlab.explanation import explain
    from thrustlab.quality import QualityFlag

    plain = explain(side.findings)
    assert plain.verdict in ("normal", "caution", "stop")
    flagged = replace(
        side.findings,
        quality=(
            *side.findings.quality,
            QualityFlag("shins_not_vertical", "warning", "Shins 25 degrees from vertical."),
        ),
    )
    causes = {c.id: c for c in explain(flagged).causes}
    assert "form_technique" in causes
