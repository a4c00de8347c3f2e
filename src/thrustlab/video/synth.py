"""Rendered test videos with known truth: a plate moving on a known rep profile and
textured thigh patches shaking at known frequencies (the video twin of ``simulate``).

Used by the tests and the benchmark; everything is drawn from a seed, nothing is read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from thrustlab.records import record
from thrustlab.video import pose as kp

FloatArray = npt.NDArray[np.float64]
UInt8Array = npt.NDArray[Any]
"""Image pixels (uint8; typed loosely, as OpenCV returns them)."""


@record
class Shaking:
    """A thigh patch's oscillation: frequency, peak amplitude (px) along y."""

    freq_hz: float
    amplitude_px: float


@record
class Scene:
    """What to draw. Sizes in pixels; times in seconds."""

    width_px: int = 320
    height_px: int = 240
    fps: float = 60.0
    reps: int = 3
    rest_s: float = 1.0
    concentric_s: float = 0.9
    hold_s: float = 0.5
    eccentric_s: float = 1.2
    rom_px: float = 60.0
    plate_radius_px: float = 40.0
    plate_x_px: float = 110.0
    bottom_y_px: float = 170.0
    slowdown: float = 0.0
    """Each rep's concentric lasts this fraction longer than the one before."""
    thigh_bottom_deg: float = -30.0
    thigh_rom_deg: float = 40.0
    """The thigh turns with the bar: ``thigh_bottom_deg`` (the hip's elevation above the knee)
    at the bottom, ``thigh_rom_deg`` more at lockout."""
    plate: bool = True
    """Draw the plate (False: a set filmed without one in view)."""
    cuts_s: tuple[float, ...] = ()
    """Scene cuts: at each the picture switches to another shot (a darker background)."""
    left: Shaking | None = Shaking(8.0, 1.5)
    right: Shaking | None = Shaking(10.0, 1.0)
    patch_half_px: int = 22
    seed: int = 1

    def concentric(self, rep: int) -> float:
        return self.concentric_s * (1 + self.slowdown) ** rep

    @property
    def duration_s(self) -> float:
        reps = sum(self.concentric(i) + self.hold_s + self.eccentric_s for i in range(self.reps))
        return 2 * self.rest_s + reps

    @property
    def patch_centres_px(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """Centres of the left and right thigh patches."""
        y = self.height_px * 0.4
        return (self.width_px * 0.62, y), (self.width_px * 0.85, y)


def bar_height_px(scene: Scene, t_s: float, /) -> float:
    """Height of the plate's centre above the bottom at ``t_s`` (cosine ramps)."""
    t = t_s - scene.rest_s
    for i in range(scene.reps):
        up = scene.concentric(i)
        if t < 0:
            return 0.0
        if t < up:
            return float(scene.rom_px * 0.5 * (1 - np.cos(np.pi * t / up)))
        t -= up
        if t < scene.hold_s:
            return scene.rom_px
        t -= scene.hold_s
        if t < scene.eccentric_s:
            return float(scene.rom_px * 0.5 * (1 + np.cos(np.pi * t / scene.eccentric_s)))
        t -= scene.eccentric_s
    return 0.0


def _texture(rng: np.random.Generator, shape: tuple[int, int], blur: float) -> UInt8Array:
    import cv2

    noise = rng.uniform(0, 255, size=shape).astype(np.float32)
    smooth = cv2.GaussianBlur(noise, (0, 0), blur)
    smooth = (smooth - smooth.min()) / max(1e-6, float(np.ptp(smooth))) * 200 + 30
    return np.asarray(smooth.astype(np.uint8))


class Renderer:
    """Draws the frames of a ``Scene``."""

    def __init__(self, scene: Scene) -> None:
        rng = np.random.default_rng(scene.seed)
        self.scene = scene
        background = _texture(rng, (scene.height_px, scene.width_px), 6.0) // 3 + 150
        self.background = np.repeat(background[:, :, None], 3, axis=2)
        size = 2 * scene.patch_half_px + 16
        self.patches = [_texture(rng, (size, size), 1.5) for _ in range(2)]
        other = _texture(rng, (scene.height_px, scene.width_px), 3.0) // 4 + 20
        self.other_background = np.repeat(other[:, :, None], 3, axis=2)

    def frame(self, t_s: float) -> UInt8Array:
        import cv2

        s = self.scene
        shot = sum(t_s >= cut for cut in s.cuts_s)
        img = (self.other_background if shot % 2 else self.background).copy()
        for (cx, cy), patch, shaking in zip(
            s.patch_centres_px, self.patches, (s.left, s.right), strict=True
        ):
            dy = 0.0
            if shaking is not None:
                dy = shaking.amplitude_px * np.sin(2 * np.pi * shaking.freq_hz * t_s)
            half = s.patch_half_px
            moved = cv2.warpAffine(
                patch,
                np.array([[1, 0, 0], [0, 1, dy]], dtype=np.float32),
                (patch.shape[1], patch.shape[0]),
                flags=cv2.INTER_CUBIC,
                borderMode=cv2.BORDER_REFLECT,
            )
            inner = moved[8 : 8 + 2 * half, 8 : 8 + 2 * half]
            y0, x0 = int(cy) - half, int(cx) - half
            img[y0 : y0 + 2 * half, x0 : x0 + 2 * half] = inner[:, :, None]
        if not s.plate:
            return np.asarray(img)
        y = s.bottom_y_px - bar_height_px(s, t_s)
        centre = (round(s.plate_x_px * 16), round(y * 16))
        r = s.plate_radius_px
        cv2.circle(img, centre, round(r * 16), (25, 25, 30), -1, cv2.LINE_AA, 4)
        cv2.circle(img, centre, round(r * 0.93 * 16), (70, 70, 80), 2, cv2.LINE_AA, 4)
        cv2.circle(img, centre, round(r * 0.18 * 16), (200, 200, 205), -1, cv2.LINE_AA, 4)
        return np.asarray(img)

    def thigh_deg(self, t_s: float) -> float:
        """The true thigh angle (the hip's elevation above the knee) at ``t_s``."""
        s = self.scene
        return s.thigh_bottom_deg + s.thigh_rom_deg * bar_height_px(s, t_s) / s.rom_px

    def keypoints(self, t_s: float) -> kp.Keypoints:
        """Keypoints of a lifter whose thighs turn with the bar about the shaking patches
        (so the flow regions stay on them); the hip is hidden (visibility 0.2), as behind a
        plate, shoulders level with the bar, ankles below the knees."""
        s = self.scene
        xy = np.zeros((kp.N_KEYPOINTS, 2))
        vis = np.full(kp.N_KEYPOINTS, 0.9)
        bar = np.array([s.plate_x_px, s.bottom_y_px - bar_height_px(s, t_s)])
        theta = np.radians(self.thigh_deg(t_s))
        # thigh_box is centred 70 % of the way hip -> knee with half-size 0.3 |knee-hip|: a
        # thigh 50 px long turning about that point keeps the region on the patch.
        length = 50.0
        knee_to_hip = length * np.array([-np.cos(theta), -np.sin(theta)])  # image y is down
        for (cx, cy), hip, knee, ankle, shoulder in zip(
            s.patch_centres_px,
            (kp.LEFT_HIP, kp.RIGHT_HIP),
            (kp.LEFT_KNEE, kp.RIGHT_KNEE),
            (kp.LEFT_ANKLE, kp.RIGHT_ANKLE),
            (kp.LEFT_SHOULDER, kp.RIGHT_SHOULDER),
            strict=True,
        ):
            centre = np.array([cx, cy])
            xy[hip] = centre + 0.7 * knee_to_hip
            xy[knee] = centre - 0.3 * knee_to_hip
            xy[ankle] = xy[knee] + np.array([0.0, 60.0])
            xy[shoulder] = bar + np.array([-90.0, 0.0])
            vis[hip] = 0.2
        return kp.Keypoints(xy, vis)


def write_video(
    path: str | Path,
    draw: Callable[[float], UInt8Array],
    /,
    *,
    duration_s: float,
    fps: float,
    codec: str = "libx264",
    rotation_deg: int = 0,
    times_s: FloatArray | None = None,
) -> Path:
    """Encode frames ``draw(t)`` (RGB) at ``fps`` (or at ``times_s``, for a variable
    frame rate) into ``path``; ``rotation_deg`` is written as display rotation and the
    pixels stored turned the other way, as a phone does."""
    from fractions import Fraction

    import av

    times = np.arange(round(duration_s * fps)) / fps if times_s is None else times_s
    first = draw(0.0)
    k = (rotation_deg // 90) % 4
    stored = np.rot90(first, -k)
    with av.open(str(path), "w") as container:
        stream: Any = container.add_stream(codec, rate=Fraction(round(fps * 1000), 1000))
        stream.width, stream.height = stored.shape[1], stored.shape[0]
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, 90000)
        stream.codec_context.time_base = Fraction(1, 90000)  # keeps variable frame times
        if codec in ("libx264", "libx265"):
            stream.options = {"crf": "16", "preset": "veryfast"}
            if codec == "libx265":
                stream.options["x265-params"] = "log-level=error"
        if rotation_deg:
            stream.set_display_rotation(rotation_deg)
        for t in times:
            rgb = np.ascontiguousarray(np.rot90(draw(float(t)), -k))
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = round(float(t) * 90000)
            frame.time_base = stream.time_base
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return Path(path)


def render_set(
    path: str | Path, scene: Scene, /, *, codec: str = "libx264", rotation_deg: int = 0
) -> Renderer:
    """Write ``scene`` to ``path``; the renderer gives the truth (and fake keypoints)."""
    renderer = Renderer(scene)
    write_video(
        path,
        renderer.frame,
        duration_s=scene.duration_s,
        fps=scene.fps,
        codec=codec,
        rotation_deg=rotation_deg,
    )
    return renderer
