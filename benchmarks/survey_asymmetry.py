"""Survey: the asymmetry index over many two-leg sets (accuracy, not speed).

``tests/test_accuracy.py`` checks about 48 two-leg sets; this survey runs every seed as a
two-leg set with a random true asymmetry of -40..40 %, to give the error's distribution
and the share of sets that miss the 5-point target, with what those sets have in common.
Sets whose true shaking stays under 0.02 m/s^2 on both legs (the index is left out there)
and sets with a wrong rep count are not counted.

Run: ``python benchmarks/survey_asymmetry.py [--sets 400]`` (about two minutes).
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

TARGET_POINTS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=400)
    args = parser.parse_args()
    from thrustlab.measurement import analyse_legs
    from thrustlab.simulate import random_spec, simulate_legs

    errors, misses = [], []
    for seed in range(args.sets):
        asymmetry_pct = float(np.random.default_rng(seed).uniform(-40, 40))
        spec = replace(random_spec(seed), two_legs=True, asymmetry_pct=asymmetry_pct)
        recordings, truth = simulate_legs(spec)
        findings = analyse_legs(*recordings)
        measured, true = findings.set.asymmetry_index_pct, truth.asymmetry_index_pct
        if measured is None or true is None or findings.set.rep_count != truth.n_reps:
            continue
        error = abs(measured - true)
        errors.append(error)
        if error > TARGET_POINTS:
            level = max(truth.left.set_tremor_rms_mps2, truth.right.set_tremor_rms_mps2)
            misses.append(
                f"seed {seed}: {error:.1f} points; {spec.n_reps} reps, {spec.rate_hz:.0f} Hz, "
                f"concentric {spec.concentric_s:.2f} s, shaking {level:.3f} m/s2"
            )
    e = np.array(errors)
    print(
        f"{e.size} sets: error median {np.median(e):.2f}, p90 {np.percentile(e, 90):.2f}, "
        f"p99 {np.percentile(e, 99):.2f} points; within {TARGET_POINTS:g} points: "
        f"{np.mean(e <= TARGET_POINTS):.1%}"
    )
    print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
