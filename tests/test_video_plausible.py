"""Honest video values: edited clips are refused, close-ups and clips without a plate say
what they cannot measure, and values no hip thrust can produce are left out with a quality
entry. Rendered videos with known truth, plus a real photograph for the pose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

pytest.importorskip("av", reason="the video extra is not installed")
cv2 = pytest.importorskip("cv2", reason="the video extra is not installed")

from thrustlab.errors import EditedClipError, InputError  # noqa: E402
from thrustlab.measurement.reps import RepTiming  # noqa: E402
from thrustlab.video import FakePoseEstimator, VideoConfig, analyse_video, synth  # noqa: E402
from thrustlab.video import pose as kp  # noqa: E402
from thrustlab.video.analyse import VideoResult  # noqa: E402
from thrustlab.video.cuts import change, thumbnail  # noqa: E402
from thrustlab.video.form import Track, side_form  # noqa: E402

Pose = Callable[[float], kp.Keypoints | None]
SCENE = replace(synth.Scene(), reps=2, left=None, right=None)
DATA = Path(__file__).parent / "data"
PHOTO = DATA / "free_exercise_db_Barbell_Hip_Thrust_1.jpg"


def _run(
    tmp: Path,
    scene: synth.Scene,
    *,
    config: VideoConfig | None = None,
    pose: Callable[[Pose], Pose] | None = None,
) -> VideoResult:
    path = tmp / "set.mp4"
    renderer = synth.render_set(path, scene)
    at = renderer.keypoints if pose is None else pose(renderer.keypoints)
    return analyse_video(path, estimator=FakePoseEstimator(at), config=config or VideoConfig())


def _codes(result: VideoResult) -> set[str]:
    return {q.code for q in result.findings.quality}


def test_a_clip_with_a_cut_is_refused_in_one_line(tmp_path: Path) -> None:
    scene = replace(SCENE, cuts_s=(3.0,))
    with pytest.raises(EditedClipError) as caught:
        _run(tmp_path, scene)
    message = str(caught.value)
    assert message == "the clip has 1 cut (at 3.0 s): film the set in one take"
    assert isinstance(caught.value, InputError) and caught.value.cuts_s == (3.0,)
    assert "\n" not in message


def test_one_take_has_no_cut_even_with_shaking_thighs(tmp_path: Path) -> None:
    result = _run(tmp_path, replace(SCENE, left=synth.Shaking(8.0, 3.0)))
    # the largest frame-to-frame change of a take sits far below the cut threshold
    assert float(result.tracks.change.max()) < VideoConfig().cut_min_change / 10
    assert result.findings.set.rep_count == SCENE.reps


def _photo(name: str) -> npt.NDArray[np.uint8]:
    bgr = cv2.imread(str(DATA / f"free_exercise_db_Barbell_Hip_Thrust_{name}.jpg"))
    assert bgr is not None
    return np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)[:566, :848])  # even, for h264


def test_a_real_jump_cut_is_found_and_a_pan_with_an_exposure_change_is_not(
    tmp_path: Path,
) -> None:
    """Real photographs of one gym: the lifter at the bottom, then at the top (a jump cut
    over the rep, the background unchanged), against one photograph panned 2 px a frame
    while the exposure rises 30 % over the clip (one take)."""
    bottom, top = _photo("0"), _photo("1")
    jump = synth.write_video(
        tmp_path / "jump.mp4", lambda t: bottom if t < 0.5 else top, duration_s=1.0, fps=30.0
    )
    with pytest.raises(EditedClipError, match=r"^the clip has 1 cut \(at 0\.5 s\)"):
        analyse_video(jump, estimator=None)

    def take(t_s: float) -> npt.NDArray[np.uint8]:
        shift = round(60 * t_s)  # 2 px a frame at 30 fps
        frame = np.roll(top, shift, axis=1).astype(np.float64) * (1 + 0.3 * t_s)
        return np.asarray(np.clip(frame, 0, 255).astype(np.uint8))

    one = synth.write_video(tmp_path / "take.mp4", take, duration_s=1.0, fps=30.0)
    result = analyse_video(one, estimator=None)
    assert float(result.tracks.change.max()) < VideoConfig().cut_min_change / 2


def test_change_is_the_share_of_the_picture_that_changed() -> None:
    rng = np.random.default_rng(3)
    picture = rng.integers(0, 255, (90, 160), dtype=np.uint8)
    half = picture.copy()
    half[:, :80] = 255 - half[:, :80]
    assert change(None, thumbnail(picture)) == 0.0
    assert change(thumbnail(picture), thumbnail(picture // 2 + 60)) == 0.0  # exposure only
    assert 0.3 < change(thumbnail(picture), thumbnail(half)) <= 0.6  # about half the cells


def _close_up(keypoints: Pose) -> Pose:
    """The camera on the hips: shoulders and feet outside the picture (where a pose model
    still guesses them, with low visibility)."""

    def at(t_s: float) -> kp.Keypoints:
        found = keypoints(t_s)
        assert found is not None
        xy, vis = found.xy_px.copy(), found.visibility.copy()
        for joint in (kp.LEFT_SHOULDER, kp.RIGHT_SHOULDER, kp.LEFT_ANKLE, kp.RIGHT_ANKLE):
            xy[joint] = (xy[joint][0], 400.0)  # below the 240 px frame
            vis[joint] = 0.1
        return kp.Keypoints(xy, vis)

    return at


def test_a_close_up_counts_no_reps_and_says_why(tmp_path: Path) -> None:
    result = _run(tmp_path, SCENE, pose=_close_up)
    f = result.findings
    assert f.set.rep_count == 0 and f.reps == () and result.thigh_angle_deg is None
    flag = next(q for q in f.quality if q.code == "body_not_in_frame")
    assert flag.severity == "error" and "0 %" in flag.message  # no reps: not measured
    assert f.form is not None and f.form.rom_cv_pct is None  # not measured, never 0


def test_without_a_plate_reps_count_but_bar_speed_is_not_measured(tmp_path: Path) -> None:
    result = _run(tmp_path, replace(SCENE, plate=False))
    f = result.findings
    assert f.set.rep_count == SCENE.reps  # the reps come from the thigh
    assert all(r.rom_deg == pytest.approx(SCENE.thigh_rom_deg, abs=2.0) for r in f.reps)
    assert f.form is not None
    assert f.form.rep_mean_concentric_velocity_mps == (None,) * SCENE.reps
    assert {"plate_not_found", "bar_speed_not_measured", "video_no_scale"} <= _codes(result)
    assert result.m_per_px is None and f.set.tremor_rms_mps2 is None


def test_a_known_scale_without_a_plate_gives_shaking_in_mps2_but_no_bar_speed(
    tmp_path: Path,
) -> None:
    scale = 0.45 / (2 * SCENE.plate_radius_px)  # the plate's scale, given by hand
    scene = replace(SCENE, plate=False, left=synth.Shaking(8.0, 1.5))
    result = _run(tmp_path, scene, config=VideoConfig(scale_m_per_px=scale))
    f = result.findings
    assert f.set.rep_count == SCENE.reps and f.form is not None
    assert f.form.rep_mean_concentric_velocity_mps == (None,) * SCENE.reps
    assert "bar_speed_not_measured" in _codes(result)
    # the shaking is in m/s2 with the scale: (2 pi 8)^2 x 1.5 px / sqrt 2, within 20 %
    truth = (2 * np.pi * 8.0) ** 2 * 1.5 / np.sqrt(2) * scale
    assert f.set.legs is not None
    assert f.set.legs.left.tremor_rms_mps2 == pytest.approx(truth, rel=0.2)


def test_a_bar_speed_no_hip_thrust_reaches_is_left_out(tmp_path: Path) -> None:
    # a wrong scale (1 px = 10 cm) makes the bar rise 6 m in 0.9 s
    result = _run(tmp_path, SCENE, config=VideoConfig(scale_m_per_px=0.1))
    f = result.findings
    assert f.set.rep_count == SCENE.reps
    assert f.form is not None
    assert f.form.rep_mean_concentric_velocity_mps == (None,) * SCENE.reps
    flag = next(q for q in f.quality if q.code == "bar_speed_implausible")
    assert "0.05-2 m/s" in flag.message


def test_a_thigh_swing_no_hip_thrust_makes_is_not_a_rep(tmp_path: Path) -> None:
    # the pose swings the thigh from 30 degrees below level to 90 above it: 120 degrees
    result = _run(tmp_path, replace(SCENE, thigh_rom_deg=120.0))
    f = result.findings
    assert f.set.rep_count == 0
    flag = next(q for q in f.quality if q.code == "no_reps")
    assert "more than a hip thrust turns it (under 90)" in flag.message
    assert "Film the whole set" in flag.message


def _lockout(hip_lift_px: float) -> Track:
    """Shoulder, hip, knee on a line at lockout, the hip lifted by ``hip_lift_px``."""
    t = np.linspace(0, 2.4, 25)
    xy = np.zeros((t.size, kp.N_KEYPOINTS, 2))
    points = {
        kp.LEFT_SHOULDER: (100.0, 200.0),
        kp.LEFT_HIP: (200.0, 200.0 - hip_lift_px),
        kp.LEFT_KNEE: (300.0, 200.0),
        kp.LEFT_ANKLE: (305.0, 320.0),
    }
    for index, p in points.items():
        xy[:, index] = p
    vis = np.full((t.size, kp.N_KEYPOINTS), 0.9)
    return Track(t, xy, vis, np.full((t.size, 2), np.nan))


REPS = (RepTiming(0.0, 0.4, 0.8, 1.2, 40.0, 0.3), RepTiming(1.2, 1.6, 2.0, 2.4, 40.0, 0.3))


def test_an_impossible_hip_extension_is_left_out() -> None:
    # the hip 150 px above the shoulder-knee line reads 293 degrees: 113 past straight
    form, flags = side_form(_lockout(150.0), REPS, [40.0, 40.0], config=VideoConfig())
    assert form.hip_extension_deg is None and form.lumbar_extension_deg is None
    assert form.rep_hip_extension_deg == (None, None)
    codes = [f.code for f in flags]
    assert "joint_angle_implausible" in codes and "lumbar_hyperextension" not in codes
    message = next(f.message for f in flags if f.code == "joint_angle_implausible")
    assert "hip extension 293 degrees in rep 1" in message
    # the shins and knees of the same frames are plausible and kept
    assert form.shin_from_vertical_deg == pytest.approx(2.4, abs=0.1)
    assert form.knee_angle_deg is not None


def test_a_possible_hip_extension_is_kept() -> None:
    form, flags = side_form(_lockout(15.0), REPS, [40.0, 40.0], config=VideoConfig())
    assert form.hip_extension_deg == pytest.approx(360 - 2 * np.degrees(np.arctan(100 / 15)))
    assert "joint_angle_implausible" not in {f.code for f in flags}


def test_real_photo_angles_are_kept_where_plausible_and_left_out_where_not() -> None:
    """A real hip thrust at the top, side view (free-exercise-db). The model places the
    near shin well (vertical, as in the photo) but puts the far knee, hidden by the plate,
    on the plate itself: its knee angle reads about 29 degrees, which no lockout has."""
    pytest.importorskip("mediapipe", reason="the video extra is not installed")
    from thrustlab.video.pose import MediaPipePose

    rgb = cv2.cvtColor(cv2.imread(str(PHOTO)), cv2.COLOR_BGR2RGB)
    with MediaPipePose(static_images=True) as estimator:
        found = estimator.estimate(rgb, t_s=0.0)
    assert found is not None
    n = 5
    track = Track(
        np.linspace(0.0, 1.0, n),
        np.repeat(found.xy_px[None], n, axis=0),
        np.repeat(found.visibility[None], n, axis=0),
        np.full((n, 2), np.nan),
    )
    rep = (RepTiming(0.0, 0.25, 0.75, 1.0, 40.0, 0.2),)
    config = VideoConfig()
    form, flags = side_form(track, rep, [40.0], config=config)
    low, _ = config.shin_range_deg
    assert form.shin_from_vertical_deg is not None and low <= form.shin_from_vertical_deg < 15
    assert form.hip_extension_deg is not None
    assert config.hip_extension_range_deg[0] <= form.hip_extension_deg
    assert form.knee_angle_deg is None
    message = next(f.message for f in flags if f.code == "joint_angle_implausible")
    assert "knee angle" in message and "rep 1" in message


def test_real_photo_whole_body_is_in_frame_and_its_close_up_is_not() -> None:
    """The same real photograph whole, and cut to the upper body and hips (the feet out of
    the picture, as in a close-up shot): only the whole one can give the thigh's angle."""
    pytest.importorskip("mediapipe", reason="the video extra is not installed")
    from thrustlab.video.pose import MediaPipePose
    from thrustlab.video.thigh import body_in_frame
    from thrustlab.video.track import Tracks

    photo = cv2.cvtColor(
        cv2.imread(str(DATA / "free_exercise_db_Barbell_Hip_Thrust_0.jpg")), cv2.COLOR_BGR2RGB
    )
    seen = {}
    with MediaPipePose(static_images=True) as estimator:
        for name, rgb in (("whole", photo), ("close-up", photo[100:400, 250:850])):
            found = estimator.estimate(np.ascontiguousarray(rgb), t_s=0.0)
            assert found is not None, name
            tracks = Tracks(
                t_s=np.zeros(1),
                width_px=rgb.shape[1],
                height_px=rgb.shape[0],
                pose_xy_px=found.xy_px[None],
                pose_visibility=found.visibility[None],
                plate_px=np.full((1, 3), np.nan),
                shift_px=np.full((1, 2, 2), np.nan),
                change=np.zeros(1),
            )
            seen[name] = bool(body_in_frame(tracks, config=VideoConfig())[0])
    assert seen == {"whole": True, "close-up": False}


@pytest.mark.parametrize(
    "options",
    [
        {"cut_min_change": 0.0},
        {"min_body_fraction": 1.5},
        {"bar_speed_range_mps": (2.0, 1.0)},
        {"hip_extension_range_deg": (-10.0, 200.0)},
    ],
)
def test_nonsense_plausibility_options_are_refused(options: dict[str, object]) -> None:
    from thrustlab.errors import OptionError

    with pytest.raises(OptionError):
        VideoConfig(**options)  # type: ignore[arg-type]
