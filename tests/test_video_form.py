"""Form checks from keypoints (fake poses with known angles) and the decoder's handling of
rotation, variable frame rate and codecs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("av", reason="the video extra is not installed")
pytest.importorskip("cv2", reason="the video extra is not installed")

from thrustlab.explanation import explain
from thrustlab.findings import Findings, FormMetrics, SetMetrics, SourceSummary
from thrustlab.measurement.reps import RepTiming
from thrustlab.video import pose as kp
from thrustlab.video import probe, synth
from thrustlab.video.config import VideoConfig
from thrustlab.video.decode import frames
from thrustlab.video.form import Track, front_form, side_form

CONFIG = VideoConfig()
REPS = (RepTiming(0.0, 0.4, 0.8, 1.2, 50.0, 0.3), RepTiming(1.2, 1.6, 2.0, 2.4, 50.0, 0.3))


def _track(points: dict[int, tuple[float, float]], *, hip_visible: bool = True) -> Track:
    t = np.linspace(0, 2.4, 25)
    xy = np.zeros((t.size, kp.N_KEYPOINTS, 2))
    vis = np.full((t.size, kp.N_KEYPOINTS), 0.9)
    for index, p in points.items():
        xy[:, index] = p
    if not hip_visible:
        vis[:, [kp.LEFT_HIP, kp.RIGHT_HIP]] = 0.1
    bar = np.tile(np.array(points[kp.LEFT_HIP]), (t.size, 1))
    return Track(t, xy, vis, bar)


def _side(shin_deg: float, hip_lift_px: float) -> dict[int, tuple[float, float]]:
    """Side view at lockout: shoulder, hip and knee on a line (plus a lift of the hip),
    the shin ``shin_deg`` from vertical."""
    knee = (300.0, 200.0)
    shin = 120.0
    ankle = (
        knee[0] + shin * np.sin(np.radians(shin_deg)),
        knee[1] + shin * np.cos(np.radians(shin_deg)),
    )
    points = {
        kp.LEFT_SHOULDER: (100.0, 200.0),
        kp.LEFT_HIP: (200.0, 200.0 - hip_lift_px),
        kp.LEFT_KNEE: knee,
        kp.LEFT_ANKLE: ankle,
    }
    for left, right in ((11, 12), (23, 24), (25, 26), (27, 28)):
        points[right] = points[left]
    return points


def _form_evidence(form: FormMetrics, cause: str) -> set[str]:
    """The features behind ``cause`` when explain reads ``form`` (on an otherwise calm set)."""
    findings = Findings(
        SourceSummary("video", "mp4", 20.0, 30.0),
        (),
        SetMetrics(1, 0.1, 8.0, None, None, None, None, None, None),
        (),
        form=form,
    )
    causes = {c.id: c for c in explain(findings).causes}
    return {e.feature for e in causes[cause].evidence} if cause in causes else set()


def test_good_lockout_raises_no_form_evidence() -> None:
    form, flags = side_form(_track(_side(5.0, 0.0)), REPS, [50.0, 50.0, 50.0], config=CONFIG)
    assert form.shin_from_vertical_deg == pytest.approx(5.0, abs=0.1)
    assert form.hip_extension_deg == pytest.approx(180.0, abs=0.5)
    assert form.knee_angle_deg == pytest.approx(95.0, abs=0.5)
    assert [f.code for f in flags] == []
    assert _form_evidence(form, "form_technique") == set()


def test_bad_lockout_is_form_evidence_in_degrees() -> None:
    form, flags = side_form(_track(_side(25.0, 30.0)), REPS, [50.0, 30.0, 60.0], config=CONFIG)
    assert flags == []  # the angles are measurements; explain judges them
    assert form.shin_from_vertical_deg == pytest.approx(25.0, abs=0.5)
    assert form.lumbar_extension_deg is not None and form.lumbar_extension_deg > 10
    evidence = _form_evidence(form, "form_technique")
    assert {"shin_from_vertical_deg", "lumbar_extension_deg"} <= evidence


def test_sagging_hips_are_incomplete_extension() -> None:
    form, _ = side_form(_track(_side(5.0, -40.0)), REPS, [50.0], config=CONFIG)
    assert form.hip_extension_deg is not None and form.hip_extension_deg < 165
    assert _form_evidence(form, "form_technique") == {"hip_extension_deg"}


def test_hidden_hip_falls_back_to_the_bar() -> None:
    form, flags = side_form(_track(_side(5.0, 0.0), hip_visible=False), REPS, [50.0], config=CONFIG)
    assert form.hip_from_bar and "hip_from_bar" in {f.code for f in flags}


def _front(knee_in_px: float) -> dict[int, tuple[float, float]]:
    """Front view: hips 100 px apart; each knee ``knee_in_px`` inside its ankle."""
    return {
        kp.LEFT_HIP: (250.0, 100.0),
        kp.RIGHT_HIP: (150.0, 100.0),
        kp.LEFT_ANKLE: (260.0, 300.0),
        kp.RIGHT_ANKLE: (140.0, 300.0),
        kp.LEFT_KNEE: (260.0 - knee_in_px, 200.0),
        kp.RIGHT_KNEE: (140.0 + knee_in_px, 200.0),
    }


def test_front_view_knee_valgus() -> None:
    form, flags = front_form(_track(_front(20.0)), REPS, [], config=CONFIG)
    assert form.knee_valgus_left_pct == pytest.approx(20.0)
    assert form.knee_valgus_right_pct == pytest.approx(20.0)
    assert flags == []
    assert "knee_valgus_pct" in _form_evidence(form, "stabilizer_weakness")
    calm, _ = front_form(_track(_front(-5.0)), REPS, [], config=CONFIG)
    assert _form_evidence(calm, "stabilizer_weakness") == set()


def test_front_view_wandering_knees() -> None:
    track = _track(_front(0.0))
    track.xy_px[:, kp.LEFT_KNEE, 0] += 15 * np.sin(np.arange(track.t_s.size) * 1.3)
    form, flags = front_form(track, REPS, [], config=CONFIG)
    assert form.knee_wander_pct is not None and form.knee_wander_pct > 8
    assert flags == []
    assert "knee_wander_pct" in _form_evidence(form, "stabilizer_weakness")


def _stripes(t: float) -> np.ndarray:
    img = np.zeros((48, 64, 3), np.uint8)
    img[:, :16] = 255  # a white band on the left: where it ends up shows the rotation
    img[0:8, :] = (255, 0, 0)
    return img


@pytest.mark.parametrize(
    ("name", "codec"),
    [("a.mp4", "libx264"), ("a.mov", "libx264"), ("a.avi", "libx264"), ("h.mp4", "libx265")],
)
def test_containers_and_codecs(tmp_path: Path, name: str, codec: str) -> None:
    path = synth.write_video(tmp_path / name, _stripes, duration_s=0.25, fps=60.0, codec=codec)
    info = probe(path)
    decoded = list(frames(path))
    assert (info.width_px, info.height_px) == (64, 48)
    assert len(decoded) == 15
    assert decoded[0].rgb[24, 4].mean() > 200 and decoded[0].rgb[24, 40].mean() < 60


def test_rotation_metadata_is_honoured(tmp_path: Path) -> None:
    path = synth.write_video(
        tmp_path / "r.mp4", _stripes, duration_s=0.1, fps=60.0, rotation_deg=90
    )
    info = probe(path)
    assert info.rotation_deg == 90 and (info.width_px, info.height_px) == (64, 48)
    rgb = next(iter(frames(path))).rgb
    assert rgb.shape == (48, 64, 3)
    assert rgb[24, 4].mean() > 200 and rgb[24, 40].mean() < 60 and rgb[2, 40, 0] > 200


def test_variable_frame_rate_timestamps_are_kept(tmp_path: Path) -> None:
    times = np.cumsum(np.r_[0.0, np.tile([1 / 60, 1 / 30, 1 / 120], 6)])
    path = synth.write_video(
        tmp_path / "vfr.mp4", _stripes, duration_s=0.0, fps=60.0, times_s=times
    )
    got = np.array([f.t_s for f in frames(path)])
    assert got.size == times.size
    assert np.allclose(got, times, atol=1.5e-3)


def test_working_size_shrinks_large_frames(tmp_path: Path) -> None:
    path = synth.write_video(tmp_path / "s.mp4", _stripes, duration_s=0.05, fps=60.0)
    assert next(iter(frames(path, max_side_px=32))).rgb.shape == (24, 32, 3)
