"""The analysis on real third-party recordings (../shared/data; licences there).

- SPAR: Apple Watch wrist recordings of shoulder exercises, 20 reps per series, counted in
  the generic cyclic mode (the hip-thrust rules are not bent for them).
- pdkit: smartphone recordings of clinical tremor tasks; postural hand tremor peaks near
  7.5-7.8 Hz.
- ParaDigMa: a wrist watch with the pipeline's tremor label per 4 s window (near 5.5 Hz).
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

from test_read_support import SHARED, shared
from thrustlab.config import AnalysisConfig
from thrustlab.measurement import analyse, tremor_in
from thrustlab.readers import ReadOptions, read


def test_spar_series_count_20_reps_within_one_on_90_percent() -> None:
    index = shared("spar-watch-reps/index.csv")
    rows = list(csv.DictReader(index.read_text().splitlines()))
    cyclic = AnalysisConfig(mode="cyclic")
    counts = []
    ends = []  # the first and the last rep's range, each over the middle reps' median
    over = 0  # reps whose range is over 1.5x their series' median
    for row in rows:
        path = SHARED / "spar-watch-reps" / row["file"]
        recording = read(path, options=ReadOptions(rate_hz=50.0, acc_unit="g"))
        findings = analyse(recording, config=cyclic)
        # a wrist strays 5 g from its mean on 1.2 % of its rows at most: a real accelerometer
        assert "acceleration_unit_unknown" not in {q.code for q in recording.quality}
        counts.append(findings.set.rep_count)
        roms = [rep.rom_deg for rep in findings.reps]
        if len(roms) >= 3:
            ends.append(np.array([roms[0], roms[-1]]) / np.median(roms[1:-1]))
        if len(roms) >= 5:
            over += int(np.sum(np.array(roms) > 1.5 * np.median(roms[1:-1])))
    within = np.mean(np.abs(np.array(counts) - 20) <= 1)
    print(f"\nSPAR: {within:.1%} of {len(counts)} series count 20 +/- 1")
    assert len(counts) == 140
    assert within >= 0.90
    # Most series start and end mid-movement. Measured: 1.16x (first rep) and 1.14x (last)
    # at the 90th percentile, where the blend's wrap of the gyroscope's drift into the ends
    # gave 1.23x and 1.70x (a rep at the end read twice its range). 1.3x: the reps of a
    # series vary by about a fifth among themselves.
    first, last = np.percentile(np.array(ends), 90, axis=0)
    assert first <= 1.3 and last <= 1.3
    # Where the wrist's own acceleration cancels gravity, gravity's angle spun and came back
    # a turn away, and a rep there read up to twice its range: 39 of the 2,749 reps were
    # over 1.5x their series' median; with the gyroscope carrying the angle there, 25. The
    # rest: the wrist's acceleration outweighs gravity (up to 2 g) for longer.
    assert over <= 30


@pytest.mark.parametrize("hand", ["LEFT", "RIGHT"])
def test_pdkit_postural_hand_tremor_peaks_near_7_5_hz(hand: str) -> None:
    folder = shared("pdkit-phone-tremor/2458")
    (path,) = folder.glob(f"T_-_POSTURAL_TREMOR_OF_THE_HANDS_-_{hand}_HAND_*.csv")
    recording = read(path, options=ReadOptions(columns=("time", "ax", "ay", "az", "_")))
    (stats,) = tremor_in(recording, config=AnalysisConfig())
    assert stats.peak_hz is not None
    # the data's description gives 7.5-7.8 Hz; 0.5 Hz either side for a 32 s recording
    assert 7.0 <= stats.peak_hz <= 8.3


def test_pdkit_leg_rest_recordings_shake_less_than_the_postural_hand() -> None:
    folder = shared("pdkit-phone-tremor/2458")
    config = AnalysisConfig()

    def rms(pattern: str) -> float:
        (path,) = folder.glob(pattern)
        recording = read(path, options=ReadOptions(columns=("time", "ax", "ay", "az", "_")))
        (stats,) = tremor_in(recording, config=config)
        assert stats.rms_mps2 is not None
        return stats.rms_mps2

    hand = rms("T_-_POSTURAL_TREMOR_OF_THE_HANDS_-_RIGHT_HAND_*.csv")
    legs = [rms(f"T_-_REST_TREMOR_AMPLITUDE_-_{side}_LEG_*.csv") for side in ("LEFT", "RIGHT")]
    assert max(legs) < hand


def test_paradigma_tremor_windows_peak_where_their_spectrum_does() -> None:
    recording = read(shared("paradigma-watch-tremor/imu_raw.csv"))
    label_file = shared("paradigma-watch-tremor/tremor_predictions_per_window.csv")
    labels = list(csv.DictReader(label_file.read_text().splitlines()))
    windows = tuple(
        (float(row["window_start_s"]), float(row["window_start_s"]) + 4.0)
        for row in labels
        if float(row["pred_tremor_checked"]) == 1.0
    )
    assert len(windows) >= 10
    # the labelled tremor lies below 6 Hz: widen the band, and use the label's 4 s window
    config = AnalysisConfig(
        tremor_band_hz=(3.0, 8.0), fatigue_band_hz=(1.0, 3.0), welch_window_s=4.0
    )
    ours = tremor_in(recording, spans_s=windows, config=config)
    t, rate = recording.t_s, recording.median_rate_hz
    errors = []
    for (start, end), stats in zip(windows, ours, strict=True):
        inside = (t >= start) & (t < end)
        x = recording.acc_mps2[inside] - recording.acc_mps2[inside].mean(axis=0)
        spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))[:, None], n=4096, axis=0)) ** 2
        freqs = np.fft.rfftfreq(4096, 1 / rate)
        band = (freqs >= 3.0) & (freqs <= 8.0)
        reference = freqs[band][np.argmax(spectrum.sum(axis=1)[band])]
        assert stats.peak_hz is not None
        errors.append(abs(stats.peak_hz - reference))
    within = np.mean(np.array(errors) <= 0.5)
    peaks = [s.peak_hz for s in ours if s.peak_hz is not None]
    median = float(np.median(peaks))
    print(
        f"\nParaDigMa: {within:.0%} of {len(errors)} windows within 0.5 Hz; median {median:.2f} Hz"
    )
    # gated transients and Welch averaging move a few weak windows; most must agree
    assert within >= 0.8
    assert 5.0 <= median <= 6.5


@pytest.mark.parametrize("task", ["REST_TREMOR_AMPLITUDE", "POSTURAL_TREMOR_OF_THE_HANDS"])
def test_pdkit_recordings_held_still_give_no_reps_in_either_mode(task: str) -> None:
    """A phone held still on a leg or in a hand (shaking, but no movement) holds no rep and
    no cycle: before issue 12 the cyclic mode counted 1-3 cycles in each of these."""
    paths = sorted(shared("pdkit-phone-tremor/2458").glob(f"T_-_{task}_-_*.csv"))
    assert len(paths) >= 2
    for path in paths:
        recording = read(path, options=ReadOptions(columns=("time", "ax", "ay", "az", "_")))
        for config in (AnalysisConfig(), AnalysisConfig(mode="cyclic")):
            assert analyse(recording, config=config).set.rep_count == 0, (path.name, config.mode)
