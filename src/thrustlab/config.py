"""Every threshold, band and cutoff of the analysis, with its unit and the reason for it.

Change a value by building a new config: ``AnalysisConfig(tremor_band_hz=(5.0, 11.0))``.
"""

from __future__ import annotations

from thrustlab.errors import OptionError
from thrustlab.findings import Mode
from thrustlab.records import record

PHONE_NOISE_FLOOR_MPS2 = 0.02
"""0.02 m/s2 (2 mg) of shaking: about twice a phone accelerometer's own noise (about 1 mg).
Below it the noise, not the leg, decides a comparison of two shaking levels."""


GAP_THRESHOLD_S = 0.1
"""A pause in the samples longer than this (or 5 sample intervals, if longer) is a gap, in
the analysis (``AnalysisConfig.gap_threshold_s``) and in what the readers say: a shorter one
is bridged by the resampling's interpolation."""


@record
class AnalysisConfig:
    """The analysis's settings, each with its unit and reason."""

    # Bands ------------------------------------------------------------------------------
    tremor_band_hz: tuple[float, float] = (6.0, 12.0)
    """Main shaking band: physiological and mechanical-reflex tremor of the legs sits at
    about 6-12 Hz, below the hand's 8-12 Hz (PRODUCT.md)."""
    fatigue_band_hz: tuple[float, float] = (3.0, 6.0)
    """Low-frequency shaking that grows with neuromuscular fatigue (PRODUCT.md)."""
    max_band_fraction_of_nyquist: float = 0.8
    """A band edge above 0.8 x Nyquist is clipped, with a quality flag: the anti-alias
    roll-off of phone sensors starts there."""
    welch_window_s: float = 2.5
    """Welch segment length for peak frequencies (PRODUCT.md: 2-3 s windows)."""

    # Timeline ---------------------------------------------------------------------------
    gap_threshold_s: float = GAP_THRESHOLD_S
    """A pause in the samples longer than this (or 5 sample intervals, if longer) is a gap:
    flagged, and left out of every tremor figure."""
    min_duration_s: float = 3.0
    """Shorter recordings cannot hold a rep plus the rest around it."""
    min_rate_hz: float = 2.0
    """Slower recordings are refused: a rep lasts about 2 s, and under two samples a second
    its rise and its fall cannot be told apart (Nyquist for a 1 Hz movement). Below it lies a
    wrong time unit or rate, not a sensor (phones record at 50-500 Hz)."""
    max_rate_hz: float = 10_000.0
    """Faster recordings are refused too: no motion sensor of a phone or a watch samples
    above a few kHz, so above 10 kHz lies a wrong time unit or rate (seconds read as
    microseconds made a 100 Hz file 1e8 Hz, and 0.0 s long)."""
    clip_fraction: float = 0.001
    """More than 0.1 % of samples pinned at the extreme value means the sensor clipped."""

    # Thigh angle and reps ---------------------------------------------------------------
    mode: Mode = "hip_thrust"
    """``hip_thrust``: the thigh rises from a bottom rest to a lockout and back.
    ``cyclic``: any repeated movement (counts cycles, no hip-thrust rules)."""
    analysis_rate_hz: float = 50.0
    """Recordings at about twice this rate or more (a 100 Hz phone's 99.x Hz counts) are
    thinned towards it (anti-aliased): the bands end at 12 Hz and jolts ring at 10-20 Hz,
    all below its 25 Hz Nyquist frequency. Raised automatically to 2.5x the top of a wider
    tremor band."""
    angle_sigma_hz: float = 1.5
    """The thigh angle is smoothed with a Gaussian of 1.5 Hz: a rep's movement (below 1-2 Hz)
    passes, shaking above 4 Hz and 10-20 Hz jolts do not, and nothing rings."""
    angle_crossover_hz: float = 0.2
    """With both gravity and a gyroscope, the angle follows the gyroscope above 0.2 Hz (the
    movement) and gravity below it (the level, over 5 s and more)."""
    angle_rate_hz: float = 50.0
    """Rate at which the thigh angle is followed; far above its 1.5 Hz smoothing."""
    phone_from_knee_m: float = 0.22
    """Without gravity or a gyroscope the angle comes from the acceleration, which scales
    with the phone's distance from the knee (the thigh's pivot in a hip thrust): strapped
    mid-thigh it sits 0.18-0.28 m away, so angles are good to about a third."""
    still_acceleration_mps2: float = 0.03
    """...and is integrated with its speed reset to zero wherever the thigh's smoothed
    acceleration stays under 0.03 m/s2 (a rep's turning reaches 0.1-1 m/s2, a phone's
    noise at those frequencies under 0.01 m/s2)."""
    acceleration_drift_hz: float = 0.03
    """...and what is left of its integration error (a jolt sampled at 50 Hz, a gap in
    the samples, each adds a little speed the resets do not catch) is taken out as the
    angle's Gaussian smoothing of 0.03 Hz (about 5 s wide): reps at 0.1-0.6 Hz keep over
    99 % of their size, a level that drifts by a rep's range over a minute goes. Seeds
    60-139 of the simulator's no-gravity sets: 20 of 80 miscounted without it, 10 with
    0.025-0.035 Hz, 32 of 60 at 0.06 Hz (reps start to shrink)."""
    max_off_plane_deg: float = 10.0
    """A thigh turns about one axis, so gravity, seen from a phone strapped to it, stays on
    one circle; where it strays from one circle by more than 10 degrees the phone is turned in
    the hand (reps are not looked for there)."""
    max_off_axis_rads: float = 0.4
    """...and likewise where the gyroscope turns about other axes at 0.4 rad/s (23 deg/s)
    or more: a hand turns a phone every way at 1-5 rad/s, a strapped phone's other turning
    stays near its noise."""
    max_rep_off_plane_deg: float = 1.0
    """Over a rep itself, gravity seen from a phone strapped to the thigh stays within 1
    degree (RMS) of one great circle: the thigh turns about the hip-to-hip axis and the
    phone's own acceleration (turning about the knee, the hips rising) lies in the same
    plane. A phone turned one way in the hand and back another strays 1-15 degrees. More
    than half of a set's reps must keep to it (a phone slipping on the thigh upsets one)."""
    max_rep_off_axis_fraction: float = 0.1
    """...and the gyroscope turns about other axes at under a tenth of its rate about the
    main one (a strapped phone's other turning is noise, under 2 %; a hand's two turns
    about different axes reach 10-60 %)."""
    max_rep_axis_tilt_deg: float = 30.0
    """...and, with both, the axis it turns about is within 30 degrees of level: a hip thrust
    turns the thigh about the hip-to-hip axis, level within a few degrees while the lifter
    lies on the bench; a phone spun about a steep axis leaves gravity where it is (the
    angle's blend of gyroscope and gravity then swings by itself)."""
    max_rep_acc_off_plane_fraction: float = 0.3
    """...and, with a gyroscope but no gravity in the acceleration, the phone's own slow
    acceleration (turning about the knee: tangential and centripetal) lies in the plane the
    thigh turns in, under 30 % of it along the axis (a strapped phone: under 5 %); a hand
    moves a phone every way as it turns it (50-80 %)."""
    max_return_deg: float = 20.0
    """A rep ends in the posture it started from: the phone's orientation at its start and
    end agree within 20 degrees (the angle from gravity or gyroscope drifts a few). A phone
    turned in the hand one way and back another does not."""
    min_rom_deg: float = 12.0
    """Thigh swings smaller than this are adjustments, not reps (a hip thrust moves the
    thigh 30-50 degrees)."""
    level_tolerance_fraction: float = 0.35
    """A rep's bottom and top must lie within 35 % of the set's range of motion of the set's
    typical bottom and top: set-up and racking movements do not."""
    max_rep_s: float = 15.0
    """A rep lasts at most 15 s: a slow tempo (5 s up, a 1 s hold, 5 s down; 6-1-6 is 13 s)
    or a hold of 10 s at the top; longer swings are set-up. (At 10 s, sets of 5-6 s
    tempos counted no rep; at 20 s, a set-up move joined one set in 100 surveyed.)"""
    min_rep_s: float = 1.3
    """A rep lasts 1.3 s or more, from the moment the thigh starts moving to the moment it
    stops: a walking stride swings the thigh through its 20-40 degrees in 1.0-1.2 s..."""
    quick_rep_fraction: float = 0.75
    """...but in a set whose typical rep (the median) lasts ``min_rep_s`` or more, a quicker
    rep counts when it lasts 75 % of that typical one: a fast set's reps (0.5 s up, no hold,
    0.6-0.8 s down) last 1.1-1.5 s, and its quicker half fell under 1.3 s and split the set
    (2 of 8 such sets counted right). A set-up swing beside a set at 3 s a rep stays out,
    and so do a walk's strides, whose typical stride is under ``min_rep_s``."""
    min_rep_speed_dps: float = 6.0
    """A rep turns the thigh at 6 deg/s or faster at its quickest: tempo work moving the
    thigh 20-25 degrees in 4-5 s peaks near 7-10 deg/s (at 10 deg/s, sets of three-times
    slowed reps lost them: 57 of 72 exact, 66 at 6; the realistic-set survey's held-out sets
    counted the same at both). A gyroscope's drift (under 1 deg/s) stays far below it, and
    a still phone or a body's sway does not swing by ``min_rom_deg``."""
    partial_min_fraction: float = 0.25
    """A rise from the bottom after the last rep counts as a partial (failed) rep when it
    reaches a quarter of the set's range of motion or more; smaller ones are adjustments."""
    min_cycle_swing_rads: float = 0.3
    """Cyclic mode: a cycle turns the phone by 0.3 rad/s (17 deg/s) or more from one
    extreme of its 2 Hz low-passed rate to the other; a still phone's gyroscope noise
    stays near 0.01 rad/s."""
    min_cycle_swing_mps2: float = 0.5
    """Cyclic mode: a cycle swings the 2 Hz low-passed acceleration by 0.5 m/s2 or more (a
    12-degree tilt moves gravity by 2 m/s2); a still phone's noise stays near 0.01 m/s2."""
    partial_below_fraction: float = 0.75
    """A rep reaching under 75 % of the set's typical range of motion is partial (counted
    and flagged): full reps of one set vary by about 10 %."""
    onset_velocity_fraction: float = 0.1
    """A phase starts or ends where the thigh's angular speed crosses 10 % of that phase's
    peak speed (the usual movement-onset rule)."""

    # Tremor -----------------------------------------------------------------------------
    transient_factor: float = 3.0
    """Samples whose short-time amplitude above the movement exceeds 3x its median over the
    surrounding 2.5 s are transients (jolts at the bottom or lockout, thigh-tissue ringing),
    not sustained shaking."""
    transient_margin_s: float = 0.05
    """Extra time masked each side of a transient: its tail below the detection threshold
    (the band-pass itself sees the jolts already faded out, so it adds no ringing)."""
    rest_window_s: float = 8.0
    """Longest stretch of rest before the first rep (baseline) and after the last rep
    (post-set shaking) that is measured."""
    rest_min_s: float = 1.0
    """A rest shorter than this is too short to measure."""
    rest_max_movement_mps2: float = 0.1
    """A phone on a resting thigh moves less than 0.1 m/s2 at 0.5-2.5 Hz (about 10 mg;
    phone noise there is under 0.01 m/s2); sitting up, standing, walking or holding the
    phone move it by 0.5-3 m/s2, and none of that is rest."""
    rest_posture_margin_deg: float = 30.0
    """Rest counts with the thigh within 30 degrees of the set's range: sitting on the floor
    after the set stays within it, standing turns the thigh 60-90 degrees past lockout."""
    post_set_search_s: float = 15.0
    """The rest after the set starts within 15 s of the last rep (sitting up and settling
    take a few seconds)."""
    post_set_end_s: float = 10.0
    """Shaking at the end of the rest after the set is measured over its last 10 s."""
    asymmetry_min_rms_mps2: float = PHONE_NOISE_FLOOR_MPS2
    """Legs are compared only when one shakes at the phone's noise floor or more."""
    onset_factor: float = 2.0
    """Tremor onset: the first rep from which the tremor stays at or above 2x the reference
    (the rest baseline, else the calmest rep)."""
    onset_min_rise_mps2: float = 0.05
    """...and at least 0.05 m/s2 above it, so sensor noise cannot trigger an onset."""

    # Plausible ranges: a figure outside its range is left out (None), with a quality entry
    plausible_tremor_rms_mps2: tuple[float, float] = (0.0, 5.0)
    """Leg shaking, at rest or under load, stays under 5 m/s2 (half a g) RMS; more is
    impacts or movement read as shaking."""
    plausible_rep_rom_deg: tuple[float, float] = (5.0, 90.0)
    """A hip thrust turns the thigh 30-50 degrees (a failed rep from 5); no rep turns it 90
    degrees or more (the thigh cannot pass from the floor beyond lockout): such a swing is
    set-up, standing up or handling."""
    max_thigh_swing_deg: float = 120.0
    """After the last rep of a set of one or two, the thigh goes on past the bottom (sitting
    up) to under 120 degrees below the rep's top before it rests: its pitch spans standing
    (-90) to the knee straight above the hip (+90) and a hip thrust's top lies at -15 to
    +25 degrees, so it has at most about 105 degrees to go that way. A phone turned on in
    the hand swings on by any amount."""
    max_past_bottom_deg: float = 60.0
    """After the last rep the thigh may go on past the reps' bottom (sitting up, lying back)
    by up to 60 degrees: the bottom lies at 35-55 degrees above horizontal and the knee comes
    at most to about 90 (knees to chest). Read the wrong way up, standing or walking (-70 to
    -90) lies 65-115 degrees past the reps' top (-15 to +25), so past the "bottom"."""
    plausible_concentric_s: tuple[float, float] = (0.2, 6.0)
    """The hips rise in 0.2-6 s (a grinding last rep 3-5 s)."""
    plausible_slowdown_pct: tuple[float, float] = (-90.0, 400.0)
    """The concentric's trend over a set stays between 90 % faster and 5x slower."""
    plausible_trend_ratio: tuple[float, float] = (0.02, 50.0)
    """Shaking changes over a set by at most 50x either way (PRODUCT.md's patterns show
    2-10x)."""

    def __post_init__(self) -> None:
        for name in ("tremor_band_hz", "fatigue_band_hz"):
            low, high = getattr(self, name)
            if not 0 < low < high:
                raise OptionError(f"{name} must be two increasing positive frequencies")
        if self.mode not in ("hip_thrust", "cyclic"):
            raise OptionError(f"mode must be 'hip_thrust' or 'cyclic', not {self.mode!r}")


@record
class LiveConfig:
    """How a set streamed from the phone is followed while it happens (``thrustlab.live``)."""

    analysis_period_s: float = 0.5
    """The set is analysed again at most every 0.5 s (a 200-1000 ms push period brings new
    samples 1-5 times a second), so a rep is announced within about 0.5 s of its end."""
    max_analysis_share: float = 0.1
    """...and at most 10 % of the time: a long buffer (cost grows with its samples) waits
    longer between analyses, so 20 lifters at once stay within the server's two cores."""
    confirm_s: float = 1.0
    """A rep is announced once 1 s of samples follows its end: measured on simulated sets,
    the rep's edges then move by at most 0.3 s and its shaking by under 10 % when the rest
    of the set arrives (with no margin, edges moved by up to 1 s)."""
    revise_edge_s: float = 0.2
    revise_shaking_pct: float = 10.0
    """An announced rep is announced again (revised) when later samples move its start or
    end by over 0.2 s or its shaking by over 10 %: the agreement the live and the offline
    analysis of a set must reach; smaller changes only update the set's state."""
    still_end_s: float = 20.0
    """20 s without movement after a rep ends the set (the rest after it is measured on
    the first 8 s and the last 10 s of the rest)."""
    movement_range_mps2: float = 2.0
    """Movement: an axis of the acceleration spans 2 m/s2 or more within a second (the
    thigh turning 12 degrees or more); shaking at rest spans well under 1 m/s2."""
    velocity_cue_step_pct: float = 10.0
    """'velocity down N %' is spoken each time the loss crosses a further 10 %."""
    velocity_limit_pct: float = 30.0
    """'last rep' at 30 % velocity loss unless the lifter sets 20-40 % (the range VBT
    apps offer: 20 % keeps sets far from failure, 40 % nearly reaches it)."""
    velocity_limit_range_pct: tuple[float, float] = (20.0, 40.0)
    max_message_bytes: int = 512 * 1024
    """A push message of 1 s at 500 Hz with four sensors is about 200 kB of JSON."""
    max_messages_per_s: float = 20.0
    """Sensor Logger pushes at most every 200 ms per phone, two phones: 10 a second;
    twice that allows for bursts after a network stall."""
    max_samples: int = 600_000
    """Per phone and sensor: 10 minutes at 1000 Hz; longer is not one set."""
    max_idle_s: float = 900.0
    """A set nobody pushes to for 15 minutes ends (its push URL with it)."""
    max_open_sets: int = 3
    """Live sets one lifter may have open at once (a forgotten tab, a second phone's page);
    more is refused, so nobody can fill the server's memory with empty sets."""
    answers_wait_s: float = 120.0
    """After the set ends the lifter has 2 minutes to answer the after-set questions
    before the set is analysed without them."""

    def __post_init__(self) -> None:
        low, high = self.velocity_limit_range_pct
        if not low <= self.velocity_limit_pct <= high:
            raise OptionError(
                f"the velocity-loss limit must be between {low:g} and {high:g} %, "
                f"not {self.velocity_limit_pct:g}"
            )
