"""Video speed: a 30 s, 720p, 60 fps rendered set analysed in at most 1.5x its duration.

Prints decode-only fps, pose-only fps (MediaPipe on the decoded working frames) and the
whole pipeline's fps (decode + pose + plate + thigh flow + measures), the pipeline's as the
median of 5 runs, whose ratio to the video's duration is the gate (``repeats.py``).
Exit 1 when its median misses the target.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from repeats import MIN_REPEATS, interleaved, ratio

DURATION_S = 30.0
TARGET = 1.5
"""The pipeline may take at most 1.5x the video's duration (median of ``REPEATS`` runs)."""
REPEATS = MIN_REPEATS


def main() -> int:
    from thrustlab.video import VideoConfig, VideoResult, analyse_video, synth
    from thrustlab.video.decode import frames
    from thrustlab.video.pose import MediaPipePose

    scene = synth.Scene(
        width_px=1280,
        height_px=720,
        fps=60.0,
        reps=9,
        rest_s=1.5,
        concentric_s=1.0,
        hold_s=0.6,
        eccentric_s=1.3,
        rom_px=180.0,
        plate_radius_px=120.0,
        plate_x_px=330.0,
        bottom_y_px=520.0,
        patch_half_px=60,
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "set.mp4"
        t0 = time.perf_counter()
        synth.render_set(path, scene)
        print(f"rendered {scene.duration_s:.1f} s of 720p60 in {time.perf_counter() - t0:.1f} s")
        config = VideoConfig()

        t0 = time.perf_counter()
        decoded = list(frames(path, max_side_px=config.max_side_px))
        decode_s = time.perf_counter() - t0
        n = len(decoded)

        every = max(1, round(scene.fps / config.pose_rate_hz))
        with MediaPipePose() as pose:
            t0 = time.perf_counter()
            for frame in decoded[::every]:
                pose.estimate(frame.rgb, t_s=frame.t_s)
            pose_s = time.perf_counter() - t0
        del decoded

        results: list[VideoResult] = []
        with MediaPipePose() as pose:
            runs = interleaved(
                {
                    "pipeline": lambda: results.append(
                        analyse_video(path, estimator=pose, config=config)
                    )
                },
                repeats=REPEATS,
            )["pipeline"]
        result = results[-1]
    duration = n / scene.fps
    pipeline_s = statistics.median(runs)
    over_duration = ratio("pipeline / video duration", runs, [duration] * len(runs))
    pose_frames = len(range(0, n, every))
    print(
        f"frames: {n} ({duration:.1f} s); working size {result.tracks.width_px}x"
        f"{result.tracks.height_px}; pose on every {every}th frame"
    )
    print(f"decode only:   {n / decode_s:7.1f} fps ({decode_s:.1f} s)")
    print(
        f"pose only:     {pose_frames / pose_s:7.1f} fps on the {pose_frames} pose frames "
        f"({pose_s:.1f} s; {n / pose_s:.1f} video frames/s)"
    )
    print(f"pipeline:      {n / pipeline_s:7.1f} fps ({pipeline_s:.1f} s median)")
    # the rendered scene holds no person for the pose model, and reps need the thigh's angle
    # from the pose: 0 is the honest count here (tests/test_video.py counts them with a fake)
    print(f"reps found: {result.findings.set.rep_count} of {scene.reps} (no person in the scene)")
    return 0 if over_duration.judge(at_most=TARGET) else 1


if __name__ == "__main__":
    sys.exit(main())
